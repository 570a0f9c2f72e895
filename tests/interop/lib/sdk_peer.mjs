// sdk_peer: a long-lived driver for official-SDK clients (@xmtp/node-sdk
// 5.5.0), so that a C++ test or a node test can run several SDK clients
// against our node and compare what they see with what our client sees.
//
//   node tests/interop/lib/sdk_peer.mjs        (Node.js >= 22)
//
// Protocol: JSON lines. One request per stdin line, one reply per request on
// stdout, in request order (requests run one at a time):
//   request  {"id": <any>, "op": "<op>", ...arguments}
//   reply    {"id": <same>, "result": {...}}  or  {"id": <same>, "error": "<message>"}
// Stream events arrive on stdout at any time, between replies:
//   {"event": "message",      "stream": <streamId>, "client": <handle>, "message": <Message>}
//   {"event": "conversation", "stream": <streamId>, "client": <handle>, "conversation": <Summary>}
//   {"event": "streamError",  "stream": <streamId>, "client": <handle>, "error": "<message>"}
// stdout carries nothing else (console output goes to stderr). End of stdin
// ends every stream and exits. Integers that may exceed 2^53 (times in ns,
// epochs) are decimal strings; byte strings are lowercase hex.
//
// Ops (`client` is the handle that "create" returned; `groupId` is any
// conversation id, group or DM):
//   create      {url, name?, walletKey?, dbPath?, dbKeyHex?}
//               -> {client, inboxId, installationId, address, walletKey, dbKeyHex}
//               name: the handle to use (default "c1", "c2", ...); walletKey:
//               0x-hex secp256k1 key (default: a new wallet); dbPath: a file to
//               keep the client's database in (default: in memory); dbKeyHex:
//               its 32-byte key (default: a new one, returned for reopening).
//   createGroup {client, members: [inboxId], name?, description?, imageUrl?} -> {groupId}
//   createDm    {client, inboxId} -> {groupId}
//   addMembers / removeMembers   {client, groupId, inboxIds: [inboxId]} -> {}
//   updateName        {client, groupId, name} -> {}
//   updateDescription {client, groupId, description} -> {}
//   addAdmin / removeAdmin / addSuperAdmin / removeSuperAdmin {client, groupId, inboxId} -> {}
//   send        {client, groupId, text} -> {messageId}
//   reply       {client, groupId, reference, referenceInboxId?, text} -> {messageId}
//   reaction    {client, groupId, reference, referenceInboxId, content, action?: "added"|"removed"}
//               -> {messageId}   (schema unicode)
//   readReceipt {client, groupId} -> {messageId}
//   remoteAttachment {client, groupId, url, filename, mimeType?, text}
//               -> {messageId, payloadHex}: `text` is encrypted with the SDK's
//               encryptAttachment; the ciphertext (payloadHex) is not uploaded.
//   sync        {client, groupId?} -> {}    conversation sync, or welcomes only
//   syncAll     {client} -> {numEligible, numSynced}
//   messages    {client, groupId, sync?: true} -> {messages: [Message]}
//   group       {client, groupId, sync?: true}
//               -> {id, type, name, description, imageUrl, isActive, peerInboxId,
//                   members: [{inboxId, installationIds, permissionLevel}], admins,
//                   superAdmins, epoch}
//   conversations {client, sync?: true} -> {conversations: [Summary]}
//   stream      {client, action: "start", kind: "allMessages"|"conversations"|"group", groupId?}
//               -> {stream}
//               {action: "stop", stream} -> {}
//   close       {client} -> {}   drops the client and ends its streams
//               {} -> {}          then exits
//
// Message = {id, conversationId, senderInboxId, contentType
//   ("xmtp.org/text:1.0"), typeId, content (decoded, JSON-safe), fallback,
//   sentAtNs, kind, deliveryStatus, reactions: [{id, senderInboxId, content}]}
// Summary = {id, type ("group"|"dm"), name, peerInboxId, createdAtNs}
//
// The SDK resolves inbox ids through ApiUrls.local, whatever apiUrl says
// (see lib/clients.mjs), so "create" points ApiUrls.local at `url` first.
import { createInterface } from "node:readline";
import { ReactionAction, ReactionSchema, encodeText, encryptAttachment } from "@xmtp/node-sdk";
import { Wallet, createClient, newDbKey } from "./clients.mjs";

// Keep stdout for the protocol.
console.log = (...args) => console.error(...args);
console.info = (...args) => console.error(...args);

const clients = new Map(); // handle -> Client
const streams = new Map(); // stream id -> {client: handle, stream}
let nextClient = 1;
let nextStream = 1;

function emit(object) {
  process.stdout.write(`${JSON.stringify(object, (_key, value) => (typeof value === "bigint" ? value.toString() : value))}\n`);
}

const hex = (bytes) => Buffer.from(bytes).toString("hex");

// Decoded content as plain JSON: bytes as hex, bigints as strings, nested
// messages (a reply's inReplyTo) by id only.
function jsonSafe(value, depth = 0) {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return hex(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== "object") return typeof value === "function" ? undefined : value;
  if (depth > 8) return null;
  if (Array.isArray(value)) return value.map((item) => jsonSafe(item, depth + 1));
  const out = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "inReplyTo") out.inReplyToId = item?.id ?? null;
    else if (typeof item !== "function") out[key] = jsonSafe(item, depth + 1);
  }
  return out;
}

function contentTypeString(type) {
  return type ? `${type.authorityId}/${type.typeId}:${type.versionMajor}.${type.versionMinor}` : null;
}

function describeMessage(message) {
  return {
    id: message.id,
    conversationId: message.conversationId,
    senderInboxId: message.senderInboxId,
    contentType: contentTypeString(message.contentType),
    typeId: message.contentType?.typeId ?? null,
    content: jsonSafe(message.content),
    fallback: message.fallback ?? null,
    sentAtNs: message.sentAtNs.toString(),
    kind: message.kind,
    deliveryStatus: message.deliveryStatus,
    reactions: (message.reactions ?? []).map((reaction) => ({
      id: reaction.id,
      senderInboxId: reaction.senderInboxId,
      content: jsonSafe(reaction.content),
    })),
  };
}

function isDm(conversation) {
  return typeof conversation.peerInboxId === "string";
}

function describeConversation(conversation) {
  const dm = isDm(conversation);
  return {
    id: conversation.id,
    type: dm ? "dm" : "group",
    name: dm ? null : conversation.name,
    peerInboxId: dm ? conversation.peerInboxId : null,
    createdAtNs: conversation.createdAtNs.toString(),
  };
}

const kPermissionLevels = ["member", "admin", "super_admin"];

function required(args, ...names) {
  for (const name of names) {
    if (args[name] === undefined || args[name] === null) throw new Error(`missing argument "${name}"`);
  }
}

function clientOf(args) {
  required(args, "client");
  const client = clients.get(args.client);
  if (!client) throw new Error(`unknown client "${args.client}"`);
  return client;
}

async function conversationOf(args, { sync = false } = {}) {
  const client = clientOf(args);
  required(args, "groupId");
  if (sync) await client.conversations.sync();
  const conversation = await client.conversations.getConversationById(args.groupId);
  if (!conversation) throw new Error(`client "${args.client}" does not know conversation ${args.groupId}`);
  if (sync) await conversation.sync();
  return conversation;
}

async function groupOf(args) {
  const conversation = await conversationOf(args);
  if (isDm(conversation)) throw new Error(`conversation ${args.groupId} is a DM, not a group`);
  return conversation;
}

async function create(args) {
  required(args, "url");
  const handle = args.name ?? `c${nextClient++}`;
  if (clients.has(handle)) throw new Error(`client "${handle}" exists`);
  const wallet = new Wallet(args.walletKey);
  const dbPath = args.dbPath ?? null;
  const dbKey = args.dbKeyHex ? new Uint8Array(Buffer.from(args.dbKeyHex, "hex")) : newDbKey();
  const client = await createClient({ url: args.url }, wallet, { dbPath, dbEncryptionKey: dbPath ? dbKey : undefined });
  clients.set(handle, client);
  return {
    client: handle,
    inboxId: client.inboxId,
    installationId: client.installationId,
    address: wallet.address,
    walletKey: wallet.privateKey,
    dbKeyHex: dbPath ? hex(dbKey) : null,
  };
}

async function groupInfo(args) {
  const conversation = await conversationOf(args, { sync: args.sync ?? true });
  const dm = isDm(conversation);
  const members = (await conversation.members()).map((member) => ({
    inboxId: member.inboxId,
    installationIds: member.installationIds,
    permissionLevel: kPermissionLevels[member.permissionLevel] ?? String(member.permissionLevel),
  }));
  let epoch = null;
  try {
    epoch = (await conversation.debugInfo()).epoch.toString();
  } catch {
    // Not every build exposes debug information; epoch stays null.
  }
  return {
    id: conversation.id,
    type: dm ? "dm" : "group",
    name: dm ? null : conversation.name,
    description: dm ? null : conversation.description,
    imageUrl: dm ? null : conversation.imageUrl,
    isActive: conversation.isActive,
    peerInboxId: dm ? conversation.peerInboxId : null,
    members,
    admins: dm ? [] : conversation.listAdmins(),
    superAdmins: dm ? [] : conversation.listSuperAdmins(),
    epoch,
  };
}

function consume(streamId, handle, stream, describe, event) {
  (async () => {
    try {
      for await (const value of stream) {
        if (value !== undefined) emit({ event, stream: streamId, client: handle, [event]: describe(value) });
      }
    } catch (error) {
      emit({ event: "streamError", stream: streamId, client: handle, error: String(error?.message ?? error) });
    }
  })();
}

async function stream(args) {
  if (args.action === "stop") {
    required(args, "stream");
    const entry = streams.get(args.stream);
    if (!entry) throw new Error(`unknown stream ${args.stream}`);
    streams.delete(args.stream);
    await entry.stream.end();
    return {};
  }
  if (args.action !== "start") throw new Error(`stream action must be "start" or "stop"`);
  const client = clientOf(args);
  const onError = (error) => console.error(`sdk_peer: stream error: ${error?.message ?? error}`);
  let opened;
  let describe = describeMessage;
  let event = "message";
  if (args.kind === "allMessages") {
    opened = await client.conversations.streamAllMessages({ onError });
  } else if (args.kind === "conversations") {
    opened = await client.conversations.stream({ onError });
    describe = describeConversation;
    event = "conversation";
  } else if (args.kind === "group") {
    opened = await (await conversationOf(args)).stream({ onError });
  } else {
    throw new Error(`stream kind must be "allMessages", "conversations" or "group"`);
  }
  const streamId = nextStream++;
  streams.set(streamId, { client: args.client, stream: opened });
  consume(streamId, args.client, opened, describe, event);
  return { stream: streamId };
}

async function endStreams(handle) {
  for (const [id, entry] of [...streams]) {
    if (handle !== undefined && entry.client !== handle) continue;
    streams.delete(id);
    await entry.stream.end().catch(() => {});
  }
}

const ops = {
  create,
  async createGroup(args) {
    const client = clientOf(args);
    const group = await client.conversations.createGroup(args.members ?? [], {
      groupName: args.name,
      groupDescription: args.description,
      groupImageUrlSquare: args.imageUrl,
    });
    return { groupId: group.id };
  },
  async createDm(args) {
    required(args, "inboxId");
    const dm = await clientOf(args).conversations.createDm(args.inboxId);
    return { groupId: dm.id };
  },
  async send(args) {
    required(args, "text");
    return { messageId: await (await conversationOf(args)).sendText(args.text) };
  },
  async reply(args) {
    required(args, "reference", "text");
    const messageId = await (await conversationOf(args)).sendReply({
      reference: args.reference,
      referenceInboxId: args.referenceInboxId,
      content: encodeText(args.text),
    });
    return { messageId };
  },
  async reaction(args) {
    required(args, "reference", "referenceInboxId", "content");
    const messageId = await (await conversationOf(args)).sendReaction({
      reference: args.reference,
      referenceInboxId: args.referenceInboxId,
      action: args.action === "removed" ? ReactionAction.Removed : ReactionAction.Added,
      content: args.content,
      schema: ReactionSchema.Unicode,
    });
    return { messageId };
  },
  async readReceipt(args) {
    return { messageId: await (await conversationOf(args)).sendReadReceipt() };
  },
  async remoteAttachment(args) {
    required(args, "url", "filename", "text");
    const encrypted = encryptAttachment({
      filename: args.filename,
      mimeType: args.mimeType ?? "text/plain",
      content: new Uint8Array(Buffer.from(args.text, "utf8")),
    });
    const messageId = await (await conversationOf(args)).sendRemoteAttachment({
      url: args.url,
      contentDigest: encrypted.contentDigest,
      secret: encrypted.secret,
      salt: encrypted.salt,
      nonce: encrypted.nonce,
      scheme: "https://",
      contentLength: encrypted.contentLength,
      filename: args.filename,
    });
    return { messageId, payloadHex: hex(encrypted.payload) };
  },
  async sync(args) {
    if (args.groupId === undefined) await clientOf(args).conversations.sync();
    else await (await conversationOf(args)).sync();
    return {};
  },
  async syncAll(args) {
    const summary = await clientOf(args).conversations.syncAll();
    return { numEligible: summary.numEligible, numSynced: summary.numSynced };
  },
  async messages(args) {
    const conversation = await conversationOf(args, { sync: args.sync ?? true });
    return { messages: (await conversation.messages()).map(describeMessage) };
  },
  group: groupInfo,
  async conversations(args) {
    const client = clientOf(args);
    if (args.sync ?? true) await client.conversations.sync();
    return { conversations: (await client.conversations.list()).map(describeConversation) };
  },
  stream,
  async close(args) {
    if (args.client === undefined) {
      await endStreams();
      clients.clear();
      return { exit: true };
    }
    clientOf(args);
    await endStreams(args.client);
    clients.delete(args.client);
    return {};
  },
};

// Group changes named after the SDK's Group method, each taking one argument.
const kGroupChanges = {
  addMembers: "inboxIds",
  removeMembers: "inboxIds",
  updateName: "name",
  updateDescription: "description",
  addAdmin: "inboxId",
  removeAdmin: "inboxId",
  addSuperAdmin: "inboxId",
  removeSuperAdmin: "inboxId",
};
for (const [op, argument] of Object.entries(kGroupChanges)) {
  ops[op] = async (args) => {
    required(args, argument);
    await (await groupOf(args))[op](args[argument]);
    return {};
  };
}

async function handle(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    emit({ id: null, error: "request is not JSON" });
    return false;
  }
  const { id = null, op, ...args } = request ?? {};
  const run = ops[op];
  if (!run) {
    emit({ id, error: `unknown op "${op}"` });
    return false;
  }
  try {
    const { exit = false, ...result } = await run(args);
    emit({ id, result });
    return exit;
  } catch (error) {
    emit({ id, error: String(error?.message ?? error) });
    return false;
  }
}

const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
let queue = Promise.resolve(false);
let exiting = false;
async function shutdown() {
  if (exiting) return;
  exiting = true;
  await endStreams();
  // libxmtp's native workers would keep the process alive.
  process.stdout.write("", () => process.exit(0));
}
input.on("line", (line) => {
  if (!line.trim()) return;
  queue = queue.then(async (exited) => {
    if (exited || exiting) return true;
    const exit = await handle(line);
    if (exit) await shutdown();
    return exit;
  });
});
input.on("close", () => {
  queue = queue.then(shutdown);
});
