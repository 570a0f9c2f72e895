// The SDK peer driver (lib/sdk_peer.mjs) against our node: two SDK clients
// created through its JSON-lines protocol make a group, exchange a text, a
// reply, a reaction, a read receipt and a remote attachment, and each side's
// "messages", "group" and stream output shows what the other sent. This is
// what the C++ client interop tests build on.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { waitFor } from "./lib/clients.mjs";
import { startNode } from "./lib/node_process.mjs";

const peerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), "lib", "sdk_peer.mjs");

// The test's side of the protocol: request() resolves with `result` or
// rejects with `error`; events collect every pushed event.
class SdkPeer {
  #pending = new Map();
  #nextId = 1;
  events = [];
  stderr = "";

  constructor() {
    this.child = spawn(process.execPath, [peerScript], { stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk) => {
      this.stderr += chunk;
    });
    createInterface({ input: this.child.stdout }).on("line", (line) => this.#receive(line));
  }

  #receive(line) {
    const message = JSON.parse(line);
    if (message.event) {
      this.events.push(message);
      return;
    }
    const pending = this.#pending.get(message.id);
    assert.ok(pending, `reply to an unknown request: ${line}`);
    this.#pending.delete(message.id);
    if ("error" in message) pending.reject(new Error(message.error));
    else pending.resolve(message.result);
  }

  request(op, args = {}) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  kill() {
    this.child.kill("SIGKILL");
  }
}

let node;
let peer;

before(async () => {
  node = await startNode();
  peer = new SdkPeer();
});

after(async () => {
  peer?.kill();
  await node?.dispose();
});

test("two SDK clients driven through sdk_peer exchange every basic content type", async () => {
  const alice = await peer.request("create", { url: node.url, name: "alice" });
  const bob = await peer.request("create", { url: node.url, name: "bob" });
  assert.equal(alice.client, "alice");
  assert.match(alice.inboxId, /^[0-9a-f]{64}$/);
  assert.match(alice.installationId, /^[0-9a-f]{64}$/);
  assert.match(alice.address, /^0x[0-9a-f]{40}$/);
  assert.notEqual(alice.inboxId, bob.inboxId);

  const { groupId } = await peer.request("createGroup", {
    client: "alice",
    members: [bob.inboxId],
    name: "peer group",
  });
  const bobGroup = await waitFor("bob to see the group", () =>
    peer.request("group", { client: "bob", groupId }).catch(() => undefined),
  );
  assert.equal(bobGroup.type, "group");
  assert.equal(bobGroup.name, "peer group");
  assert.deepEqual(bobGroup.members.map((member) => member.inboxId).sort(), [alice.inboxId, bob.inboxId].sort());
  const aliceMember = bobGroup.members.find((member) => member.inboxId === alice.inboxId);
  assert.equal(aliceMember.permissionLevel, "super_admin");
  assert.deepEqual(aliceMember.installationIds, [alice.installationId]);
  assert.deepEqual(bobGroup.superAdmins, [alice.inboxId]);
  assert.match(bobGroup.epoch, /^\d+$/);

  const { stream } = await peer.request("stream", { client: "bob", action: "start", kind: "allMessages" });

  const { messageId: textId } = await peer.request("send", { client: "alice", groupId, text: "hello bob" });
  const { messageId: replyId } = await peer.request("reply", {
    client: "bob",
    groupId,
    reference: textId,
    referenceInboxId: alice.inboxId,
    text: "hello alice",
  });
  await peer.request("reaction", {
    client: "bob",
    groupId,
    reference: textId,
    referenceInboxId: alice.inboxId,
    content: "👍",
  });
  await peer.request("readReceipt", { client: "bob", groupId });
  const attachment = await peer.request("remoteAttachment", {
    client: "alice",
    groupId,
    url: "https://example.invalid/note.txt",
    filename: "note.txt",
    text: "attached",
  });
  assert.match(attachment.payloadHex, /^[0-9a-f]+$/);

  // Alice sees bob's reply and reaction.
  const aliceView = await waitFor("alice to see the reply and the reaction", async () => {
    const { messages } = await peer.request("messages", { client: "alice", groupId });
    const text = messages.find((message) => message.id === textId);
    const reply = messages.find((message) => message.id === replyId);
    return text?.reactions.length === 1 && reply ? { text, reply } : undefined;
  });
  assert.equal(aliceView.text.content, "hello bob");
  assert.equal(aliceView.text.contentType, "xmtp.org/text:1.0");
  assert.equal(aliceView.text.senderInboxId, alice.inboxId);
  assert.match(aliceView.text.sentAtNs, /^\d+$/);
  assert.equal(aliceView.reply.typeId, "reply");
  assert.equal(aliceView.reply.senderInboxId, bob.inboxId);
  assert.equal(aliceView.reply.content.referenceId, textId);
  assert.equal(aliceView.reply.content.content, "hello alice");
  const [reaction] = aliceView.text.reactions;
  assert.equal(reaction.senderInboxId, bob.inboxId);
  assert.equal(reaction.content.content, "👍");
  assert.equal(reaction.content.reference, textId);

  // Bob sees alice's text and remote attachment.
  const bobView = await waitFor("bob to see the text and the attachment", async () => {
    const { messages } = await peer.request("messages", { client: "bob", groupId });
    const text = messages.find((message) => message.id === textId);
    const file = messages.find((message) => message.id === attachment.messageId);
    return text && file ? { text, file } : undefined;
  });
  assert.equal(bobView.text.content, "hello bob");
  assert.equal(bobView.text.senderInboxId, alice.inboxId);
  assert.equal(bobView.file.typeId, "remoteStaticAttachment");
  assert.equal(bobView.file.content.url, "https://example.invalid/note.txt");
  assert.equal(bobView.file.content.filename, "note.txt");

  // Bob's stream pushed alice's text.
  await waitFor("bob's stream to push alice's text", () =>
    peer.events.some((event) => event.event === "message" && event.stream === stream && event.message.id === textId),
  );
  await peer.request("stream", { action: "stop", stream });

  // Metadata and admin changes reach the other side.
  await peer.request("updateName", { client: "alice", groupId, name: "renamed" });
  await peer.request("addAdmin", { client: "alice", groupId, inboxId: bob.inboxId });
  const renamed = await waitFor("bob to see the new name and his admin role", async () => {
    const group = await peer.request("group", { client: "bob", groupId });
    return group.name === "renamed" && group.admins.includes(bob.inboxId) ? group : undefined;
  });
  assert.equal(renamed.members.find((member) => member.inboxId === bob.inboxId).permissionLevel, "admin");

  const { conversations } = await peer.request("conversations", { client: "bob" });
  assert.deepEqual(
    conversations.map((conversation) => [conversation.id, conversation.type]),
    [[groupId, "group"]],
  );

  await peer.request("removeMembers", { client: "alice", groupId, inboxIds: [bob.inboxId] });
  const aliceAfter = await peer.request("group", { client: "alice", groupId });
  assert.deepEqual(
    aliceAfter.members.map((member) => member.inboxId),
    [alice.inboxId],
  );
  await waitFor("bob to learn that he was removed", async () => {
    const group = await peer.request("group", { client: "bob", groupId });
    return group.isActive === false;
  });
});

test("a DM through sdk_peer, and errors come back as replies", async () => {
  const carol = await peer.request("create", { url: node.url });
  const dave = await peer.request("create", { url: node.url });
  assert.match(carol.client, /^c\d+$/);
  const { groupId } = await peer.request("createDm", { client: carol.client, inboxId: dave.inboxId });
  await peer.request("send", { client: carol.client, groupId, text: "psst" });
  const texts = await waitFor("dave to read the DM", async () => {
    const { messages } = await peer.request("messages", { client: dave.client, groupId }).catch(() => ({ messages: [] }));
    const found = messages.filter((message) => message.typeId === "text").map((message) => message.content);
    return found.length > 0 ? found : undefined;
  });
  assert.deepEqual(texts, ["psst"]);
  const dm = await peer.request("group", { client: dave.client, groupId });
  assert.equal(dm.type, "dm");
  assert.equal(dm.peerInboxId, carol.inboxId);

  await assert.rejects(peer.request("send", { client: "nobody", groupId, text: "x" }), /unknown client "nobody"/);
  await assert.rejects(peer.request("frobnicate"), /unknown op "frobnicate"/);
  await assert.rejects(peer.request("send", { client: carol.client, groupId }), /missing argument "text"/);
  await assert.rejects(
    peer.request("updateName", { client: carol.client, groupId, name: "x" }),
    /is a DM, not a group/,
  );

  // "close" without a client ends the driver cleanly.
  assert.deepEqual(await peer.request("close"), {});
  assert.equal(await peer.exited, 0, peer.stderr);
});
