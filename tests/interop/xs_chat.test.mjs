// The real `xs` (XS_BIN) and its daemon against our node, with an official
// @xmtp/node-sdk peer: `xs chat create --members <sdk inbox>` then
// `xs msg send` reaches the SDK; the SDK's reply shows in `xs msg list` after
// `xs chat sync`. The daemon runs in a private temp home (HOME and every XDG
// dir) and attaches to the test's node through XMTP_SIGNET_LOCAL_NODE.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { syncedConversation, textsOf, waitFor } from "./lib/clients.mjs";
import { signetWithSdkPeers } from "./lib/xs_signet.mjs";

describe("xs chat and xs msg with an SDK peer", () => {
  let sdk, signet;
  const setup = signetWithSdkPeers(1);
  before(() => ({ sdks: [sdk], signet } = setup));

  test("a chat we create with the SDK inbox carries our text to it, and its reply back", async () => {
    const chat = signet.ok(["chat", "create", "--name", "interop", "--members", sdk.inboxId]);
    assert.match(chat.id, /^conv_[0-9a-f]{16}$/);
    assert.deepEqual([...chat.members].sort(), [chat.networkInboxId, sdk.inboxId].sort());

    const sent = signet.ok(["msg", "send", "hello SDK, from xs", "--to", chat.id]);
    assert.match(sent.id, /^msg_[0-9a-f]{16}$/);
    const group = await waitFor("the SDK to join our chat", () => syncedConversation(sdk, chat.networkGroupId));
    assert.equal(group.name, "interop");
    await waitFor("the SDK to read our text", async () => {
      await group.sync();
      return textsOf(await group.messages()).includes("hello SDK, from xs");
    });

    await group.sendText("hello xs, from the SDK");
    const synced = signet.ok(["chat", "sync", chat.id]);
    assert.equal(synced.chatId, chat.id);
    const listed = signet.ok(["msg", "list", "--from", chat.id, "--dangerously-allow-message-read"]);
    const texts = listed.filter((m) => m.contentType === "xmtp.org/text:1.0").map((m) => m.text);
    assert.ok(texts.includes("hello xs, from the SDK"), JSON.stringify(listed));
    const theirs = listed.find((m) => m.text === "hello xs, from the SDK");
    assert.equal(theirs.senderInboxId, sdk.inboxId);
    assert.match(theirs.id, /^msg_[0-9a-f]{16}$/);
  });

  test("a group the SDK creates with our inbox becomes a chat after xs chat sync", async () => {
    const inbox = signet.ok(["inbox", "create", "--label", "invited"]);
    const group = await sdk.conversations.createGroup([inbox.networkInboxId], { groupName: "from the SDK" });
    await group.sendText("you are invited");
    // The daemon's stream may have applied the Welcome and the text already;
    // the sync counts only what it pulled itself.
    const synced = signet.ok(["chat", "sync"]);
    assert.equal(typeof synced.newMessages, "number", JSON.stringify(synced));
    const chat = signet.ok(["chat", "info", group.id]);
    assert.equal(chat.name, "from the SDK");
    assert.equal(chat.inboxId, inbox.id);
    const listed = signet.ok(["msg", "list", "--from", chat.id, "--dangerously-allow-message-read"]);
    assert.ok(
      listed.some((m) => m.text === "you are invited"),
      JSON.stringify(listed),
    );
    signet.ok(["msg", "send", "thanks", "--to", group.id, "--as", "invited"]);
    await waitFor("the SDK to read our answer", async () => {
      await group.sync();
      return textsOf(await group.messages()).includes("thanks");
    });
  });

  test("bad input: an unknown chat is not_found (2), empty text is a validation error (1)", () => {
    const unknown = signet.run(["msg", "send", "hi", "--to", "conv_0000000000000000"]);
    assert.equal(unknown.code, 2, unknown.stderr);
    const empty = signet.run(["msg", "send", "", "--to", "interop"]);
    assert.equal(empty.code, 1, empty.stderr);
    const info = signet.run(["chat", "info", "conv_0000000000000000"]);
    assert.equal(info.code, 2, info.stderr);
  });
});
