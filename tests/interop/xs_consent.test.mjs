// `xs consent` and `xs search` against official @xmtp/node-sdk 5.5.0 peers on
// our node: conversations the SDK starts with a signet inbox (a group and a
// DM) show in `xs consent check` with the state an SDK client shows in the
// same place (welcomed: unknown; created: allowed; inboxes unknown until set),
// allow/deny take effect and sending in a denied conversation allows it, as
// in the SDK. `xs search` finds what the SDK wrote, text and replies.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { ConsentEntityType, ConsentState, encodeText } from "@xmtp/node-sdk";
import { syncedConversation, waitFor } from "./lib/clients.mjs";
import { signetWithSdkPeers } from "./lib/xs_signet.mjs";

const kNames = { [ConsentState.Unknown]: "unknown", [ConsentState.Allowed]: "allowed", [ConsentState.Denied]: "denied" };
const sdkState = (conversation) => kNames[conversation.consentState()];
const sdkInboxState = async (client, inboxId) =>
  kNames[await client.preferences.getConsentState(ConsentEntityType.InboxId, inboxId)];

describe("xs consent and xs search with SDK peers", () => {
  let alice, bob, signet, me;

  // The chat the signet makes of a conversation the SDK started.
  async function chatOf(conversationId) {
    return waitFor(`the signet to hold ${conversationId}`, () => {
      signet.ok(["chat", "sync"]);
      const r = signet.run(["chat", "info", conversationId]);
      return r.code === 0 ? r.json : undefined;
    });
  }

  const consent = (entity, ...args) => signet.ok(["consent", "check", entity, ...args]);

  const setup = signetWithSdkPeers(2);
  before(() => {
    ({ sdks: [alice, bob], signet } = setup);
    me = signet.ok(["inbox", "create", "--label", "me"]);
  });

  test("a group the SDK creates is unknown to us as to a welcomed SDK member; allow and deny apply", async () => {
    const group = await alice.conversations.createGroup([me.networkInboxId, bob.inboxId], { groupName: "from alice" });
    await group.sendText("welcome both");
    const bobs = await waitFor("bob to join", () => syncedConversation(bob, group.id));
    const chat = await chatOf(group.id);
    assert.equal(chat.inboxId, me.id);

    const checked = consent(group.id, "--type", "group_id");
    assert.equal(checked.chatId, chat.id);
    assert.equal(checked.entity, group.id);
    assert.deepEqual(
      { us: checked.state, creator: sdkState(group) },
      { us: sdkState(bobs), creator: "allowed" },
    );
    assert.equal(checked.state, "unknown");
    // The creator's inbox: unknown to us as to bob (a group does not change it).
    assert.equal(consent(alice.inboxId).state, await sdkInboxState(bob, alice.inboxId));
    assert.equal(consent(alice.inboxId).state, "unknown");

    assert.equal(signet.ok(["consent", "allow", chat.id, "--type", "group_id"]).state, "allowed");
    bobs.updateConsentState(ConsentState.Allowed);
    assert.equal(consent(group.id, "--type", "group_id").state, sdkState(bobs));

    // Denied, then sending in it: allowed again, on both sides.
    signet.ok(["consent", "deny", chat.id, "--type", "group_id"]);
    bobs.updateConsentState(ConsentState.Denied);
    assert.equal(consent(chat.id, "--type", "group_id").state, "denied");
    signet.ok(["msg", "send", "still listening", "--to", chat.id]);
    await bobs.sendText("me too");
    assert.deepEqual(
      { us: consent(chat.id, "--type", "group_id").state, bob: sdkState(bobs) },
      { us: "allowed", bob: "allowed" },
    );
  });

  test("a group we create with SDK members is allowed for us, as for an SDK creator", async () => {
    const chat = signet.ok(["chat", "create", "--name", "ours", "--members", `${alice.inboxId},${bob.inboxId}`, "--as", "me"]);
    const alices = await waitFor("alice to join ours", () => syncedConversation(alice, chat.networkGroupId));
    const sdkOwn = await bob.conversations.createGroup([alice.inboxId]);
    assert.deepEqual(
      { ours: consent(chat.id, "--type", "group_id").state, theirs: sdkState(sdkOwn) },
      { ours: "allowed", theirs: "allowed" },
    );
    assert.equal(sdkState(alices), "unknown");
  });

  test("a DM the SDK starts is a chat with the SDK's consent; the peer inbox is set by allow/deny", async () => {
    const dm = await alice.conversations.createDm(me.networkInboxId);
    await dm.sendText("psst");
    const bobsDm = await bob.conversations.createDm(alice.inboxId);
    const received = await waitFor("alice to see bob's DM", () => syncedConversation(alice, bobsDm.id));
    const chat = await chatOf(dm.id);
    assert.equal(chat.type, "dm");
    assert.equal(chat.dmPeerInboxId, alice.inboxId);
    assert.deepEqual(
      { us: consent(dm.id, "--type", "group_id").state, starter: sdkState(dm) },
      { us: sdkState(received), starter: "allowed" },
    );

    // The peer's inbox, by inbox id and by address.
    assert.equal(signet.ok(["consent", "deny", alice.inboxId]).state, "denied");
    const byAddress = consent(alice.wallet.address);
    assert.equal(byAddress.entity, alice.inboxId);
    assert.equal(byAddress.state, "denied");
    await alice.preferences.setConsentStates([
      { entity: bob.inboxId, entityType: ConsentEntityType.InboxId, state: ConsentState.Denied },
    ]);
    assert.equal(await sdkInboxState(alice, bob.inboxId), byAddress.state);
    assert.equal(signet.ok(["consent", "allow", alice.inboxId]).state, "allowed");
    // The DM's own state is separate from the inbox's.
    assert.equal(consent(chat.id, "--type", "group_id").state, "unknown");
  });

  test("xs search finds the SDK's texts and replies, with read elevation only", async () => {
    const group = await alice.conversations.createGroup([me.networkInboxId], { groupName: "search me" });
    const textId = await group.sendText("the quokka arrives on Tuesday");
    await group.sendReply({ reference: textId, referenceInboxId: alice.inboxId, content: encodeText("a Quokka reply") });
    const chat = await chatOf(group.id);
    await waitFor("both messages to reach the signet", () => {
      const r = signet.run(["msg", "list", "--from", chat.id, "--dangerously-allow-message-read"]);
      return r.code === 0 && r.json.filter((m) => m.senderInboxId === alice.inboxId).length >= 2;
    });

    const denied = signet.run(["search", "quokka", "--type", "messages"]);
    assert.equal(denied.code, 4, denied.stderr);
    const found = signet.ok(["search", "quokka", "--type", "messages", "--dangerously-allow-message-read"]);
    assert.equal(found.results.length, 2, JSON.stringify(found));
    for (const r of found.results) {
      assert.equal(r.chatId, chat.id);
      assert.equal(r.senderInboxId, alice.inboxId);
      assert.match(r.id, /^msg_[0-9a-f]{16}$/);
    }
    assert.deepEqual(found.results.map((r) => r.text).sort(), ["a Quokka reply", "the quokka arrives on Tuesday"]);
    const conversation = signet.ok(["search", "search me", "--type", "conversation"]);
    assert.deepEqual(
      conversation.results.map((r) => r.id),
      [chat.id],
    );
  });

  test("bad input: a malformed entity is a validation error (1), an unknown chat not_found (2)", () => {
    assert.equal(signet.run(["consent", "check", "not-an-inbox"]).code, 1);
    assert.equal(signet.run(["consent", "check", "conv_0000000000000000", "--type", "group_id"]).code, 2);
    assert.equal(signet.run(["consent", "check", alice.inboxId, "--type", "bogus"]).code, 1);
  });
});
