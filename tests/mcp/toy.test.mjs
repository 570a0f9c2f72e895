// Harness self-check: the real clients (SDK over stdio and streamable HTTP,
// the Inspector CLI, OpenClaw) against tools/toy_server.mjs, an SDK-built
// server shaped like ours. When this fails, a client or the harness in lib/
// changed; when only the signet suites fail, our server did.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { McpError, OpenClaw, connectHttp, connectStdio, envelopeOf, inspector } from "./lib/mcp.mjs";
import { poll } from "./lib/signet.mjs";

const toy = path.join(path.dirname(fileURLToPath(import.meta.url)), "tools", "toy_server.mjs");

describe("harness self-check against the toy server", () => {
  let http, url;
  let httpOut = "";
  const tmp = mkdtempSync(path.join(os.tmpdir(), "xs-mcp-toy-"));
  const catalog = path.join(tmp, "catalog.json");

  before(async () => {
    http = spawn(process.execPath, [toy, "http", "toy-http-token"], { stdio: ["ignore", "pipe", "inherit"] });
    http.stdout.setEncoding("utf8").on("data", (c) => (httpOut += c));
    const port = await poll("the toy HTTP server to listen", () => /listening (\d+)/.exec(httpOut)?.[1]);
    url = `http://127.0.0.1:${port}/mcp`;
  });
  after(() => {
    http?.kill("SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
  });

  test("SDK stdio: initialize, tools, envelope results, tool and protocol errors", async () => {
    const s = await connectStdio(process.execPath, [toy, "stdio"], { XMTP_SIGNET_CREDENTIAL_TOKEN: "toy-token" });
    try {
      assert.equal(s.requestedProtocolVersion(), "2025-11-25");
      assert.equal(s.initializeResult().protocolVersion, "2025-11-25");
      assert.deepEqual((await s.tools()).map((t) => t.name).sort(), ["message_list", "message_send"]);
      const sent = await s.ok("message_send", { chatId: "c1", text: "hi" });
      assert.ok((await s.ok("message_list", { chatId: "c1" })).some((m) => m.id === sent.messageId));
      await s.toolError("operator_create", { label: "x" }, "permission");
      await s.toolError("message_send", { chatId: 1, text: "x" }, "validation");
      await assert.rejects(s.call("no_such_tool"), (e) => e instanceof McpError && e.code === -32602);
    } finally {
      await s.close();
    }
  });

  test("SDK streamable HTTP with a bearer token; a wrong token is refused", async () => {
    const s = await connectHttp(url, { Authorization: "Bearer toy-http-token" });
    try {
      assert.match(s.transport.sessionId ?? "", /\S/);
      assert.equal(s.transport.protocolVersion, "2025-11-25");
      envelopeOf(await s.call("message_send", { chatId: "c2", text: "over http" }));
    } finally {
      await s.close();
    }
    await assert.rejects(connectHttp(url, { Authorization: "Bearer wrong" }));
  });

  test("Inspector CLI: tools/list and tools/call over stdio and HTTP", async () => {
    const stdio = ["-e", "XMTP_SIGNET_CREDENTIAL_TOKEN=toy-token", process.execPath, toy, "stdio"];
    const list = await inspector([...stdio, "--method", "tools/list"], { catalog });
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.json.tools.map((t) => t.name).sort(), ["message_list", "message_send"]);
    const call = await inspector(
      [...stdio, "--method", "tools/call", "--tool-name", "message_send", "--tool-arg", "chatId=c3", "--tool-arg", "text=hello"],
      { catalog },
    );
    assert.equal(call.code, 0, call.stderr);
    assert.equal(envelopeOf(call.json).ok, true);
    // The Inspector refuses a tool the server did not list before calling it.
    const unlisted = await inspector([...stdio, "--method", "tools/call", "--tool-name", "operator_create"], { catalog });
    assert.notEqual(unlisted.code, 0);
    assert.match(unlisted.stdout + unlisted.stderr, /tool_not_found/);
    const overHttp = await inspector(
      ["--transport", "http", "--server-url", url, "--header", "Authorization: Bearer toy-http-token", "--method", "tools/list"],
      { catalog },
    );
    assert.equal(overHttp.code, 0, overHttp.stderr);
    assert.equal(overHttp.json.tools.length, 2);
  });

  test("OpenClaw: mcp set (stdio and streamable HTTP), then probe lists the tools", async () => {
    const oc = new OpenClaw();
    try {
      await oc.set("toy", { command: process.execPath, args: [toy, "stdio"], env: { XMTP_SIGNET_CREDENTIAL_TOKEN: "toy-token" } });
      await oc.set("toy-http", { url, transport: "streamable-http", headers: { Authorization: "Bearer toy-http-token" } });
      const probe = await oc.probe();
      assert.equal(probe.code, 0, `${probe.stdout}\n${probe.stderr}`);
      assert.deepEqual(probe.json.diagnostics, []);
      assert.equal(probe.json.servers.toy.tools, 2);
      assert.equal(probe.json.servers["toy-http"].tools, 2);
      for (const name of ["toy__message_send", "toy__message_list", "toy-http__message_send"]) {
        assert.ok(probe.json.tools.includes(name), `${name} in ${JSON.stringify(probe.json.tools)}`);
      }
    } finally {
      oc.dispose();
    }
  });
});
