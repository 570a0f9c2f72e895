// A randomized mixed group (issue 11 item 5): our native clients
// (xs-client-peer) and SDK clients in one group on our node, a few hundred
// random operations — texts, removals, re-adds, renames, and commits from both
// sides at the same moment — after which every member must agree on the
// epoch, the membership, the name and the messages.
//
//   XS_RANDOM_SEED=<u32>   replay a run (the seed is printed first)
//   XS_RANDOM_OPS=<n>      operations (default 300; 2000 for a long local run)
//   XS_RANDOM_OURS / XS_RANDOM_SDKS   clients per side (default 3 each)
//   XS_RANDOM_VERBOSE=1    print every operation as it runs
//   XS_RANDOM_ONE_PEER=1   all our clients in one xs-client-peer process
//   XS_RANDOM_DUMP=o0,s1   print these members' whole message lists at the end
//   XS_RANDOM_READD_UNSYNCED=1   let our removed clients miss their removal
//                          until re-added, as the SDK's may (see the re-add test)
//   XS_RANDOM_STRICT_SDK=1 SDK members must also open texts that raced a
//                          commit (libxmtp loses some; see Model.recordText)
//   XS_RANDOM_STRICT_ORDER=1  ours must order simultaneous texts as the SDK
//                          does (our client shows its own at the sender's
//                          clock; see checkCommonOrder)
//
// Operations are chosen only from the seed and the test's own model, never
// from timing, so a seed (with the same sizes and switches) replays the same
// sequence. Where two commits race,
// the model accepts either outcome (which name wins, whether a text sent
// during an add reaches the new member) and checks that the members agree.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createClients, syncedConversation, textsOf, waitFor } from "./lib/clients.mjs";
import { startNode } from "./lib/node_process.mjs";
import { OurPeer } from "./lib/our_peer.mjs";
import { Rng, countFromEnv, seedFromEnv } from "./lib/random.mjs";

const seed = seedFromEnv();
const opCount = countFromEnv("XS_RANDOM_OPS", 300);
const ourCount = Math.max(3, countFromEnv("XS_RANDOM_OURS", 3));
const sdkCount = Math.max(3, countFromEnv("XS_RANDOM_SDKS", 3));
const verbose = Boolean(process.env.XS_RANDOM_VERBOSE);
const readdUnsynced = Boolean(process.env.XS_RANDOM_READD_UNSYNCED);
const strictSdk = Boolean(process.env.XS_RANDOM_STRICT_SDK);
const onePeer = Boolean(process.env.XS_RANDOM_ONE_PEER);
const strictOrder = Boolean(process.env.XS_RANDOM_STRICT_ORDER);
console.log(`XS_RANDOM_SEED=${seed} XS_RANDOM_OPS=${opCount} (ours ${ourCount}, sdk ${sdkCount})`);

const kText = "xmtp.org/text:1.0";

// One client in the group, ours or the SDK's, behind one interface.
class Member {
  constructor(name, side, handle) {
    this.name = name;
    this.side = side; // "ours" | "sdk"
    this.handle = handle; // OurClient | SDK Client
    this.inboxId = handle.inboxId;
    this.conv = null; // SDK: the conversation object
    this.member = true; // the model's view
    this.period = 0; // bumped on every (re)join
  }

  get ours() {
    return this.side === "ours";
  }

  async syncGroup(groupId) {
    if (this.ours) await this.handle.call("syncGroup", { groupId });
    else await this.conv.sync();
  }

  // After a (re)add: pull the Welcome until the group is active again.
  async join(groupId) {
    await waitFor(`${this.name} to join`, async () => {
      if (this.ours) {
        await this.handle.sync();
        const view = await this.handle.group(groupId).catch(() => null);
        return view?.active === true;
      }
      await this.handle.conversations.sync();
      this.conv = await this.handle.conversations.getConversationById(groupId);
      if (!this.conv) return false;
      await this.conv.sync();
      return this.conv.isActive;
    }, { timeoutMs: 10_000 });
  }

  async active(groupId) {
    return this.ours ? (await this.handle.group(groupId)).active : this.conv.isActive;
  }

  // Every message as the client shows it (XS_RANDOM_DUMP=<name>).
  async dump(groupId) {
    if (this.ours) return this.handle.messages(groupId);
    return (await this.conv.messages()).map((m) => ({
      id: m.id,
      type: m.contentType?.typeId,
      content: typeof m.content === "string" ? m.content : undefined,
      sentAtNs: String(m.sentAtNs),
      status: m.deliveryStatus,
    }));
  }

  changeAdmin(groupId, inboxId, promote) {
    if (this.ours) return this.handle.call(promote ? "addAdmin" : "removeAdmin", { groupId, inboxId });
    return promote ? this.conv.addAdmin(inboxId) : this.conv.removeAdmin(inboxId);
  }

  send(groupId, text) {
    return this.ours ? this.handle.send(groupId, text) : this.conv.sendText(text);
  }
  rename(groupId, name) {
    return this.ours ? this.handle.updateName(groupId, name) : this.conv.updateName(name);
  }
  add(groupId, inboxIds) {
    return this.ours ? this.handle.addMembers(groupId, inboxIds) : this.conv.addMembers(inboxIds);
  }
  remove(groupId, inboxIds) {
    return this.ours ? this.handle.removeMembers(groupId, inboxIds) : this.conv.removeMembers(inboxIds);
  }

  // What this client shows after a full sync.
  async state(groupId) {
    if (this.ours) {
      await this.handle.sync();
      const messages = await this.handle.messages(groupId); // syncs the group first
      const view = await this.handle.group(groupId);
      return {
        epoch: Number(view.epoch),
        members: [...view.members].sort(),
        admins: [...view.admins].sort(),
        superAdmins: [...view.superAdmins].sort(),
        groupName: view.name,
        active: view.active,
        forked: false,
        texts: messages.filter((m) => m.contentType === kText).map((m) => m.text),
      };
    }
    await this.handle.conversations.sync();
    this.conv = (await this.handle.conversations.getConversationById(groupId)) ?? this.conv;
    try {
      await this.conv.sync();
    } catch (error) {
      // libxmtp refuses to sync a group it has already left.
      if (this.conv.isActive) throw error;
    }
    const info = await this.conv.debugInfo();
    return {
      epoch: Number(info.epoch),
      members: (await this.conv.members()).map((m) => m.inboxId).sort(),
      admins: this.conv.listAdmins().sort(),
      superAdmins: this.conv.listSuperAdmins().sort(),
      groupName: this.conv.name,
      active: this.conv.isActive,
      forked: info.maybeForked,
      texts: textsOf(await this.conv.messages()),
    };
  }
}

// The expected group: membership, the names it may have, every text sent
// and who must, may or must not have it.
class Model {
  constructor(members) {
    this.members = members;
    this.names = new Set([""]);
    this.admins = new Set(); // names on the admin list
    // {text, op, sender, required: Map(name -> period), optional: Set(name), sdkMayLose: Set(name)}
    this.texts = [];
    this.nextText = 0;
  }

  current() {
    return this.members.filter((m) => m.member);
  }
  removed() {
    return this.members.filter((m) => !m.member);
  }
  memberSet() {
    return new Set(this.current().map((m) => m.name));
  }
  newText() {
    return `m${this.nextText++}`;
  }

  // A text sent during an operation: members before and after it must have
  // it; members on one side only (added or removed by a racing commit) may.
  // A text that raced a commit may reach the others from the epoch before
  // it; libxmtp (node-bindings 1.9.1) fails to open such a message once the
  // tree has a blank leaf (OpenMLS "Sender is not part of the group"; seen
  // in SDK-only groups too), so SDK receivers may lose it unless
  // XS_RANDOM_STRICT_SDK is set.
  recordText(text, op, sender, before, afterSet, racedCommit) {
    const required = new Map();
    const optional = new Set();
    const sdkMayLose = new Set();
    for (const m of this.members) {
      const was = before.has(m.name);
      const is = afterSet.has(m.name);
      if (was && is) required.set(m.name, m.period);
      else if (was || is) optional.add(m.name);
      if (racedCommit && !m.ours && m !== sender && !strictSdk) sdkMayLose.add(m.name);
    }
    this.texts.push({ text, op, sender: sender.name, required, optional, sdkMayLose });
  }
}

function fail(message) {
  throw new Error(`[XS_RANDOM_SEED=${seed}] ${message}`);
}

// Compact per-member diff of the texts a member shows against the model.
function checkTexts(model, member, texts) {
  const problems = [];
  const byText = new Map(model.texts.map((t) => [t.text, t]));
  const seen = new Set();
  const dups = new Set();
  for (const text of texts) {
    if (seen.has(text)) dups.add(text);
    seen.add(text);
  }
  if (dups.size) problems.push(`duplicates ${[...dups].join(" ")}`);
  const unknown = texts.filter((t) => !byText.has(t));
  if (unknown.length) problems.push(`unknown texts ${unknown.join(" ")}`);
  const missing = [];
  const lostHistory = [];
  const sdkLost = [];
  for (const t of model.texts) {
    const period = t.required.get(member.name);
    if (period === undefined || seen.has(t.text)) continue;
    // A text from an earlier membership period (before a removal and
    // re-add) is history the client may or may not keep.
    if (period !== member.period) lostHistory.push(t.text);
    else if (t.sdkMayLose.has(member.name)) sdkLost.push(t.text);
    else missing.push(t.text);
  }
  if (missing.length) problems.push(`missing ${missing.join(" ")}`);
  member.missing = missing;
  const forbidden = texts.filter((t) => {
    const entry = byText.get(t);
    return entry && !entry.required.has(member.name) && !entry.optional.has(member.name);
  });
  if (forbidden.length) problems.push(`texts sent while not a member ${forbidden.join(" ")}`);
  // Texts of different operations appear in operation order.
  for (let i = 1; i < texts.length; ++i) {
    const a = byText.get(texts[i - 1]);
    const b = byText.get(texts[i]);
    if (a && b && a.op > b.op) {
      problems.push(`order: ${texts[i - 1]} (op ${a.op}) before ${texts[i]} (op ${b.op}) at index ${i}`);
      break;
    }
  }
  return { problems, lostHistory, sdkLost };
}

// Two members' common texts in the same order. Returns {problem} or
// {swapped: [texts]} for the known difference: libxmtp shows every text at
// the node's time; our client shows its own texts at the sender's clock (and
// received ones too before client commit 20ffc6b), so two texts sent at the
// same moment may come in either order in one of ours (not a failure unless
// XS_RANDOM_STRICT_ORDER; see the todo test).
function checkCommonOrder(model, a, b) {
  const inB = new Set(b.texts);
  const inA = new Set(a.texts);
  const la = a.texts.filter((t) => inB.has(t));
  const lb = b.texts.filter((t) => inA.has(t));
  const first = la.findIndex((t, i) => t !== lb[i]);
  if (first < 0) return {};
  const opOf = new Map(model.texts.map((t) => [t.text, t.op]));
  const senderOf = new Map(model.texts.map((t) => [t.text, t.sender]));
  const sameOps = la.every((t, i) => opOf.get(t) === opOf.get(lb[i]));
  const swapped = la.filter((t, i) => t !== lb[i]);
  // libxmtp also shows a member's own text at its send time: an SDK sender
  // of one of the simultaneous texts may order them apart from the others
  // (seen with seed 480935687, SDK and SDK).
  const ownText = swapped.some((t) => senderOf.get(t) === a.name || senderOf.get(t) === b.name);
  if (sameOps && (a.side === "ours" || b.side === "ours" || ownText) && !strictOrder) {
    return { swapped };
  }
  const around = (list) => list.slice(Math.max(0, first - 2), first + 3).join(" ");
  return {
    problem: `${a.name} and ${b.name} order common texts differently at ${first}: ${around(la)} vs ${around(lb)}`,
  };
}

describe(`randomized mixed group (XS_RANDOM_SEED=${seed})`, () => {
  let node;
  // Each of our clients in its own xs-client-peer process, so that two of
  // ours commit at the same moment too (one process serialises its
  // requests); XS_RANDOM_ONE_PEER=1 hosts them all in one.
  const peers = [];
  const peerLogTail = (lines) =>
    peers.flatMap((p, i) => p.log.slice(-lines).map((line) => `[peer ${i}] ${line}`)).join("\n");
  const members = [];

  before(async () => {
    node = await startNode();
    for (let i = 0; i < ourCount; ++i) {
      if (i === 0 || !onePeer) peers.push(new OurPeer(node.url));
      members.push(new Member(`o${i}`, "ours", await peers[peers.length - 1].create(`o${i}`)));
    }
    const sdks = await createClients(node, sdkCount);
    sdks.forEach((client, i) => members.push(new Member(`s${i}`, "sdk", client)));
  });

  after(async () => {
    for (const p of peers) await p.dispose();
    await node?.dispose();
  });

  // Found by this file (seed 1): our client met the re-add Welcome in
  // SyncWelcomes while its copy of the group was still active (it had not
  // yet applied its removal), ignored it as "a second Welcome for a group we
  // are in", then applied the removal and stayed inactive for good. Now it
  // applies the removal first and continues from the Welcome, as libxmtp
  // members in the same position do.
  test(
    "our member removed and re-added before it syncs rejoins",
    async () => {
      const adder = await peers[0].create("readd-adder");
      const readded = await peers[0].create("readd-member");
      const groupId = await adder.createGroup([readded.inboxId], "re-add");
      await readded.sync();
      assert.equal((await readded.group(groupId)).active, true);
      await adder.removeMembers(groupId, [readded.inboxId]);
      await adder.addMembers(groupId, [readded.inboxId]);
      await readded.sync(); // welcomes first, then the group: removal, then nothing
      await readded.messages(groupId);
      const view = await readded.group(groupId);
      const adderView = await adder.group(groupId);
      assert.deepEqual(view.members, adderView.members);
      assert.equal(view.active, true);
      assert.equal(view.epoch, adderView.epoch);
    },
  );

  // Found by this file (XS_RANDOM_STRICT_ORDER=1, e.g. seeds 203 and 903):
  // libxmtp shows every text at the node's created_ns; our client showed
  // received texts at the sender's clock (fixed on client by 20ffc6b) and
  // its own at its send time until it read them back (fixed on perf), so two
  // texts sent at the same moment came in different orders. Twenty
  // simultaneous pairs (SDK and SDK, ours and SDK) make a disagreement
  // nearly certain if it comes back.
  test(
    "simultaneous texts are ordered by ours as by the SDK",
    async () => {
      const ours = await peers[0].create("order-reader");
      const [a, b, c] = await createClients(node, 3);
      const groupId = await ours.createGroup([a.inboxId, b.inboxId, c.inboxId], "order");
      const [ga, gb, gc] = await Promise.all(
        [a, b, c].map((client) => waitFor("the SDK to join", () => syncedConversation(client, groupId))),
      );
      for (let i = 0; i < 10; ++i) {
        await Promise.all([ga.sendText(`a${i}`), gb.sendText(`b${i}`)]);
        await Promise.all([ours.send(groupId, `o${i}`), ga.sendText(`c${i}`)]);
      }
      await gc.sync();
      const sdkOrder = textsOf(await gc.messages());
      const ourOrder = (await ours.messages(groupId)).filter((m) => m.contentType === kText).map((m) => m.text);
      assert.deepEqual(ourOrder, sdkOrder);
    },
  );

  test(`${opCount} random operations, then every member agrees`, { timeout: 3_600_000 }, async () => {
    const rng = new Rng(seed);
    const log = [];
    const note = (line) => {
      log.push(line);
      if (verbose) console.log(line);
    };
    const model = new Model(members);
    const creator = members[0]; // ours, super admin
    const sdkAdmin = members.find((m) => !m.ours);
    // The two super admins (one per side) stay: they change the admin list.
    // Admins (and super admins) may remove; a member is demoted before it
    // can be removed.
    const superAdmins = [creator, sdkAdmin];
    const isAdmin = (m) => superAdmins.includes(m) || model.admins.has(m.name);
    const removableNow = (exclude) => members.filter((m) => m.member && !isAdmin(m) && !exclude.has(m.name));
    const adminTargets = (exclude) =>
      members.filter((m) => m.member && !superAdmins.includes(m) && !exclude.has(m.name));

    const groupId = await creator.handle.createGroup(
      members.filter((m) => m !== creator).map((m) => m.inboxId),
      "random",
    );
    model.names = new Set(["random"]);
    for (const m of members.slice(1)) await m.join(groupId);
    await creator.handle.addAdmin(groupId, sdkAdmin.inboxId);
    await creator.handle.call("addSuperAdmin", { groupId, inboxId: sdkAdmin.inboxId });
    model.admins.add(sdkAdmin.name);
    note(`#setup ${creator.name} creates the group with everyone; ${sdkAdmin.name} made admin and super admin`);
    note(`#setup inboxes ${members.map((m) => `${m.name}=${m.inboxId.slice(0, 8)}`).join(" ")}`);

    // The actor catches up first: the SDK always (libxmtp keeps only a few
    // past epochs for late application messages); ours half the time, since
    // our client catches up inside every change anyway.
    const prepare = async (actor) => {
      if (!actor.ours || rng.chance(0.5)) await actor.syncGroup(groupId);
    };

    // One side of an operation, applied to the model after it completed.
    // Returns {line, run, apply}.
    const plan = (kind, actor, opIndex, exclude) => {
      switch (kind) {
        case "send": {
          const text = model.newText();
          return {
            line: `${actor.name} send ${text}`,
            run: () => actor.send(groupId, text),
            text,
            actor,
          };
        }
        case "rename": {
          const name = `n${opIndex}${actor.name}`;
          return { line: `${actor.name} rename ${name}`, run: () => actor.rename(groupId, name), name };
        }
        case "remove": {
          const target = rng.pick(removableNow(exclude));
          exclude.add(target.name);
          return {
            line: `${actor.name} remove ${target.name}`,
            run: () => actor.remove(groupId, [target.inboxId]),
            removed: target,
          };
        }
        case "add": {
          const target = rng.pick(model.removed().filter((m) => !exclude.has(m.name)));
          exclude.add(target.name);
          return {
            line: `${actor.name} add ${target.name}`,
            run: () => actor.add(groupId, [target.inboxId]),
            added: target,
          };
        }
        case "admin": {
          const target = rng.pick(adminTargets(exclude));
          exclude.add(target.name);
          const promote = !model.admins.has(target.name);
          return {
            line: `${actor.name} ${promote ? "addAdmin" : "removeAdmin"} ${target.name}`,
            run: () => actor.changeAdmin(groupId, target.inboxId, promote),
            admin: { target, promote },
          };
        }
        default:
          throw new Error(`unknown kind ${kind}`);
      }
    };

    // Runs one or two sides at once, then applies them to the model.
    const perform = async (opIndex, sides) => {
      const before = model.memberSet();
      const lines = sides.map((s) => s.line).join(" | ");
      note(`#${opIndex} ${sides.length > 1 ? `[${lines}]` : lines}`);
      const results = await Promise.allSettled(sides.map((s) => s.run()));
      const errors = results
        .map((r, i) => (r.status === "rejected" ? `${sides[i].line}: ${r.reason?.stack ?? r.reason}` : null))
        .filter(Boolean);
      if (errors.length) fail(`op #${opIndex} failed:\n${errors.join("\n")}`);
      for (const s of sides) {
        if (!s.removed) continue;
        s.removed.member = false;
        // Half the time the removed member learns of it before anything else
        // happens; ours always unless XS_RANDOM_READD_UNSYNCED (see the
        // re-add test below: a re-add Welcome met before the removal).
        const learns = rng.chance(0.5);
        if (learns || (s.removed.ours && !readdUnsynced)) {
          note(`#${opIndex}   ${s.removed.name} syncs and sees its removal`);
          await s.removed.syncGroup(groupId);
          if (await s.removed.active(groupId)) fail(`op #${opIndex}: ${s.removed.name} still active after its removal`);
        }
      }
      for (const s of sides) {
        if (s.added) {
          s.added.member = true;
          s.added.period += 1;
        }
      }
      for (const s of sides) {
        if (s.admin?.promote) model.admins.add(s.admin.target.name);
        else if (s.admin) model.admins.delete(s.admin.target.name);
      }
      const renames = sides.filter((s) => s.name);
      if (renames.length) model.names = new Set(renames.map((s) => s.name));
      const afterSet = model.memberSet();
      for (const s of sides) {
        const racedCommit = sides.some((other) => other !== s && !other.text);
        if (s.text) model.recordText(s.text, opIndex, s.actor, before, afterSet, racedCommit);
      }
      for (const s of sides) if (s.added) await s.added.join(groupId);
    };

    const started = Date.now();
    for (let op = 0; op < opCount; ++op) {
      const current = model.current();
      const canRemove = removableNow(new Set()).length > 0;
      const canAdd = model.removed().length > 0;
      const kind = rng.weighted({
        send: 40,
        remove: canRemove ? 10 : 0,
        add: canAdd ? 10 : 0,
        rename: 10,
        admin: adminTargets(new Set()).length > 0 ? 5 : 0,
        concurrent: 25,
        sync: 5,
      });
      try {
        if (kind === "sync") {
          const who = rng.pick(current);
          note(`#${op} ${who.name} sync`);
          await who.syncGroup(groupId);
          continue;
        }
        if (kind !== "concurrent") {
          const actor =
            kind === "remove"
              ? rng.pick(current.filter(isAdmin))
              : kind === "admin"
                ? rng.pick(superAdmins)
                : rng.pick(current);
          await prepare(actor);
          await perform(op, [plan(kind, actor, op, new Set([actor.name]))]);
          continue;
        }
        // Two commits (or a commit and a text) at once: mostly ours against
        // the SDK, sometimes two of ours (separate processes) or two SDKs.
        const pairing = rng.weighted({ mixed: 6, ours: onePeer ? 0 : 2, sdk: 2 });
        const ours = current.filter((m) => m.ours);
        const sdks = current.filter((m) => !m.ours);
        let a, b;
        if (pairing === "mixed" || (pairing === "ours" && ours.length < 2) || (pairing === "sdk" && sdks.length < 2)) {
          a = rng.pick(ours);
          b = rng.pick(sdks);
        } else {
          const side = pairing === "ours" ? ours : sdks;
          a = rng.pick(side);
          b = rng.pick(side.filter((m) => m !== a));
        }
        const exclude = new Set([a.name, b.name]);
        const kindsFor = (actor) => {
          const kinds = ["send", "rename"];
          if (model.removed().some((m) => !exclude.has(m.name))) kinds.push("add");
          if (isAdmin(actor) && removableNow(exclude).length > 0) kinds.push("remove");
          if (superAdmins.includes(actor) && adminTargets(exclude).length > 0) kinds.push("admin");
          return kinds;
        };
        // Mostly at least one side commits; two texts at once check that
        // every member orders them the same way.
        const ka = rng.pick(kindsFor(a));
        const sa = plan(ka, a, op, exclude);
        const bothSend = rng.chance(0.25);
        const kb = rng.pick(kindsFor(b).filter((k) => bothSend || ka !== "send" || k !== "send"));
        const sb = plan(kb, b, op, exclude);
        await prepare(a);
        await prepare(b);
        await perform(op, [sa, sb]);
      } catch (error) {
        const tail = peerLogTail(40);
        throw new Error(
          `${error.message}\n--- operations (replay with XS_RANDOM_SEED=${seed} XS_RANDOM_OPS=${op + 1}):\n` +
            `${log.join("\n")}\n--- xs-client-peer stderr (last 40 lines each):\n${tail}`,
        );
      }
    }
    const opsMs = Date.now() - started;

    // Everyone (removed members too) syncs once; nothing is in flight.
    const states = new Map();
    for (const m of members) states.set(m.name, { ...(await m.state(groupId)), name: m.name, side: m.side });

    const problems = [];
    const current = model.current();
    const expectedMembers = current.map((m) => m.inboxId).sort();
    const expectedAdmins = members.filter((m) => model.admins.has(m.name)).map((m) => m.inboxId).sort();
    const expectedSuperAdmins = superAdmins.map((m) => m.inboxId).sort();
    const epochs = new Set(current.map((m) => states.get(m.name).epoch));
    if (epochs.size !== 1) {
      problems.push(`epochs differ: ${current.map((m) => `${m.name}=${states.get(m.name).epoch}`).join(" ")}`);
    }
    const names = new Set(current.map((m) => states.get(m.name).groupName));
    if (names.size !== 1) {
      const shownNames = current.map((m) => `${m.name}=${JSON.stringify(states.get(m.name).groupName)}`);
      problems.push(`names differ: ${shownNames.join(" ")}`);
    } else if (!model.names.has([...names][0])) {
      problems.push(`name ${JSON.stringify([...names][0])} is not one of ${[...model.names].join(", ")}`);
    }
    const short = (inbox) => members.find((m) => m.inboxId === inbox)?.name ?? inbox.slice(0, 8);
    const lost = [];
    const tolerated = [];
    for (const m of members) {
      const s = states.get(m.name);
      if (m.member) {
        if (!s.active) problems.push(`${m.name} is a member but not active`);
        if (s.forked) problems.push(`${m.name}: libxmtp reports a possible fork`);
        for (const [field, expected] of [
          ["admins", expectedAdmins],
          ["superAdmins", expectedSuperAdmins],
        ]) {
          if (JSON.stringify(s[field]) !== JSON.stringify(expected)) {
            const list = (ids) => ids.map(short).join(" ");
            problems.push(`${m.name} ${field} [${list(s[field])}], expected [${list(expected)}]`);
          }
        }
        if (JSON.stringify(s.members) !== JSON.stringify(expectedMembers)) {
          problems.push(
            `${m.name} members [${s.members.map(short).join(" ")}], expected [${expectedMembers.map(short).join(" ")}]`,
          );
        }
      } else if (s.active) {
        problems.push(`${m.name} was removed but is still active`);
      }
      const { problems: textProblems, lostHistory, sdkLost } = checkTexts(model, m, s.texts);
      if (sdkLost.length) tolerated.push(`${m.name} ${sdkLost.join(" ")}`);
      for (const p of textProblems) problems.push(`${m.name} (${s.texts.length} texts): ${p}`);
      if ((process.env.XS_RANDOM_DUMP ?? "").split(",").includes(m.name)) {
        console.log(`${m.name} shows`, JSON.stringify(await m.dump(groupId)));
      }
      if (lostHistory.length) lost.push(`${m.name} ${lostHistory.length}`);
    }
    const shown = [...states.values()];
    const orderSwaps = new Set();
    for (const m of members) {
      for (const text of m.missing ?? []) {
        const holders = shown.filter((s) => s.texts.includes(text)).map((s) => s.name);
        const entry = model.texts.find((t) => t.text === text);
        problems.push(`  ${text} (op ${entry.op}, from ${entry.sender}) is shown by [${holders.join(" ")}]`);
      }
    }
    for (let i = 0; i < shown.length; ++i) {
      for (let j = i + 1; j < shown.length; ++j) {
        const { problem, swapped } = checkCommonOrder(model, shown[i], shown[j]);
        if (problem) problems.push(problem);
        for (const text of swapped ?? []) orderSwaps.add(text);
      }
    }

    console.log(
      `seed ${seed}: ${opCount} operations in ${(opsMs / 1000).toFixed(1)} s; ${model.texts.length} texts; ` +
        `members at the end [${current.map((m) => m.name).join(" ")}], epoch ${[...epochs].join("/")}; ` +
        `texts ${shown.map((s) => `${s.name}=${s.texts.length}`).join(" ")}` +
        (lost.length ? `; history before a re-add not kept: ${lost.join(", ")}` : "") +
        (tolerated.length ? `; raced texts libxmtp could not open: ${tolerated.join(", ")}` : "") +
        (orderSwaps.size ? `; simultaneous texts ordered apart: ${[...orderSwaps].join(" ")}` : ""),
    );
    if (problems.length) {
      assert.fail(
        `[XS_RANDOM_SEED=${seed}] members disagree after ${opCount} operations:\n  ${problems.join("\n  ")}\n` +
          `--- operations:\n${log.join("\n")}\n--- xs-client-peer stderr (last 40 lines each):\n${peerLogTail(40)}`,
      );
    }
  });
});
