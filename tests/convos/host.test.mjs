// The host side's invites, against our node: `xs chat create --invite` and
// `xs chat invite` make links that convos-cli 0.9.1's invite utils and
// `inspect-invite` accept; an @xmtp/node-sdk member (the one convos-cli
// runs on) reads the invite tag from the group's appData with convos-cli's
// metadata utils, sees the agent's profile_update, and sees a rotated tag.
//
// Run by run.sh (CTest: convos.host) with XS_BIN and XS_NODE_BIN set.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { ApiUrls, Client, IdentifierKind } from "@xmtp/node-sdk";
import { toBytes } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { parseInvite, verifyInvite } from "@xmtp/convos-cli/utils/invite";
import { parseAppData } from "@xmtp/convos-cli/utils/metadata";
import { getProfileUpdateContent, MemberKind, ProfileUpdateCodec } from "@xmtp/convos-cli/utils/profileMessages";
import { makeTempDir, startNode } from "../interop/lib/node_process.mjs";

const XS = process.env.XS_BIN;
assert.ok(XS, "XS_BIN must name the xs binary");
const CLI = new URL("./node_modules/@xmtp/convos-cli/bin/run.js", import.meta.url).pathname;

let node, root, env, sdk;

function xs(args, { json = true } = {}) {
  const r = spawnSync(XS, json ? [...args, "--json"] : args, { env, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: json ? tryJson(r.stdout) : undefined };
}
function tryJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
function ok(args, options) {
  const r = xs(args, options);
  assert.equal(r.code, 0, `xs ${args.join(" ")}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return options?.json === false ? r.stdout : r.json;
}

async function waitFor(what, probe, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  node = await startNode();
  root = makeTempDir("xs-convos");
  const dirs = {};
  for (const d of ["home", "config", "data", "state", "run"]) {
    dirs[d] = path.join(root, d);
    mkdirSync(dirs[d], { recursive: true, mode: 0o700 });
  }
  env = {
    PATH: "/usr/local/bin:/usr/bin:/bin", HOME: dirs.home, XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data, XDG_STATE_HOME: dirs.state, XDG_RUNTIME_DIR: dirs.run, TMPDIR: dirs.run,
    XMTP_SIGNET_WS_PORT: "0", XMTP_SIGNET_LOCAL_NODE: `127.0.0.1:${node.port}`,
  };
  ok(["init", "trusted-local", "--env", "local"]);
  ok(["daemon", "start", "--daemon"]);
  ApiUrls.local = node.url;
  const account = privateKeyToAccount(generatePrivateKey());
  const identifier = { identifier: account.address.toLowerCase(), identifierKind: IdentifierKind.Ethereum };
  sdk = await Client.create({
    type: "EOA",
    getIdentifier: () => identifier,
    signMessage: async (message) => toBytes(await account.signMessage({ message })),
  }, { env: "local", apiUrl: node.url, historySyncUrl: null, dbPath: null, loggingLevel: "Off",
      codecs: [new ProfileUpdateCodec()] });
});

after(async () => {
  if (env) xs(["daemon", "stop"]);
  if (root) rmSync(root, { recursive: true, force: true });
  await node?.dispose();
});

async function sdkGroup(groupId) {
  return waitFor("the SDK member to join", async () => {
    await sdk.conversations.sync();
    const group = await sdk.conversations.getConversationById(groupId);
    if (group) await group.sync();
    return group;
  });
}

test("chat create --invite: convos-cli accepts the link; the member reads the tag and our profile", async () => {
  const chat = ok(["chat", "create", "--name", "Lobby", "--members", sdk.inboxId, "--invite",
    "--profile-name", "Signet Bot", "--format", "link"]);
  const { invite } = chat;
  assert.ok(invite.url.startsWith("https://dev.convos.org/v2?i="), invite.url);
  assert.match(invite.tag, /^[A-Za-z0-9]{10}$/);
  const parsed = parseInvite(invite.url);
  assert.equal(await verifyInvite(parsed), true);
  assert.equal(parsed.tag, invite.tag);
  assert.equal(parsed.creatorInboxId, chat.networkInboxId);
  assert.equal(parsed.name, "Lobby");

  const report = JSON.parse(execFileSync(process.execPath,
    [CLI, "conversations", "inspect-invite", "--json", invite.url], { encoding: "utf-8", env: { ...process.env, HOME: env.HOME } }));
  assert.equal(report.signatureValid, true);
  assert.equal(report.tag, invite.tag);

  const group = await sdkGroup(chat.networkGroupId);
  await waitFor("the appData tag", async () => {
    await group.sync();
    return parseAppData(group.appData ?? "").tag === invite.tag;
  });
  const profiles = (await group.messages()).filter((m) =>
    m.contentType?.authorityId === "convos.org" && m.contentType?.typeId === "profile_update");
  assert.ok(profiles.length >= 1, "the agent announced its profile");
  const profile = getProfileUpdateContent(profiles.at(-1));
  assert.equal(profile.memberKind, MemberKind.Agent);
  assert.equal(profile.name, "Signet Bot");
});

test("chat invite reuses the tag, --rotate replaces it (revoking the old links), --format qr|both", async () => {
  const chat = ok(["chat", "create", "--name", "Rotating", "--members", sdk.inboxId]);
  const first = ok(["chat", "invite", chat.id, "--format", "link"]);
  const again = ok(["chat", "invite", chat.id, "--format", "link", "--name", "Shown name"]);
  assert.equal(again.tag, first.tag);
  assert.equal(again.rotated, false);
  assert.equal(parseInvite(again.url).name, "Shown name");
  const rotated = ok(["chat", "invite", chat.id, "--rotate"]);
  assert.notEqual(rotated.tag, first.tag);
  assert.equal(rotated.rotated, true);
  const group = await sdkGroup(chat.networkGroupId);
  await waitFor("the rotated tag in appData", async () => {
    await group.sync();
    return parseAppData(group.appData ?? "").tag === rotated.tag;
  });

  const qr = ok(["chat", "invite", chat.id, "--format", "qr"], { json: false });
  assert.ok(qr.includes("\u2588") && !qr.includes("https://"), "a QR code and no link");
  const rows = qr.trimEnd().split("\n");
  assert.ok(rows.length >= 15, `a QR code of ${rows.length} rows`);
  const both = ok(["chat", "invite", chat.id], { json: false });
  assert.ok(both.includes("\u2588") && both.includes("https://dev.convos.org/v2?i="));
  const bad = xs(["chat", "invite", chat.id, "--format", "png"]);
  assert.equal(bad.code, 1);
});

test("chat update-profile sends a new profile_update that convos-cli's resolver reads", async () => {
  const chat = ok(["chat", "create", "--name", "Profiles", "--members", sdk.inboxId]);
  const sent = ok(["chat", "update-profile", chat.id, "--profile-name", "Renamed Bot"]);
  assert.match(sent.messageId, /^msg_[0-9a-f]{16}$/);
  const group = await sdkGroup(chat.networkGroupId);
  const profile = await waitFor("the profile_update", async () => {
    await group.sync();
    const updates = (await group.messages()).filter((m) => m.contentType?.typeId === "profile_update");
    return updates.length > 0 ? getProfileUpdateContent(updates.at(-1)) : undefined;
  });
  assert.equal(profile.name, "Renamed Bot");
  assert.equal(profile.memberKind, MemberKind.Agent);
});
