// The agent plane over the real WebSocket transport: npm `ws` harnesses
// against the real daemon (`xs`, XS_BIN) on our node, with an official
// @xmtp/node-sdk 5.5.0 peer in the chats.
//   - auth: bad token 4001, no auth frame 4002, not JSON 4009, other paths 404;
//   - an SDK message reaches the harness as a sequenced `message.visible`;
//     send_message, send_reply and send_reaction reach the SDK, and the send's
//     provenance verifies against the seal the harness was stamped with;
//   - resume with lastSeenSeq replays exactly the events missed, verbatim;
//   - schema errors keep the socket, update_scopes narrows (then send is a
//     permission error) and an escalation closes the socket with 4005;
//   - reveal_content replays hidden history as `message.revealed`;
//   - confirm_action sends a held message, or denies it;
//   - revocation closes live sockets with 4004, expiry with 4003;
//   - a slow consumer gets `backpressure` and 4008 while another connection
//     of the same credential gets every message;
//   - 1,000 concurrent authenticated connections all get an event.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import { syncedConversation, waitFor } from "./lib/clients.mjs";
import { Harness, wsPortOf } from "./lib/harness.mjs";
import { signetWithSdkPeers } from "./lib/xs_signet.mjs";

const kText = "xmtp.org/text:1.0";
const kEverything = "send,reply,react,read-messages,read-history";

function ed25519Verify(publicKeyB64, bytes, signatureB64) {
  const raw = Buffer.from(publicKeyB64, "base64");
  const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]);
  const key = createPublicKey({ key: spki, format: "der", type: "spki" });
  return verify(null, Buffer.from(bytes), key, Buffer.from(signatureB64, "base64"));
}

describe("WebSocket /v1/agent with an SDK peer", () => {
  let sdk, signet, port, chat, group;
  const setup = signetWithSdkPeers(1, {
    env: {
      XMTP_SIGNET_WS_AUTH_TIMEOUT_MS: "1000",
      XMTP_SIGNET_WS_SEND_BUFFER_SOFT_LIMIT: "4",
      XMTP_SIGNET_WS_SEND_BUFFER_HARD_LIMIT: "16",
    },
  });
  before(async () => {
    ({ sdks: [sdk], signet } = setup);
    port = wsPortOf(signet);
    signet.ok(["operator", "create", "--label", "bot"]);
    chat = signet.ok(["chat", "create", "--name", "agents", "--members", sdk.inboxId]);
    group = await waitFor("the SDK to join our chat", () => syncedConversation(sdk, chat.networkGroupId));
  });

  const tokens = [];
  function issue(args) {
    const cred = signet.ok(["cred", "issue", "--op", "bot", "--chat", chat.id, ...args]);
    tokens.push(cred.token);
    return cred;
  }

  async function sdkSees(what, probe) {
    return waitFor(what, async () => {
      await group.sync();
      const messages = await group.messages();
      return messages.find(probe);
    });
  }

  test("bad token, missing auth frame, non-JSON frame and another path are refused", async () => {
    const bad = await Harness.open(port, "not-a-token", { expectOk: false });
    assert.equal(bad.auth.type, "auth_error");
    assert.equal(bad.auth.code, 4001);
    assert.equal((await bad.closed).code, 4001);

    const silent = new Harness(port);
    await silent.opened;
    const late = await silent.frame((f) => f.type === "auth_error", "the auth timeout");
    assert.equal(late.code, 4002);
    assert.equal((await silent.closed).code, 4002);

    const garbled = new Harness(port);
    await garbled.opened;
    garbled.ws.send("{not json");
    assert.equal((await garbled.closed).code, 4009);

    const lost = new Harness(port, { path: "/v1/session" });
    await assert.rejects(lost.opened, /HTTP 404/);
  });

  test("messages both ways: message.visible in, send_message/reply/reaction out with provenance", async () => {
    const cred = issue(["--allow", kEverything]);
    // lastSeenSeq 0: everything buffered since the issue (decisions.md #25).
    const h = await Harness.open(port, cred.token, { lastSeenSeq: 0 });
    assert.equal(h.auth.credential.credentialId, cred.credential.id);
    assert.ok(h.auth.credential.fingerprint.startsWith("sha256:"));
    assert.ok(h.auth.effectiveScopes.allow.includes("send"));
    assert.equal(h.auth.resumedFromSeq, 0);
    const issued = await h.event((e) => e.type === "credential.issued", "credential.issued");
    assert.equal(issued.credentialId, cred.credential.id);

    const sdkId = await group.sendText("hello agent");
    const visible = await h.event((e) => e.type === "message.visible" && e.messageId === sdkId, "the SDK text");
    assert.equal(visible.groupId, chat.id);
    assert.equal(visible.senderInboxId, sdk.inboxId);
    assert.equal(visible.contentType, kText);
    assert.deepEqual(visible.content, { text: "hello agent" });
    assert.equal(visible.visibility, "visible");
    assert.ok(!Number.isNaN(Date.parse(visible.sentAt)));

    const stamped = await h.event((e) => e.type === "seal.stamped", "the credential's seal");
    const seal = stamped.seal;
    assert.equal(seal.chain.current.credentialId, cred.credential.id);
    assert.equal(seal.chain.current.chatId, chat.id);

    const sent = await h.ok("send_message", { groupId: chat.id, contentType: kText, content: "hi from the agent" });
    assert.match(sent.messageId, /^[0-9a-f]{64}$/);
    const prov = sent.provenance;
    assert.equal(prov.credentialId, cred.credential.id);
    assert.equal(prov.sealRef, seal.chain.current.sealId);
    const bound = JSON.stringify({ messageId: sent.messageId, sealId: prov.sealRef });
    assert.ok(ed25519Verify(seal.publicKey, bound, prov.sealSignature), "the message-seal binding verifies");
    const got = await sdkSees("the SDK to read the agent's text", (m) => m.id === sent.messageId);
    assert.equal(got.content, "hi from the agent");

    // The network group id works as groupId too (decisions.md #26).
    const reply = await h.ok("send_reply", {
      groupId: chat.networkGroupId,
      messageId: sdkId,
      contentType: kText,
      content: { text: "a reply" },
    });
    const reaction = await h.ok("send_reaction", {
      groupId: chat.id,
      messageId: sdkId,
      action: "added",
      content: "\u{1F44D}",
    });
    const sdkReply = await sdkSees("the SDK to read the reply", (m) => m.id === reply.messageId);
    assert.equal(sdkReply.content.referenceId, sdkId);
    assert.equal(sdkReply.content.content, "a reply");
    await waitFor("the SDK to attach the reaction", async () => {
      await group.sync();
      const ms = await group.messages();
      return ms.find((m) => m.id === sdkId)?.reactions.some((r) => r.id === reaction.messageId);
    });

    const events = h.events();
    const seqs = events.map((f) => f.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "seq is monotonic");
    assert.equal(new Set(seqs).size, seqs.length, "no seq twice");
    await h.close();
  });

  test("resume with lastSeenSeq replays exactly the missed events", async () => {
    const cred = issue(["--allow", kEverything]);
    const first = await Harness.open(port, cred.token);
    const witness = await Harness.open(port, cred.token);
    const idA = await group.sendText("before the drop");
    await first.event((e) => e.messageId === idA, "the first text");
    const lastSeen = Math.max(...first.events().map((f) => f.seq));
    first.terminate();
    await first.closed;

    const missed = [];
    for (let i = 0; i < 3; i++) missed.push(await group.sendText(`missed ${i}`));
    for (const id of missed) await witness.event((e) => e.messageId === id, `witness sees ${id}`);

    const again = await Harness.open(port, cred.token, { lastSeenSeq: lastSeen });
    assert.equal(again.auth.resumedFromSeq, lastSeen);
    for (const id of missed) await again.event((e) => e.messageId === id, `replay of ${id}`);
    const replayed = again.events().filter((f) => f.seq > lastSeen && f.seq <= Math.max(...witness.events().map((w) => w.seq)));
    const seen = witness.events().filter((f) => f.seq > lastSeen && replayed.some((r) => r.seq === f.seq));
    assert.deepEqual(replayed, seen, "replayed frames are the originals");
    const seqs = again.events().map((f) => f.seq);
    assert.equal(seqs[0], lastSeen + 1, "nothing lost");
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1] + 1, "no gap, no duplicate");
    await again.close();
    await witness.close();
  });

  test("schema errors keep the socket; update_scopes narrows; an escalation closes with 4005", async () => {
    const cred = issue(["--allow", kEverything]);
    const h = await Harness.open(port, cred.token);
    const unknown = await h.request("update_view", {});
    assert.equal(unknown.ok, false);
    assert.equal(unknown.error.code, 1000);
    assert.equal(unknown.error.category, "validation");
    const noGroup = await h.request("send_message", { contentType: kText, content: "x" });
    assert.equal(noGroup.error.category, "validation");
    const outside = await h.request("send_message", { groupId: "conv_0000000000000000", contentType: kText, content: "x" });
    assert.equal(outside.ok, false);
    assert.equal(outside.error.category, "permission");
    assert.equal((await h.ok("heartbeat", { credentialId: cred.credential.id })), null);

    const narrowed = await h.ok("update_scopes", { deny: ["send"] });
    assert.equal(narrowed.updated, true);
    assert.equal(narrowed.material, true);
    const updated = await h.event((e) => e.type === "scopes.updated", "scopes.updated");
    assert.ok(updated.permissions.deny.includes("send"));
    const denied = await h.request("send_message", { groupId: chat.id, contentType: kText, content: "x" });
    assert.equal(denied.error.code, 1200);
    assert.match(denied.error.message, /Permission denied: send/);

    const escalated = await h.ok("update_scopes", { allow: ["send", "add-member"] });
    assert.equal(escalated.updated, false);
    assert.equal((await h.closed).code, 4005);
  });

  test("reveal_content replays hidden history as message.revealed", async () => {
    const cred = issue(["--allow", "send,read-history"]);
    const h = await Harness.open(port, cred.token);
    const secretId = await group.sendText("only when revealed");
    const afterId = await group.sendText("still hidden");
    await waitFor("the daemon to store the SDK texts", () => {
      signet.ok(["chat", "sync", chat.id]);
      const list = signet.ok(["msg", "list", "--from", chat.id, "--dangerously-allow-message-read"]);
      return list.some((m) => m.networkId === afterId) || undefined;
    });
    assert.ok(!h.events().some((f) => f.event.messageId === secretId), "hidden messages never reach the harness");

    const access = await h.ok("reveal_content", {
      reveal: { revealId: "rv_1", groupId: chat.id, scope: "message", targetId: secretId, requestedBy: sdk.inboxId, expiresAt: null },
    });
    assert.equal(access.revealId, "rv_1");
    const revealed = await h.event((e) => e.type === "message.revealed", "the revealed message");
    assert.equal(revealed.messageId, secretId);
    assert.equal(revealed.revealId, "rv_1");
    assert.deepEqual(revealed.content, { text: "only when revealed" });
    assert.ok(!h.events().some((f) => f.event.messageId === afterId), "only the revealed message");
    await h.close();
  });

  test("confirm_action sends a held message; a denied one is dropped", async () => {
    const cred = issue(["--allow", kEverything, "--confirm", "send"]);
    const h = await Harness.open(port, cred.token);
    const held = await h.ok("send_message", { groupId: chat.id, contentType: kText, content: "after confirmation" });
    assert.equal(held.pending, true);
    const asked = await h.event((e) => e.type === "action.confirmation_required", "the confirmation request");
    assert.equal(asked.actionId, held.actionId);
    assert.equal(asked.actionType, "send_message");
    const sent = await h.ok("confirm_action", { actionId: held.actionId, confirmed: true });
    await sdkSees("the SDK to read the confirmed text", (m) => m.id === sent.messageId);

    const other = await h.ok("send_message", { groupId: chat.id, contentType: kText, content: "never" });
    assert.deepEqual(await h.ok("confirm_action", { actionId: other.actionId, confirmed: false }), {
      denied: true,
      actionId: other.actionId,
    });
    const again = await h.request("confirm_action", { actionId: other.actionId, confirmed: true });
    assert.equal(again.error.category, "not_found");
    await h.close();
  });

  test("revocation closes live sockets with 4004, expiry with 4003", async () => {
    const cred = issue(["--allow", kEverything]);
    const a = await Harness.open(port, cred.token);
    const b = await Harness.open(port, cred.token);
    signet.ok(["cred", "revoke", cred.credential.id, "--force"]);
    assert.equal((await a.closed).code, 4004);
    assert.equal((await b.closed).code, 4004);
    const late = await Harness.open(port, cred.token, { expectOk: false });
    assert.equal(late.auth.code, 4001);

    const brief = issue(["--allow", "send", "--ttl", "2"]);
    const c = await Harness.open(port, brief.token);
    assert.equal((await c.closed).code, 4003);
  });

  test("a slow consumer gets backpressure then 4008; the other connection gets everything", async () => {
    const cred = issue(["--allow", kEverything]);
    const slow = await Harness.open(port, cred.token);
    const fast = await Harness.open(port, cred.token);
    slow.ws._socket.pause();
    const big = "x".repeat(256 * 1024);
    const ids = [];
    for (let i = 0; i < 48; i++) ids.push(await group.sendText(`${i} ${big}`));
    for (const id of ids) await fast.event((e) => e.messageId === id, `fast sees ${id}`, { timeoutMs: 60_000 });
    slow.ws._socket.resume();
    const closed = await slow.closed;
    assert.equal(closed.code, 4008);
    const warning = slow.frames.find((f) => f.type === "backpressure");
    assert.ok(warning, "one backpressure frame before the close");
    assert.equal(warning.limit, 16);
    await fast.close();
  });

  test("no token or key in the daemon log, the audit log or the data dir", () => {
    signet.ok(["daemon", "stop"]);
    const secretArgs = tokens.flatMap((token, i) => {
      const file = path.join(signet.root, `token-${i}`);
      writeFileSync(file, token, { mode: 0o600 });
      return ["--secret-file", file];
    });
    const scanBin = process.env.XS_SECRET_SCAN_BIN;
    assert.ok(scanBin, "XS_SECRET_SCAN_BIN is not set");
    const scan = spawnSync(
      scanBin,
      [
        "--data-dir",
        path.join(signet.env.XDG_DATA_HOME, "xmtp-signet"),
        ...secretArgs,
        "--files-under",
        path.join(signet.env.XDG_STATE_HOME, "xmtp-signet"),
        "--require",
        "signet.log",
        "--require",
        "audit.jsonl",
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(scan.status, 0, `xs-secret-scan: exit ${scan.status}\n${scan.stdout}\n${scan.stderr}`);
    assert.match(scan.stderr, /0 leaks/);
    assert.ok(tokens.length >= 8);
  });
});

// The default limits (a 5 s auth timeout), so a loaded machine opening 1,000
// sockets at once is not cut off by the 1 s timeout of the suite above.
describe("WebSocket /v1/agent: 1,000 harnesses", () => {
  let sdk, signet, port;
  const setup = signetWithSdkPeers(1);
  before(() => {
    ({ sdks: [sdk], signet } = setup);
    port = wsPortOf(signet);
  });

  test("1,000 concurrent authenticated connections all get the next event", async () => {
    signet.ok(["operator", "create", "--label", "crowd"]);
    const chat = signet.ok(["chat", "create", "--name", "crowd", "--members", sdk.inboxId]);
    const group = await waitFor("the SDK to join", () => syncedConversation(sdk, chat.networkGroupId));
    const cred = signet.ok(["cred", "issue", "--op", "crowd", "--chat", chat.id, "--allow", kEverything]);
    const harnesses = [];
    for (let i = 0; i < 1000; i += 100) {
      harnesses.push(...(await Promise.all(Array.from({ length: 100 }, () => Harness.open(port, cred.token)))));
    }
    const status = signet.ok(["status"]);
    assert.ok(status.connections.ws >= 1000, JSON.stringify(status.connections));
    const id = await group.sendText("to everyone");
    await Promise.all(harnesses.map((h) => h.event((e) => e.messageId === id, "the broadcast", { timeoutMs: 60_000 })));
    await Promise.all(harnesses.map((h) => h.close()));
  });
});

// Tight limits (heartbeat every 300 ms, dead after 3 silent intervals, a
// 4-frame replay buffer, 20 requests a second, 4 KiB frames) to see each one
// act on the real daemon, and the events that go with a credential's end.
describe("WebSocket /v1/agent: liveness, limits and the end of a credential", () => {
  let sdk, signet, port, chat, group;
  const setup = signetWithSdkPeers(1, {
    env: {
      XMTP_SIGNET_WS_HEARTBEAT_INTERVAL_MS: "300",
      XMTP_SIGNET_WS_MISSED_HEARTBEATS: "3",
      XMTP_SIGNET_WS_REPLAY_BUFFER_SIZE: "4",
      XMTP_SIGNET_WS_RATE_LIMIT_WINDOW_MS: "1000",
      XMTP_SIGNET_WS_RATE_LIMIT_MAX_MESSAGES: "20",
      XMTP_SIGNET_WS_MAX_FRAME_SIZE_BYTES: "4096",
    },
  });
  before(async () => {
    ({ sdks: [sdk], signet } = setup);
    port = wsPortOf(signet);
    signet.ok(["operator", "create", "--label", "bot"]);
    chat = signet.ok(["chat", "create", "--name", "limits", "--members", sdk.inboxId]);
    group = await waitFor("the SDK to join our chat", () => syncedConversation(sdk, chat.networkGroupId));
  });

  function issue(args) {
    return signet.ok(["cred", "issue", "--op", "bot", "--chat", chat.id, ...args]);
  }

  // Client traffic every 150 ms (a heartbeat request), so the 0.9 s dead
  // threshold never hits; stops when the socket closes.
  function keepAlive(h, credentialId) {
    const timer = setInterval(() => {
      if (h.closeInfo) return clearInterval(timer);
      h.sendJson({ type: "heartbeat", requestId: `ka_${Date.now()}`, credentialId });
    }, 150);
    h.closed.then(() => clearInterval(timer));
    return timer;
  }

  test("heartbeat events arrive; a silent harness is closed with 4010", async () => {
    const cred = issue(["--allow", kEverything]);
    const h = await Harness.open(port, cred.token);
    const beat = await h.event((e) => e.type === "heartbeat", "a heartbeat event");
    assert.equal(beat.credentialId, cred.credential.id);
    assert.ok(!Number.isNaN(Date.parse(beat.timestamp)));
    assert.equal((await h.closed).code, 4010);
  });

  test("a resume the replay buffer no longer covers starts with signet.recovery.complete", async () => {
    const cred = issue(["--allow", kEverything]);
    const h = await Harness.open(port, cred.token);
    keepAlive(h, cred.credential.id);
    const first = await group.sendText("the first of many");
    await h.event((e) => e.messageId === first, "the first text");
    const lastSeen = h.events().find((f) => f.event.messageId === first).seq;
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await group.sendText(`more ${i}`));
    for (const id of ids) await h.event((e) => e.messageId === id, `text ${id}`);
    const again = await Harness.open(port, cred.token, { lastSeenSeq: lastSeen });
    keepAlive(again, cred.credential.id);
    assert.equal(again.auth.resumedFromSeq, null);
    const recovery = await again.frame((f) => typeof f.seq === "number", "the first sequenced frame");
    assert.equal(recovery.event.type, "signet.recovery.complete");
    assert.ok(!Number.isNaN(Date.parse(recovery.event.caughtUpThrough)));
    assert.ok(recovery.seq > Math.max(...h.events().map((f) => f.seq)) - 1);
    await h.close();
    await again.close();
  });

  test("more requests than the rate limit close with 1008; an oversized frame is refused", async () => {
    const cred = issue(["--allow", kEverything]);
    const flood = await Harness.open(port, cred.token);
    for (let i = 0; i < 40; i++) flood.sendJson({ type: "heartbeat", requestId: `f${i}`, credentialId: cred.credential.id });
    assert.equal((await flood.closed).code, 1008);

    const big = await Harness.open(port, cred.token);
    big.sendJson({ type: "send_message", requestId: "big", groupId: chat.id, contentType: kText, content: "x".repeat(8192) });
    assert.equal((await big.closed).code, 1009);
  });

  test("expiry: credential.expired, then 4003", async () => {
    const cred = issue(["--allow", "send", "--ttl", "2"]);
    const h = await Harness.open(port, cred.token);
    keepAlive(h, cred.credential.id);
    const expired = await h.event((e) => e.type === "credential.expired", "credential.expired", { timeoutMs: 30_000 });
    assert.equal(expired.credentialId, cred.credential.id);
    assert.equal((await h.closed).code, 4003);
  });

  test("revocation: agent.revoked with a signed revocation seal, then 4004", async () => {
    const cred = issue(["--allow", kEverything]);
    const h = await Harness.open(port, cred.token);
    keepAlive(h, cred.credential.id);
    signet.ok(["cred", "revoke", cred.credential.id, "--force"]);
    const revoked = await h.event((e) => e.type === "agent.revoked", "agent.revoked");
    assert.equal(revoked.revocation.credentialId, cred.credential.id);
    assert.equal(revoked.revocation.chatId, chat.id);
    assert.equal(revoked.revocation.reason, "owner-initiated");
    assert.equal(revoked.revocation.issuer, "signet");
    assert.equal((await h.closed).code, 4004);
  });

  test("escalation: credential.reauthorization_required, then 4005", async () => {
    const cred = issue(["--allow", "send"]);
    const h = await Harness.open(port, cred.token);
    keepAlive(h, cred.credential.id);
    const answer = await h.ok("update_scopes", { allow: ["send", "add-member"] });
    assert.deepEqual([answer.updated, answer.material], [false, true]);
    const reauth = await h.event((e) => e.type === "credential.reauthorization_required", "reauthorization");
    assert.equal(reauth.credentialId, cred.credential.id);
    assert.equal((await h.closed).code, 4005);
  });

  test("shutdown: credential.expired {signet_shutdown}, then 1001", async () => {
    const cred = issue(["--allow", kEverything]);
    const h = await Harness.open(port, cred.token);
    keepAlive(h, cred.credential.id);
    signet.ok(["daemon", "stop"]);
    const bye = await h.event((e) => e.type === "credential.expired" && e.reason === "signet_shutdown", "the shutdown event");
    assert.equal(bye.credentialId, cred.credential.id);
    assert.equal((await h.closed).code, 1001);
  });
});
