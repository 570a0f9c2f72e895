// The real MCP clients the suites drive: the official SDK's Client over
// stdio and streamable HTTP (every JSON-RPC message recorded), the MCP
// Inspector CLI and OpenClaw's `openclaw mcp` commands, each run from this
// folder's node_modules on the node running the tests.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";

export { McpError };

const here = path.dirname(fileURLToPath(import.meta.url));
const binDir = path.join(here, "..", "node_modules", ".bin");

// What MCP 2025-11-25 recommends for tool names.
export const kToolNamePattern = /^[A-Za-z0-9_.-]{1,128}$/;

// Wraps a transport so that every message both ways is kept in `sent` and
// `received` (the SDK keeps the negotiated protocol version to itself on
// stdio; the initialize answer shows it).
class Recording {
  constructor(inner) {
    this.inner = inner;
    this.sent = [];
    this.received = [];
    this.errors = []; // transport errors (e.g. a line on stdout that is not JSON-RPC)
    inner.onmessage = (message, extra) => {
      this.received.push(message);
      this.onmessage?.(message, extra);
    };
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => {
      this.errors.push(String(error));
      this.onerror?.(error);
    };
  }
  start() {
    return this.inner.start();
  }
  send(message, options) {
    this.sent.push(message);
    return this.inner.send(message, options);
  }
  close() {
    return this.inner.close();
  }
  setProtocolVersion(version) {
    this.inner.setProtocolVersion?.(version);
  }
  get sessionId() {
    return this.inner.sessionId;
  }
}

export class Session {
  constructor(client, transport, recording) {
    this.client = client;
    this.transport = transport;
    this.recording = recording;
    this.notifications = [];
  }

  // The answer to `initialize`, as the server sent it.
  initializeResult() {
    const request = this.recording.sent.find((m) => m.method === "initialize");
    assert.ok(request, "no initialize request was sent");
    const answer = this.recording.received.find((m) => m.id === request.id);
    assert.ok(answer?.result, `initialize answer: ${JSON.stringify(answer)}`);
    return answer.result;
  }

  // The protocol version the client asked for in `initialize`.
  requestedProtocolVersion() {
    return this.recording.sent.find((m) => m.method === "initialize").params.protocolVersion;
  }

  async tools() {
    const { tools } = await this.client.listTools();
    return tools;
  }

  async call(name, args = {}) {
    return this.client.callTool({ name, arguments: args });
  }

  // A tool call whose envelope says ok: its data.
  async ok(name, args = {}) {
    const result = await this.call(name, args);
    const env = envelopeOf(result);
    assert.equal(result.isError, false, `${name}: ${JSON.stringify(env)}`);
    assert.equal(env.ok, true, `${name}: ${JSON.stringify(env)}`);
    return env.data;
  }

  // A tool call that must fail as a tool error (isError, the envelope's
  // error of `category`): the error.
  async toolError(name, args, category) {
    const result = await this.call(name, args);
    const env = envelopeOf(result);
    assert.equal(result.isError, true, `${name} should fail with ${category}: ${JSON.stringify(result)}`);
    assert.equal(env.ok, false, JSON.stringify(env));
    assert.equal(env.error?.category, category, `${name}: ${JSON.stringify(env.error)}`);
    assert.equal(typeof env.error.message, "string");
    return env.error;
  }

  close() {
    return this.client.close();
  }
}

// The decisions-15 envelope a tool result carries: one text content item
// holding its JSON, and the same object as structuredContent.
export function envelopeOf(result) {
  assert.ok(Array.isArray(result.content) && result.content.length === 1, JSON.stringify(result));
  const [item] = result.content;
  assert.equal(item.type, "text", JSON.stringify(item));
  let env;
  try {
    env = JSON.parse(item.text);
  } catch {
    assert.fail(`tool result text is not JSON: ${item.text}`);
  }
  assert.equal(typeof env.ok, "boolean", item.text);
  assert.ok(env.meta && typeof env.meta.requestId === "string", `envelope meta: ${item.text}`);
  if (result.structuredContent !== undefined) assert.deepEqual(result.structuredContent, env);
  assert.equal(result.isError, !env.ok, `isError must be !ok: ${JSON.stringify(result)}`);
  return env;
}

function newClient() {
  return new Client({ name: "xs-mcp-tests", version: "1.0.0" }, { capabilities: {} });
}

async function open(inner) {
  const recording = new Recording(inner);
  const client = newClient();
  const session = new Session(client, inner, recording);
  client.fallbackNotificationHandler = async (notification) => {
    session.notifications.push(notification);
  };
  await client.connect(recording);
  return session;
}

// `command args…` spawned by the SDK's StdioClientTransport with `env` (on
// top of the SDK's default inherited list); its stderr is kept in
// session.stderr.
export async function connectStdio(command, args, env) {
  const transport = new StdioClientTransport({ command, args, env, stderr: "pipe" });
  const stderr = { text: "" };
  transport.stderr?.on("data", (chunk) => {
    stderr.text += chunk.toString();
  });
  try {
    const session = await open(transport);
    session.stderr = stderr;
    return session;
  } catch (error) {
    error.message += `\nserver stderr:\n${stderr.text}`;
    throw error;
  }
}

// The streamable HTTP endpoint `url` with `headers` on every request.
export async function connectHttp(url, headers = {}) {
  return open(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
}

// Polls until `session.notifications` holds one matching `probe`.
export async function notification(session, probe, what, { timeoutMs = 20_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = session.notifications.find(probe);
    if (found) return found;
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}; got ${JSON.stringify(session.notifications.slice(-5))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Runs a node_modules/.bin tool; resolves with {code, stdout, stderr}.
export function runBin(tool, args, { env = process.env, timeoutMs = 240_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(binDir, tool), args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${tool} ${args.join(" ")} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch {
    assert.fail(`${what} printed no JSON:\n${text}`);
  }
}

// The MCP Inspector in CLI mode (`mcp-inspector --cli …`) with its catalog in
// a temp file (none with a read-only --config file: the two exclude each
// other) and secrets kept in memory (no keychain here); resolves with {code,
// stdout, stderr, json} (json: stdout parsed, or undefined when not JSON).
export async function inspector(args, { catalog }) {
  const env = { ...process.env, MCP_INSPECTOR_SECRET_STORE: "memory" };
  if (catalog) env.MCP_CATALOG_PATH = catalog;
  else delete env.MCP_CATALOG_PATH;
  const r = await runBin("mcp-inspector", ["--cli", ...args], { env });
  let json;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { ...r, json };
}

// OpenClaw with its own temp home: state and config in <home>/.openclaw.
export class OpenClaw {
  constructor() {
    this.home = mkdtempSync(path.join(os.tmpdir(), "xs-mcp-openclaw-"));
    this.env = {
      ...process.env,
      HOME: this.home,
      OPENCLAW_STATE_DIR: path.join(this.home, ".openclaw"),
      OPENCLAW_CONFIG_PATH: path.join(this.home, ".openclaw", "openclaw.json"),
    };
  }

  run(args) {
    return runBin("openclaw", args, { env: this.env });
  }

  async ok(args) {
    const r = await this.run(args);
    assert.equal(r.code, 0, `openclaw ${args.join(" ")}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  // `openclaw mcp set <name> <entry>`.
  async set(name, entry) {
    const r = await this.ok(["mcp", "set", name, JSON.stringify(entry)]);
    assert.match(r.stdout, new RegExp(`Saved MCP server "${name}"`), r.stdout);
    return r;
  }

  // `openclaw mcp show <name> --json`: the saved entry.
  async show(name) {
    return parseJson((await this.ok(["mcp", "show", name, "--json"])).stdout, "openclaw mcp show");
  }

  // `openclaw mcp probe [name] --json` (no name: every saved server):
  // {servers: {<name>: {tools: <count>, ...}}, tools: ["<name>__<tool>", ...],
  // diagnostics: [{serverName, message, ...}]}; exit 1 when a server failed.
  async probe(name) {
    const r = await this.run(["mcp", "probe", ...(name ? [name] : []), "--json"]);
    return { ...r, json: r.stdout.trim() ? parseJson(r.stdout, "openclaw mcp probe --json") : undefined };
  }

  dispose() {
    rmSync(this.home, { recursive: true, force: true });
  }
}
