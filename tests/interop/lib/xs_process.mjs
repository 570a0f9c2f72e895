// The real `xs` (XS_BIN) with its daemon in a private temp home (HOME and
// every XDG dir), attached to a node through XMTP_SIGNET_LOCAL_NODE; one-shot
// runs (`run`, `ok`) and long-running ones (`spawn`, for --watch). No npm
// imports: tests/mcp uses it without the XMTP SDK (xs_signet.mjs re-exports it).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { makeTempDir } from "./node_process.mjs";

export function xsBinary() {
  const bin = process.env.XS_BIN;
  if (!bin) throw new Error("XS_BIN is not set (path of the xs binary)");
  return bin;
}

// A running `xs` whose stdout arrives line by line.
export class XsProcess {
  constructor(args, env) {
    this.args = args;
    this.lines = [];
    this.stderr = "";
    this.child = spawn(xsBinary(), args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let partial = "";
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk) => {
      partial += chunk;
      const parts = partial.split("\n");
      partial = parts.pop();
      this.lines.push(...parts);
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => resolve({ code, signal }));
    });
  }

  // Lines parsed as JSON (a line that is not JSON fails the test).
  json() {
    return this.lines.map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        assert.fail(`xs ${this.args.join(" ")} printed a line that is not JSON: ${line}`);
      }
    });
  }

  // Sends `signal` and resolves with {code, signal} once it exited.
  async stop(signal = "SIGINT") {
    this.child.kill(signal);
    return this.exited;
  }
}

export class Signet {
  constructor(node) {
    this.root = makeTempDir("xs");
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
      XMTP_SIGNET_LOCAL_NODE: `127.0.0.1:${node.port}`,
    };
    this.processes = [];
  }

  // One `xs` run; --json output parsed.
  run(args) {
    const r = spawnSync(xsBinary(), [...args, "--json"], { env: this.env, encoding: "utf8", timeout: 60_000 });
    let json;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = undefined;
    }
    return { code: r.status, json, stdout: r.stdout, stderr: r.stderr };
  }

  ok(args) {
    const r = this.run(args);
    assert.equal(r.code, 0, `xs ${args.join(" ")}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.json;
  }

  // A long-running `xs` (exactly `args`, add --json yourself).
  spawn(args) {
    const p = new XsProcess(args, this.env);
    this.processes.push(p);
    return p;
  }

  dispose() {
    for (const p of this.processes) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    }
    this.run(["daemon", "stop"]);
    rmSync(this.root, { recursive: true, force: true });
  }
}
