// A harness as agents write them: npm `ws` against the signet's
// ws://host:port/v1/agent, speaking transport.md §1 (auth frame, sequenced
// events, requests with requestId, responses).
//
//   const h = await Harness.open(port, token);        // authenticated
//   const ev = await h.event((e) => e.type === "message.visible");
//   const res = await h.request("send_message", { groupId, contentType, content });
//   const { code } = await h.closed;                  // once the server closed it
import assert from "node:assert/strict";
import WebSocket from "ws";

let nextRequest = 0;

export class Harness {
  constructor(port, { path = "/v1/agent" } = {}) {
    this.url = `ws://127.0.0.1:${port}${path}`;
    this.ws = new WebSocket(this.url, { maxPayload: 64 * 1024 * 1024 });
    this.frames = []; // every frame, parsed, in arrival order
    this.waiters = [];
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", resolve);
      this.ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once("error", reject);
    });
    this.closed = new Promise((resolve) => {
      this.ws.on("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        this.notify();
      });
    });
    this.ws.on("message", (data) => {
      let frame;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        frame = { unparsable: data.toString() };
      }
      this.frames.push(frame);
      this.notify();
    });
    this.ws.on("error", () => {});
  }

  // Connects and authenticates; resolves with the harness once the first
  // frame arrived (this.auth holds it: `authenticated` or `auth_error`).
  static async open(port, token, { lastSeenSeq = null, expectOk = true } = {}) {
    const h = new Harness(port);
    await h.opened;
    h.sendJson({ type: "auth", token, lastSeenSeq });
    h.auth = await h.frame((f) => f.type === "authenticated" || f.type === "auth_error", "the auth answer");
    if (expectOk) assert.equal(h.auth.type, "authenticated", JSON.stringify(h.auth));
    return h;
  }

  sendJson(obj) {
    this.ws.send(JSON.stringify(obj));
  }

  notify() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  // The first frame (from `from` on) matching `probe`; fails after timeoutMs
  // or when the socket closed without one.
  async frame(probe, what, { from = 0, timeoutMs = 20_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = from; i < this.frames.length; i++) if (probe(this.frames[i])) return this.frames[i];
      if (this.closeInfo) assert.fail(`socket closed (${JSON.stringify(this.closeInfo)}) before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames.slice(-5))}`);
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  // Sequenced events ({seq, event}) so far.
  events() {
    return this.frames.filter((f) => typeof f.seq === "number" && f.event);
  }

  // The first sequenced event whose event matches `probe`.
  async event(probe, what, opts) {
    return (await this.frame((f) => typeof f.seq === "number" && f.event && probe(f.event), what, opts)).event;
  }

  async request(type, fields = {}, opts) {
    const requestId = `req_${++nextRequest}`;
    this.sendJson({ type, requestId, ...fields });
    return this.frame((f) => f.requestId === requestId && typeof f.ok === "boolean", `the answer to ${type}`, opts);
  }

  async ok(type, fields, opts) {
    const res = await this.request(type, fields, opts);
    assert.equal(res.ok, true, `${type}: ${JSON.stringify(res)}`);
    return res.data;
  }

  close() {
    this.ws.close(1000);
    return this.closed;
  }

  terminate() {
    this.ws.terminate();
  }
}

// The daemon's bound WebSocket port from `xs status --json`.
export function wsPortOf(signet) {
  const status = signet.ok(["status"]);
  assert.ok(Number.isInteger(status.wsPort) && status.wsPort > 0, JSON.stringify(status));
  return status.wsPort;
}
