// The official XMTP SDK side of bench/client_vs_sdk.sh: @xmtp/node-sdk 5.5.0
// (on @xmtp/node-bindings 1.9.1, pinned in tests/interop) against one of our
// xmtp-node processes. Runs one scenario and prints ONE JSON line on stdout;
// progress goes to stderr.
//
//   node bench/sdk/sdk_bench.mjs --url http://127.0.0.1:PORT --scenario S [options]
//
// Scenarios (only the phase named "timed" is measured; setup is reported apart):
//   send2   2-member group; the sender calls group.sendText(text) N times in a
//           row after a warm-up. sendText without isOptimistic publishes the
//           message and then syncs the group until the node hands the message
//           back (libxmtp resolves the send intent on read-back), so each call
//           is encode + encrypt + sign + publish + confirmed.
//           Timed: the N sends. --messages N (default 500) or --seconds S
//           (send for S seconds, count what got sent); --warmup W (default 10).
//   send50  the same in a 50-member group (49 other SDK clients, setup).
//   sync    the creator sends --messages N (default 10000) texts to a 2-member
//           group (setup: optimistic sends published in batches); the member,
//           which processed its welcome before the backlog and has not synced
//           since, then runs conversations.sync() + group.sync().
//           Timed: those two calls. Checks the member stores all N texts.
//   add99   --members M (default 99) clients are created (setup); the creator
//           of an empty group calls group.addMembers(M inbox ids) once: key
//           packages fetched, one commit, welcomes. Timed: that call.
//   memory  one client (on-disk SQLite in a temp dir, not the in-memory DB,
//           so that the stored messages are not counted as heap) is a member
//           of --groups G (default 100) groups holding --per-group P (default
//           1000) texts each, sent by a seeding child process so the sender's
//           state is not in this process's RSS. Reported: RSS after
//           conversations.sync() + syncAll(), with the peak, the RSS before
//           that sync (client created, nothing synced) and the RSS of bare
//           Node before the SDK loads. Timed: the sync (syncSeconds).
//
// Other options: --db memory|disk (database of the measured client; default
// memory, disk for "memory"), --verify 0 (skip the non-timed checks).
// Needs the npm packages of tests/interop (run tests/interop/run.sh or
// scripts/setup once); XS_INTEROP_DIR names another tests/interop folder
// holding node_modules (e.g. from a git worktree without its own).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// Before the SDK and its native bindings load: Node's own share of the RSS.
const rssAtStart = process.memoryUsage().rss;
const here = path.dirname(fileURLToPath(import.meta.url));
const interopDir = path.resolve(process.env.XS_INTEROP_DIR ?? path.join(here, "..", "..", "tests", "interop"));
const requireFromInterop = createRequire(path.join(interopDir, "package.json"));
let sdkPath;
try {
  sdkPath = requireFromInterop.resolve("@xmtp/node-sdk");
} catch {
  fail(`@xmtp/node-sdk not installed under ${interopDir}/node_modules (run tests/interop/run.sh or set XS_INTEROP_DIR)`);
}
const sdk = await import(pathToFileURL(sdkPath).href);
// The installed versions (package.json pins 5.5.0 on bindings 1.9.1).
function installedVersion(name) {
  const dir = path.join(interopDir, "node_modules", ...name.split("/"));
  return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).version;
}
const sdkVersions = `@xmtp/node-sdk ${installedVersion("@xmtp/node-sdk")} / @xmtp/node-bindings ${installedVersion("@xmtp/node-bindings")}`;
// ContentType and DeliveryStatus are const enums: empty objects at run time.
const kText = 13; // ContentType.Text
const kPublished = 1; // DeliveryStatus.Published
const { createClient, useNode } = await import(pathToFileURL(path.join(interopDir, "lib", "clients.mjs")).href);

function fail(message) {
  process.stderr.write(`sdk_bench: ${message}\n`);
  process.exit(2);
}

function log(message) {
  process.stderr.write(`[sdk_bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if (!arg.startsWith("--")) fail(`unexpected argument ${arg}`);
    const eq = arg.indexOf("=");
    if (eq > 0) options[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (i + 1 < argv.length) options[arg.slice(2)] = argv[++i];
    else fail(`${arg} needs a value`);
  }
  return options;
}

function intOption(options, name, fallback) {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) fail(`--${name} must be a non-negative integer, got ${raw}`);
  return value;
}

const seconds = (startNs) => Number(process.hrtime.bigint() - startNs) / 1e9;
const now = () => process.hrtime.bigint();
const round = (value, digits = 3) => Number(value.toFixed(digits));

const tempDirs = [];
process.on("exit", () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function dbOptions(kind) {
  if (kind === "memory") return {};
  if (kind !== "disk") fail(`--db must be memory or disk, got ${kind}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "xs-sdkbench-db-"));
  tempDirs.push(dir);
  // No dbEncryptionKey: plain SQLite on disk, not SQLCipher.
  return { dbPath: path.join(dir, "client.db3") };
}

async function createMany(node, count, what) {
  const clients = [];
  const start = now();
  for (let i = 0; i < count; ++i) {
    clients.push(await createClient(node));
    if ((i + 1) % 25 === 0) log(`${what}: ${i + 1}/${count} clients (${round(seconds(start), 1)} s)`);
  }
  return clients;
}

const countTexts = (group) => group.countMessages({ contentTypes: [kText] });

// A client of node-bindings 1.9.1 opens no stream on its HTTP/2 connection to
// our node after the 5000th one (stream id 9999) for 40-50 s: the node has
// answered every stream, sent no GOAWAY and sits idle (GRPC_TRACE=http);
// which side waits for what is not established. Setup that publishes more
// than this per client spreads the work over fresh clients; one publish is
// one stream.
const kStreamsPerClient = 4500;

// Optimistic sends are stored locally; publishMessages() publishes the pending
// ones; a final sync moves them from Unpublished to Published.
async function seedTexts(group, count, prefix, batch = 500) {
  for (let sent = 0; sent < count; ) {
    const upTo = Math.min(count, sent + batch);
    for (; sent < upTo; ++sent) await group.sendText(`${prefix} ${sent}`, true);
    await group.publishMessages();
  }
  await group.sync();
  const published = await group.countMessages({
    contentTypes: [kText],
    deliveryStatus: kPublished,
  });
  if (published < count) throw new Error(`seeding: ${published} of ${count} texts published`);
}

async function sendScenario(node, options, memberCount) {
  const messages = intOption(options, "messages", 500);
  const budget = options.seconds === undefined ? undefined : Number(options.seconds);
  const warmup = intOption(options, "warmup", 10);
  const setupStart = now();
  const sender = await createClient(node, undefined, dbOptions(options.db ?? "memory"));
  const others = await createMany(node, memberCount - 1, "members");
  const group = await sender.conversations.createGroup(others.map((client) => client.inboxId));
  for (let i = 0; i < warmup; ++i) await group.sendText(`warm-up ${i}`);
  const setupSeconds = seconds(setupStart);
  log(`setup ${round(setupSeconds, 1)} s: ${memberCount}-member group, ${warmup} warm-up sends`);

  let sent = 0;
  let slowest = 0n;
  const sendOne = async () => {
    const before = now();
    await group.sendText(`bench ${sent++}`);
    const took = now() - before;
    if (took > slowest) slowest = took;
  };
  const start = now();
  if (budget === undefined) {
    while (sent < messages) await sendOne();
  } else {
    const deadline = start + BigInt(Math.round(budget * 1e9));
    while (now() < deadline) await sendOne();
  }
  const elapsed = seconds(start);

  let verified = null;
  if (options.verify !== "0") {
    // Read-back on the receiving side: the last member pulls the group.
    const reader = others[others.length - 1];
    await reader.conversations.sync();
    const readerGroup = await reader.conversations.getConversationById(group.id);
    await readerGroup.sync();
    const seen = await countTexts(readerGroup);
    verified = seen === sent + warmup;
    if (!verified) log(`verify: member sees ${seen} texts, expected ${sent + warmup}`);
  }
  return {
    scenario: memberCount === 2 ? "send2" : `send${memberCount}`,
    members: memberCount,
    messages: sent,
    seconds: round(elapsed),
    perSecond: round(sent / elapsed, 1),
    // A stall (see kStreamsPerClient) shows here as tens of seconds.
    slowestSendSeconds: round(Number(slowest) / 1e9),
    warmup,
    setupSeconds: round(setupSeconds, 1),
    verified,
  };
}

async function syncScenario(node, options) {
  const messages = intOption(options, "messages", 10000);
  const setupStart = now();
  const creator = await createClient(node);
  const member = await createClient(node, undefined, dbOptions(options.db ?? "memory"));
  const group = await creator.conversations.createGroup([member.inboxId]);
  // The member joins (processes its welcome) before the backlog exists.
  await member.conversations.sync();
  if (!(await member.conversations.getConversationById(group.id))) throw new Error("member did not join");
  const seedStart = now();
  await seedTexts(group, messages, "backlog");
  const seedSeconds = seconds(seedStart);
  const setupSeconds = seconds(setupStart);
  log(`setup ${round(setupSeconds, 1)} s (${messages} texts seeded in ${round(seedSeconds, 1)} s)`);

  const start = now();
  await member.conversations.sync();
  const memberGroup = await member.conversations.getConversationById(group.id);
  await memberGroup.sync();
  const elapsed = seconds(start);

  const seen = await countTexts(memberGroup);
  if (seen !== messages) log(`verify: member sees ${seen} texts, expected ${messages}`);
  return {
    scenario: "sync",
    messages,
    seconds: round(elapsed),
    perSecond: round(messages / elapsed, 1),
    setupSeconds: round(setupSeconds, 1),
    seedPerSecond: round(messages / seedSeconds, 1),
    verified: seen === messages,
  };
}

async function addScenario(node, options) {
  const count = intOption(options, "members", 99);
  const setupStart = now();
  const creator = await createClient(node, undefined, dbOptions(options.db ?? "memory"));
  const members = await createMany(node, count, "members");
  const group = await creator.conversations.createGroup([]);
  const setupSeconds = seconds(setupStart);
  log(`setup ${round(setupSeconds, 1)} s: ${count} clients, empty group`);

  const start = now();
  await group.addMembers(members.map((client) => client.inboxId));
  const elapsed = seconds(start);

  let verified = null;
  if (options.verify !== "0") {
    const memberCount = (await group.members()).length;
    // Welcomes: a few of the new members find the group.
    const sample = [members[0], members[Math.floor(count / 2)], members[count - 1]].filter(Boolean);
    let joined = 0;
    for (const client of sample) {
      await client.conversations.sync();
      if (await client.conversations.getConversationById(group.id)) ++joined;
    }
    verified = memberCount === count + 1 && joined === sample.length;
    if (!verified) log(`verify: ${memberCount} members, ${joined}/${sample.length} sampled welcomes`);
  }
  return {
    scenario: "add99",
    members: count,
    seconds: round(elapsed),
    setupSeconds: round(setupSeconds, 1),
    verified,
  };
}

function runSeeder(url, memberInboxId, groups, perGroup) {
  const args = [fileURLToPath(import.meta.url), "--url", url, "--scenario", "memory-seed"];
  args.push("--member", memberInboxId, "--groups", String(groups), "--per-group", String(perGroup));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve(JSON.parse(stdout.trim().split("\n").pop()));
      else reject(new Error(`seeding process exited with ${code}`));
    });
  });
}

// Child of "memory": creates the groups with the member and fills them.
// A few groups at a time: libxmtp works on its own threads.
async function memorySeed(node, options) {
  const groups = intOption(options, "groups", 100);
  const perGroup = intOption(options, "per-group", 1000);
  const concurrency = intOption(options, "concurrency", 4);
  const start = now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    let sender = null;
    let budget = 0;
    while (next < groups) {
      const index = next++;
      // A fresh sender (a new connection) before kStreamsPerClient is reached.
      if (!sender || budget < perGroup + 50) {
        sender = await createClient(node);
        budget = kStreamsPerClient;
      }
      budget -= perGroup + 50;
      const group = await sender.conversations.createGroup([options.member]);
      await seedTexts(group, perGroup, `g${index}`);
      if (++done % 10 === 0) log(`seeding: ${done}/${groups} groups (${round(seconds(start), 1)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { scenario: "memory-seed", groups, perGroup, seconds: round(seconds(start), 1) };
}

async function memoryScenario(node, options) {
  const groups = intOption(options, "groups", 100);
  const perGroup = intOption(options, "per-group", 1000);
  const db = options.db ?? "disk";
  const setupStart = now();
  const member = await createClient(node, undefined, dbOptions(db));
  const seeded = await runSeeder(node.url, member.inboxId, groups, perGroup);
  const setupSeconds = seconds(setupStart);
  log(`setup ${round(setupSeconds, 1)} s (seeding ${seeded.seconds} s)`);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;

  const start = now();
  await member.conversations.sync();
  await member.conversations.syncAll();
  const elapsed = seconds(start);

  const list = member.conversations.listGroups();
  let stored = 0;
  for (const group of list) stored += await countTexts(group);
  global.gc?.();
  const usage = process.memoryUsage();
  const expected = groups * perGroup;
  if (list.length !== groups || stored !== expected) {
    log(`verify: ${list.length} groups, ${stored} texts; expected ${groups}, ${expected}`);
  }
  const mib = (bytes) => round(bytes / 1048576, 1);
  return {
    scenario: "memory",
    groups: list.length,
    messages: stored,
    rssBytes: usage.rss,
    rssMiB: mib(usage.rss),
    peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    rssBeforeSyncMiB: mib(rssBefore),
    rssNodeAloneMiB: mib(rssAtStart),
    heapUsedMiB: mib(usage.heapUsed),
    db: db === "disk" ? "sqlite-on-disk-unencrypted" : "sqlite-in-memory",
    syncSeconds: round(elapsed),
    setupSeconds: round(setupSeconds, 1),
    verified: list.length === groups && stored === expected,
  };
}

const options = parseArgs(process.argv.slice(2));
if (!options.url) fail("--url http://HOST:PORT is required");
if (!options.scenario) fail("--scenario send2|send50|sync|add99|memory is required");
const node = { url: options.url.replace(/\/+$/, "") };
useNode(node);

const scenarios = {
  send2: () => sendScenario(node, options, 2),
  send50: () => sendScenario(node, options, 50),
  sync: () => syncScenario(node, options),
  add99: () => addScenario(node, options),
  memory: () => memoryScenario(node, options),
  "memory-seed": () => memorySeed(node, options),
};
const run = scenarios[options.scenario];
if (!run) fail(`unknown scenario ${options.scenario}`);
try {
  const result = await run();
  result.client = "sdk";
  result.sdk = sdkVersions;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Clients keep libxmtp workers alive; the figures are out, so leave.
  process.exit(0);
} catch (error) {
  process.stderr.write(`sdk_bench: ${options.scenario} failed: ${error?.stack ?? error}\n`);
  process.exit(1);
}
