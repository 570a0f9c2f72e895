// Durability of the real `xs` (XS_BIN) and its daemon against our node, with
// an official @xmtp/node-sdk peer in the chat as the network's witness:
//   - chats, messages and their conv_/msg_ ids survive a SIGTERM and a
//     restart;
//   - a `kill -9` of the daemon in the middle of a burst of concurrent
//     `xs msg send`: after a restart, every send that exited 0 is read by the
//     SDK peer and listed by `xs msg list` exactly once, under the msg_ id
//     the send printed; no text of the burst shows twice anywhere;
//   - the secret scan of the CLI tests (xs-secret-scan, XS_SECRET_SCAN_BIN)
//     over every output of every `xs` run, the daemon's log, the audit log
//     and the data dir: no key, seed or passphrase leaks.
// Message content is read through owner read elevation: the default preset
// with an owner passphrase, given to `msg list` as --passphrase-file.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createClients, syncedConversation, textsOf, waitFor } from "./lib/clients.mjs";
import { makeTempDir, startNode } from "./lib/node_process.mjs";

const kBurst = 160;
const kConcurrent = 8;
const kListLimit = "500";

function requiredBinary(variable) {
  const bin = process.env[variable];
  if (!bin) throw new Error(`${variable} is not set`);
  return bin;
}

// A process is gone when /proc has no entry for it or it is a zombie (the
// daemon is not our child: nobody here reaps it).
function processGone(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

class Signet {
  constructor(node) {
    this.root = makeTempDir("xs-durable");
    this.dirs = {};
    for (const d of ["home", "config", "data", "state", "run", "outputs"]) {
      this.dirs[d] = path.join(this.root, d);
      mkdirSync(this.dirs[d], { recursive: true, mode: 0o700 });
    }
    this.passphraseFile = path.join(this.root, "owner-pass");
    writeFileSync(this.passphraseFile, "owner passphrase of the durability test 12\n", { mode: 0o600 });
    this.runs = 0;
    this.env = {
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: this.dirs.home,
      XDG_CONFIG_HOME: this.dirs.config,
      XDG_DATA_HOME: this.dirs.data,
      XDG_STATE_HOME: this.dirs.state,
      XDG_RUNTIME_DIR: this.dirs.run,
      TMPDIR: this.dirs.run,
      XMTP_SIGNET_WS_PORT: "0",
      XMTP_SIGNET_LOCAL_NODE: `127.0.0.1:${node.port}`,
    };
  }

  get dataDir() {
    return path.join(this.dirs.data, "xmtp-signet");
  }

  // Every run's stdout and stderr go to outputs/ for the secret scan.
  record(args, r) {
    const n = String(++this.runs).padStart(4, "0");
    const file = path.join(this.dirs.outputs, `${n}-${args.slice(0, 2).join("-")}.txt`);
    writeFileSync(file, `xs ${args.join(" ")}\nexit ${r.code}\n${r.stdout}\n${r.stderr}`);
  }

  static parse(r) {
    try {
      return JSON.parse(r.stdout);
    } catch {
      return undefined;
    }
  }

  run(args) {
    const full = [...args, "--json"];
    const s = spawnSync(requiredBinary("XS_BIN"), full, { env: this.env, encoding: "utf8", timeout: 60_000 });
    const r = { code: s.status, stdout: s.stdout ?? "", stderr: s.stderr ?? "" };
    this.record(full, r);
    return { ...r, json: Signet.parse(r) };
  }

  // The same, without blocking the event loop (for concurrent runs).
  runAsync(args) {
    const full = [...args, "--json"];
    return new Promise((resolve) => {
      const child = spawn(requiredBinary("XS_BIN"), full, { env: this.env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (c) => (stdout += c));
      child.stderr.setEncoding("utf8").on("data", (c) => (stderr += c));
      child.once("close", (code, signal) => {
        const r = { code: code ?? 128, signal, stdout, stderr };
        this.record(full, r);
        resolve({ ...r, json: Signet.parse(r) });
      });
    });
  }

  ok(args) {
    const r = this.run(args);
    assert.equal(r.code, 0, `xs ${args.join(" ")}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.json;
  }

  pid() {
    const pid = this.ok(["status"]).pid;
    assert.ok(Number.isInteger(pid) && pid > 1, `no daemon pid in xs status`);
    return pid;
  }

  async signal(sig) {
    const pid = this.pid();
    process.kill(pid, sig);
    await waitFor(`the daemon (pid ${pid}) to exit after ${sig}`, () => processGone(pid), { intervalMs: 50 });
  }

  start() {
    this.ok(["daemon", "start", "--daemon"]);
  }

  // The chat's messages, through read elevation with the owner passphrase.
  messages(chatId) {
    return this.ok([
      "msg",
      "list",
      "--from",
      chatId,
      "--limit",
      kListLimit,
      "--dangerously-allow-message-read",
      "--passphrase-file",
      this.passphraseFile,
    ]);
  }

  stop() {
    if (!existsSync(path.join(this.dirs.run, "xmtp-signet"))) return;
    this.run(["daemon", "stop"]);
  }

  dispose() {
    this.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}

function countOf(values, value) {
  return values.filter((v) => v === value).length;
}

describe("xs durability: restarts and kill -9 during a burst of sends, with an SDK witness", () => {
  let node, sdk, signet, chat, group;

  before(async () => {
    node = await startNode();
    [sdk] = await createClients(node, 1);
    signet = new Signet(node);
    signet.ok(["init", "--env", "local", "--passphrase-file", signet.passphraseFile]);
    signet.start();
    chat = signet.ok(["chat", "create", "--name", "durable", "--members", sdk.inboxId]);
    group = await waitFor("the SDK to join our chat", () => syncedConversation(sdk, chat.networkGroupId));
  });

  after(async () => {
    signet?.dispose();
    await node?.dispose();
  });

  // The SDK's texts of our chat, after a sync.
  async function sdkTexts() {
    await group.sync();
    return textsOf(await group.messages());
  }

  test("chats, messages and their ids survive SIGTERM and a restart", async () => {
    const sent = [];
    for (const text of ["before restart 1", "before restart 2", "before restart 3"]) {
      const m = signet.ok(["msg", "send", text, "--to", chat.id]);
      assert.match(m.id, /^msg_[0-9a-f]{16}$/);
      sent.push({ id: m.id, text });
    }
    await group.sendText("from the SDK before restart");
    signet.ok(["chat", "sync", chat.id]);
    const before = signet.messages(chat.id);
    const info = signet.ok(["chat", "info", chat.id]);

    await signet.signal("SIGTERM");
    signet.start();

    const listed = signet.ok(["chat", "list"]);
    assert.deepEqual(
      listed.map((c) => [c.id, c.networkGroupId]),
      [[chat.id, chat.networkGroupId]],
    );
    // The conv_ <-> group id mapping: the network id resolves to the same chat.
    const again = signet.ok(["chat", "info", chat.networkGroupId]);
    assert.equal(again.id, chat.id);
    assert.equal(again.name, "durable");
    assert.deepEqual([...again.members].sort(), [...info.members].sort());
    assert.equal(again.epoch, info.epoch);
    // Every message keeps its msg_ id.
    const after = signet.messages(chat.id);
    assert.deepEqual(
      after.map((m) => [m.id, m.networkId, m.text ?? null]),
      before.map((m) => [m.id, m.networkId, m.text ?? null]),
    );
    for (const { id, text } of sent) {
      assert.equal(after.filter((m) => m.id === id && m.text === text).length, 1, `${id} ${text}`);
    }
    assert.ok(after.some((m) => m.text === "from the SDK before restart" && m.senderInboxId === sdk.inboxId));

    // The restarted daemon sends, and the SDK reads every text once.
    signet.ok(["msg", "send", "after restart", "--to", chat.id]);
    await waitFor("the SDK to read the text sent after the restart", async () =>
      (await sdkTexts()).includes("after restart"),
    );
    const texts = await sdkTexts();
    for (const text of [...sent.map((s) => s.text), "after restart"]) {
      assert.equal(countOf(texts, text), 1, `${text}: ${JSON.stringify(texts)}`);
    }
  });

  test("kill -9 during a burst of sends: every acknowledged send is on the network and listed once", async () => {
    const texts = Array.from({ length: kBurst }, (_, i) => `burst ${i}`);
    // The daemon dies once a random number of sends (1 to an eighth of them)
    // have been acknowledged: the rest are queued, in flight or not started.
    const killAfter = 1 + Math.floor(Math.random() * Math.floor(kBurst / 8));
    const pid = signet.pid();
    let acknowledged = 0;
    let killed = false;
    // kConcurrent sends at a time, new ones started as others end, until the
    // kill: it then lands with sends in flight and others still queued at
    // the daemon (all 160 at once were sometimes all done before the test's
    // event loop saw the k-th success).
    const results = [];
    let next = 0;
    const worker = async () => {
      while (!killed && next < texts.length) {
        const text = texts[next++];
        const r = await signet.runAsync(["msg", "send", text, "--to", chat.id]);
        if (r.code === 0 && ++acknowledged >= killAfter && !killed) {
          killed = true;
          process.kill(pid, "SIGKILL");
        }
        results.push({ text, ...r });
      }
    };
    await Promise.all(Array.from({ length: kConcurrent }, worker));
    assert.ok(killed, `the daemon was not killed: ${acknowledged} of ${kBurst} sends acknowledged`);
    await waitFor("the killed daemon to be gone", () => processGone(pid), { intervalMs: 50 });
    const succeeded = results.filter((r) => r.code === 0);
    assert.ok(
      succeeded.length >= killAfter && succeeded.length < kBurst,
      `${succeeded.length} of ${kBurst} acknowledged (kill after ${killAfter})`,
    );
    for (const r of succeeded) assert.match(r.json?.id ?? "", /^msg_[0-9a-f]{16}$/, r.stdout);
    // A send the kill interrupted fails; none may claim success without an id.
    for (const r of results.filter((x) => x.code !== 0)) assert.equal(r.json, undefined, r.stdout);

    signet.start();
    signet.ok(["chat", "sync", chat.id]);

    // On the network: the SDK peer reads each acknowledged send exactly once.
    await waitFor("the SDK to read every acknowledged send", async () => {
      const seen = await sdkTexts();
      return succeeded.every((r) => seen.includes(r.text));
    });
    const seen = await sdkTexts();
    // An interrupted send may have gone out or not, but never twice.
    for (const text of texts) {
      const n = countOf(seen, text);
      if (succeeded.some((r) => r.text === text)) assert.equal(n, 1, `${text} read ${n} times by the SDK`);
      else assert.ok(n <= 1, `${text} read ${n} times by the SDK`);
    }

    // In msg list: once, under the id the send printed.
    const listed = signet.messages(chat.id);
    const ids = listed.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length, `duplicate msg_ ids: ${JSON.stringify(ids)}`);
    for (const r of succeeded) {
      const matches = listed.filter((m) => m.text === r.text);
      assert.equal(matches.length, 1, `${r.text}: ${JSON.stringify(matches)}`);
      assert.equal(matches[0].id, r.json.id, r.text);
      assert.equal(matches[0].networkId, r.json.networkId, r.text);
    }
    for (const text of texts) {
      assert.ok(countOf(listed.map((m) => m.text), text) <= 1, `${text} listed twice`);
    }
    // What msg list calls published, the SDK has read.
    const published = listed.filter((m) => m.published && texts.includes(m.text));
    const seenNow = await sdkTexts();
    for (const m of published) assert.ok(seenNow.includes(m.text), `${m.text} published but not on the network`);
    // The chat itself is intact and still sends.
    assert.deepEqual(
      signet.ok(["chat", "list"]).map((c) => c.id),
      [chat.id],
    );
    signet.ok(["msg", "send", "after the kill", "--to", chat.id]);
    await waitFor("the SDK to read the text sent after the kill", async () =>
      (await sdkTexts()).includes("after the kill"),
    );
  });

  test("no secret in any output, the daemon log, the audit log or the data dir", () => {
    signet.ok(["daemon", "stop"]);
    const scan = spawnSync(
      requiredBinary("XS_SECRET_SCAN_BIN"),
      [
        "--data-dir",
        signet.dataDir,
        "--secret-file",
        signet.passphraseFile,
        "--outputs",
        signet.dirs.outputs,
        "--files-under",
        path.join(signet.dirs.state, "xmtp-signet"),
        "--files-under",
        path.join(signet.dirs.run, "xmtp-signet"),
        "--files-under",
        signet.dirs.config,
        "--require",
        "signet.log",
        "--require",
        "audit.jsonl",
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(scan.status, 0, `xs-secret-scan: exit ${scan.status}\n${scan.stdout}\n${scan.stderr}`);
    assert.match(scan.stderr, /\b\d+ outputs, 0 leaks/);
    // It searched for the vault's keys, the owner passphrase, and the private
    // key of each native client (the chat's inbox).
    for (const what of [/^secret: vault data key$/m, /^secret: admin seed$/m, /^secret: secret of owner-pass$/m]) {
      assert.match(scan.stderr, what);
    }
    assert.match(scan.stderr, /^secret: installation [0-9a-f]{64} private key$/m);

    // The scan finds a leak when there is one: an output holding the owner
    // passphrase.
    const canary = path.join(signet.root, "canary");
    mkdirSync(canary);
    writeFileSync(path.join(canary, "leak.txt"), `leaked: ${readFileSync(signet.passphraseFile, "utf8")}`);
    const caught = spawnSync(
      requiredBinary("XS_SECRET_SCAN_BIN"),
      ["--data-dir", signet.dataDir, "--secret-file", signet.passphraseFile, "--outputs", canary],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(caught.status, 1, `${caught.stdout}\n${caught.stderr}`);
    assert.match(caught.stdout, /secret of owner-pass \(raw\) appears in output of leak\.txt/);
  });
});
