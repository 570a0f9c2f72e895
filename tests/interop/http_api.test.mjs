// The HTTP API of the real daemon (XS_BIN, [http] enabled through
// XMTP_SIGNET_HTTP_ENABLED, port 0) driven with Node's fetch, against our node
// and an official @xmtp/node-sdk peer:
//   - GET /v1/health answers without a token with the daemon's status;
//   - admin routes with an admin JWT minted from <dataDir>/admin.key as the
//     CLI mints it (EdDSA over Ed25519) create a chat with the SDK inbox and
//     send it a text the SDK reads, and the derived GET route lists chats;
//   - a credential issued with `xs cred issue` authenticates on the
//     credential routes (on this branch chat.*/message.* stay admin-only, so
//     its calls are permission errors, 403);
//   - every error status: 401 (no token, bad token), 400 (bad JSON), 404
//     (unknown route, legacy /v1/session/*), 413 (body over 1 MiB).
import assert from "node:assert/strict";
import { createPrivateKey, randomBytes, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createClients, syncedConversation, textsOf, waitFor } from "./lib/clients.mjs";
import { startNode } from "./lib/node_process.mjs";
import { Signet } from "./lib/xs_signet.mjs";

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

// An admin JWT as src/transport/admin/admin_jwt.cpp mints it.
function adminJwt(dataDir) {
  const key = JSON.parse(readFileSync(path.join(dataDir, "admin.key"), "utf8"));
  const privateKey = createPrivateKey({
    key: {
      kty: "OKP",
      crv: "Ed25519",
      d: b64url(Buffer.from(key.seed, "hex")),
      x: b64url(Buffer.from(key.publicKey, "hex")),
    },
    format: "jwk",
  });
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: "EdDSA", typ: "JWT" }));
  const claims = b64url(
    JSON.stringify({ iss: key.fingerprint, sub: "admin", iat: now, exp: now + 120, jti: randomBytes(16).toString("hex") }),
  );
  const signature = sign(null, Buffer.from(`${header}.${claims}`), privateKey);
  return `${header}.${claims}.${b64url(signature)}`;
}

describe("the HTTP API of the daemon", () => {
  let node, sdk, signet, base, status;

  async function call(method, route, { token, body, raw } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${base}${route}`, {
      method,
      headers,
      body: raw !== undefined ? raw : body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, json: await response.json() };
  }

  function assertError(reply, status, category, message) {
    assert.equal(reply.status, status, JSON.stringify(reply.json));
    assert.equal(reply.json.ok, false);
    assert.equal(reply.json.error.category, category, JSON.stringify(reply.json));
    for (const member of ["_tag", "code", "message", "context"]) assert.ok(member in reply.json.error, member);
    assert.match(reply.json.meta.requestId, /^req_/);
    if (message !== undefined) assert.equal(reply.json.error.message, message);
  }

  before(async () => {
    node = await startNode();
    [sdk] = await createClients(node, 1);
    signet = new Signet(node);
    signet.env.XMTP_SIGNET_HTTP_ENABLED = "true";
    signet.env.XMTP_SIGNET_HTTP_PORT = "0";
    signet.ok(["init", "trusted-local", "--env", "local"]);
    const started = signet.ok(["daemon", "start", "--daemon"]);
    assert.ok(Number.isInteger(started.httpPort) && started.httpPort > 0, JSON.stringify(started));
    status = signet.ok(["status"]);
    assert.equal(status.httpPort, started.httpPort);
    assert.equal(status.http.listening, true);
    base = `http://127.0.0.1:${status.httpPort}`;
  });

  after(async () => {
    signet?.dispose();
    await node?.dispose();
  });

  test("GET /v1/health needs no token and carries the daemon status", async () => {
    const reply = await call("GET", "/v1/health");
    assert.equal(reply.status, 200);
    assert.equal(reply.json.ok, true);
    assert.equal(reply.json.data.pid, status.pid);
    assert.equal(reply.json.data.httpPort, status.httpPort);
    assert.equal(reply.json.data.xmtpEnv, "local");
    assert.match(reply.json.meta.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(typeof reply.json.meta.durationMs, "number");
  });

  test("admin routes with the admin JWT reach the network: a chat and a text the SDK reads", async () => {
    const token = adminJwt(status.dataDir);
    const created = await call("POST", "/v1/admin/chat.create", {
      token,
      body: { name: "over http", members: [sdk.inboxId] },
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const chat = created.json.data;
    assert.match(chat.id, /^conv_[0-9a-f]{16}$/);
    const sent = await call("POST", "/v1/admin/message.send", { token, body: { chatId: chat.id, text: "hello over HTTP" } });
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    const group = await waitFor("the SDK to join the chat", () => syncedConversation(sdk, chat.networkGroupId));
    await waitFor("the SDK to read the text", async () => {
      await group.sync();
      return textsOf(await group.messages()).includes("hello over HTTP");
    });
    // The derived route: chat.list is a read, so GET.
    const listed = await call("GET", "/v1/actions/chat/list", { token });
    assert.equal(listed.status, 200, JSON.stringify(listed.json));
    assert.ok(JSON.stringify(listed.json.data).includes(chat.id));
    // Same data as the CLI, which goes through the admin socket.
    assert.ok(JSON.stringify(signet.ok(["chat", "list"])).includes(chat.id));
  });

  test("a credential token from `xs cred issue` authenticates on the credential routes", async () => {
    signet.ok(["operator", "create", "--label", "http-agent"]);
    const chats = signet.ok(["chat", "list"]);
    const chat = chats.find((c) => c.name === "over http") ?? chats[0];
    assert.ok(chat, JSON.stringify(chats));
    const issued = signet.ok([
      "cred", "issue", "--op", "http-agent", "--chat", chat.id,
      "--allow", "send,list-conversations,read-messages",
    ]);
    assert.equal(typeof issued.token, "string");
    const token = issued.token;
    // The credential sees its own chat, sends into it with provenance, and
    // the SDK reads the text.
    const listed = await call("POST", "/v1/credential/chat.list", { token, body: {} });
    assert.equal(listed.status, 200, JSON.stringify(listed.json));
    assert.deepEqual(listed.json.data.map((c) => c.id), [chat.id]);
    const viaGet = await call("GET", "/v1/actions/chat/list", { token });
    assert.equal(viaGet.status, 200, JSON.stringify(viaGet.json));
    const sent = await call("POST", "/v1/credential/message.send", {
      token,
      body: { chatId: chat.networkGroupId, contentType: "xmtp.org/text:1.0", content: "hi from a credential" },
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    assert.match(sent.json.data.messageId, /^[0-9a-f]{64}$/);
    assert.ok("provenance" in sent.json.data);
    const group = await waitFor("the SDK to have the chat", () => syncedConversation(sdk, chat.networkGroupId));
    await waitFor("the SDK to read the credential's text", async () => {
      await group.sync();
      return textsOf(await group.messages()).includes("hi from a credential") || undefined;
    });
    // Outside its surface: a scope it lacks and an admin-only action.
    assertError(
      await call("POST", "/v1/credential/message.react", {
        token,
        body: { chatId: chat.id, messageId: sent.json.data.messageId, emoji: "\u{1F44D}" },
      }),
      403,
      "permission",
      "Permission denied: react",
    );
    assertError(await call("POST", "/v1/credential/operator.list", { token, body: {} }), 403, "permission");
    // Revoked: the token no longer authenticates.
    signet.ok(["cred", "revoke", issued.credential.id, "--force"]);
    assertError(await call("POST", "/v1/credential/chat.list", { token: issued.token, body: {} }), 401, "auth");
  });

  test("error statuses: 401, 400, 404 and 413 in the error envelope", async () => {
    assertError(await call("POST", "/v1/admin/chat.list", { body: {} }), 401, "auth", "Missing authorization token");
    assertError(await call("POST", "/v1/admin/chat.list", { token: "a.b.c", body: {} }), 401, "auth");
    assertError(await call("POST", "/v1/credential/chat.list", { token: "not-a-token", body: {} }), 401, "auth");
    const token = adminJwt(status.dataDir);
    assertError(
      await call("POST", "/v1/admin/chat.create", { token, raw: "{not json" }),
      400,
      "validation",
      "Validation failed on 'body': invalid JSON",
    );
    assertError(await call("GET", "/v1/nowhere"), 404, "not_found", "Route not found: GET /v1/nowhere");
    assertError(await call("POST", "/v1/session/s1/messages", { body: {} }), 404, "not_found");
    assertError(await call("POST", "/v1/admin/no.such", { token, body: {} }), 404, "not_found");
    const big = await call("POST", "/v1/admin/chat.create", { token, raw: JSON.stringify({ name: "x".repeat(2 << 20) }) });
    assertError(big, 413, "validation", "Validation failed on 'body': exceeds the limit of 1048576 bytes");
    // Still serving afterwards.
    assert.equal((await call("GET", "/v1/health")).status, 200);
  });
});
