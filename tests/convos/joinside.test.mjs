// The join side (shared/spec/convos-interop.md §2): `xs chat join <url>`
// against our node.
//   - we join a convos-cli 0.9.1 group from its link while convos-cli runs
//     `conversations process-join-requests --watch`, announce ourselves with a
//     profile_update (memberKind agent), and messages flow both ways;
//   - an expired convos-cli invite is refused before anything is made, and a
//     join convos-cli never answers times out and removes the join's inbox;
//   - our own host and our own joiner (two signets): the join works end to
//     end, and a revoked link is refused by our host with invite_join_error,
//     which fails the join with its type and leaves no inbox or chat behind.
// Prints the time from the link to our first message in the group.
//
// Run by run.sh (CTest: convos.joinside) with XS_BIN and XS_NODE_BIN set.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { makeTempDir, startNode } from "../interop/lib/node_process.mjs";

const XS = process.env.XS_BIN;
assert.ok(XS, "XS_BIN must name the xs binary");
const here = path.dirname(new URL(import.meta.url).pathname);
const CLI = path.join(here, "node_modules/@xmtp/convos-cli/bin/run.js");
const PRELOAD = path.join(here, "tools/local_node.mjs");
const run = promisify(execFile);

let node, root, convosEnv, watcher;
const signets = [];

// One signet: its own XDG directories and daemon. trusted-local shares one
// inbox; a joiner runs per-group (a new inbox per join) unless `shared`.
function makeSignet(name, { shared = false } = {}) {
  const dirs = {};
  for (const d of ["home", "config", "data", "state", "run"]) {
    dirs[d] = path.join(root, name, d);
    mkdirSync(dirs[d], { recursive: true, mode: 0o700 });
  }
  const env = {
    PATH: "/usr/local/bin:/usr/bin:/bin", HOME: dirs.home, XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data, XDG_STATE_HOME: dirs.state, XDG_RUNTIME_DIR: dirs.run, TMPDIR: dirs.run,
    XMTP_SIGNET_WS_PORT: "0", XMTP_SIGNET_LOCAL_NODE: `127.0.0.1:${node.port}`,
  };
  const xs = (args) => {
    const r = spawnSync(XS, [...args, "--json"], { env, encoding: "utf8", timeout: 120_000 });
    let json;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = undefined;
    }
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
  };
  const ok = (args) => {
    const r = xs(args);
    assert.equal(r.code, 0, `[${name}] xs ${args.join(" ")}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.json;
  };
  ok(["init", "trusted-local", "--env", "local"]);
  if (!shared) {
    const file = path.join(dirs.config, "xmtp-signet/config.toml");
    const toml = readFileSync(file, "utf8");
    assert.match(toml, /identityMode = "shared"/, toml);
    writeFileSync(file, toml.replace(/identityMode = "shared"/, 'identityMode = "per-group"'));
  }
  ok(["daemon", "start", "--daemon"]);
  const signet = { name, env, xs, ok };
  signets.push(signet);
  return signet;
}

// Ends convos-cli's host loop and whatever it started (its process group).
function stopWatcher() {
  if (!watcher) return;
  try {
    process.kill(-watcher.pid, "SIGKILL");
  } catch {
    // already gone
  }
  watcher = undefined;
}

// One convos-cli command against our node, --json output parsed.
async function convos(...args) {
  return convosAs(convosEnv, ...args);
}
async function convosAs(cenv, ...args) {
  const { stdout } = await run(process.execPath, ["--import", PRELOAD, CLI, ...args, "--env", "local", "--json"],
    { env: cenv, encoding: "utf8", timeout: 120_000, maxBuffer: 16 << 20 });
  const start = stdout.search(/^[[{]/m);
  return JSON.parse(stdout.slice(start));
}

async function waitFor(what, probe, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

// The inboxes and chats a signet holds, to check a failed join left none.
function holdings(s) {
  return { inboxes: s.ok(["inbox", "list"]).length, chats: s.ok(["chat", "list"]).length };
}

// The error a failed `xs chat join` printed (--json: {error: {kind, message}}).
function joinError(r) {
  assert.notEqual(r.code, 0, `the join should fail:\n${r.stdout}\n${r.stderr}`);
  const text = `${r.stdout}\n${r.stderr}`;
  return text;
}

before(async () => {
  node = await startNode();
  root = makeTempDir("xs-convos-joinside");
  const convosHome = path.join(root, "convos");
  mkdirSync(convosHome, { recursive: true, mode: 0o700 });
  convosEnv = { ...process.env, HOME: convosHome, CONVOS_HOME: path.join(convosHome, ".convos"),
                XS_CONVOS_NODE_URL: node.url };
});

after(async () => {
  stopWatcher();
  for (const s of signets) s.xs(["daemon", "stop"]);
  if (root) rmSync(root, { recursive: true, force: true });
  await node?.dispose();
});

test("we join a convos-cli group from its link while it processes join requests; messages flow", async () => {
  const a = makeSignet("joiner");
  const created = await convos("conversations", "create", "--name", "Humans", "--profile-name", "Carol");
  const group = created.conversationId;
  const invite = await convos("conversation", "invite", group, "--no-qr");
  // convos-cli's host loop: streams its DMs and adds the requesters.
  watcher = spawn(process.execPath, ["--import", PRELOAD, CLI, "conversations", "process-join-requests",
    "--watch", "--env", "local", "--json"], { env: convosEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let watched = "";
  watcher.stdout.on("data", (d) => { watched += d; });
  watcher.stderr.on("data", (d) => { watched += d; });
  await new Promise((r) => setTimeout(r, 3000));  // its stream is open

  const before = holdings(a);
  const started = Date.now();
  const joined = a.ok(["chat", "join", invite.url, "--profile-name", "Signet Bot", "--timeout", "60"]);
  const joinMs = Date.now() - started;
  a.ok(["msg", "send", "hello from the signet", "--to", joined.chatId]);
  const firstMessageMs = Date.now() - started;
  console.log(`convos-cli host: link -> joined ${joinMs} ms, link -> first message sent ${firstMessageMs} ms`);
  assert.equal(joined.state, "joined", JSON.stringify(joined));
  assert.equal(joined.tag, invite.tag);
  assert.equal(joined.chat.networkGroupId, group, JSON.stringify(joined));
  assert.equal(joined.chat.origin, "joined");
  const after = holdings(a);
  assert.equal(after.inboxes, before.inboxes + 1, "a new inbox for the join (per-group)");

  // convos-cli sees our text and our profile (memberKind agent).
  await waitFor("our text at convos-cli", async () => {
    const list = await convos("conversation", "messages", group, "--sync");
    return list.some((m) => JSON.stringify(m.content).includes("hello from the signet"));
  });
  const profiles = await waitFor("our profile at convos-cli", async () => {
    const p = await convos("conversation", "profiles", group);
    return p.profiles?.some((x) => x.name === "Signet Bot") ? p : undefined;
  });
  const ours = profiles.profiles.find((x) => x.name === "Signet Bot");
  assert.equal(ours.memberKind, 1, JSON.stringify(profiles));  // MemberKind.AGENT
  assert.equal(ours.inboxId, joined.chat.networkInboxId, JSON.stringify(profiles));

  await convos("conversation", "send-text", group, "hello from convos");
  await waitFor("convos-cli's text at the signet", async () => {
    a.ok(["chat", "sync", joined.chatId]);
    const list = a.ok(["msg", "list", "--from", joined.chatId, "--dangerously-allow-message-read"]);
    return list.some((m) => m.text === "hello from convos");
  });
  stopWatcher();
});

test("an expired convos-cli invite is refused before anything is made; an unanswered join times out and cleans up", async () => {
  const a = makeSignet("refused");
  // A convos-cli identity of its own, which no process-join-requests serves.
  const home = path.join(root, "convos-unanswered");
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const quiet = { ...convosEnv, HOME: home, CONVOS_HOME: path.join(home, ".convos") };
  const created = await convosAs(quiet, "conversations", "create", "--name", "Short lived");
  const invite = await convosAs(quiet, "conversation", "invite", created.conversationId, "--no-qr",
    "--expires-in", "1");
  await new Promise((r) => setTimeout(r, 2000));
  const before = holdings(a);
  const expired = a.xs(["chat", "join", invite.url, "--timeout", "5"]);
  assert.match(joinError(expired), /convos\.invite\.expired|expired/, expired.stdout + expired.stderr);
  assert.deepEqual(holdings(a), before);

  // No process-join-requests runs: nobody answers, the join times out.
  const fresh = await convosAs(quiet, "conversation", "invite", created.conversationId, "--no-qr");
  const timedOut = a.xs(["chat", "join", fresh.url, "--timeout", "3"]);
  assert.match(joinError(timedOut), /convos\.join\.timeout|not added/, timedOut.stdout + timedOut.stderr);
  assert.deepEqual(holdings(a), before, "the join's inbox and DM are gone again");
  const logs = a.ok(["logs", "--limit", "1000"]).entries;
  const failed = logs.find((e) => e.action === "convos.join-side" && e.decision === "failed");
  assert.ok(failed, JSON.stringify(logs.filter((e) => e.action === "convos.join-side")));
  assert.equal(failed.reason, "convos.join.timeout");
  assert.equal(failed.inboxRemoved, true);
});

test("our host and our joiner (two signets): a join end to end; a revoked link fails with invite_join_error", async () => {
  const host = makeSignet("host", { shared: true });
  const joiner = makeSignet("guest");
  const chat = host.ok(["chat", "create", "--name", "Agents", "--invite", "--profile-name", "Host Bot",
    "--format", "link"]);
  const started = Date.now();
  const joined = joiner.ok(["chat", "join", chat.invite.url, "--profile-name", "Guest Bot"]);
  joiner.ok(["msg", "send", "hello host", "--to", joined.chatId]);
  console.log(`signet host: link -> first message sent ${Date.now() - started} ms`);
  assert.equal(joined.chat.networkGroupId, chat.networkGroupId, JSON.stringify(joined));
  const members = host.ok(["chat", "member", "list", chat.id]);
  assert.ok(members.some((m) => m.inboxId === joined.chat.networkInboxId), JSON.stringify(members));
  await waitFor("the guest's text at the host", () => {
    host.ok(["chat", "sync", chat.id]);
    const list = host.ok(["msg", "list", "--from", chat.id, "--dangerously-allow-message-read"]);
    return list.some((m) => m.text === "hello host");
  });
  host.ok(["msg", "send", "hello guest", "--to", chat.id]);
  await waitFor("the host's text at the guest", () => {
    joiner.ok(["chat", "sync", joined.chatId]);
    const list = joiner.ok(["msg", "list", "--from", joined.chatId, "--dangerously-allow-message-read"]);
    return list.some((m) => m.text === "hello guest");
  });

  // A rotated tag revokes the first link: our host answers invite_join_error.
  host.ok(["chat", "invite", chat.id, "--rotate"]);
  const before = holdings(joiner);
  const refused = joiner.xs(["chat", "join", chat.invite.url, "--timeout", "30"]);
  const text = joinError(refused);
  const hostLog = [host.ok(["logs", "--limit", "1000"]).entries.filter((e) => e.action === "convos.join"),
    joiner.ok(["logs", "--limit", "1000"]).entries.filter((e) => e.action === "convos.join-side"),
    host.ok(["chat", "sync"]), host.ok(["chat", "list"])];
  assert.match(text, /convos\.join\.generic_failure/, text + JSON.stringify(hostLog));
  assert.match(text, /convos\.invite\.revoked/, text);
  assert.match(text, /refused/, text);
  assert.deepEqual(holdings(joiner), before, "no inbox or chat left behind");
  assert.equal(host.ok(["chat", "member", "list", chat.id]).length, 2);
});
