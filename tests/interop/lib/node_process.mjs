// Runs our own xmtp-node binary (XS_NODE_BIN) for one test file: a temp data
// directory, a free port picked by the node itself (--port 0), and a restart on
// the same port and directory after a SIGKILL.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const kStartTimeoutMs = 15_000;
const kListeningLine = /^xmtp-node listening on (\S+):(\d+)$/m;

const running = new Set();
const ownedDataDirs = new Set();
// A crashed or timed-out test must not leave a node behind holding the port
// and the lock, nor its data directory.
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
  for (const dir of ownedDataDirs) rmSync(dir, { recursive: true, force: true });
});

export function nodeBinary() {
  const bin = process.env.XS_NODE_BIN;
  if (!bin) throw new Error("XS_NODE_BIN is not set (path of the xmtp-node binary)");
  return bin;
}

export function makeTempDir(prefix) {
  return mkdtempSync(path.join(os.tmpdir(), `xs-interop-${prefix}-`));
}

function waitForPort(port, deadline) {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", (error) => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`port ${port} not accepting: ${error.message}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function spawnOnce(dataDir, port) {
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBinary(), ["--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`xmtp-node did not report listening within ${kStartTimeoutMs} ms; stderr:\n${stderr}`));
    }, kStartTimeoutMs);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const match = kListeningLine.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[2]), stderr: () => stderr });
      }
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.once("exit", (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      reject(Object.assign(new Error(`xmtp-node exited (code ${code}, signal ${signal}); stderr:\n${stderr}`), { code }));
    });
  });
}

export class NodeProcess {
  #dataDir;
  #ownsDataDir;
  #child = null;
  #stderr = () => "";
  port = 0;

  constructor(dataDir) {
    this.#ownsDataDir = !dataDir;
    this.#dataDir = dataDir ?? makeTempDir("node");
    if (this.#ownsDataDir) ownedDataDirs.add(this.#dataDir);
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get dataDir() {
    return this.#dataDir;
  }

  get pid() {
    return this.#child?.pid;
  }

  stderr() {
    return this.#stderr();
  }

  // Starts on this.port (0 the first time: any free port). After a SIGKILL the
  // same port can stay briefly unavailable, so a failed start is retried.
  async start() {
    const deadline = Date.now() + kStartTimeoutMs;
    for (;;) {
      try {
        const started = await spawnOnce(this.#dataDir, this.port);
        this.#child = started.child;
        this.#stderr = started.stderr;
        this.port = started.port;
        await waitForPort(this.port, deadline);
        return this;
      } catch (error) {
        if (this.port === 0 || error.code !== 1 || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  #exited() {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => child.once("exit", resolve));
  }

  async kill9() {
    const exited = this.#exited();
    this.#child?.kill("SIGKILL");
    await exited;
    this.#child = null;
  }

  async stop() {
    if (!this.#child) return;
    const exited = this.#exited();
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => this.#child?.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    this.#child = null;
  }

  async dispose() {
    await this.stop();
    if (this.#ownsDataDir) {
      rmSync(this.#dataDir, { recursive: true, force: true });
      ownedDataDirs.delete(this.#dataDir);
    }
  }
}

export async function startNode() {
  return new NodeProcess().start();
}
