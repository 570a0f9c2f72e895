// Setup shared by the drivers that measure a real daemon (bench/agent/daemon_bench.mjs,
// bench/mcp/mcp_bench.mjs): flags, our xmtp-node and signet daemons in temp homes, CPU
// time from /proc, and the cleanup that stops and removes them all.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// `--name value` from the command line, or `fallback`.
export function flag(name, fallback) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
}

// The binaries of a build directory.
export function binaries(build) {
  return {
    node: path.join(build, "src/node/xmtp-node"),
    xs: path.join(build, "src/cli/xs"),
    wsLoad: path.join(build, "bench/ws/xs-ws-load"),
    mcpLoad: path.join(build, "bench/mcp/xs-mcp-load"),
    clientPeer: path.join(build, "src/xmtp/client/xs-client-peer"),
  };
}

const cleanups = [];
export async function cleanup() {
  while (cleanups.length) await cleanups.pop()();
}
process.on("SIGINT", () => cleanup().then(() => process.exit(130)));

// The pid of the last node startNode started (for CPU accounting).
export let nodePid = 0;

// Where each role keeps its files: XS_BENCH_TMPDIR_NODE, _SIGNET or _PEER
// when set (e.g. one role on tmpfs to see whose disk writes cost what),
// else os.tmpdir().
function tmpdirFor(role) {
  return process.env[`XS_BENCH_TMPDIR_${role}`] || os.tmpdir();
}

// Starts xmtp-node on a free port in a temp dir; resolves to the port.
export function startNode(bins) {
  const dir = mkdtempSync(path.join(tmpdirFor("NODE"), "xs-bench-node-"));
  const child = spawn(bins.node, ["--host", "127.0.0.1", "--port", "0", "--data-dir", dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  nodePid = child.pid;
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

// One signet in a temp home (XDG dirs, WS on a free port, our node), run
// through the `xs` CLI with --json. `extraEnv` adds variables (e.g. the
// HTTP API's). The daemon is stopped and the home removed at cleanup.
export class Signet {
  constructor(bins, nodePort, name, extraEnv = {}) {
    this.bins = bins;
    this.root = mkdtempSync(path.join(tmpdirFor("SIGNET"), `xs-bench-${name}-`));
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
      ...extraEnv,
    };
    cleanups.push(async () => {
      this.run(["daemon", "stop"]);
      rmSync(this.root, { recursive: true, force: true });
    });
  }
  run(args) {
    return spawnSync(this.bins.xs, [...args, "--json"], { env: this.env, encoding: "utf8", timeout: 120_000 });
  }
  ok(args) {
    const r = this.run(args);
    if (r.status !== 0) throw new Error(`xs ${args.join(" ")}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
    return r.stdout.trim() ? JSON.parse(r.stdout) : {};
  }
}

// One xs-client-peer process (our native client behind JSON lines, see
// src/xmtp/client/tools/xs_client_peer.cpp) on the node; call() sends a
// request and resolves to its result. Killed at cleanup.
export class ClientPeer {
  constructor(bins, nodePort) {
    this.child = spawn(bins.clientPeer, ["--url", `http://127.0.0.1:${nodePort}`], {
      stdio: ["pipe", "pipe", "inherit"],
      env: { ...process.env, TMPDIR: tmpdirFor("PEER") },
    });
    this.pending = new Map();
    this.nextId = 1;
    let buffer = "";
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk) => {
      buffer += chunk;
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.trim()) continue;
        const msg = JSON.parse(line);
        const waiter = this.pending.get(msg.id);
        if (!waiter) continue;  // a stream event
        this.pending.delete(msg.id);
        if (msg.error) waiter.reject(new Error(JSON.stringify(msg.error)));
        else waiter.resolve(msg.result);
      }
    });
    cleanups.push(async () => this.child.kill("SIGKILL"));
  }
  call(request) {
    const id = this.nextId++;
    this.child.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
}

// Runs a load tool; its last stdout line is the JSON result.
export function runTool(bin, args, options = {}) {
  const r = spawnSync(bin, args, { encoding: "utf8", timeout: 600_000, ...options });
  const name = path.basename(bin);
  if (r.status !== 0) throw new Error(`${name} ${args[0]}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

// utime + stime of a process in microseconds (/proc/PID/stat, clock ticks of 10 ms).
export function cpuUs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

export function report(name, result) {
  console.log(JSON.stringify({ run: name, ...result }));
}
