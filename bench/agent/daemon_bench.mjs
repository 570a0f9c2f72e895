// The agent plane against the real daemon (issue 13): our node, two signet
// daemons in temp homes, chats, operators and credentials, then xs-ws-load's
// send, inbound and idle modes. Run by hand, not part of ctest:
//
//   node bench/agent/daemon_bench.mjs [--build build] [--seconds 5]
//        [--only send,inbound,idle] [--rate 1000] [--idle 1000]
//
// Daemon A (the one measured) creates 4 chats with daemon B's inbox as a
// member; B joins them through its stream/sync. send: 16 connections over
// A's 4 chats (connection i -> chat i % 4), 1 request in flight each, and
// the same with 1 connection. inbound: 16 harnesses on A watch chat 0 while
// harnesses on B publish stamped texts into it at --rate msg/s (B is
// another member: the agent plane does not feed a chat's own sends back to
// its agents); latency is the publisher's stamp to the harness's receipt
// (one process, one clock). idle: --idle authenticated connections, RSS of
// A's daemon before and after. Prints one JSON line per run.
import { setTimeout as sleep } from "node:timers/promises";
import path from "node:path";
import { Signet, binaries, cleanup, cpuUs, flag, report, runTool, startNode } from "../lib/signet_setup.mjs";

const build = path.resolve(flag("build", "build"));
const seconds = flag("seconds", "5");
const only = flag("only", "send,inbound,idle").split(",");
const rate = flag("rate", "1000");
const idle = flag("idle", "1000");
const bins = binaries(build);

function load(mode, args) {
  return runTool(bins.wsLoad, [mode, ...args]);
}

async function main() {
  const nodePort = await startNode(bins);
  const a = new Signet(bins, nodePort, "a");
  const b = new Signet(bins, nodePort, "b");
  for (const s of [a, b]) {
    s.ok(["init", "trusted-local", "--env", "local"]);
    s.ok(["daemon", "start", "--daemon"]);
  }
  a.ok(["operator", "create", "--label", "bench"]);
  b.ok(["operator", "create", "--label", "pub"]);
  const peer = b.ok(["inbox", "create", "--label", "pub", "--op", "pub"]);
  const peerInbox = peer.inboxId ?? peer.networkInboxId ?? peer.xmtpInboxId;
  if (!peerInbox) throw new Error(`no network inbox id in ${JSON.stringify(peer)}`);
  const chats = [];
  for (let c = 0; c < 4; ++c) {
    chats.push(a.ok(["chat", "create", "--name", `bench${c}`, "--op", "bench", "--members", peerInbox]));
  }
  const issue = (s, op, chat, n) =>
    Array.from({ length: n }, () =>
      s.ok(["cred", "issue", "--op", op, "--chat", chat, "--allow", "send,read-messages"]).token,
    );
  const status = a.ok(["status"]);
  const port = String(status.wsPort);
  // For `perf record -p` by hand while the runs go.
  console.error(`daemon A pid ${status.pid}, ws port ${port}`);
  const base = ["--port", port, "--seconds", seconds];

  if (only.includes("send")) {
    // Connection i sends to chat i % 4 (chat ids by group id).
    const tokens = [];
    for (let i = 0; i < 16; ++i) tokens.push(...issue(a, "bench", chats[i % 4].id, 1));
    const pattern = chats.map((c) => c.networkGroupId);
    for (const connections of [1, 16]) {
      const before = cpuUs(status.pid);
      const r = load("send", [...base, "--connections", String(connections), "--chats", "4",
        "--tokens", tokens.join(","), "--chat-ids", pattern.join(",")]);
      // The daemon's CPU per answered send: independent of what else runs.
      r.daemonCpuUsPerSend = Math.round((cpuUs(status.pid) - before) / Math.max(r.okAnswers, 1));
      report(`send ${connections} connection(s) over ${Math.min(connections, 4)} chat(s)`, r);
    }
  }

  if (only.includes("inbound")) {
    b.ok(["chat", "sync"]);
    let joined;
    for (let tries = 0; tries < 100 && !joined; ++tries) {
      joined = b.ok(["chat", "list"]).find?.((c) => c.networkGroupId === chats[0].networkGroupId);
      if (!joined) await sleep(100);
    }
    if (!joined) throw new Error("daemon B did not join chat 0");
    const listeners = issue(a, "bench", chats[0].id, 16);
    const publishers = issue(b, "pub", joined.id, 4);
    const before = [cpuUs(status.pid), cpuUs(b.ok(["status"]).pid)];
    const r = load("inbound", [...base, "--connections", "16", "--publishers", "4", "--rate", rate,
      "--tokens", listeners.join(","), "--chat-pattern", chats[0].networkGroupId,
      "--publish-port", String(b.ok(["status"]).wsPort), "--publish-tokens", publishers.join(","),
      "--publish-chat", chats[0].networkGroupId]);
    r.listenerDaemonCpuUsPerMessage = Math.round((cpuUs(status.pid) - before[0]) / Math.max(r.published, 1));
    r.publisherDaemonCpuUsPerMessage =
      Math.round((cpuUs(b.ok(["status"]).pid) - before[1]) / Math.max(r.published, 1));
    report(`inbound ${rate} msg/s, 16 harnesses`, r);
  }

  if (only.includes("idle")) {
    const tokens = issue(a, "bench", chats[1].id, 8);
    const r = load("idle", ["--port", port, "--pid", String(status.pid), "--connections", idle,
      "--tokens", tokens.join(",")]);
    report(`idle ${idle} authenticated connections`, r);
  }
}

main()
  .catch((error) => {
    console.error(error.stack ?? String(error));
    process.exitCode = 1;
  })
  .finally(cleanup);
