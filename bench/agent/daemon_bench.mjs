// The agent plane against the real daemon (issue 13): our node, two or more
// signet daemons in temp homes, chats, operators and credentials, then xs-ws-load's
// send, inbound and idle modes. Run by hand, not part of ctest:
//
//   node bench/agent/daemon_bench.mjs [--build build] [--seconds 5]
//        [--only send,inbound,idle] [--rate 1000] [--idle 1000]
//        [--members 2] [--publishers 8] [--ws-load path/to/xs-ws-load]
//        [--publisher native|daemons] [--peers 4] [--send-peer online|offline]
//        [--peer-read-back stream|send] [--send-connections 1,16]
//
// Daemon A (the one measured) creates 4 chats with daemon B's inbox as a
// member; B joins them through its stream/sync. send: 16 connections over
// A's 4 chats (connection i -> chat i % 4), 1 request in flight each, and
// the same with 1 connection (--send-peer offline stops B meanwhile;
// --send-connections 16 runs only the 16-connection case). Besides A's
// CPU per send, B's and the node's are reported (the three share the
// machine's cores).
// inbound, --publisher native (the default): see nativeInbound below.
// inbound, --publisher daemons: 16 harnesses on A watch a fifth chat
// of A's whose other members are the inboxes of --members publisher
// daemons (B and, from the second on, more daemons of the same kind:
// default 2), while --publishers harnesses (default 8; publisher j on
// daemon j % members) publish stamped texts into it at --rate msg/s in
// total, open loop. Publishers run on other daemons because the agent
// plane does not feed a chat's own sends back to its agents; on several
// because one member's sends into a group are serialized by its client
// (one member reached ~220-690 msg/s) and a daemon holds one chat per
// group (one publishing member each). Every publishing daemon also
// receives the others' messages, and all of them share the machine with A:
// `publisherDaemonCpuUsPerMessage` is their sum. Latencies: the
// publisher's stamp -> harness receipt (includes the publisher daemon's
// queue and send) and the node's receipt (the event's sentAt: the node's
// store time, whole milliseconds, same machine clock) -> harness receipt,
// the issue's figure. `offeredPerSecond` is what the publishers wrote,
// `publishedPerSecond` what their daemons answered ok. idle: --idle
// authenticated connections, RSS of A's daemon before and after. Prints
// one JSON line per run.
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import path from "node:path";
import {
  ClientPeer, Signet, binaries, cleanup, cpuUs, flag, nodePid, report, runTool, startNode,
} from "../lib/signet_setup.mjs";

const build = path.resolve(flag("build", "build"));
const seconds = flag("seconds", "5");
const only = flag("only", "send,inbound,idle").split(",");
const rate = flag("rate", "1000");
const idle = flag("idle", "1000");
const members = Math.max(Number(flag("members", "2")), 1);
const publisherCount = flag("publishers", "8");
const publisherKind = flag("publisher", "native");
const sendPeer = flag("send-peer", "online");
const peerCount = Math.max(Number(flag("peers", "4")), 1);
const readBack = flag("peer-read-back", "stream");
const sendConnections = flag("send-connections", "1,16").split(",").map(Number);
const bins = binaries(build);
// --ws-load PATH: another build's xs-ws-load (e.g. this tree's, against an
// older build's daemons for a before/after comparison).
bins.wsLoad = path.resolve(flag("ws-load", bins.wsLoad));

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
    // --send-peer offline: B's daemon (the chats' other member) is stopped
    // during the sends, so it does not read them on the same machine.
    if (sendPeer === "offline") b.ok(["daemon", "stop"]);
    const bPid = sendPeer === "offline" ? 0 : b.ok(["status"]).pid;
    const cpu = (pid) => (pid ? cpuUs(pid) : 0);
    for (const connections of sendConnections) {
      const before = [cpu(status.pid), cpu(bPid), cpu(nodePid)];
      const r = load("send", [...base, "--connections", String(connections), "--chats", "4",
        "--tokens", tokens.join(","), "--chat-ids", pattern.join(",")]);
      // CPU per answered send: A's (the daemon measured) is independent
      // of what else runs; B's (reading every send) and the node's share
      // the same cores.
      const per = (pid, i) => Math.round((cpu(pid) - before[i]) / Math.max(r.okAnswers, 1));
      r.daemonCpuUsPerSend = per(status.pid, 0);
      r.peerDaemonCpuUsPerSend = per(bPid, 1);
      r.nodeCpuUsPerSend = per(nodePid, 2);
      report(`send ${connections} connection(s) over ${Math.min(connections, 4)} chat(s), peer ${sendPeer}`, r);
    }
    if (sendPeer === "offline") b.ok(["daemon", "start", "--daemon"]);
  }

  if (only.includes("inbound") && publisherKind === "native") {
    report(`inbound ${rate} msg/s, 16 harnesses, ${peerCount} native peers`, await nativeInbound(a, status, nodePort));
  }

  if (only.includes("inbound") && publisherKind === "daemons") {
    // The publishing members: B's inbox, then one more daemon per member.
    const pubs = [{ signet: b, inbox: peerInbox }];
    for (let m = 1; m < members; ++m) {
      const d = new Signet(bins, nodePort, `pub${m}`);
      d.ok(["init", "trusted-local", "--env", "local"]);
      d.ok(["daemon", "start", "--daemon"]);
      d.ok(["operator", "create", "--label", "pub"]);
      const p = d.ok(["inbox", "create", "--label", "pub", "--op", "pub"]);
      pubs.push({ signet: d, inbox: p.inboxId ?? p.networkInboxId ?? p.xmtpInboxId });
    }
    const inbound = a.ok(["chat", "create", "--name", "inbound", "--op", "bench", "--members",
      pubs.map((p) => p.inbox).join(",")]);
    for (const p of pubs) {
      for (let tries = 0; tries < 100 && !p.chat; ++tries) {
        if (tries % 10 === 0) p.signet.ok(["chat", "sync"]);
        p.chat = p.signet.ok(["chat", "list"]).find?.((c) => c.networkGroupId === inbound.networkGroupId);
        if (!p.chat) await sleep(100);
      }
      if (!p.chat) throw new Error("a publishing daemon did not join the inbound chat");
      p.token = issue(p.signet, "pub", p.chat.id, 1)[0];
      p.status = p.signet.ok(["status"]);
    }
    const listeners = issue(a, "bench", inbound.id, 16);
    const pubCpu = () => pubs.reduce((sum, p) => sum + cpuUs(p.status.pid), 0);
    const before = [cpuUs(status.pid), pubCpu()];
    const r = load("inbound", [...base, "--connections", "16", "--publishers", publisherCount, "--rate", rate,
      "--tokens", listeners.join(","), "--chat-pattern", inbound.networkGroupId,
      "--publish-ports", pubs.map((p) => String(p.status.wsPort)).join(","),
      "--publish-tokens", pubs.map((p) => p.token).join(","),
      "--publish-chats", pubs.map((p) => p.chat.id).join(",")]);
    r.members = pubs.length;
    r.listenerDaemonCpuUsPerMessage = Math.round((cpuUs(status.pid) - before[0]) / Math.max(r.published, 1));
    r.publisherDaemonCpuUsPerMessage = Math.round((pubCpu() - before[1]) / Math.max(r.published, 1));
    report(`inbound ${rate} msg/s, 16 harnesses, ${pubs.length} publishing member(s)`, r);
  }

  if (only.includes("idle")) {
    const tokens = issue(a, "bench", chats[1].id, 8);
    const r = load("idle", ["--port", port, "--pid", String(status.pid), "--connections", idle,
      "--tokens", tokens.join(",")]);
    report(`idle ${idle} authenticated connections`, r);
  }
}

// --publisher native: --peers xs-client-peer processes (our client with
// no signet around it, one member each) publish stamped texts into a chat
// of A's watched by 16 harnesses, at --rate msg/s in total, open loop
// (a peer answers its requests in order, so each takes rate/peers). With
// --peer-read-back stream (the default) a peer's stream confirms its sends,
// as the signet's clients do; `send` reads each back with a query.
async function nativeInbound(a, status, nodePort) {
  const peers = [];
  for (let i = 0; i < peerCount; ++i) {
    const peer = new ClientPeer(bins, nodePort);
    peer.inbox = (await peer.call({ op: "create", client: "p" })).inboxId;
    peers.push(peer);
  }
  const chat = a.ok(["chat", "create", "--name", "inbound", "--op", "bench", "--members",
    peers.map((p) => p.inbox).join(",")]);
  const group = chat.networkGroupId;
  for (const peer of peers) {
    let joined = false;
    for (let tries = 0; tries < 100 && !joined; ++tries) {
      joined = (await peer.call({ op: "sync", client: "p" })).joined.includes(group);
      if (!joined) await sleep(100);
    }
    if (!joined) throw new Error("a native peer did not join the inbound chat");
    // As the signet runs its clients: the stream confirms the sends.
    if (readBack === "stream") await peer.call({ op: "stream", client: "p", action: "readBack" });
  }
  const listeners = Array.from({ length: 16 }, () =>
    a.ok(["cred", "issue", "--op", "bench", "--chat", chat.id, "--allow", "send,read-messages"]).token);
  const tool = spawn(bins.wsLoad, ["inbound", "--port", String(status.wsPort), "--seconds", seconds,
    "--connections", "16", "--publishers", "0", "--tokens", listeners.join(","),
    "--chat-pattern", group], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  tool.stdout.setEncoding("utf8").on("data", (chunk) => (out += chunk));
  const exited = new Promise((resolve) => tool.once("exit", resolve));
  await new Promise((resolve, reject) => {
    tool.stderr.setEncoding("utf8").on("data", (chunk) => {
      err += chunk;
      if (err.includes("listeners ready")) resolve();
    });
    tool.once("exit", (code) => reject(new Error(`xs-ws-load exited ${code}: ${err}`)));
  });
  const before = [cpuUs(status.pid), peers.reduce((sum, p) => sum + cpuUs(p.child.pid), 0)];
  const total = Math.round(Number(rate) * Number(seconds));
  const periodNs = 1e9 / Number(rate);
  const start = process.hrtime.bigint();
  const answers = [];
  let published = 0;
  let failed = 0;
  for (let k = 0; k < total; await sleep(1)) {
    const now = process.hrtime.bigint();
    for (; k < total && start + BigInt(Math.round(k * periodNs)) <= now; ++k) {
      const text = `xsbench ${process.hrtime.bigint()}`;
      answers.push(peers[k % peers.length].call({ op: "send", client: "p", groupId: group, text })
        .then(() => ++published, () => ++failed));
    }
  }
  await Promise.all(answers);
  const publishSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  if ((await exited) !== 0) throw new Error(`xs-ws-load inbound failed: ${err}`);
  const r = JSON.parse(out.trim().split("\n").pop());
  r.offered = total;
  r.offeredPerSecond = Number(rate);
  r.published = published;
  r.failedSends = failed;
  r.publishedPerSecond = published / publishSeconds;
  r.expectedEvents = published * 16;
  r.listenerDaemonCpuUsPerMessage = Math.round((cpuUs(status.pid) - before[0]) / Math.max(published, 1));
  r.peerCpuUsPerMessage = Math.round(
    (peers.reduce((sum, p) => sum + cpuUs(p.child.pid), 0) - before[1]) / Math.max(published, 1));
  return r;
}

main()
  .catch((error) => {
    console.error(error.stack ?? String(error));
    process.exitCode = 1;
  })
  .finally(cleanup);
