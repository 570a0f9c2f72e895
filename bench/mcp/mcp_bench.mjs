// The MCP server against the real daemon (issue 14's "Speed"): our node, one signet daemon
// in a temp home with [http] on, one chat filled with --messages texts, one credential
// (send, read-messages), then xs-mcp-load:
//
//   send   stdio `xs mcp`, message_send one call after another (MCP request -> checks ->
//          MLS send -> node acknowledgement -> result); target p50 < 10 ms
//   read   stdio `xs mcp`, message_list {limit: 50}; target p50 < 3 ms
//   http   streamable HTTP, 16 clients (one session each), a forbidden tool (operator_list:
//          an isError permission result) and a tool call with bad arguments; target >= 3,000
//          calls/s
//
// and, in the same run against the same daemon, chat and credential, the same work without
// MCP: the HTTP credential route (POST /v1/credential/message.send, message.list,
// operator.list: xs-mcp-load rest) and the WebSocket harness (xs-ws-load send, 1 connection).
// Run by hand, not part of ctest:
//
//   cmake --build build --target xmtp-node xs xs-ws-load xs-mcp-load
//   node bench/mcp/mcp_bench.mjs [--build build] [--calls 200] [--seconds 5]
//        [--messages 60] [--only send,read,http] [--env K=V,K2=V2]
//
// --env adds variables to the daemon's environment (and `xs mcp`'s). Prints one JSON line
// per run (with the load average before and after it), then a summary.
import os from "node:os";
import path from "node:path";
import { Signet, binaries, cleanup, cpuUs, flag, report, runTool, startNode } from "../lib/signet_setup.mjs";

const build = path.resolve(flag("build", "build"));
const calls = flag("calls", "200");
const seconds = flag("seconds", "5");
const messages = flag("messages", "60");
const only = flag("only", "send,read,http").split(",");
const extraEnv = Object.fromEntries(
  (flag("env", "") || "").split(",").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);
const bins = binaries(build);
const summary = [];

// Runs `fn` (a load tool call), adds the load average around it, reports and records it.
function measure(name, fn) {
  const before = os.loadavg()[0];
  const r = fn();
  r.loadAverage = [Number(before.toFixed(2)), Number(os.loadavg()[0].toFixed(2))];
  report(name, r);
  summary.push({ name, r });
  return r;
}

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

// The longest array in a message.list answer's data (its rows, whatever the wrapping).
function rows(data) {
  if (Array.isArray(data)) return data.length;
  if (data && typeof data === "object") return Math.max(0, ...Object.values(data).map(rows));
  return 0;
}

async function main() {
  const nodePort = await startNode(bins);
  const a = new Signet(bins, nodePort, "mcp", {
    XMTP_SIGNET_HTTP_ENABLED: "true",
    XMTP_SIGNET_HTTP_PORT: "0",
    ...extraEnv,
  });
  a.ok(["init", "trusted-local", "--env", "local"]);
  a.ok(["daemon", "start", "--daemon"]);
  a.ok(["operator", "create", "--label", "bench"]);
  const chat = a.ok(["chat", "create", "--name", "mcp", "--op", "bench"]);
  const token = a.ok(["cred", "issue", "--op", "bench", "--chat", chat.id, "--allow", "send,read-messages"]).token;
  const status = a.ok(["status"]);
  check(status.httpPort, `the daemon serves HTTP (xs status: ${JSON.stringify(status)})`);
  const pid = String(status.pid);
  const http = `http://127.0.0.1:${status.httpPort}`;
  console.error(`daemon pid ${pid}, http ${http}, ws port ${status.wsPort}, config ${status.configPath}`);
  const mcpEnv = { ...a.env, XMTP_SIGNET_CREDENTIAL_TOKEN: token };
  const stdio = (tool, args, n, more = []) =>
    runTool(bins.mcpLoad, ["stdio", "--xs", bins.xs, "--config", status.configPath, "--tool", tool,
      "--args", JSON.stringify(args), "--calls", String(n), "--server-pid", pid, ...more], { env: mcpEnv });
  const rest = (action, body, clients, more) =>
    runTool(bins.mcpLoad, ["rest", "--url", `${http}/v1/credential/${action}`, "--token", token,
      "--body", JSON.stringify(body), "--clients", String(clients), "--server-pid", pid, ...more]);

  // The chat's history: --messages sends over the HTTP route (sequential, so also a figure).
  const fill = measure(`fill: ${messages} x POST /v1/credential/message.send`, () =>
    rest("message.send", { chatId: chat.id, text: "fill {n}" }, 1, ["--calls", messages, "--warmup", "0", "--expect-ok"]));
  check(fill.ok === Number(messages), "every fill send succeeded");

  // In each group the comparisons run first, then MCP.
  if (only.includes("send")) {
    const before = cpuUs(status.pid);
    measure("send, compare: WebSocket send_message, 1 connection, 1 in flight", () => {
      const w = runTool(bins.wsLoad, ["send", "--port", String(status.wsPort), "--connections", "1", "--chats", "1",
        "--tokens", token, "--chat-ids", chat.networkGroupId, "--seconds", "3"]);
      w.daemonCpuUsPerSend = Math.round((cpuUs(status.pid) - before) / Math.max(w.okAnswers, 1));
      return w;
    });
    measure("send, compare: POST /v1/credential/message.send, 1 keep-alive client", () =>
      rest("message.send", { chatId: chat.id, text: "rest {n}" }, 1, ["--calls", calls, "--expect-ok"]));
    const r = measure("send: stdio message_send", () =>
      stdio("message_send", { chatId: chat.id, text: "mcp {n}" }, calls, ["--expect-ok"]));
    check(r.ok === Number(calls), "every stdio message_send succeeded");
    measure("send: streamable HTTP message_send, 1 client", () =>
      runTool(bins.mcpLoad, ["http", "--url", `${http}/mcp`, "--token", token, "--clients", "1", "--calls", calls,
        "--tool", "message_send", "--args", JSON.stringify({ chatId: chat.id, text: "http {n}" }),
        "--server-pid", pid, "--expect-ok"]));
  }

  if (only.includes("read")) {
    const listArgs = { chatId: chat.id, limit: 50 };
    const reads = String(Number(calls) * 2);
    measure("read, compare: POST /v1/credential/message.list limit 50, 1 keep-alive client", () =>
      rest("message.list", listArgs, 1, ["--calls", reads, "--expect-ok"]));
    const r = measure("read: stdio message_list limit 50", () => {
      const m = stdio("message_list", listArgs, reads, ["--expect-ok", "--keep-answer"]);
      m.messagesReturned = rows(m.lastAnswer?.result?.structuredContent?.data);
      delete m.lastAnswer;
      return m;
    });
    check(r.messagesReturned === 50, `message_list returned 50 messages (got ${r.messagesReturned})`);
  }

  if (only.includes("http")) {
    measure("http, compare: 16 clients POST /v1/credential/operator.list (403)", () =>
      rest("operator.list", {}, 16, ["--seconds", seconds]));
    const mcp = (tool, args) =>
      runTool(bins.mcpLoad, ["http", "--url", `${http}/mcp`, "--token", token, "--clients", "16",
        "--seconds", seconds, "--tool", tool, "--args", JSON.stringify(args), "--server-pid", pid]);
    const r = measure("http: 16 clients, forbidden tool operator_list (isError)", () => mcp("operator_list", {}));
    check(r.toolErrors === r.calls && r.calls > 0, "every operator_list call is an isError result");
    measure("http: 16 clients, message_send with bad arguments", () => mcp("message_send", { chatId: 7 }));
  }

  console.log("\nsummary (p50 / p99 ms, calls/s, daemon CPU us per call):");
  for (const { name, r } of summary) {
    const lat = r.latency ?? {};
    const ms = (us) => (us === undefined ? "-" : (us / 1000).toFixed(2));
    const daemonCpu = r.serverCpuUsPerCall?.[pid] ?? r.daemonCpuUsPerSend ?? "-";
    const rate = r.callsPerSecond ?? r.answersPerSecond ?? 0;
    console.log(`  ${name}: p50 ${ms(lat.p50Us)} p99 ${ms(lat.p99Us)}, ${rate.toFixed(0)}/s, daemon ${daemonCpu} us` +
      (r.mcpProcessCpuUsPerCall !== undefined ? `, xs mcp ${r.mcpProcessCpuUsPerCall} us` : "") +
      `, load ${r.loadAverage.join("->")}`);
  }
}

main()
  .catch((error) => {
    console.error(error.stack ?? String(error));
    process.exitCode = 1;
  })
  .finally(cleanup);
