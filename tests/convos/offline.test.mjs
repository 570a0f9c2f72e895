// Offline cross-checks of the Convos wire formats, both ways, between our
// codecs (xs-convos-tool, src/xmtp/convos) and convos-cli 0.9.1's own modules
// (@xmtp/convos-cli/utils/invite and utils/metadata) and its
// `conversations inspect-invite --json` command. No network, no node.
//
// Run by run.sh (CTest: convos.offline) with XS_CONVOS_TOOL_BIN set.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync, inflateSync } from "node:zlib";
import { randomBytes } from "node:crypto";
import {
  createInviteSlug, parseInvite, verifyInvite, verifyInviteSignature, decryptConversationToken,
  recoverInvitePublicKey,
} from "@xmtp/convos-cli/utils/invite";
import { parseAppData, serializeAppData } from "@xmtp/convos-cli/utils/metadata";
import { privateKeyToAccount } from "viem/accounts";

const TOOL = process.env.XS_CONVOS_TOOL_BIN;
assert.ok(TOOL, "XS_CONVOS_TOOL_BIN must name xs-convos-tool");
const CLI = new URL("./node_modules/@xmtp/convos-cli/bin/run.js", import.meta.url).pathname;

// A fresh key and inbox id per run (not real wallets).
const KEY = randomBytes(32).toString("hex");
const INBOX = randomBytes(32).toString("hex");
const GROUP = randomBytes(16).toString("hex");  // an XMTP group id: 32 hex characters
const NOW = Math.floor(Date.now() / 1000);

function tool(...args) {
  const out = execFileSync(TOOL, args, { encoding: "utf-8" });
  return JSON.parse(out);
}

function toolFails(...args) {
  try {
    execFileSync(TOOL, args, { encoding: "utf-8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    return JSON.parse(error.stdout).error;
  }
  assert.fail(`xs-convos-tool ${args[0]} was expected to fail`);
}

function ourInvite(extra = []) {
  return tool("make-invite", "--key", KEY, "--inbox", INBOX, "--group", GROUP, "--tag", "XsTag12345",
    ...extra);
}

// ---- our invites, read by convos-cli ----

test("our slug decodes, verifies and decrypts with convos-cli's invite utils", async () => {
  const { slug, url } = ourInvite(["--name", "Signet group", "--description", "d".repeat(400),
    "--emoji", "🤖", "--expires-at", String(NOW + 3600), "--single-use"]);
  assert.ok(slug.includes("*"), "a long slug carries '*' separators");
  assert.ok(url.startsWith("https://dev.convos.org/v2?i="));
  for (const input of [slug, url]) {
    const invite = parseInvite(input);
    assert.equal(invite.tag, "XsTag12345");
    assert.equal(invite.creatorInboxId, INBOX);
    assert.equal(invite.name, "Signet group");
    assert.equal(invite.description, "d".repeat(400));
    assert.equal(invite.emoji, "🤖");
    assert.equal(invite.expiresAt.getTime(), (NOW + 3600) * 1000);
    assert.equal(invite.expiresAfterUse, true);
    assert.equal(await verifyInvite(invite), true);
    assert.equal(await verifyInviteSignature(invite, KEY), true);
    assert.equal(await verifyInviteSignature(invite, randomBytes(32).toString("hex")), false);
    assert.equal(
      decryptConversationToken(invite.conversationToken, INBOX, Buffer.from(KEY, "hex")), GROUP);
  }
});

test("convos-cli's inspect-invite --json accepts our link", () => {
  const { url } = ourInvite(["--name", "Inspect me", "--description", "x".repeat(400)]);
  const home = mkdtempSync(join(tmpdir(), "xs-convos-"));
  try {
    const out = execFileSync(process.execPath, [CLI, "conversations", "inspect-invite", "--json", url],
      { encoding: "utf-8", env: { ...process.env, HOME: home } });
    const report = JSON.parse(out);
    assert.equal(report.signatureValid, true);
    assert.equal(report.tag, "XsTag12345");
    assert.equal(report.creatorInboxId, INBOX);
    assert.equal(report.name, "Inspect me");
    assert.equal(report.inviteExpired, false);
    assert.equal(report.conversationExpired, false);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

// ---- convos-cli's invites, read by us ----

test("convos-cli slugs (plain and compressed) parse, verify and decrypt in our code", async () => {
  const plain = await createInviteSlug(GROUP, INBOX, "CliTag0001", `0x${KEY}`);
  const long = await createInviteSlug(GROUP, INBOX, "CliTag0002", `0x${KEY}`, {
    name: "n".repeat(400), description: "desc", emoji: "🎉", expiresAt: new Date((NOW + 60) * 1000),
    expiresAfterUse: true,
  });
  assert.equal(Buffer.from(long.slice(0, 4), "base64url")[0], 0x1f, "the long one is compressed");
  const address = privateKeyToAccount(`0x${KEY}`).publicKey;
  for (const [input, slug, tag] of [[plain, plain, "CliTag0001"], [long, long, "CliTag0002"],
    [`https://popup.convos.org/v2?i=${encodeURIComponent(long)}`, long, "CliTag0002"],
    [`convos://join/${plain}`, plain, "CliTag0001"]]) {
    const ours = tool("parse-invite", input, "--key", KEY, "--inbox", INBOX);
    assert.equal(ours.tag, tag);
    assert.equal(ours.creatorInboxId, INBOX);
    assert.equal(ours.usable, true);
    assert.equal(ours.conversationId, GROUP);
    assert.equal(ours.signerPublicKey, address);
    assert.equal(ours.signerPublicKey, await recoverInvitePublicKey(parseInvite(slug)));
  }
  const detailed = tool("parse-invite", long);
  assert.equal(detailed.name, "n".repeat(400));
  assert.equal(detailed.emoji, "🎉");
  assert.equal(detailed.expiresAtUnix, NOW + 60);
  assert.equal(detailed.expiresAfterUse, true);
});

test("refusals: another host key, another inbox, expiry, a tampered signature", async () => {
  const slug = await createInviteSlug(GROUP, INBOX, "CliTag0003", `0x${KEY}`,
    { expiresAt: new Date((NOW + 60) * 1000) });
  const other = randomBytes(32).toString("hex");
  assert.equal(tool("parse-invite", slug, "--key", other, "--inbox", INBOX).hostError,
    "convos.invite.wrong_signer");
  assert.equal(tool("parse-invite", slug, "--key", KEY, "--inbox", other).hostError,
    "convos.invite.wrong_creator");
  const later = String((NOW + 120) * 1000);
  const expired = tool("parse-invite", slug, "--key", KEY, "--inbox", INBOX, "--now-ms", later);
  assert.equal(expired.usable, "convos.invite.expired");
  assert.equal(expired.hostError, "convos.invite.expired");

  // Flip one bit of s: convos-cli and we both refuse to tie it to the key.
  const invite = parseInvite(slug);
  const bytes = Buffer.from(slug.replaceAll("*", ""), "base64url");
  const at = bytes.indexOf(Buffer.from(invite.signature));
  bytes[at + 40] ^= 0x01;
  const tampered = bytes.toString("base64url");
  assert.equal(await verifyInviteSignature(parseInvite(tampered), KEY), false);
  const ours = tool("parse-invite", tampered, "--key", KEY, "--inbox", INBOX);
  assert.ok(["convos.invite.wrong_signer", "convos.invite.bad_signature"].includes(ours.hostError),
    ours.hostError);
  assert.equal(toolFails("parse-invite", "not*an*invite!").kind, "convos.malformed");
});

// ---- appData ----

test("appData: convos-cli's zlib flavour, the raw (iOS) flavour and legacy JSON read in our code", () => {
  const metadata = { tag: "AppTag0001", profiles: [{ inboxId: INBOX, name: "p".repeat(200) }],
                     emoji: "🤖", expiresAtUnix: NOW + 999, imageEncryptionKey: randomBytes(32) };
  const zlib = serializeAppData(metadata);
  const framed = Buffer.from(zlib, "base64url");
  assert.equal(framed[0], 0x1f, "convos-cli compressed it");
  const proto = inflateSync(framed.subarray(5));
  const size = Buffer.alloc(4);
  size.writeUInt32BE(proto.length);
  const raw = Buffer.concat([Buffer.from([0x1f]), size, deflateRawSync(proto)]).toString("base64url");
  for (const [value, flavour] of [[zlib, "zlib"], [raw, "raw-deflate"]]) {
    const ours = tool("appdata-parse", value);
    assert.equal(ours.form, "protobuf");
    assert.equal(ours.flavour, flavour);
    assert.equal(ours.tag, "AppTag0001");
    assert.equal(ours.emoji, "🤖");
    assert.equal(ours.expiresAtUnix, NOW + 999);
    assert.equal(ours.profileCount, 1);
    assert.equal(ours.hasImageEncryptionKey, true);
  }
  const small = serializeAppData({ tag: "AppTag0002", profiles: [] });
  assert.equal(tool("appdata-parse", small).flavour, "plain");
  assert.equal(tool("appdata-parse", small).tag, "AppTag0002");
  assert.equal(tool("appdata-parse", '{"tag":"Legacy0001"}').form, "legacy-json");
});

test("appData we write (read-modify-write, tag rotation) reads back in convos-cli", () => {
  const start = serializeAppData({ tag: "AppTag0003", profiles: [], emoji: "🎉",
                                   expiresAtUnix: NOW + 5, imageEncryptionKey: Buffer.alloc(32, 9) });
  const rotated = tool("appdata-update", start, "--tag", "Rotated001").appData;
  const theirs = parseAppData(rotated);
  assert.equal(theirs.tag, "Rotated001");
  assert.equal(theirs.emoji, "🎉");
  assert.equal(theirs.expiresAtUnix, NOW + 5);
  assert.deepEqual(Buffer.from(theirs.imageEncryptionKey), Buffer.alloc(32, 9));

  const fresh = tool("appdata-update", "", "--tag", "FreshTag01", "--emoji", "🤖").appData;
  assert.equal(parseAppData(fresh).tag, "FreshTag01");
  assert.equal(parseAppData(fresh).emoji, "🤖");
  // A value too large for the 100-byte threshold is written as raw DEFLATE,
  // which iOS and convos-cli >= 0.10 read; 0.9.1 only reads zlib (known).
  const big = tool("appdata-update", fresh, "--emoji", "e".repeat(300)).appData;
  assert.equal(Buffer.from(big, "base64url")[0], 0x1f);
  assert.equal(tool("appdata-parse", big).flavour, "raw-deflate");
  assert.equal(toolFails("appdata-update", "%%%", "--tag", "x").kind, "convos.malformed");
});
