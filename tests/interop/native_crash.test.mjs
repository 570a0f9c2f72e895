// kill -9 of our client process at random points while it syncs, sends and
// commits; after each restart (the same store file and key) nothing is lost,
// nothing is duplicated and the group has not forked: the other member reads
// what it sends and it reads what the other sends.
//
// XS_CRASH_SEED replays a run (the seed is printed); XS_CRASH_ROUNDS sets the
// number of kills (default 8 for CI; e.g. 100 for a longer local run).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { makeTempDir, startNode } from "./lib/node_process.mjs";
import { OurPeer } from "./lib/our_peer.mjs";

// mulberry32: small, seedable, good enough to pick delays and operations.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = Number(process.env.XS_CRASH_SEED ?? randomBytes(4).readUInt32LE(0));
const rounds = Number(process.env.XS_CRASH_ROUNDS ?? 8);
console.log(`native_crash: XS_CRASH_SEED=${seed} XS_CRASH_ROUNDS=${rounds}`);

const texts = (messages) => messages.filter((m) => m.contentType === "xmtp.org/text:1.0").map((m) => m.text);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`our client killed with SIGKILL at random points (seed ${seed})`, () => {
  let node, stable, crashy, dir;

  before(async () => {
    node = await startNode();
    stable = new OurPeer(node.url);
    dir = makeTempDir("crash");
  });

  after(async () => {
    // Also when an assertion failed: a live peer would keep the run open.
    await crashy?.dispose();
    await stable?.dispose();
    await node?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("sync, send and commit survive kill -9: nothing lost, nothing twice, no fork", async () => {
    const random = prng(seed);
    const db = path.join(dir, "crashy.sqlite3");
    const dbKeyHex = randomBytes(32).toString("hex");
    crashy = new OurPeer(node.url, { db, dbKeyHex });
    const alice = await stable.create("alice");
    let bob = await crashy.create("bob");
    const groupId = await alice.createGroup([bob.inboxId], "crash test");
    await bob.sync();

    const aliceSent = [];
    const bobAcked = [];
    let seq = 0;
    for (let round = 0; round < rounds; ++round) {
      // Work for bob to be in the middle of: alice's messages to sync, bob's
      // own sends and a rename (a commit).
      const burst = 1 + Math.floor(random() * 20);
      for (let i = 0; i < burst; ++i) {
        const text = `a-${round}-${i}`;
        await alice.send(groupId, text);
        aliceSent.push(text);
      }
      const inflight = [];
      const ops = 1 + Math.floor(random() * 6);
      for (let i = 0; i < ops; ++i) {
        const pick = random();
        if (pick < 0.6) {
          const text = `b-${round}-${seq++}`;
          inflight.push(bob.send(groupId, text).then(() => bobAcked.push(text), () => {}));
        } else if (pick < 0.8) {
          inflight.push(bob.updateName(groupId, `name ${round}-${i}`).catch(() => {}));
        } else {
          inflight.push(bob.messages(groupId).catch(() => {}));
        }
      }
      await sleep(Math.floor(random() * 40));
      await crashy.kill();
      await Promise.allSettled(inflight);

      crashy = new OurPeer(node.url, { db, dbKeyHex });
      bob = await crashy.open("bob", bob.installationKey);
      // Alive and in step: a message from bob reaches alice.
      const marker = `b-marker-${round}`;
      await bob.send(groupId, marker);
      bobAcked.push(marker);
    }

    await bob.sync();
    const bobTexts = texts(await bob.messages(groupId));
    const aliceTexts = texts(await alice.messages(groupId));
    const context = `seed ${seed}`;

    // Everything alice sent, once each, in order, at bob.
    assert.deepEqual(
      bobTexts.filter((t) => t.startsWith("a-")),
      aliceSent,
      `bob's copy of alice's messages (${context})`,
    );
    // Nothing twice on either side.
    assert.equal(new Set(bobTexts).size, bobTexts.length, `duplicates at bob (${context})`);
    assert.equal(new Set(aliceTexts).size, aliceTexts.length, `duplicates at alice (${context})`);
    // Every send bob acknowledged reached alice; so did every send bob kept
    // in its store across a crash (published again after the restart).
    const aliceSet = new Set(aliceTexts);
    for (const text of bobAcked) assert.ok(aliceSet.has(text), `alice lacks ${text} (${context})`);
    const bobMessages = await bob.messages(groupId, { sync: false });
    for (const text of bobTexts.filter((t) => t.startsWith("b-"))) {
      if (aliceSet.has(text)) continue;
      const copy = JSON.stringify(bobMessages.find((m) => m.text === text));
      const skipped = stable.log.filter((line) => line.includes("skipped")).join("\n");
      assert.fail(`bob stored ${text} (${copy}) but alice never got it (${context}); alice skipped:\n${skipped}`);
    }
    // No fork: one epoch and one name on both sides.
    const [aliceView, bobView] = [await alice.group(groupId), await bob.group(groupId)];
    assert.equal(bobView.epoch, aliceView.epoch, `epochs (${context})`);
    assert.equal(bobView.name, aliceView.name, `names (${context})`);
  });
});
