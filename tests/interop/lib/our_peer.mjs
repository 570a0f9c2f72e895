// Our native C++ client (xs-client-peer, XS_CLIENT_PEER_BIN) driven over its
// JSON-lines protocol (documented at the top of
// src/xmtp/client/tools/xs_client_peer.cpp). One process hosts several of our
// clients, addressed by name.
import { spawn } from "node:child_process";
import readline from "node:readline";

const running = new Set();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export function peerBinary() {
  const bin = process.env.XS_CLIENT_PEER_BIN;
  if (!bin) throw new Error("XS_CLIENT_PEER_BIN is not set (path of the xs-client-peer binary)");
  return bin;
}

export class OurPeer {
  constructor(url) {
    this.child = spawn(peerBinary(), ["--url", url], { stdio: ["pipe", "pipe", "pipe"] });
    running.add(this.child);
    this.nextId = 1;
    this.pending = new Map();
    this.log = [];
    readline.createInterface({ input: this.child.stdout }).on("line", (line) => {
      const reply = JSON.parse(line);
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.error) waiter.reject(new Error(`${reply.error.category}: ${reply.error.message}`));
      else waiter.resolve(reply.result);
    });
    readline.createInterface({ input: this.child.stderr }).on("line", (line) => {
      this.log.push(line);
      if (process.env.XS_INTEROP_PEER_LOG) console.error(`[xs-client-peer] ${line}`);
    });
    this.child.on("exit", (code, signal) => {
      running.delete(this.child);
      for (const waiter of this.pending.values()) {
        waiter.reject(new Error(`xs-client-peer exited (${code ?? signal}); log:\n${this.log.join("\n")}`));
      }
      this.pending.clear();
    });
  }

  call(op, args = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  // A handle on one of our clients in this process.
  async create(name) {
    const info = await this.call("create", { client: name });
    return new OurClient(this, name, info);
  }

  async dispose() {
    this.child.stdin.end();
    this.child.kill("SIGTERM");
  }
}

export class OurClient {
  constructor(peer, name, info) {
    this.peer = peer;
    this.name = name;
    this.inboxId = info.inboxId;
    this.installationKey = info.installationKey;
    this.address = info.address;
  }

  call(op, args = {}) {
    return this.peer.call(op, { client: this.name, ...args });
  }

  async createGroup(members, name) {
    return (await this.call("createGroup", { members, ...(name ? { name } : {}) })).groupId;
  }
  async createDm(peer) {
    return (await this.call("createDm", { peer })).groupId;
  }
  addMembers(groupId, members) {
    return this.call("addMembers", { groupId, members });
  }
  removeMembers(groupId, members) {
    return this.call("removeMembers", { groupId, members });
  }
  addAdmin(groupId, inboxId) {
    return this.call("addAdmin", { groupId, inboxId });
  }
  updateName(groupId, name) {
    return this.call("updateName", { groupId, name });
  }
  async send(groupId, text) {
    return (await this.call("send", { groupId, text })).messageId;
  }
  async sync() {
    return (await this.call("sync")).joined;
  }
  async messages(groupId) {
    await this.call("syncGroup", { groupId });
    return (await this.call("messages", { groupId })).messages;
  }
  group(groupId) {
    return this.call("group", { groupId });
  }
  async conversations() {
    return (await this.call("conversations")).conversations;
  }
}
