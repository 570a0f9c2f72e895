// The node is killed with SIGKILL in the middle of a conversation and
// restarted on the same port and data directory: every client carries on and
// no message whose send was acknowledged is lost.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createClients, syncedConversation, syncedMessages, textsOf, waitFor } from "./lib/clients.mjs";
import { startNode } from "./lib/node_process.mjs";

const kAckedBeforeKill = 12;
const kAckedAfterRestartPerSender = 8;
const kDownMillis = 1_000;
const kDeadlineMillis = 90_000;

let node;
let alice, bob, carol, dave;

before(async () => {
  node = await startNode();
  [alice, bob, carol, dave] = await createClients(node, 4);
});

after(async () => {
  await node?.dispose();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("SIGKILL and restart mid-conversation loses no acknowledged message", async () => {
  // Dave is a member who reads nothing until the end: everything he then sees
  // comes from the node's storage after the crash, not from a client's cache.
  const group = await alice.conversations.createGroup([bob.inboxId, carol.inboxId, dave.inboxId]);
  const bobGroup = await waitFor("bob to see the group", () => syncedConversation(bob, group.id));
  const carolGroup = await waitFor("carol to see the group", () => syncedConversation(carol, group.id));

  // Carol only listens, through a stream that must come back after the restart.
  // (On a restart the SDK first syncs the conversation, so what was sent while
  // the stream was down lands in carol's database, not on the stream.)
  const streamed = new Set();
  let streamRestarts = 0;
  const carolStream = await carolGroup.stream({
    retryDelay: 250,
    retryAttempts: 200,
    onValue: (message) => streamed.add(message.id),
    onRestart: () => ++streamRestarts,
  });
  try {
    await conversationAcrossCrash({ group, bobGroup, streamed, restarts: () => streamRestarts });
  } finally {
    await carolStream.end();
  }

  // New conversations work after the restart as well.
  const dm = await carol.conversations.createDm(alice.inboxId);
  const dmText = await dm.sendText("after the crash");
  await waitFor("alice to read carol's DM", async () =>
    (await syncedMessages(alice, dm.id)).some((message) => message.id === dmText),
  );
});

async function conversationAcrossCrash({ group, bobGroup, streamed, restarts }) {
  const acked = []; // {id, text, phase}
  const failures = [];
  let phase = "before";
  let killing = false; // set just before the SIGKILL: failures before it are real
  let aborted = false;
  const deadline = Date.now() + kDeadlineMillis;
  const ackedAfter = (sender) => acked.filter((m) => m.sender === sender && m.phase === "after").length;

  let inFlight = 0;
  let inFlightAtKill = 0;
  const sender = async (name, conversation) => {
    for (let n = 0; !aborted && ackedAfter(name) < kAckedAfterRestartPerSender && Date.now() < deadline; ++n) {
      const text = `${name} ${n}`;
      const startedIn = phase;
      ++inFlight;
      try {
        const id = await conversation.sendText(text);
        // A send that began before the kill and finished after it is still "before":
        // what matters is that it was acknowledged.
        acked.push({ id, text, sender: name, phase: startedIn === "after" ? "after" : "before" });
      } catch (error) {
        failures.push({
          text,
          phase: startedIn,
          beforeKill: !killing,
          error: error.message.split("\n").find((line) => line.trim()),
        });
        await sleep(100);
      } finally {
        --inFlight;
      }
    }
  };

  const killer = async () => {
    try {
      await crashAndRestart();
    } catch (error) {
      aborted = true; // the senders stop instead of hammering a dead node
      throw error;
    }
  };
  const crashAndRestart = async () => {
    await waitFor("messages before the kill", () => acked.length >= kAckedBeforeKill, { timeoutMs: 30_000, intervalMs: 5 });
    inFlightAtKill = inFlight;
    killing = true;
    await node.kill9();
    phase = "down";
    await sleep(kDownMillis);
    await node.start();
    phase = "after";
  };

  await Promise.all([sender("alice", group), sender("bob", bobGroup), killer()]);
  const summary = {
    acked: acked.length,
    ackedBefore: acked.filter((m) => m.phase === "before").length,
    inFlightAtKill,
    failures: failures.length,
    failureSamples: failures.slice(0, 3),
    streamRestarts: restarts(),
  };
  console.log(`restart summary: ${JSON.stringify(summary)}`);
  // Sends may fail only because of the crash: while the node was being killed,
  // was down, or was in flight across the restart. A send that failed before
  // the kill, or that began once the node was back, is a real failure.
  const unexpected = failures.filter((f) => f.beforeKill || f.phase === "after");
  assert.deepEqual(unexpected, [], `sends failed outside the crash window: ${JSON.stringify(summary)}`);
  assert.ok(ackedAfter("alice") >= kAckedAfterRestartPerSender, `alice carried on: ${JSON.stringify(summary)}`);
  assert.ok(ackedAfter("bob") >= kAckedAfterRestartPerSender, `bob carried on: ${JSON.stringify(summary)}`);

  for (const [name, client] of [["dave", dave], ["alice", alice], ["bob", bob], ["carol", carol]]) {
    const messages = await waitFor(`${name} to have every acknowledged message`, async () => {
      const list = await syncedMessages(client, group.id);
      const ids = new Set(list.map((message) => message.id));
      return acked.every((m) => ids.has(m.id)) ? list : undefined;
    });
    const byId = new Map(messages.map((message) => [message.id, message]));
    for (const m of acked) assert.equal(byId.get(m.id).content, m.text);
    const ids = messages.map((message) => message.id);
    assert.equal(new Set(ids).size, ids.length, `${name} sees no duplicate message`);
    // Each sender's own acknowledged messages stay in the order they were sent.
    for (const who of ["alice", "bob"]) {
      const expected = acked.filter((m) => m.sender === who).map((m) => m.text);
      assert.deepEqual(textsOf(messages).filter((text) => text.startsWith(`${who} `) && expected.includes(text)), expected);
    }
  }

  // The stream that was open across the crash resubscribes and delivers new messages.
  await waitFor("carol's stream to resubscribe", () => restarts() >= 1, { timeoutMs: 30_000 });
  const afterResubscribe = await group.sendText("after the stream came back");
  await waitFor("carol's stream to deliver a new message", () => streamed.has(afterResubscribe));
}
