// Seals verified by an official @xmtp/node-sdk 5.5.0 peer from the published
// message alone (decisions.md #28, docs/seals.md): the real `xs` and daemon
// issue a credential for a chat the SDK peer is in; the peer receives the
// xmtp.org/agentSeal:1.0 message and checks it with Node's own crypto:
//   - the Ed25519 signature over the canonical JSON of chain.current (keys
//     sorted recursively, JSON.stringify's output) verifies with publicKey;
//   - keyId is "sha256:" + hex SHA-256 of the raw public key;
//   - the message was sent by the signet's member of the chat;
//   - the key is the one `xs key export-public` prints;
//   - a tampered payload does not verify; a scope change chains a seal whose
//     previous is the first; a revoke publishes an xmtp.org/agentRevocation:1.0
//     whose signature verifies the same way.
// The SDK needs a codec to hand an unknown content type's bytes to the
// application; ours only turns the bytes into text (JSON.parse is the test's).
import assert from "node:assert/strict";
import { createHash, createPublicKey, verify } from "node:crypto";
import { before, describe, test } from "node:test";
import { Client } from "@xmtp/node-sdk";
import { Wallet, syncedConversation, useNode, waitFor } from "./lib/clients.mjs";
import { signetWithSdkPeers } from "./lib/xs_signet.mjs";

// A codec for the signet's agent payloads: the UTF-8 JSON text as sent.
class AgentPayloadCodec {
  constructor(typeId) {
    this.contentType = { authorityId: "xmtp.org", typeId, versionMajor: 1, versionMinor: 0 };
  }
  encode(text) {
    return { type: this.contentType, parameters: {}, content: new TextEncoder().encode(text) };
  }
  decode(encoded) {
    return new TextDecoder().decode(encoded.content);
  }
  fallback() {
    return undefined;
  }
  shouldPush() {
    return false;
  }
}

// Canonical JSON: JSON.stringify with every object's keys sorted (default
// sort = UTF-16 code-unit order), arrays in order, undefined members omitted.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v) ?? "null").join(",")}]`;
  if (value !== null && typeof value === "object") {
    const members = Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value);
}

function ed25519Key(publicKeyBase64) {
  const raw = Buffer.from(publicKeyBase64, "base64");
  assert.equal(raw.length, 32);
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
}

const fingerprint = (publicKeyBase64) =>
  `sha256:${createHash("sha256").update(Buffer.from(publicKeyBase64, "base64")).digest("hex")}`;

function signatureVerifies(object, signatureBase64, publicKeyBase64) {
  return verify(null, Buffer.from(canonical(object), "utf8"), ed25519Key(publicKeyBase64),
    Buffer.from(signatureBase64, "base64"));
}

// Everything a member checks, from the message alone.
function verifySealMessage(message, signetMember) {
  assert.equal(message.senderInboxId, signetMember, "sent by the signet's member of the chat");
  const envelope = JSON.parse(message.content);
  assert.equal(envelope.contentType, "xmtp.org/agentSeal:1.0");
  assert.equal(envelope.algorithm, "Ed25519");
  assert.equal(envelope.keyId, fingerprint(envelope.publicKey));
  assert.ok(signatureVerifies(envelope.chain.current, envelope.signature, envelope.publicKey),
    "the signature over canonical(chain.current) verifies");
  return envelope;
}

const isType = (typeId) => (m) => m.contentType?.authorityId === "xmtp.org" && m.contentType?.typeId === typeId;

describe("seals: an SDK peer verifies them from the published message alone", () => {
  let sdk, signet;
  const setup = signetWithSdkPeers(0);
  before(async () => {
    signet = setup.signet;
    useNode(setup.node);
    const wallet = new Wallet();
    sdk = await Client.create(wallet.signer, {
      env: "local",
      apiUrl: setup.node.url,
      historySyncUrl: null,
      dbPath: null,
      loggingLevel: process.env.XS_INTEROP_SDK_LOG ?? "Off",
      codecs: [new AgentPayloadCodec("agentSeal"), new AgentPayloadCodec("agentRevocation")],
    });
  });

  test("seal, chained seal and revocation verify with Node's Ed25519", async () => {
    const chat = signet.ok(["chat", "create", "--name", "sealed", "--members", sdk.inboxId]);
    signet.ok(["operator", "create", "--label", "bot"]);
    const issued = signet.ok(["cred", "issue", "--op", "bot", "--chat", chat.id, "--allow", "send,reply", "--deny", "react"]);
    const cred = issued.credential.id;
    const exported = signet.ok(["key", "export-public"]);

    const group = await waitFor("the SDK to join our chat", () => syncedConversation(sdk, chat.networkGroupId));
    const sealsSeen = async (count) =>
      waitFor(`${count} seal message(s) at the SDK`, async () => {
        await group.sync();
        const seals = (await group.messages()).filter(isType("agentSeal"));
        return seals.length >= count ? seals : undefined;
      }, { timeoutMs: 30_000 });

    const [first] = await sealsSeen(1);
    const seal = verifySealMessage(first, chat.networkInboxId);
    assert.equal(seal.publicKey, exported.publicKeyBase64, "the key xs key export-public prints");
    assert.equal(seal.keyId, exported.fingerprint);
    assert.equal(seal.chain.current.credentialId, cred);
    assert.deepEqual(seal.chain.current.permissions, { allow: ["send", "reply"], deny: ["react"] });
    assert.equal(seal.chain.previous, undefined);
    assert.deepEqual(seal.chain.delta, { added: [], removed: [], changed: [] });

    // A tampered payload does not verify.
    const widened = structuredClone(seal.chain.current);
    widened.permissions.allow.push("react");
    assert.equal(signatureVerifies(widened, seal.signature, seal.publicKey), false);

    // A narrowing update: a second seal whose previous is the first.
    signet.ok(["cred", "update", cred, "--allow", "send"]);
    const seals = await sealsSeen(2);
    const next = verifySealMessage(seals[1], chat.networkInboxId);
    assert.equal(next.chain.previous.sealId, seal.chain.current.sealId);
    assert.deepEqual(next.chain.previous, seal.chain.current, "the full predecessor, inline");
    assert.deepEqual(next.chain.delta.removed, ["reply"]);
    assert.ok(next.chain.current.issuedAt >= seal.chain.current.issuedAt);

    // A revoke: a signed revocation naming the head.
    signet.ok(["cred", "revoke", cred, "--force"]);
    const revocation = await waitFor("the revocation at the SDK", async () => {
      await group.sync();
      return (await group.messages()).find(isType("agentRevocation"));
    }, { timeoutMs: 30_000 });
    assert.equal(revocation.senderInboxId, chat.networkInboxId);
    const body = JSON.parse(revocation.content);
    assert.equal(body.contentType, "xmtp.org/agentRevocation:1.0");
    assert.equal(body.signatureAlgorithm, "Ed25519");
    assert.equal(body.signerKeyRef, fingerprint(body.publicKey));
    assert.equal(body.publicKey, exported.publicKeyBase64);
    assert.ok(signatureVerifies(body.revocation, body.signature, body.publicKey));
    assert.equal(body.revocation.previousSealId, next.chain.current.sealId);
    assert.equal(body.revocation.reason, "owner-initiated");
    assert.equal(body.revocation.issuer, "signet");
  });
});
