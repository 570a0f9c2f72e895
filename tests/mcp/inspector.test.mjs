// The MCP Inspector (@modelcontextprotocol/inspector 2.12.0) in CLI mode
// against our server: `mcp-inspector --cli … -- <xs> mcp --config <path>`
// with the token (and the daemon's XDG dirs) given as -e (stdio), or a
// session config file holding the same entry, and `--transport http --server-url … --header "Authorization:
// Bearer …"` against POST /mcp. It prints the JSON answer on stdout; a tool
// result with isError:true exits 5 with `tool_is_error` on stderr.
//   - tools/list lists the agent's tools, and passes --strict (no
//     error-severity schema portability problem);
//   - tools/call message_send reaches alice, message_list reads it (limit
//     given as a --tool-arg), a bad argument is a validation tool error;
//   - an admin tool is not listed, so the Inspector refuses to call it;
//   - over HTTP: tools/list and tools/call with the bearer; without it the
//     Inspector cannot connect.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { checkToolList } from "./lib/expect.mjs";
import { envelopeOf, inspector } from "./lib/mcp.mjs";
import { hostEnv, kAgentScopes, mcpSignet, poll, xsBinary } from "./lib/signet.mjs";

describe("MCP Inspector CLI against our server", () => {
  const setup = mcpSignet({ http: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), "xs-mcp-inspector-"));
  const catalog = path.join(tmp, "catalog.json");
  let chat, cred;

  function stdio(...args) {
    const server = ["--", xsBinary(), "mcp", "--config", setup.configPath];
    const env = Object.entries(hostEnv(setup, cred.token)).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    return inspector([...args, ...env, ...server], { catalog });
  }
  function overHttp(...args) {
    const target = ["--transport", "http", "--server-url", setup.mcpUrl];
    return inspector([...target, "--header", `Authorization: Bearer ${cred.token}`, ...args], { catalog });
  }
  function call(run, tool, args) {
    const pairs = Object.entries(args).flatMap(([k, v]) => ["--tool-arg", `${k}=${v}`]);
    return run("--method", "tools/call", "--tool-name", tool, ...pairs);
  }
  function ok(r, what) {
    assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.ok(r.json, `${what}: stdout is not JSON:\n${r.stdout}`);
    return r.json;
  }

  before(() => {
    chat = setup.chat;
    cred = setup.issue(["--allow", kAgentScopes]);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test("stdio: tools/list lists the agent's tools and passes --strict", async () => {
    checkToolList(ok(await stdio("--method", "tools/list"), "tools/list").tools);
    const strict = await stdio("--method", "tools/list", "--strict");
    assert.equal(strict.code, 0, `schema portability problems:\n${strict.stderr}`);
  });

  test("stdio: tools/call message_send reaches alice; message_list reads it", async () => {
    const args = { chatId: chat.id, text: "hello from the inspector" };
    const sent = envelopeOf(ok(await call(stdio, "message_send", args), "send"));
    assert.equal(sent.ok, true);
    const got = await poll("alice to receive the text", async () => (await setup.peerTexts()).get(sent.data.messageId));
    assert.equal(got, "hello from the inspector");
    const listed = envelopeOf(ok(await call(stdio, "message_list", { chatId: chat.id, limit: 5 }), "list"));
    assert.ok(
      listed.data.some((m) => m.networkId === sent.data.messageId && m.text === "hello from the inspector"),
      JSON.stringify(listed.data),
    );
  });

  test("stdio: a bad argument is a validation tool error (exit 5, tool_is_error)", async () => {
    // The Inspector coerces --tool-arg values by the input schema (a number
    // param "ten" becomes NaN, sent as null, i.e. absent); an object param
    // that is not JSON stays a string, which our schema check refuses.
    const r = await call(stdio, "reveal_request", { reveal: "everything" });
    assert.equal(r.code, 5, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /tool_is_error/);
    const env = envelopeOf(r.json);
    assert.equal(env.error.category, "validation");
    assert.match(JSON.stringify(env.error), /reveal/);
  });

  test("stdio: an admin tool is not listed, so the Inspector does not call it", async () => {
    const r = await call(stdio, "operator_create", { label: "intruder" });
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /tool_not_found/);
    const labels = setup.signet.ok(["operator", "list"]).map((o) => o.config?.label ?? o.label);
    assert.ok(!labels.includes("intruder"), JSON.stringify(labels));
  });

  test("stdio: the entry in a session config file (command, args, env)", async () => {
    const config = path.join(tmp, "servers.json");
    const entry = {
      command: xsBinary(),
      args: ["mcp", "--config", setup.configPath],
      env: hostEnv(setup, cred.token),
    };
    writeFileSync(config, JSON.stringify({ mcpServers: { "xmtp-signet": entry } }), { mode: 0o600 });
    // --config is read-only and excludes the writable catalog.
    const r = await inspector(["--config", config, "--server", "xmtp-signet", "--method", "tools/list"], {});
    checkToolList(ok(r, "tools/list from the config file").tools);
  });

  test("HTTP: tools/list and tools/call with the bearer token; none is refused", async () => {
    checkToolList(ok(await overHttp("--method", "tools/list"), "HTTP tools/list").tools);
    const args = { chatId: chat.id, text: "inspector over http" };
    const sent = envelopeOf(ok(await call(overHttp, "message_send", args), "HTTP send"));
    await poll("alice to receive the HTTP text", async () => (await setup.peerTexts()).get(sent.data.messageId));
    const target = ["--transport", "http", "--server-url", setup.mcpUrl];
    const bare = await inspector([...target, "--method", "tools/list"], { catalog });
    assert.notEqual(bare.code, 0, `no token must not list tools:\n${bare.stdout}`);
    assert.ok(!bare.json?.tools, bare.stdout);
  });
});
