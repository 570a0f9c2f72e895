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
  // `db` and `dbKeyHex` keep the clients' store in a file that a restarted
  // peer reopens ("open"); without them the store is temporary.
  // `tlsCa`: a PEM file the https:// node's certificate must chain to.
  constructor(url, { db, dbKeyHex, tlsCa } = {}) {
    const args = ["--url", url];
    if (db) args.push("--db", db, "--db-key-hex", dbKeyHex);
    if (tlsCa) args.push("--tls-ca", tlsCa);
    this.child = spawn(peerBinary(), args, { stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => this.child.once("exit", resolve));
    running.add(this.child);
    this.nextId = 1;
    this.pending = new Map();
    this.log = [];
    this.listeners = new Map(); // client name -> callback(message) for stream events
    readline.createInterface({ input: this.child.stdout }).on("line", (line) => {
      let reply;
      try {
        reply = JSON.parse(line);
      } catch {
        return;  // a line cut short by a SIGKILL
      }
      if (reply.event === "message") {
        this.listeners.get(reply.client)?.(reply.message);
        return;
      }
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
  // exportWalletKey: also return the wallet's private key (info.walletKey),
  // so that an SDK client can sign in to the same inbox.
  async create(name, { exportWalletKey = false } = {}) {
    const info = await this.call("create", { client: name, exportWalletKey });
    return new OurClient(this, name, info);
  }

  // A new installation of the existing inbox of the wallet (0x-hex key).
  // One of our clients from the store (a restarted peer).
  async open(name, installationKey) {
    const info = await this.call("open", { client: name, installationKey });
    return new OurClient(this, name, { ...info, installationKey });
  }

  // SIGKILL, as a crash: nothing is flushed or closed.
  async kill() {
    this.child.kill("SIGKILL");
    await this.exited;
  }

  async addInstallation(name, walletKey) {
    const info = await this.call("addInstallation", { client: name, walletKey });
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
    this.walletKey = info.walletKey;
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
  // Asks to be removed (libxmtp's leave_group: a LeaveRequest message).
  async leave(groupId) {
    return this.call("leave", { groupId });
  }
  async send(groupId, text) {
    return (await this.call("send", { groupId, text })).messageId;
  }
  async sendReply(groupId, reference, text, referenceInboxId) {
    return (await this.call("sendReply", { groupId, reference, text, ...(referenceInboxId ? { referenceInboxId } : {}) }))
      .messageId;
  }
  // version 2 (protobuf, the default) or 1 (legacy JSON).
  async sendReaction(groupId, { reference, referenceInboxId, emoji, action = "added", version = 2 }) {
    return (await this.call("sendReaction", { groupId, reference, referenceInboxId, emoji, action, version })).messageId;
  }
  async sendReadReceipt(groupId) {
    return (await this.call("sendReadReceipt", { groupId })).messageId;
  }
  // -> {messageId, payloadHex}: payloadHex is the ciphertext a real sender would upload to url.
  sendRemoteAttachment(groupId, { url, filename, mimeType = "text/plain", text }) {
    return this.call("sendRemoteAttachment", { groupId, url, filename, mimeType, text });
  }
  // The remote attachment of message messageId, decrypted from payloadHex -> {filename, mimeType, text}.
  decryptAttachment(groupId, messageId, payloadHex) {
    return this.call("decryptAttachment", { groupId, messageId, payloadHex });
  }
  // Every conversation's new messages, to onMessage(message) in delivery order.
  async startStream(onMessage) {
    this.peer.listeners.set(this.name, onMessage);
    await this.call("stream", { action: "start" });
  }
  async stopStream() {
    await this.call("stream", { action: "stop" });
    this.peer.listeners.delete(this.name);
  }
  async sync() {
    return (await this.call("sync")).joined;
  }
  async messages(groupId, { sync = true } = {}) {
    if (sync) await this.call("syncGroup", { groupId });
    return (await this.call("messages", { groupId })).messages;
  }
  group(groupId) {
    return this.call("group", { groupId });
  }
  async conversations() {
    return (await this.call("conversations")).conversations;
  }
  // entityType "inbox" | "group"; state "unknown" | "allowed" | "denied".
  async consent(entityType, entity) {
    return (await this.call("consent", { entityType, entity })).state;
  }
  setConsent(entityType, entity, state) {
    return this.call("setConsent", { entityType, entity, state });
  }
}
