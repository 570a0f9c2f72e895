// A direct message between two SDK clients through our node.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createClients, syncedMessages, textsOf, waitFor } from "./lib/clients.mjs";
import { startNode } from "./lib/node_process.mjs";

let node;
let alice, bob;

before(async () => {
  node = await startNode();
  [alice, bob] = await createClients(node, 2);
});

after(async () => {
  await node?.dispose();
});

test("a DM works both ways and is the same conversation for both sides", async () => {
  const dm = await alice.conversations.createDm(bob.inboxId);
  assert.equal(dm.peerInboxId, bob.inboxId);
  await dm.sendText("hi bob");

  const bobDm = await waitFor("bob to receive the DM", async () => {
    await bob.conversations.sync();
    return bob.conversations.getDmByInboxId(alice.inboxId);
  });
  assert.equal(bobDm.id, dm.id);
  assert.equal(bobDm.peerInboxId, alice.inboxId);
  await waitFor("bob to read alice's text", async () => textsOf(await syncedMessages(bob, dm.id)).includes("hi bob"));

  await bobDm.sendText("hi alice");
  await waitFor("alice to read bob's answer", async () =>
    textsOf(await syncedMessages(alice, dm.id)).includes("hi alice"),
  );

  // libxmtp keeps one DM per pair of inboxes: asking again finds the same one.
  assert.equal((await alice.conversations.createDm(bob.inboxId)).id, dm.id);
  assert.equal((await bob.conversations.createDm(alice.inboxId)).id, dm.id);
  assert.deepEqual(
    alice.conversations.listDms().map((conversation) => conversation.id),
    [dm.id],
  );

  const aliceView = textsOf(await syncedMessages(alice, dm.id));
  const bobView = textsOf(await syncedMessages(bob, dm.id));
  assert.deepEqual(aliceView, ["hi bob", "hi alice"]);
  assert.deepEqual(bobView, aliceView);
});
