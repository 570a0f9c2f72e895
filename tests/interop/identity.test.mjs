// Inboxes created by our C++ identity code (xs-identity-tool) are accepted by
// the official SDK: the same inbox id derivation, a registration that libxmtp
// verifies when it rebuilds the association state, and an inbox that an SDK
// client can then join with a new installation and use.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { Client, IdentifierKind, generateInboxId } from "@xmtp/node-sdk";
import { Wallet, createClient, syncedMessages, useNode, waitFor } from "./lib/clients.mjs";
import { startNode } from "./lib/node_process.mjs";

const run = promisify(execFile);
let node;

function toolBinary() {
  const bin = process.env.XS_IDENTITY_TOOL_BIN;
  if (!bin) throw new Error("XS_IDENTITY_TOOL_BIN is not set (path of the xs-identity-tool binary)");
  return bin;
}

async function registerWithTool(...extra) {
  const { stdout } = await run(toolBinary(), ["register", "--url", node.url, ...extra], { timeout: 30_000 });
  return JSON.parse(stdout.trim());
}

before(async () => {
  node = await startNode();
  useNode(node);
});

after(async () => {
  await node?.dispose();
});

test("an inbox registered by xs-identity-tool is registered for the SDK", async () => {
  const wallet = new Wallet();
  const registered = await registerWithTool("--wallet-key-hex", wallet.privateKey.slice(2));
  assert.equal(registered.address.toLowerCase(), wallet.address);
  assert.equal(registered.sequenceId > 0, true);

  // Same derivation as libxmtp (nonce 1, the default of both).
  assert.equal(generateInboxId(wallet.identifier), registered.inboxId);

  // Static lookups (through ApiUrls.local) and a client's lookups.
  const reachable = await Client.canMessage([wallet.identifier], "local");
  assert.equal(reachable.get(wallet.address), true);
  const observer = await createClient(node);
  assert.equal((await observer.canMessage([wallet.identifier])).get(wallet.address), true);
  assert.equal(await observer.fetchInboxIdByIdentifier(wallet.identifier), registered.inboxId);

  // libxmtp rebuilds the association state from our identity update and checks
  // every signature in it (ERC-191 wallet, Ed25519ph installation).
  const [state] = await Client.fetchInboxStates([registered.inboxId], "local");
  assert.equal(state.inboxId, registered.inboxId);
  assert.equal(state.recoveryIdentifier.identifier.toLowerCase(), wallet.address);
  assert.deepEqual(
    state.identifiers.map((identifier) => [identifier.identifier.toLowerCase(), identifier.identifierKind]),
    [[wallet.address, IdentifierKind.Ethereum]],
  );
  assert.deepEqual(
    state.installations.map((installation) => installation.id),
    [registered.installationKey],
  );
  const [viaClient] = await observer.preferences.fetchInboxStates([registered.inboxId]);
  assert.deepEqual(
    viaClient.installations.map((installation) => installation.id),
    [registered.installationKey],
  );
});

test("the SDK adds an installation to an inbox our C++ code created, and it can message", async () => {
  const wallet = new Wallet();
  const registered = await registerWithTool("--wallet-key-hex", wallet.privateKey.slice(2));

  // Client.create finds the existing inbox, so it signs only an AddAssociation
  // on top of our CreateInbox: node and libxmtp both validate the whole log.
  const sdkInstallation = await createClient(node, wallet);
  assert.equal(sdkInstallation.inboxId, registered.inboxId);
  assert.equal(sdkInstallation.isRegistered, true);
  const [state] = await Client.fetchInboxStates([registered.inboxId], "local");
  assert.deepEqual(
    state.installations.map((installation) => installation.id).sort(),
    [registered.installationKey, sdkInstallation.installationId].sort(),
  );

  const alice = await createClient(node);
  const group = await alice.conversations.createGroup([registered.inboxId]);
  const text = await group.sendText("to an inbox made in C++");
  await waitFor("the SDK installation of the C++ inbox to read alice's text", async () =>
    (await syncedMessages(sdkInstallation, group.id)).some((message) => message.id === text),
  );
});

test("xs-identity-tool honours --nonce like the SDK's nonce option", async () => {
  const wallet = new Wallet();
  const registered = await registerWithTool("--wallet-key-hex", wallet.privateKey.slice(2), "--nonce", "7");
  assert.equal(generateInboxId(wallet.identifier, 7n), registered.inboxId);
  assert.notEqual(generateInboxId(wallet.identifier), registered.inboxId);
  const [state] = await Client.fetchInboxStates([registered.inboxId], "local");
  assert.deepEqual(
    state.installations.map((installation) => installation.id),
    [registered.installationKey],
  );
});
