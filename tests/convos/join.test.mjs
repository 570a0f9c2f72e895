// convos-cli 0.9.1 joins our group from our invite link, against our node,
// while our daemon hosts: the join request reaches our host over the DM, the
// host checks it (spec §3) and adds the joiner, sends the profile snapshot
// and the invite_join_handled marker; then messages flow both ways. A link
// whose tag was rotated away is refused with invite_join_error, and nothing
// is added.
//
// Run by run.sh (CTest: convos.join) with XS_BIN and XS_NODE_BIN set.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { makeTempDir, startNode } from "../interop/lib/node_process.mjs";

const XS = process.env.XS_BIN;
assert.ok(XS, "XS_BIN must name the xs binary");
const here = path.dirname(new URL(import.meta.url).pathname);
const CLI = path.join(here, "node_modules/@xmtp/convos-cli/bin/run.js");
const PRELOAD = path.join(here, "tools/local_node.mjs");
const run = promisify(execFile);

let node, root, env, convosEnv;

function xs(args) {
  const r = spawnSync(XS, [...args, "--json"], { env, encoding: "utf8", timeout: 60_000 });
  let json;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
}
function ok(args) {
  const r = xs(args);
  assert.equal(r.code, 0, `xs ${args.join(" ")}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.json;
}

// One convos-cli command against our node, --json output parsed.
async function convos(...args) {
  const { stdout } = await run(process.execPath, ["--import", PRELOAD, CLI, ...args, "--env", "local", "--json"],
    { env: convosEnv, encoding: "utf8", timeout: 120_000, maxBuffer: 16 << 20 });
  const start = stdout.search(/^[[{]/m);
  return JSON.parse(stdout.slice(start));
}

async function waitFor(what, probe, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

before(async () => {
  node = await startNode();
  root = makeTempDir("xs-convos-join");
  const dirs = {};
  for (const d of ["home", "config", "data", "state", "run", "convos"]) {
    dirs[d] = path.join(root, d);
    mkdirSync(dirs[d], { recursive: true, mode: 0o700 });
  }
  env = {
    PATH: "/usr/local/bin:/usr/bin:/bin", HOME: dirs.home, XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data, XDG_STATE_HOME: dirs.state, XDG_RUNTIME_DIR: dirs.run, TMPDIR: dirs.run,
    XMTP_SIGNET_WS_PORT: "0", XMTP_SIGNET_LOCAL_NODE: `127.0.0.1:${node.port}`,
  };
  convosEnv = { ...process.env, HOME: dirs.convos, CONVOS_HOME: path.join(dirs.convos, ".convos"),
                XS_CONVOS_NODE_URL: node.url };
  ok(["init", "trusted-local", "--env", "local"]);
  ok(["daemon", "start", "--daemon"]);
});

after(async () => {
  if (env) xs(["daemon", "stop"]);
  if (root) rmSync(root, { recursive: true, force: true });
  await node?.dispose();
});

test("convos-cli joins from our link, gets the profile snapshot, and messages flow both ways", async () => {
  const chat = ok(["chat", "create", "--name", "Party", "--invite", "--profile-name", "Signet Bot",
    "--format", "link"]);
  const started = Date.now();
  const joined = await convos("conversations", "join", chat.invite.url, "--profile-name", "Alice",
    "--timeout", "60");
  const joinMs = Date.now() - started;
  assert.equal(joined.status, "joined", JSON.stringify(joined));
  assert.equal(joined.conversationId, chat.networkGroupId);
  assert.equal(joined.tag, chat.invite.tag);
  console.log(`join (convos-cli process start to joined): ${joinMs} ms`);

  const members = ok(["chat", "member", "list", chat.id]);
  assert.ok(members.some((m) => m.inboxId === joined.inboxId), JSON.stringify(members));

  // The snapshot we sent after adding Alice names the agent (from its
  // profile_update) and Alice (from her join request).
  const profiles = await waitFor("the profiles", async () => {
    await convos("conversation", "messages", chat.networkGroupId, "--sync");
    const p = await convos("conversation", "profiles", chat.networkGroupId);
    return p.profiles?.some((x) => x.name === "Signet Bot") ? p : undefined;
  });
  assert.ok(profiles.profiles.some((x) => x.name === "Signet Bot"), JSON.stringify(profiles));
  const messages = await convos("conversation", "messages", chat.networkGroupId, "--sync");
  assert.ok(messages.some((m) => m.contentType?.typeId === "profile_snapshot"), JSON.stringify(messages));

  ok(["msg", "send", "hello from the signet", "--to", chat.id]);
  await waitFor("our text at convos-cli", async () => {
    const list = await convos("conversation", "messages", chat.networkGroupId, "--sync");
    return list.some((m) => JSON.stringify(m.content).includes("hello from the signet"));
  });
  await convos("conversation", "send-text", chat.networkGroupId, "hello from convos");
  await waitFor("convos-cli's text at the signet", async () => {
    ok(["chat", "sync", chat.id]);
    const list = ok(["msg", "list", "--from", chat.id, "--dangerously-allow-message-read"]);
    return list.some((m) => m.text === "hello from convos");
  });
});

test("a link whose tag was rotated away is refused with invite_join_error; nothing is added", async () => {
  const chat = ok(["chat", "create", "--name", "Revoked", "--invite", "--format", "link"]);
  ok(["chat", "invite", chat.id, "--rotate"]);
  const answer = await convos("conversations", "join", chat.invite.url, "--timeout", "8");
  assert.equal(answer.status, "timeout", JSON.stringify(answer));
  const members = ok(["chat", "member", "list", chat.id]);
  assert.equal(members.length, 1, JSON.stringify(members));
  // Our answer is in the DM convos-cli opened with our inbox, and audited.
  const dm = await waitFor("the DM as a chat", () => {
    ok(["chat", "sync"]);
    return ok(["chat", "list"]).find((c) => c.type === "dm" && c.dmPeerInboxId === answer.inboxId);
  });
  const sent = ok(["msg", "list", "--from", dm.id, "--dangerously-allow-message-read"]);
  assert.ok(sent.some((m) => m.contentType === "convos.org/invite_join_error:1.0" &&
    m.senderInboxId === chat.networkInboxId), JSON.stringify(sent));
  const logs = ok(["logs", "--limit", "1000"]).entries;
  const decision = logs.find((e) => e.action === "convos.join" && e.tag === chat.invite.tag);
  assert.ok(decision, JSON.stringify(logs.filter((e) => e.action === "convos.join")));
  assert.equal(decision.decision, "rejected");
  assert.equal(decision.reason, "convos.invite.revoked");
  assert.equal(decision.joinerInboxId, answer.inboxId);
});

test("an invite for our group signed by another key is treated as spam: DM denied, nothing added", async () => {
  const tool = process.env.XS_CONVOS_TOOL_BIN;
  assert.ok(tool, "XS_CONVOS_TOOL_BIN must name xs-convos-tool");
  const chat = ok(["chat", "create", "--name", "Forged", "--invite", "--format", "link"]);
  const forged = JSON.parse(spawnSync(tool, ["make-invite", "--key", "11".repeat(32),
    "--inbox", chat.networkInboxId, "--group", chat.networkGroupId, "--tag", chat.invite.tag],
  { encoding: "utf8" }).stdout);
  const answer = await convos("conversations", "join", forged.url, "--timeout", "8");
  assert.equal(answer.status, "timeout", JSON.stringify(answer));
  assert.equal(ok(["chat", "member", "list", chat.id]).length, 1);
  const decision = await waitFor("the audited decision", () =>
    ok(["logs", "--limit", "1000"]).entries.find((e) => e.action === "convos.join" &&
      e.joinerInboxId === answer.inboxId && e.decision === "denied"));
  assert.equal(decision.reason, "convos.invite.wrong_signer");
  const dm = ok(["chat", "list"]).find((c) => c.type === "dm" && c.dmPeerInboxId === answer.inboxId);
  assert.ok(dm, "the DM is a chat");
  const consent = ok(["consent", "check", dm.id, "--type", "group_id"]);
  assert.match(JSON.stringify(consent), /denied/, JSON.stringify(consent));
});
