// OpenClaw (npm openclaw 2026.9.6, on Node 24) pointed at our MCP server:
// `openclaw mcp set <name> '<json>'` saves the entry in
// $OPENCLAW_CONFIG_PATH (here <temp home>/.openclaw/openclaw.json, state in
// $OPENCLAW_STATE_DIR), `openclaw mcp probe --json` connects to every saved
// server and prints {servers: {<name>: {tools: <count>}}, tools:
// ["<name>__<tool>", …], diagnostics: [{serverName, message}]}, exiting 1
// when a server failed.
//   - the stdio entry {command: xs, args: ["mcp", "--config", <path>], env:
//     {XMTP_SIGNET_CREDENTIAL_TOKEN}} and the streamable HTTP entry {url,
//     transport: "streamable-http", headers: {Authorization: "Bearer …"}}
//     both list our tools; an entry with a wrong token fails the probe (so a
//     listed server really connected);
//   - the entry `xs agent setup openclaw` writes to
//     <dataDir>/adapters/openclaw/openclaw-mcp.json (no token in it) is
//     accepted by `openclaw mcp set` once the token is added, and probes:
//     OpenClaw gives a stdio server only HOME, PATH, PWD, SHELL, TERM and the
//     entry's env, so the entry must carry what locates the daemon.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { isForbiddenName, kAgentTools } from "./lib/expect.mjs";
import { OpenClaw } from "./lib/mcp.mjs";
import { hostEnv, kAgentScopes, mcpSignet, xsBinary } from "./lib/signet.mjs";

describe("OpenClaw mcp set + probe against our server", () => {
  const setup = mcpSignet({ http: true });
  const oc = new OpenClaw();
  let cred;

  before(() => {
    cred = setup.issue(["--allow", kAgentScopes]);
  });
  after(() => oc.dispose());

  function assertServed(probe, name) {
    const summary = probe.json.servers[name];
    assert.ok(summary, `${name} missing from the probe: ${JSON.stringify(probe.json)}`);
    assert.ok(summary.tools >= kAgentTools.length, `${name}: ${JSON.stringify(summary)}`);
    const ours = probe.json.tools.filter((t) => t.startsWith(`${name}__`)).map((t) => t.slice(name.length + 2));
    for (const tool of kAgentTools) assert.ok(ours.includes(tool), `${name}__${tool} in ${JSON.stringify(ours)}`);
    for (const tool of ours) assert.ok(!isForbiddenName(tool), `admin tool ${tool} reached OpenClaw`);
  }

  test("stdio and streamable HTTP entries list our tools; a wrong token fails", async () => {
    const stdio = {
      command: xsBinary(),
      args: ["mcp", "--config", setup.configPath],
      env: hostEnv(setup, cred.token),
    };
    await oc.set("xmtp-signet", stdio);
    await oc.set("xmtp-signet-http", {
      url: setup.mcpUrl,
      transport: "streamable-http",
      headers: { Authorization: `Bearer ${cred.token}` },
    });
    await oc.set("xmtp-signet-bad", { ...stdio, env: hostEnv(setup, "xst_wrong") });

    const probe = await oc.probe();
    assert.ok(probe.json, `probe printed nothing:\n${probe.stderr}`);
    assert.equal(probe.code, 1, "the wrong token fails the probe");
    assert.deepEqual(
      probe.json.diagnostics.map((d) => d.serverName),
      ["xmtp-signet-bad"],
      JSON.stringify(probe.json.diagnostics),
    );
    assertServed(probe, "xmtp-signet");
    assertServed(probe, "xmtp-signet-http");
    assert.ok(!probe.stdout.includes(cred.token) && !probe.stderr.includes(cred.token), "the token is not printed");
  });

  test("the openclaw-mcp.json written by `xs agent setup openclaw` is accepted and probes", async () => {
    setup.signet.ok(["agent", "setup", "openclaw"]);
    const file = path.join(setup.dataDir, "adapters", "openclaw", "openclaw-mcp.json");
    const entry = JSON.parse(readFileSync(file, "utf8"));
    assert.ok(path.isAbsolute(entry.command), `command is an absolute path: ${entry.command}`);
    assert.deepEqual(entry.args, ["mcp", "--config", setup.configPath]);
    assert.ok(!("XMTP_SIGNET_CREDENTIAL_TOKEN" in (entry.env ?? {})), "no token in the artifact");
    // Used as written (OpenClaw passes the child only HOME, PATH, PWD, SHELL,
    // TERM and this env): whatever `xs mcp` needs to find this daemon (it
    // runs with private XDG dirs) must be in it.
    entry.env = { ...entry.env, XMTP_SIGNET_CREDENTIAL_TOKEN: cred.token };
    await oc.set("xmtp-signet-setup", entry);
    const probe = await oc.probe("xmtp-signet-setup");
    assert.equal(probe.code, 0, `${probe.stdout}\n${probe.stderr}`);
    assert.deepEqual(probe.json.diagnostics, []);
    assertServed(probe, "xmtp-signet-setup");
  });
});
