// The agent plane against the real daemon (issue 13): our node, two signet
// daemons in temp homes, chats, operators and credentials, then xs-ws-load's
// send, inbound and idle modes. Run by hand, not part of ctest:
//
//   node bench/agent/daemon_bench.mjs [--build build] [--seconds 5]
//        [--only send,inbound,idle] [--rate 1000] [--idle 1000]
//
// Daemon A (the one measured) creates 4 chats with daemon B's inbox as a
// member; B joins them through its stream/sync. send: 16 connections over
// A's 4 chats (connection i -> chat i % 4), 1 request in flight each, and
// the same with 1 connection. inbound: 16 harnesses on A watch chat 0 while
// harnesses on B publish stamped texts into it at --rate msg/s (B is
// another member: the agent plane does not feed a chat's own sends back to
// its agents); latency is the publisher's stamp to the harness's receipt
// (one process, one clock). idle: --idle authenticated connections, RSS of
// A's daemon before and after. Prints one JSON line per run.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const argv = process.argv.slice(2);
function flag(name, fallback) {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
}
const build = path.resolve(flag("build", "build"));
const seconds = flag("seconds", "5");
const only = flag("only", "send,inbound,idle").split(",");
const rate = flag("rate", "1000");
const idle = flag("idle", "1000");
const bins = {
  node: path.join(build, "src/node/xmtp-node"),
  xs: path.join(build, "src/cli/xs"),
  load: path.join(build, "bench/ws/xs-ws-load"),
};

const cleanups = [];
async function cleanup() {
  while (cleanups.length) await cleanups.pop()();
}
process.on("SIGINT", () => cleanup().then(() => process.exit(130)));

function startNode() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "xs-bench-node-"));
  const child = spawn(bins.node, ["--host", "127.0.0.1", "--port", "0", "--data-dir", dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  cleanups.push(async () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = /^xmtp-node listening on (\S+):(\d+)$/m.exec(out);
      if (m) resolve(Number(m[2]));
    });
    child.once("exit", (code) => reject(new Error(`xmtp-node exited ${code}`)));
  });
}

class Signet {
  constructor(nodePort, name) {
    this.root = mkdtempSync(path.join(os.tmpdir(), `xs-bench-${name}-`));
    const dirs = {};
    for (const d of ["home", "config", "data", "state", "run"]) {
      dirs[d] = path.join(this.root, d);
      mkdirSync(dirs[d], { recursive: true, mode: 0o700 });
    }
    this.env = {
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: dirs.home,
      XDG_CONFIG_HOME: dirs.config,
      XDG_DATA_HOME: dirs.data,
      XDG_STATE_HOME: dirs.state,
      XDG_RUNTIME_DIR: dirs.run,
      TMPDIR: dirs.run,
      XMTP_SIGNET_WS_PORT: "0",
      XMTP_SIGNET_LOCAL_NODE: `127.0.0.1:${nodePort}`,
    };
    cleanups.push(async () => {
      this.run(["daemon", "stop"]);
      rmSync(this.root, { recursive: true, force: true });
    });
  }
  run(args) {
    return spawnSync(bins.xs, [...args, "--json"], { env: this.env, encoding: "utf8", timeout: 120_000 });
  }
  ok(args) {
    const r = this.run(args);
    if (r.status !== 0) throw new Error(`xs ${args.join(" ")}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
    return r.stdout.trim() ? JSON.parse(r.stdout) : {};
  }
}

function load(mode, args) {
  const r = spawnSync(bins.load, [mode, ...args], { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) throw new Error(`xs-ws-load ${mode}: exit ${r.status}\n${r.stderr}`);
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

// utime + stime of a process in microseconds (/proc/PID/stat, clock ticks of 10 ms).
function cpuUs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function report(name, result) {
  console.log(JSON.stringify({ run: name, ...result }));
}

async function main() {
  const nodePort = await startNode();
  const a = new Signet(nodePort, "a");
  const b = new Signet(nodePort, "b");
  for (const s of [a, b]) {
    s.ok(["init", "trusted-local", "--env", "local"]);
    s.ok(["daemon", "start", "--daemon"]);
  }
  a.ok(["operator", "create", "--label", "bench"]);
  b.ok(["operator", "create", "--label", "pub"]);
  const peer = b.ok(["inbox", "create", "--label", "pub", "--op", "pub"]);
  const peerInbox = peer.inboxId ?? peer.networkInboxId ?? peer.xmtpInboxId;
  if (!peerInbox) throw new Error(`no network inbox id in ${JSON.stringify(peer)}`);
  const chats = [];
  for (let c = 0; c < 4; ++c) {
    chats.push(a.ok(["chat", "create", "--name", `bench${c}`, "--op", "bench", "--members", peerInbox]));
  }
  const issue = (s, op, chat, n) =>
    Array.from({ length: n }, () =>
      s.ok(["cred", "issue", "--op", op, "--chat", chat, "--allow", "send,read-messages"]).token,
    );
  const status = a.ok(["status"]);
  const port = String(status.wsPort);
  // For `perf record -p` by hand while the runs go.
  console.error(`daemon A pid ${status.pid}, ws port ${port}`);
  const base = ["--port", port, "--seconds", seconds];

  if (only.includes("send")) {
    // Connection i sends to chat i % 4 (chat ids by group id).
    const tokens = [];
    for (let i = 0; i < 16; ++i) tokens.push(...issue(a, "bench", chats[i % 4].id, 1));
    const pattern = chats.map((c) => c.networkGroupId);
    for (const connections of [1, 16]) {
      const before = cpuUs(status.pid);
      const r = load("send", [...base, "--connections", String(connections), "--chats", "4",
        "--tokens", tokens.join(","), "--chat-ids", pattern.join(",")]);
      // The daemon's CPU per answered send: independent of what else runs.
      r.daemonCpuUsPerSend = Math.round((cpuUs(status.pid) - before) / Math.max(r.okAnswers, 1));
      report(`send ${connections} connection(s) over ${Math.min(connections, 4)} chat(s)`, r);
    }
  }

  if (only.includes("inbound")) {
    b.ok(["chat", "sync"]);
    let joined;
    for (let tries = 0; tries < 100 && !joined; ++tries) {
      joined = b.ok(["chat", "list"]).find?.((c) => c.networkGroupId === chats[0].networkGroupId);
      if (!joined) await sleep(100);
    }
    if (!joined) throw new Error("daemon B did not join chat 0");
    const listeners = issue(a, "bench", chats[0].id, 16);
    const publishers = issue(b, "pub", joined.id, 4);
    const before = [cpuUs(status.pid), cpuUs(b.ok(["status"]).pid)];
    const r = load("inbound", [...base, "--connections", "16", "--publishers", "4", "--rate", rate,
      "--tokens", listeners.join(","), "--chat-pattern", chats[0].networkGroupId,
      "--publish-port", String(b.ok(["status"]).wsPort), "--publish-tokens", publishers.join(","),
      "--publish-chat", chats[0].networkGroupId]);
    r.listenerDaemonCpuUsPerMessage = Math.round((cpuUs(status.pid) - before[0]) / Math.max(r.published, 1));
    r.publisherDaemonCpuUsPerMessage =
      Math.round((cpuUs(b.ok(["status"]).pid) - before[1]) / Math.max(r.published, 1));
    report(`inbound ${rate} msg/s, 16 harnesses`, r);
  }

  if (only.includes("idle")) {
    const tokens = issue(a, "bench", chats[1].id, 8);
    const r = load("idle", ["--port", port, "--pid", String(status.pid), "--connections", idle,
      "--tokens", tokens.join(",")]);
    report(`idle ${idle} authenticated connections`, r);
  }
}

main()
  .catch((error) => {
    console.error(error.stack ?? String(error));
    process.exitCode = 1;
  })
  .finally(cleanup);
