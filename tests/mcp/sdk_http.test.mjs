// POST /mcp (streamable HTTP) on the daemon's HTTP server ([http] enabled),
// driven by the official MCP SDK client (@modelcontextprotocol/sdk 1.32.2:
// Client + StreamableHTTPClientTransport) with the credential token as
// `Authorization: Bearer` on every request. Our real daemon on our node;
// alice (xs-client-peer) is the peer.
//   - initialize: Mcp-Session-Id, protocol 2025-11-25 (then sent as
//     MCP-Protocol-Version), serverInfo and capabilities; ping;
//   - tools/list as over stdio; message_send reaches alice, message_list
//     reads it; reveal_request;
//   - admin tools permission tool errors, bad arguments validation tool
//     errors, an unknown tool a JSON-RPC error;
//   - no token or a wrong one: HTTP 401, the SDK cannot connect; an
//     unsupported MCP-Protocol-Version is 400, a foreign Origin 403; DELETE
//     ends the session (its id is then 404);
//   - expired and revoked credentials are refused on their open sessions;
//   - the SDK meets no transport error on a session (its GET SSE stream).
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { checkInitialize, checkToolList, kForbiddenCalls, kLatestProtocol } from "./lib/expect.mjs";
import { McpError, connectHttp, envelopeOf } from "./lib/mcp.mjs";
import { kAgentScopes, mcpSignet, poll } from "./lib/signet.mjs";

const kInitialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: kLatestProtocol, capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

describe("POST /mcp (streamable HTTP) with the official SDK client", () => {
  const setup = mcpSignet({ http: true });
  let chat, cred, s;

  function bearer(token) {
    return { Authorization: `Bearer ${token}` };
  }
  // One raw POST /mcp; resolves with the response (body unread).
  function post(body, headers = {}) {
    return fetch(setup.mcpUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers },
      body: JSON.stringify(body),
    });
  }
  // A tool call on a credential that is no longer active: refused, either as
  // an auth tool error or at the HTTP layer (401 on its bearer token).
  async function refused(session, name, args) {
    let result;
    try {
      result = await session.call(name, args);
    } catch (error) {
      assert.match(String(error), /401|nauthori[sz]ed|auth/i, `${name}: ${error}`);
      return;
    }
    const env = envelopeOf(result);
    assert.equal(result.isError, true, `${name} on an inactive credential: ${JSON.stringify(env)}`);
    assert.equal(env.error.category, "auth", JSON.stringify(env.error));
  }

  before(async () => {
    chat = setup.chat;
    cred = setup.issue(["--allow", kAgentScopes]);
    s = await connectHttp(setup.mcpUrl, bearer(cred.token));
  });

  test("initialize: a session id, the latest protocol version, serverInfo; ping", async () => {
    assert.match(s.transport.sessionId ?? "", /^[\x21-\x7e]+$/, "Mcp-Session-Id: visible ASCII");
    assert.equal(s.transport.protocolVersion, kLatestProtocol);
    checkInitialize(s.initializeResult());
    await s.client.ping();
  });

  test("tools/list: the agent's own surface", async () => {
    checkToolList(await s.tools());
  });

  test("message_send reaches alice, message_list reads it; reveal_request", async () => {
    const sent = await s.ok("message_send", { chatId: chat.id, text: "hi over http" });
    assert.match(sent.messageId, /^[0-9a-f]{64}$/, JSON.stringify(sent));
    const got = await poll("alice to receive the HTTP text", async () => (await setup.peerTexts()).get(sent.messageId));
    assert.equal(got, "hi over http");
    const rows = await s.ok("message_list", { chatId: chat.id });
    assert.equal(rows.find((m) => m.networkId === sent.messageId)?.text, "hi over http", JSON.stringify(rows));
    const access = await s.ok("reveal_request", {
      reveal: {
        revealId: "rv_http",
        groupId: chat.id,
        scope: "message",
        targetId: sent.messageId,
        requestedBy: setup.alice.inboxId,
        expiresAt: null,
      },
    });
    assert.equal(access.revealId, "rv_http");
  });

  test("admin tools, bad arguments and an unknown tool", async () => {
    for (const [name, args] of kForbiddenCalls) await s.toolError(name, args, "permission");
    const wrongType = await s.toolError("message_send", { chatId: chat.id, text: 7 }, "validation");
    assert.match(JSON.stringify(wrongType), /text/);
    await assert.rejects(s.call("no_such_tool", {}), (e) => e instanceof McpError && e.code === -32602);
    assert.ok(Array.isArray(await s.ok("chat_list")));
  });

  test("no token or a wrong one: 401, and the SDK cannot connect", async () => {
    assert.equal((await post(kInitialize)).status, 401);
    assert.equal((await post(kInitialize, bearer("xst_wrong"))).status, 401);
    await assert.rejects(connectHttp(setup.mcpUrl));
    await assert.rejects(connectHttp(setup.mcpUrl, bearer("xst_wrong")));
  });

  test("an unsupported MCP-Protocol-Version is 400; a foreign Origin 403", async () => {
    const headers = { ...bearer(cred.token), "Mcp-Session-Id": s.transport.sessionId };
    const ping = { jsonrpc: "2.0", id: 7, method: "ping" };
    assert.equal((await post(ping, { ...headers, "MCP-Protocol-Version": "1999-01-01" })).status, 400);
    assert.equal((await post(kInitialize, { ...bearer(cred.token), Origin: "http://evil.example" })).status, 403);
  });

  test("DELETE ends a session; its id is then unknown (404)", async () => {
    const other = await connectHttp(setup.mcpUrl, bearer(cred.token));
    const id = other.transport.sessionId;
    await other.transport.terminateSession();
    const after = await post(
      { jsonrpc: "2.0", id: 9, method: "ping" },
      { ...bearer(cred.token), "Mcp-Session-Id": id, "MCP-Protocol-Version": kLatestProtocol },
    );
    assert.equal(after.status, 404);
    await other.close();
  });

  test("expired and revoked credentials are refused on their open sessions", async () => {
    const short = setup.issue(["--allow", kAgentScopes, "--ttl", "8"]);
    const doomed = setup.issue(["--allow", kAgentScopes]);
    const a = await connectHttp(setup.mcpUrl, bearer(short.token));
    const b = await connectHttp(setup.mcpUrl, bearer(doomed.token));
    try {
      assert.ok(Array.isArray(await a.ok("chat_list")), "active before its TTL");
      await b.ok("message_list", { chatId: chat.id });
      setup.revoke(doomed.credential.id);
      await refused(b, "message_list", { chatId: chat.id });
      await poll("the credential to expire", () => setup.credentialStatus(short.credential.id) === "expired", {
        timeoutMs: 30_000,
      });
      await refused(a, "message_send", { chatId: chat.id, text: "too late" });
    } finally {
      await a.close();
      await b.close();
    }
    await assert.rejects(connectHttp(setup.mcpUrl, bearer(short.token)));
    await assert.rejects(connectHttp(setup.mcpUrl, bearer(doomed.token)));
    // The live session of an active credential is untouched, and the SDK met
    // no transport error on it (its GET stream, opened after
    // notifications/initialized was accepted with 202, got an SSE stream or
    // 405).
    assert.ok(Array.isArray(await s.ok("chat_list")));
    assert.deepEqual(s.recording.errors, []);
    await s.close();
  });
});
