// SDK clients for the interop tests: viem test wallets as EOA signers and
// Client.create pointed at our node.
import { randomBytes } from "node:crypto";
import { ApiUrls, Client, IdentifierKind } from "@xmtp/node-sdk";
import { toBytes } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

// node-sdk 5.5.0 resolves the inbox id of a new client through
// ApiUrls[env] before it looks at options.apiUrl (createClient ->
// getInboxIdForIdentifier), and the static helpers (Client.canMessage,
// Client.fetchInboxStates) only know ApiUrls. Pointing ApiUrls.local at our
// node makes every SDK path talk to it.
export function useNode(node) {
  ApiUrls.local = node.url;
}

export class Wallet {
  constructor(privateKey = generatePrivateKey()) {
    this.privateKey = privateKey;
    this.account = privateKeyToAccount(privateKey);
  }

  get address() {
    return this.account.address.toLowerCase();
  }

  get identifier() {
    return { identifier: this.address, identifierKind: IdentifierKind.Ethereum };
  }

  get signer() {
    return {
      type: "EOA",
      getIdentifier: () => this.identifier,
      signMessage: async (message) => toBytes(await this.account.signMessage({ message })),
    };
  }
}

export function newDbKey() {
  return new Uint8Array(randomBytes(32));
}

// dbPath null keeps the client's database in memory; the offline-client test
// passes a file and a key so that the client can be reopened.
export async function createClient(node, wallet = new Wallet(), { dbPath = null, dbEncryptionKey } = {}) {
  useNode(node);
  const client = await Client.create(wallet.signer, {
    env: "local",
    apiUrl: node.url,
    // Nothing in these tests exchanges device-sync archives; no upload server runs.
    historySyncUrl: null,
    dbPath,
    dbEncryptionKey,
    // XS_INTEROP_SDK_LOG=Warn (or Info, Debug...) shows libxmtp's own log: the
    // place to look when our node answers something libxmtp only tolerates.
    loggingLevel: process.env.XS_INTEROP_SDK_LOG ?? "Off",
  });
  client.wallet = wallet;
  return client;
}

export async function createClients(node, count) {
  const clients = [];
  // Sequential: libxmtp's registration is quick, and a clear order keeps node logs readable.
  for (let i = 0; i < count; ++i) clients.push(await createClient(node));
  return clients;
}

export async function waitFor(what, probe, { timeoutMs = 20_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// The conversation as this client sees it, after pulling welcomes and the
// conversation's messages from the node.
export async function syncedConversation(client, conversationId) {
  await client.conversations.sync();
  const conversation = await client.conversations.getConversationById(conversationId);
  if (!conversation) return undefined;
  await conversation.sync();
  return conversation;
}

export async function syncedMessages(client, conversationId) {
  const conversation = await syncedConversation(client, conversationId);
  return conversation ? conversation.messages() : [];
}

// A conversation's members (inbox ids, sorted) after a sync.
export async function sdkMembers(conversation) {
  await conversation.sync();
  return (await conversation.members()).map((m) => m.inboxId).sort();
}

// libxmtp syncs a group once more after its removal, then refuses.
export async function syncUntilInactive(conversation) {
  try {
    await conversation.sync();
  } catch (error) {
    if (!/inactive/i.test(String(error))) throw error;
  }
  return conversation.isActive === false;
}

export function textsOf(messages) {
  return messages.filter((message) => message.contentType.typeId === "text").map((message) => message.content);
}

export const shortId = (inboxId) => inboxId.slice(0, 8);
