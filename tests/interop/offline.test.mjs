// A client that was closed (its process gone) reopens with the same database
// file and encryption key and catches up on everything it missed.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ReactionAction, ReactionSchema, encodeText } from "@xmtp/node-sdk";
import { Wallet, createClients, syncedConversation, syncedMessages, waitFor } from "./lib/clients.mjs";
import { makeTempDir, startNode } from "./lib/node_process.mjs";

const sessionScript = fileURLToPath(new URL("./lib/client_process.mjs", import.meta.url));
const run = promisify(execFile);

let node;
let alice, bob, dave;
let dbDir;

before(async () => {
  node = await startNode();
  [alice, bob, dave] = await createClients(node, 3);
  dbDir = makeTempDir("offline-db");
});

after(async () => {
  await node?.dispose();
  if (dbDir) rmSync(dbDir, { recursive: true, force: true });
});

async function session(options) {
  const { stdout } = await run(process.execPath, [sessionScript, JSON.stringify({ url: node.url, ...options })], {
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").pop());
}

test("a closed client syncs everything it missed after reopening", async () => {
  const carol = { walletKey: new Wallet().privateKey, dbPath: path.join(dbDir, "carol.db3") };
  const dbKeyHex = randomBytes(32).toString("hex");

  // Session 1: carol registers, then her process ends.
  const first = await session({ ...carol, dbKeyHex });
  assert.ok(existsSync(carol.dbPath));
  assert.deepEqual(first.conversations, []);

  const group = await alice.conversations.createGroup([bob.inboxId, first.inboxId], { groupName: "before" });
  const m1 = await group.sendText("m1");

  // Session 2: carol joins through the welcome waiting on the node and reads m1.
  const second = await session({ ...carol, dbKeyHex });
  assert.equal(second.installationId, first.installationId);
  const joined = second.conversations.find((conversation) => conversation.id === group.id);
  assert.ok(joined, "carol found the group on reopening");
  assert.deepEqual(textsIn(joined), ["m1"]);

  // While carol is closed.
  const m2 = await group.sendText("m2");
  const m3 = await group.sendText("m3");
  const bobGroup = await waitFor("bob to see the group", () => syncedConversation(bob, group.id));
  await bobGroup.sendReaction({
    reference: m2,
    referenceInboxId: alice.inboxId,
    action: ReactionAction.Added,
    content: "🎉",
    schema: ReactionSchema.Unicode,
  });
  const reply = await bobGroup.sendReply({ reference: m3, referenceInboxId: alice.inboxId, content: encodeText("re m3") });
  await bobGroup.sendReadReceipt();
  await group.sync();
  await group.updateName("renamed while carol was away");
  await group.addMembers([dave.inboxId]);
  const m4 = await group.sendText("m4");
  const dm = await alice.conversations.createDm(first.inboxId);
  const dmText = await dm.sendText("dm while offline");

  // The wrong key must not open her database (it is really encrypted with hers).
  await assert.rejects(session({ ...carol, dbKeyHex: randomBytes(32).toString("hex") }));

  // Session 3: same file, same key: everything is there, and she can talk again.
  const third = await session({ ...carol, dbKeyHex, sendTo: group.id, text: "carol is back" });
  assert.equal(third.inboxId, first.inboxId);
  assert.equal(third.installationId, first.installationId, "the reopened client is the same installation");

  const caughtUp = third.conversations.find((conversation) => conversation.id === group.id);
  assert.deepEqual(textsIn(caughtUp), ["m1", "m2", "m3", "m4", "carol is back"]);
  const byId = new Map(caughtUp.messages.map((message) => [message.id, message]));
  assert.ok(byId.has(m1) && byId.has(m2) && byId.has(m3) && byId.has(m4), "message ids agree across clients");
  assert.deepEqual(byId.get(m2).reactions, [{ sender: bob.inboxId, content: "🎉" }]);
  assert.deepEqual(byId.get(reply).content, { referenceId: m3, content: "re m3" });
  assert.ok(caughtUp.lastReadTimes[bob.inboxId], "bob's read receipt reached carol");
  assert.equal(caughtUp.name, "renamed while carol was away");
  assert.deepEqual(caughtUp.members, [alice.inboxId, bob.inboxId, dave.inboxId, first.inboxId].sort());

  const caughtUpDm = third.conversations.find((conversation) => conversation.id === dm.id);
  assert.ok(caughtUpDm, "the DM created while carol was away");
  assert.equal(caughtUpDm.peerInboxId, alice.inboxId);
  assert.deepEqual(textsIn(caughtUpDm), ["dm while offline"]);
  assert.equal(caughtUpDm.messages.find((message) => message.type === "text").id, dmText);

  for (const [name, client] of [["alice", alice], ["bob", bob], ["dave", dave]]) {
    await waitFor(`${name} to read carol's message`, async () => {
      const messages = await syncedMessages(client, group.id);
      return messages.some((message) => message.id === third.sentId && message.content === "carol is back");
    });
  }
});

function textsIn(conversation) {
  return conversation.messages.filter((message) => message.type === "text").map((message) => message.content);
}
