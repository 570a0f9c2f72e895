// Every message kind of `xs msg` both ways between the real `xs` (XS_BIN)
// with its daemon and an official @xmtp/node-sdk 5.5.0 peer, on our node:
//   - text, reply, reaction (added, removed) and read receipt from `xs` reach
//     the SDK with the SDK's content types, and the SDK attaches the reply
//     and the reactions to the message they reference;
//   - the SDK's text, reply, reactions and read receipt show in `xs msg list`
//     and `xs msg info` with their references as our msg_ ids, and the SDK's
//     commits (a name change) read as membership changes;
//   - a reply to a message sent before our inbox joined (not stored here,
//     decisions.md #19) reaches the SDK attached to that message.
// The daemon runs in a private temp home with the trusted-local preset (the
// read-elevation flag alone reads) and attaches to the test's node through
// XMTP_SIGNET_LOCAL_NODE.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { ReactionAction, ReactionSchema, encodeText } from "@xmtp/node-sdk";
import { syncedConversation, waitFor } from "./lib/clients.mjs";
import { signetWithSdkPeers } from "./lib/xs_signet.mjs";

const kThumbsUp = "\u{1F44D}";
const kFamily = "\u{1F469}\u200D\u{1F469}\u200D\u{1F467}";
const kParty = "\u{1F389}";

// Every message of a chat, content included (the gate is off).
function listAll(signet, chat) {
  return signet.ok(["msg", "list", "--from", chat, "--dangerously-allow-message-read", "--limit", "500"]);
}

// The SDK's messages once `probe` holds for them.
async function sdkMessagesWhen(what, group, probe) {
  return waitFor(what, async () => {
    await group.sync();
    const messages = await group.messages();
    return probe(messages) ? messages : undefined;
  });
}

// Our listing once it holds every network id in `ids`.
async function listedWhen(signet, chat, ids) {
  return waitFor(`xs msg list to show ${ids.length} SDK messages`, () => {
    signet.ok(["chat", "sync", chat]);
    const messages = listAll(signet, chat);
    return ids.every((id) => messages.some((m) => m.networkId === id)) ? messages : undefined;
  });
}

describe("xs msg: every message kind both ways with an SDK peer", () => {
  let sdk, signet;
  const setup = signetWithSdkPeers(1);
  before(() => ({ sdks: [sdk], signet } = setup));

  test("text, reply, reactions and a read receipt from xs reach the SDK", async () => {
    const chat = signet.ok(["chat", "create", "--name", "kinds-out", "--members", sdk.inboxId]);
    const group = await waitFor("the SDK to join our chat", () => syncedConversation(sdk, chat.networkGroupId));
    const sdkTextId = await group.sendText("a message from the SDK");
    await listedWhen(signet, chat.id, [sdkTextId]);

    const text = signet.ok(["msg", "send", "text from xs", "--to", chat.id]);
    // The SDK's message by its network id, our own by its msg_ id.
    const reply = signet.ok(["msg", "reply", "reply from xs", "--chat", chat.id, "--to", sdkTextId]);
    assert.equal(reply.contentType, "xmtp.org/reply:1.0");
    assert.equal(reply.reference, sdkTextId);
    assert.equal(reply.referenceStored, true);
    const reaction = signet.ok(["msg", "react", kThumbsUp, "--chat", chat.id, "--to", sdkTextId]);
    assert.equal(reaction.contentType, "xmtp.org/reaction:2.0");
    const family = signet.ok(["msg", "react", kFamily, "--chat", chat.id, "--to", text.id]);
    const removed = signet.ok(["msg", "react", kFamily, "--chat", chat.id, "--to", text.id, "--remove"]);
    assert.equal(removed.action, "removed");
    const receipt = signet.ok(["msg", "read", "--chat", chat.id]);
    assert.equal(receipt.contentType, "xmtp.org/readReceipt:1.0");

    const seen = await sdkMessagesWhen("the SDK to read every kind from xs", group, (ms) =>
      ms.some((m) => m.id === reply.networkId),
    );
    const byId = (id) => seen.find((m) => m.id === id);
    assert.equal(byId(text.networkId)?.content, "text from xs");
    assert.equal(byId(text.networkId).senderInboxId, chat.networkInboxId);

    const sdkReply = byId(reply.networkId);
    assert.equal(sdkReply.contentType.typeId, "reply");
    assert.equal(sdkReply.senderInboxId, chat.networkInboxId);
    assert.equal(sdkReply.content.referenceId, sdkTextId);
    assert.equal(sdkReply.content.content, "reply from xs");
    assert.equal(sdkReply.content.inReplyTo?.id, sdkTextId, "the SDK resolves the message we replied to");

    const reactionsOn = (id) =>
      byId(id).reactions.map((r) => ({ id: r.id, sender: r.senderInboxId, ...r.content }));
    const onSdkText = reactionsOn(sdkTextId);
    assert.equal(onSdkText.length, 1, JSON.stringify(onSdkText));
    assert.equal(onSdkText[0].id, reaction.networkId);
    assert.equal(onSdkText[0].sender, chat.networkInboxId);
    assert.equal(onSdkText[0].reference, sdkTextId);
    assert.equal(onSdkText[0].referenceInboxId, sdk.inboxId);
    assert.equal(onSdkText[0].content, kThumbsUp);
    assert.equal(onSdkText[0].action, ReactionAction.Added);
    assert.equal(onSdkText[0].schema, ReactionSchema.Unicode);
    const onOurText = reactionsOn(text.networkId);
    const added = onOurText.find((r) => r.id === family.networkId);
    const taken = onOurText.find((r) => r.id === removed.networkId);
    assert.equal(added?.content, kFamily, JSON.stringify(onOurText));
    assert.equal(added.action, ReactionAction.Added);
    assert.equal(taken?.content, kFamily, JSON.stringify(onOurText));
    assert.equal(taken.action, ReactionAction.Removed);

    // The SDK keeps a member's newest read receipt as its read time.
    const readTimes = await waitFor("the SDK to take our read receipt", async () => {
      await group.sync();
      const times = await group.lastReadTimes();
      return times[chat.networkInboxId] !== undefined ? times : undefined;
    });
    assert.ok(readTimes[chat.networkInboxId] > 0, JSON.stringify(readTimes));
  });

  test("the SDK's text, reply, reactions, read receipt and name change show in xs msg list and info", async () => {
    const chat = signet.ok(["chat", "create", "--name", "kinds-in", "--members", sdk.inboxId]);
    const ours = signet.ok(["msg", "send", "tell me something", "--to", chat.id]);
    const group = await waitFor("the SDK to join our chat", () => syncedConversation(sdk, chat.networkGroupId));
    await sdkMessagesWhen("the SDK to read our text", group, (ms) => ms.some((m) => m.id === ours.networkId));

    const sdkTextId = await group.sendText("text from the SDK");
    const sdkReplyId = await group.sendReply({
      reference: ours.networkId,
      referenceInboxId: chat.networkInboxId,
      content: encodeText("reply from the SDK"),
    });
    const sdkReactionId = await group.sendReaction({
      reference: ours.networkId,
      referenceInboxId: chat.networkInboxId,
      action: ReactionAction.Added,
      content: kParty,
      schema: ReactionSchema.Unicode,
    });
    const sdkRemovedId = await group.sendReaction({
      reference: ours.networkId,
      referenceInboxId: chat.networkInboxId,
      action: ReactionAction.Removed,
      content: kParty,
      schema: ReactionSchema.Unicode,
    });
    const sdkReceiptId = await group.sendReadReceipt();
    await group.updateName("renamed by the SDK");

    const ids = [sdkTextId, sdkReplyId, sdkReactionId, sdkRemovedId, sdkReceiptId];
    const listed = await waitFor("xs msg list to show the SDK's name change", async () => {
      const l = await listedWhen(signet, chat.id, ids);
      return l.some((m) => m.groupUpdated?.metadataChanges?.some((c) => c.newValue === "renamed by the SDK"))
        ? l
        : undefined;
    });
    const byNetworkId = (id) => listed.find((m) => m.networkId === id);

    const text = byNetworkId(sdkTextId);
    assert.equal(text.contentType, "xmtp.org/text:1.0");
    assert.equal(text.text, "text from the SDK");
    assert.equal(text.senderInboxId, sdk.inboxId);

    const reply = byNetworkId(sdkReplyId);
    assert.equal(reply.contentType, "xmtp.org/reply:1.0");
    assert.deepEqual(reply.reply, {
      reference: ours.networkId,
      referenceId: ours.id,
      referenceInboxId: chat.networkInboxId,
      contentType: "xmtp.org/text:1.0",
      text: "reply from the SDK",
    });
    assert.equal(reply.text, "reply from the SDK");
    assert.equal(reply.summary, `reply to ${ours.id}: reply from the SDK`);

    const reaction = byNetworkId(sdkReactionId);
    assert.equal(reaction.contentType, "xmtp.org/reaction:2.0");
    assert.deepEqual(reaction.reaction, {
      reference: ours.networkId,
      referenceId: ours.id,
      referenceInboxId: chat.networkInboxId,
      action: "added",
      emoji: kParty,
      schema: "unicode",
    });
    assert.equal(reaction.summary, `reacted ${kParty} to ${ours.id}`);
    const removed = byNetworkId(sdkRemovedId);
    assert.equal(removed.reaction.action, "removed");
    assert.equal(removed.summary, `removed reaction ${kParty} from ${ours.id}`);

    const receipt = byNetworkId(sdkReceiptId);
    assert.equal(receipt.contentType, "xmtp.org/readReceipt:1.0");
    assert.equal(receipt.readReceipt, true);
    assert.equal(receipt.senderInboxId, sdk.inboxId);
    assert.equal(receipt.summary, "read receipt");

    const renamed = listed.find((m) => m.groupUpdated?.metadataChanges?.length > 0);
    assert.equal(renamed.kind, "membership_change");
    assert.equal(renamed.groupUpdated.initiatedBy, sdk.inboxId);
    assert.equal(renamed.contentType, "xmtp.org/group_updated:1.0");
    assert.deepEqual(
      renamed.groupUpdated.metadataChanges.find((c) => c.newValue === "renamed by the SDK"),
      { field: "group_name", oldValue: "kinds-in", newValue: "renamed by the SDK" },
    );
    assert.equal(renamed.summary, `${sdk.inboxId.slice(0, 8)} set group_name to "renamed by the SDK"`);

    // msg info: the same record, by msg_ id or by network id.
    const info = signet.ok(["msg", "info", reply.id, "--chat", chat.id, "--dangerously-allow-message-read"]);
    assert.deepEqual(info, reply);
    const infoByNetworkId = signet.ok(["msg", "info", sdkReactionId, "--chat", chat.id, "--dangerously-allow-message-read"]);
    assert.deepEqual(infoByNetworkId, reaction);
    // We answer the SDK's reply and reaction messages in turn.
    signet.ok(["msg", "reply", "thanks", "--chat", chat.id, "--to", reply.id]);
    signet.ok(["msg", "react", kThumbsUp, "--chat", chat.id, "--to", text.id]);
  });

  test("a reply to a message from before we joined reaches the SDK attached to it", async () => {
    const inbox = signet.ok(["inbox", "create", "--label", "late"]);
    const group = await sdk.conversations.createGroup([], { groupName: "before you came" });
    const earlyId = await group.sendText("said before the xs inbox joined");
    await group.addMembers([inbox.networkInboxId]);
    const chat = await waitFor("the chat to appear in xs", () => {
      signet.ok(["chat", "sync"]);
      const r = signet.run(["chat", "info", group.id]);
      return r.code === 0 ? r.json : undefined;
    });
    const listed = listAll(signet, chat.id);
    assert.ok(!listed.some((m) => m.networkId === earlyId), "the early message is not stored here");

    const reply = signet.ok(["msg", "reply", "answering the early one", "--chat", chat.id, "--to", earlyId]);
    assert.equal(reply.referenceStored, false);
    assert.equal(reply.reference, earlyId);
    assert.match(reply.referenceId, /^msg_[0-9a-f]{16}$/);
    const reaction = signet.ok(["msg", "react", kThumbsUp, "--chat", chat.id, "--to", reply.referenceId]);
    assert.equal(reaction.reference, earlyId);
    const info = signet.run(["msg", "info", reply.referenceId, "--chat", chat.id, "--dangerously-allow-message-read"]);
    assert.equal(info.code, 2, `not stored here: not_found\n${info.stderr}`);

    const seen = await sdkMessagesWhen("the SDK to read the late reply", group, (ms) =>
      ms.some((m) => m.id === reply.networkId),
    );
    const sdkReply = seen.find((m) => m.id === reply.networkId);
    assert.equal(sdkReply.content.referenceId, earlyId);
    assert.equal(sdkReply.content.inReplyTo?.id, earlyId);
    assert.equal(sdkReply.content.inReplyTo?.content, "said before the xs inbox joined");
    const early = await waitFor("the SDK to attach our reaction", async () => {
      await group.sync();
      const m = (await group.messages()).find((x) => x.id === earlyId);
      return m?.reactions.length ? m : undefined;
    });
    assert.equal(early.reactions[0].id, reaction.networkId);
    assert.equal(early.reactions[0].content.content, kThumbsUp);
  });

  test("bad input: not one emoji is a validation error (1), an unknown message not_found (2)", () => {
    const chat = signet.ok(["chat", "create", "--name", "kinds-bad"]);
    const text = signet.ok(["msg", "send", "target", "--to", chat.id]);
    for (const bad of ["", "ok", `${kThumbsUp}${kThumbsUp}`, "\u{1F1EB}"]) {
      const r = signet.run(["msg", "react", bad, "--chat", chat.id, "--to", text.id]);
      assert.equal(r.code, 1, `react ${JSON.stringify(bad)}: ${r.stderr}`);
    }
    const unknown = signet.run(["msg", "reply", "x", "--chat", chat.id, "--to", "msg_0000000000000000"]);
    assert.equal(unknown.code, 2, unknown.stderr);
    const noChat = signet.run(["msg", "read", "--chat", "conv_0000000000000000"]);
    assert.equal(noChat.code, 2, noChat.stderr);
    const empty = signet.run(["msg", "reply", "", "--chat", chat.id, "--to", text.id]);
    assert.equal(empty.code, 1, empty.stderr);
  });
});
