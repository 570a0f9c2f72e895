// `xs mcp` (stdio) driven by the official MCP SDK client
// (@modelcontextprotocol/sdk 1.32.2: Client + StdioClientTransport), the way
// an MCP host starts it: `xs mcp --config <path>` with the entry's env
// (XMTP_SIGNET_CREDENTIAL_TOKEN and the daemon's XDG dirs) on top of the SDK's
// default list. Our real daemon on our node; alice (xs-client-peer) is the
// peer.
//   - initialize: serverInfo xmtp-signet, protocol 2025-11-25, tools and
//     resources (subscribe) capabilities; ping;
//   - tools/list: the agent's own surface with JSON Schemas, no admin tool;
//   - message_send reaches alice, message_list reads it and alice's text
//     (conv_ id and network group id alike); chat_list, credential_info;
//   - reveal_request / reveal_list; a reveal outside the scope is refused;
//   - resources: the chat's messages resource, read and subscribed (alice's
//     next message is notifications/resources/updated);
//   - admin tools are permission tool errors, bad arguments validation tool
//     errors, an unknown tool and an unknown method JSON-RPC errors;
//   - an expired and a revoked credential: tool calls fail with auth, and
//     `xs mcp` refuses to start (exit 9, nothing on stdout, no token echoed);
//     so do an unknown token and a missing one;
//   - XMTP_SIGNET_ID: the daemon's own id connects, another is refused.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { before, describe, test } from "node:test";
import { EmptyResultSchema, ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { chatUri, checkInitialize, checkToolList, kForbiddenCalls, kLatestProtocol } from "./lib/expect.mjs";
import { McpError, connectStdio, notification } from "./lib/mcp.mjs";
import { hostEnv, kAgentScopes, mcpSignet, poll, xsBinary } from "./lib/signet.mjs";

describe("xs mcp (stdio) with the official SDK client", () => {
  const setup = mcpSignet();
  let chat, cred, s, inboundId;

  function mcpArgs() {
    return ["mcp", "--config", setup.configPath];
  }
  function connect(token, extra = {}) {
    return connectStdio(xsBinary(), mcpArgs(), { ...hostEnv(setup, token), ...extra });
  }
  // `xs mcp` started with `token` (or none) and an empty stdin.
  function startRaw(token, extra = {}) {
    const env = { ...hostEnv(setup, token), ...extra };
    if (token === undefined) delete env.XMTP_SIGNET_CREDENTIAL_TOKEN;
    return spawnSync(xsBinary(), mcpArgs(), { env, input: "", encoding: "utf8", timeout: 30_000 });
  }
  function assertRefused(r, token, what) {
    assert.notEqual(r.status, 0, `${what}: xs mcp started (stderr: ${r.stderr})`);
    assert.equal(r.stdout, "", `${what}: stdout is the protocol channel and stays empty`);
    assert.match(r.stderr, /\S/, `${what}: the reason goes to stderr`);
    if (token) assert.ok(!r.stderr.includes(token), `${what}: the token is never echoed`);
  }

  before(async () => {
    chat = setup.chat;
    cred = setup.issue(["--allow", kAgentScopes]);
    inboundId = await setup.peerSend("hello agent");
    s = await connect(cred.token);
  });

  test("initialize: serverInfo, the latest protocol version, capabilities; ping", async () => {
    assert.equal(s.requestedProtocolVersion(), kLatestProtocol, "the SDK asks for the latest version");
    checkInitialize(s.initializeResult());
    assert.equal(s.client.getServerVersion().name, "xmtp-signet");
    await s.client.ping();
  });

  test("tools/list: the agent's own surface, each with an input schema", async () => {
    checkToolList(await s.tools());
  });

  test("message_send reaches alice; message_list reads it and alice's text", async () => {
    const sent = await s.ok("message_send", { chatId: chat.id, text: "hi from mcp" });
    assert.match(sent.messageId, /^[0-9a-f]{64}$/, JSON.stringify(sent));
    assert.equal(sent.provenance?.credentialId, cred.credential.id, "the send carries its seal provenance");
    const got = await poll("alice to receive the MCP text", async () => (await setup.peerTexts()).get(sent.messageId));
    assert.equal(got, "hi from mcp");

    const rows = await s.ok("message_list", { chatId: chat.id });
    assert.ok(Array.isArray(rows), JSON.stringify(rows));
    const mine = rows.find((m) => m.networkId === sent.messageId);
    assert.equal(mine?.text, "hi from mcp", JSON.stringify(rows));
    assert.equal(mine.chatId, chat.id);
    const inbound = rows.find((m) => m.networkId === inboundId);
    assert.equal(inbound?.text, "hello agent", JSON.stringify(rows));
    assert.equal(inbound.senderInboxId, setup.alice.inboxId);
    assert.equal(inbound.visibility, "visible");

    // The network group id names the chat as well (decisions.md #26); limit.
    const byNetworkId = await s.ok("message_list", { chatId: chat.networkGroupId, limit: 1 });
    assert.equal(byNetworkId.length, 1);
    assert.equal(byNetworkId[0].networkId, sent.messageId, "limit keeps the newest");
  });

  test("chat_list and credential_info show the credential's own scope", async () => {
    const chats = await s.ok("chat_list");
    assert.deepEqual(
      chats.map((c) => c.id),
      [chat.id],
    );
    const own = await s.ok("credential_info", { credentialId: cred.credential.id });
    assert.equal(own.id ?? own.credentialId, cred.credential.id, JSON.stringify(own));
    assert.ok(!JSON.stringify(own).includes(cred.token), "credential_info never shows the token");
    const other = setup.issue(["--allow", "read-messages"]);
    const refused = await s.call("credential_info", { credentialId: other.credential.id });
    assert.equal(refused.isError, true, `another credential is not visible: ${JSON.stringify(refused)}`);
    setup.revoke(other.credential.id);
  });

  test("reveal_request grants a reveal that reveal_list shows; another chat is refused", async () => {
    const reveal = {
      revealId: "rv_mcp_1",
      groupId: chat.id,
      scope: "message",
      targetId: inboundId,
      requestedBy: setup.alice.inboxId,
      expiresAt: null,
    };
    const access = await s.ok("reveal_request", { reveal });
    assert.equal(access.revealId, "rv_mcp_1");
    assert.ok(!Number.isNaN(Date.parse(access.grantedAt)), JSON.stringify(access));
    const { activeReveals } = await s.ok("reveal_list");
    assert.ok(
      activeReveals.some((r) => r.revealId === "rv_mcp_1"),
      JSON.stringify(activeReveals),
    );
    const elsewhere = { ...reveal, revealId: "rv_x", groupId: "conv_0000000000000000" };
    await s.toolError("reveal_request", { reveal: elsewhere }, "permission");
    await s.toolError("reveal_request", {}, "validation");
  });

  test("resources: the chat's messages, read and subscribed", async () => {
    const uri = chatUri(chat.id);
    const { resources } = await s.client.listResources();
    assert.deepEqual(
      resources.map((r) => r.uri),
      [uri],
      "one resource per chat in scope",
    );
    const read = await s.client.readResource({ uri });
    assert.equal(read.contents[0]?.uri, uri, JSON.stringify(read));
    assert.match(read.contents[0].text ?? "", /hello agent/, "the newest messages, alice's text among them");

    await s.client.subscribeResource({ uri });
    const from = s.notifications.length;
    await setup.peerSend("news for subscribers");
    const updated = await notification(
      s,
      (n, i) => i >= from && n.method === "notifications/resources/updated" && n.params?.uri === uri,
      "notifications/resources/updated for the chat",
    );
    ResourceUpdatedNotificationSchema.parse(updated);
  });

  test("admin tools are permission errors; bad arguments validation errors (tool results)", async () => {
    for (const [name, args] of kForbiddenCalls) await s.toolError(name, args, "permission");
    const wrongType = await s.toolError("message_send", { chatId: 42, text: "x" }, "validation");
    assert.match(JSON.stringify(wrongType), /chatId/, "the error names the param");
    const missing = await s.toolError("message_send", { text: "x" }, "validation");
    assert.match(JSON.stringify(missing), /chatId/);
    const badLimit = await s.toolError("message_list", { chatId: chat.id, limit: "ten" }, "validation");
    assert.match(JSON.stringify(badLimit), /limit/);
    // Still usable after the errors.
    assert.ok(Array.isArray(await s.ok("chat_list")));
  });

  test("an unknown tool and an unknown method are JSON-RPC errors", async () => {
    await assert.rejects(s.call("no_such_tool", {}), (e) => e instanceof McpError && e.code === -32602);
    await assert.rejects(
      s.client.request({ method: "xs/no-such-method", params: {} }, EmptyResultSchema),
      (e) => e instanceof McpError && e.code === -32601,
    );
    await s.client.ping();
  });

  test("stdout carries JSON-RPC only", () => {
    assert.deepEqual(s.recording.errors, [], "the SDK parsed every line the server wrote");
  });

  test("an expired credential: tool calls fail with auth, xs mcp refuses to start", async () => {
    const short = setup.issue(["--allow", kAgentScopes, "--ttl", "8"]);
    const live = await connect(short.token);
    try {
      assert.ok(Array.isArray(await live.ok("chat_list")), "active before its TTL");
      await poll("the credential to expire", () => setup.credentialStatus(short.credential.id) === "expired", {
        timeoutMs: 30_000,
      });
      await live.toolError("chat_list", {}, "auth");
      await live.toolError("message_send", { chatId: chat.id, text: "too late" }, "auth");
    } finally {
      await live.close();
    }
    const r = startRaw(short.token);
    assertRefused(r, short.token, "expired");
    assert.equal(r.status, 9, `auth exit code; stderr: ${r.stderr}`);
    await assert.rejects(connect(short.token));
  });

  test("a revoked credential: the next tool call fails with auth, xs mcp refuses to start", async () => {
    const doomed = setup.issue(["--allow", kAgentScopes]);
    const live = await connect(doomed.token);
    try {
      await live.ok("message_list", { chatId: chat.id });
      setup.revoke(doomed.credential.id);
      await live.toolError("message_list", { chatId: chat.id }, "auth");
      await live.toolError("message_send", { chatId: chat.id, text: "after revoke" }, "auth");
    } finally {
      await live.close();
    }
    const r = startRaw(doomed.token);
    assertRefused(r, doomed.token, "revoked");
    assert.equal(r.status, 9, `auth exit code; stderr: ${r.stderr}`);
  });

  test("an unknown token and a missing one: xs mcp refuses to start", () => {
    const bogus = "xst_not-a-real-token";
    const unknown = startRaw(bogus);
    assertRefused(unknown, bogus, "unknown token");
    assert.equal(unknown.status, 9, unknown.stderr);
    const none = startRaw(undefined);
    assertRefused(none, undefined, "no token");
    assert.match(none.stderr, /XMTP_SIGNET_CREDENTIAL_TOKEN/, "names the variable");
  });

  test("XMTP_SIGNET_ID pins the signet: its own id connects, another is refused", async () => {
    const signetId = setup.signet.ok(["status"]).signetId;
    assert.match(signetId ?? "", /^sha256:/, "xs status --json shows the signet id");
    const pinned = await connect(cred.token, { XMTP_SIGNET_ID: signetId });
    assert.ok(Array.isArray(await pinned.ok("chat_list")));
    await pinned.close();
    const other = startRaw(cred.token, { XMTP_SIGNET_ID: `sha256:${"0".repeat(64)}` });
    assertRefused(other, cred.token, "another signet id");
    assert.match(other.stderr, /XMTP_SIGNET_ID/, "names the variable");
  });

  test("the session still works after everything above", async () => {
    assert.ok(Array.isArray(await s.ok("message_list", { chatId: chat.id })));
    await s.close();
  });
});
