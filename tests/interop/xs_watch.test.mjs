// `xs chat list --watch` and `xs msg list --watch` as real processes against
// the real daemon and our node, with an official @xmtp/node-sdk peer: the
// SDK's messages appear as lines while the watch runs, a group the SDK
// creates with our inbox becomes a chat through the daemon's stream (no
// `xs chat sync`, no other command), and Ctrl-C (SIGINT) ends a watch with
// exit 0 and nothing on stderr.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import { syncedConversation, waitFor } from "./lib/clients.mjs";
import { signetWithSdkPeers, xsBinary } from "./lib/xs_signet.mjs";

const kText = "xmtp.org/text:1.0";

describe("xs --watch with an SDK peer", () => {
  let sdk, signet;
  const setup = signetWithSdkPeers(1);
  before(() => ({ sdks: [sdk], signet } = setup));

  test("msg list --watch prints the backlog, then each SDK message as it comes; SIGINT exits 0", async () => {
    const chat = signet.ok(["chat", "create", "--name", "watched", "--members", sdk.inboxId]);
    signet.ok(["msg", "send", "before the watch", "--to", chat.id]);
    const watch = signet.spawn([
      "msg", "list", "--from", chat.id, "--dangerously-allow-message-read", "--watch", "--json",
    ]);
    await waitFor("the backlog", () => watch.json().some((m) => m.text === "before the watch"));

    const group = await waitFor("the SDK to join", () => syncedConversation(sdk, chat.networkGroupId));
    await group.sendText("live one");
    await group.sendText("live two");
    await waitFor("the SDK's messages on the watch", () => {
      const texts = watch.json().map((m) => m.text);
      return texts.includes("live one") && texts.includes("live two");
    });
    signet.ok(["msg", "send", "ours, while watching", "--to", chat.id]);
    await waitFor("our own message on the watch", () =>
      watch.json().some((m) => m.text === "ours, while watching"),
    );

    const { code, signal } = await watch.stop("SIGINT");
    assert.equal(signal, null, "xs was killed by the signal instead of exiting");
    assert.equal(code, 0, watch.stderr);
    assert.equal(watch.stderr, "");
    const lines = watch.json();
    // One object per line, each message once, in order.
    const live = lines.filter((m) => m.contentType === kText).map((m) => m.text);
    assert.deepEqual(
      live.filter((t) => ["live one", "live two"].includes(t)),
      ["live one", "live two"],
      JSON.stringify(lines),
    );
    assert.equal(new Set(lines.map((m) => m.id)).size, lines.length, JSON.stringify(lines));
    const theirs = lines.find((m) => m.text === "live one");
    assert.equal(theirs.senderInboxId, sdk.inboxId);
    assert.equal(theirs.chatId, chat.id);
    assert.match(theirs.id, /^msg_[0-9a-f]{16}$/);
  });

  test("a group the SDK creates with our inbox appears on chat list --watch without chat sync", async () => {
    const inbox = signet.ok(["inbox", "create", "--label", "invitee"]);
    // A chat of the inbox already there: once the watch printed it, the
    // watch is subscribed, and anything later can only come from the stream.
    const anchor = signet.ok(["chat", "create", "--name", "anchor", "--as", "invitee", "--members", sdk.inboxId]);
    const chats = signet.spawn(["chat", "list", "--as", "invitee", "--watch", "--json"]);
    await waitFor("the watch's backlog", () => chats.json().some((c) => c.id === anchor.id));
    assert.equal(chats.json()[0].event, undefined, "backlog rows carry no event");

    const group = await sdk.conversations.createGroup([inbox.networkInboxId], { groupName: "sdk made this" });
    const added = await waitFor("the group as a chat on the watch", () =>
      chats.json().find((c) => c.networkGroupId === group.id),
    );
    assert.equal(added.event, "added");
    assert.equal(added.name, "sdk made this");
    assert.equal(added.inboxId, inbox.id);
    assert.match(added.id, /^conv_[0-9a-f]{16}$/);
    // Recorded by the daemon's reaction to the stream's join, not its sweep.
    const log = readFileSync(path.join(signet.env.XDG_STATE_HOME, "xmtp-signet", "signet.log"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    assert.ok(
      log.some((e) => e.event === "chats.joined" && e.via === "stream"),
      "no chats.joined via the stream in the daemon log",
    );

    const messages = signet.spawn([
      "msg", "list", "--from", added.id, "--dangerously-allow-message-read", "--watch", "--json",
    ]);
    await group.sendText("welcome aboard");
    await waitFor("the SDK's text on the message watch", () =>
      messages.json().some((m) => m.text === "welcome aboard"),
    );

    // A name change is a chat update.
    await group.updateName("renamed by the sdk");
    const updated = await waitFor("the rename on the chat watch", () =>
      chats.json().find((c) => c.event === "updated" && c.name === "renamed by the sdk"),
    );
    assert.equal(updated.id, added.id);

    for (const p of [messages, chats]) {
      const { code, signal } = await p.stop("SIGINT");
      assert.equal(signal, null);
      assert.equal(code, 0, p.stderr);
      assert.equal(p.stderr, "");
    }
  });

  test("chat sync on a terminal goes through the progress stream and prints its summary", () => {
    // script(1) gives xs a pseudo-terminal, so it takes the progress path.
    const r = spawnSync("script", ["-qec", `${xsBinary()} chat sync`, "/dev/null"], {
      env: { ...signet.env, SHELL: "/bin/sh" },
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Synced \d+ chat\(s\): \d+ new message\(s\), \d+ new chat\(s\) joined/);
    const json = signet.ok(["chat", "sync"]);
    assert.equal(typeof json.newMessages, "number", JSON.stringify(json));
  });

  test("msg list --watch without --dangerously-allow-message-read is refused (permission, exit 4)", async () => {
    const chat = signet.ok(["chat", "create", "--name", "refused", "--members", sdk.inboxId]);
    const watch = signet.spawn(["msg", "list", "--from", chat.id, "--watch", "--json"]);
    const { code } = await watch.exited;
    assert.equal(code, 4, watch.stderr);
    assert.equal(JSON.parse(watch.stderr).error.category, "permission", watch.stderr);
    assert.deepEqual(watch.lines, []);
    const unknown = signet.spawn(["msg", "list", "--from", "conv_0000000000000000", "--watch", "--json",
      "--dangerously-allow-message-read"]);
    assert.equal((await unknown.exited).code, 2, unknown.stderr);
  });
});
