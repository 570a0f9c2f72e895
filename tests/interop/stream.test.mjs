// Live streams: messages and new conversations pushed by our node's
// Subscribe* server streams while the receiving client only listens.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createClients, waitFor } from "./lib/clients.mjs";
import { startNode } from "./lib/node_process.mjs";

let node;
let alice, bob, carol;

before(async () => {
  node = await startNode();
  [alice, bob, carol] = await createClients(node, 3);
});

after(async () => {
  await node?.dispose();
});

function collect(stream) {
  const values = [];
  (async () => {
    for await (const value of stream) values.push(value);
  })();
  return values;
}

test("a live stream delivers new messages", async () => {
  const group = await alice.conversations.createGroup([bob.inboxId]);
  await group.sendText("before the stream");
  await bob.conversations.sync();

  const messageStream = await bob.conversations.streamAllMessages();
  const conversationStream = await bob.conversations.stream();
  const streamed = collect(messageStream);
  const conversations = collect(conversationStream);
  try {
    const texts = () => streamed.filter((m) => m.contentType.typeId === "text").map((m) => m.content);
    const sent = [];
    for (let i = 0; i < 5; ++i) {
      const text = `live ${i}`;
      sent.push(await group.sendText(text));
    }
    await waitFor("bob's stream to deliver the 5 texts", () => texts().length >= 5);
    assert.deepEqual(texts(), ["live 0", "live 1", "live 2", "live 3", "live 4"]);
    assert.deepEqual(
      streamed.filter((m) => m.contentType.typeId === "text").map((m) => m.id),
      sent,
    );
    for (const message of streamed) assert.equal(message.conversationId, group.id);

    // A conversation created after the stream opened reaches bob through the
    // welcome stream, and its messages through the stream as well.
    const carolGroup = await carol.conversations.createGroup([bob.inboxId]);
    const carolText = await carolGroup.sendText("from a new group");
    await waitFor("bob's conversation stream to deliver carol's group", () =>
      conversations.some((conversation) => conversation.id === carolGroup.id),
    );
    await waitFor("bob's message stream to deliver carol's text", () => streamed.some((m) => m.id === carolText));
    assert.equal(streamed.find((m) => m.id === carolText).content, "from a new group");
  } finally {
    await messageStream.end();
    await conversationStream.end();
  }
});

test("a conversation's own stream delivers a burst in order to every listener", async () => {
  const group = await alice.conversations.createGroup([bob.inboxId, carol.inboxId]);
  await bob.conversations.sync();
  await carol.conversations.sync();
  const bobGroup = await bob.conversations.getConversationById(group.id);
  const carolGroup = await carol.conversations.getConversationById(group.id);
  const bobStream = await bobGroup.stream();
  const carolStream = await carolGroup.stream();
  const bobSeen = collect(bobStream);
  const carolSeen = collect(carolStream);
  try {
    const ids = [];
    for (let i = 0; i < 10; ++i) ids.push(await group.sendText(`burst ${i}`));
    const textIds = (seen) => seen.filter((m) => m.contentType.typeId === "text").map((m) => m.id);
    await waitFor("both streams to deliver 10 texts", () => textIds(bobSeen).length >= 10 && textIds(carolSeen).length >= 10);
    assert.deepEqual(textIds(bobSeen), ids);
    assert.deepEqual(textIds(carolSeen), ids);
  } finally {
    await bobStream.end();
    await carolStream.end();
  }
});
