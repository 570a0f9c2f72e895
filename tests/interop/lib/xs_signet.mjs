// The real `xs` (XS_BIN) in a private temp home (HOME and every XDG dir),
// its daemon attached to a test node through XMTP_SIGNET_LOCAL_NODE. Each
// run passes --json and parses the output.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { makeTempDir } from "./node_process.mjs";

function xsBinary() {
  const bin = process.env.XS_BIN;
  if (!bin) throw new Error("XS_BIN is not set (path of the xs binary)");
  return bin;
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

  dispose() {
    this.run(["daemon", "stop"]);
    rmSync(this.root, { recursive: true, force: true });
  }
}
