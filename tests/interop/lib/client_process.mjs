// One session of an SDK client in its own process, so that "offline" really
// means closed: no libxmtp workers, no open connections, only the encrypted
// database file left behind. Used by offline.test.mjs.
//
//   node client_process.mjs '<json>'   json: {url, walletKey, dbPath, dbKeyHex,
//                                             sendTo?: conversationId, text?: string}
// Prints one JSON line describing everything the client knows after syncAll.
import { ApiUrls, Client } from "@xmtp/node-sdk";
import { Wallet } from "./clients.mjs";

function describeContent(message) {
  const type = message.contentType.typeId;
  if (type === "text") return message.content;
  if (type === "reply") return { referenceId: message.content.referenceId, content: message.content.content };
  if (type === "group_updated") {
    return {
      added: message.content.addedInboxes.map((inbox) => inbox.inboxId),
      removed: message.content.removedInboxes.map((inbox) => inbox.inboxId),
      fields: message.content.metadataFieldChanges.map((change) => [change.fieldName, change.newValue]),
    };
  }
  return null;
}

const options = JSON.parse(process.argv[2]);
ApiUrls.local = options.url;
const wallet = new Wallet(options.walletKey);
const client = await Client.create(wallet.signer, {
  env: "local",
  apiUrl: options.url,
  historySyncUrl: null,
  dbPath: options.dbPath,
  dbEncryptionKey: Buffer.from(options.dbKeyHex, "hex"),
  loggingLevel: process.env.XS_INTEROP_SDK_LOG ?? "Off",
});

await client.conversations.syncAll();
let sentId = null;
if (options.sendTo) {
  const conversation = await client.conversations.getConversationById(options.sendTo);
  sentId = await conversation.sendText(options.text);
}

const conversations = [];
for (const conversation of await client.conversations.list()) {
  const messages = await conversation.messages();
  conversations.push({
    id: conversation.id,
    name: conversation.name ?? null,
    peerInboxId: conversation.peerInboxId ?? null,
    members: (await conversation.members()).map((member) => member.inboxId).sort(),
    lastReadTimes: Object.fromEntries(
      Object.entries(await conversation.lastReadTimes()).map(([inbox, ns]) => [inbox, String(ns)]),
    ),
    messages: messages.map((message) => ({
      id: message.id,
      type: message.contentType.typeId,
      sender: message.senderInboxId,
      content: describeContent(message),
      reactions: message.reactions.map((reaction) => ({
        sender: reaction.senderInboxId,
        content: reaction.content.content,
      })),
    })),
  });
}

process.stdout.write(
  `${JSON.stringify({
    inboxId: client.inboxId,
    installationId: client.installationId,
    sentId,
    conversations,
  })}\n`,
);
// libxmtp's background workers would keep the process alive.
process.exit(0);
