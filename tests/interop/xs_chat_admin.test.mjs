// The chat administration commands of the real `xs` (XS_BIN) against our
// node, seen by official @xmtp/node-sdk peers: the name, description and
// image we set, the members we add and remove, the roles we grant and take,
// and our leave (the SDK super admin removes our inbox). In an SDK group our
// inbox is a plain member, and the SDK's policies hold for `xs` too.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { sdkMembers, syncedConversation, syncUntilInactive, waitFor } from "./lib/clients.mjs";
import { signetWithSdkPeers } from "./lib/xs_signet.mjs";

const sorted = (list) => [...list].sort();

describe("xs chat update, member and leave with SDK peers", () => {
  let alice, bob, signet;
  const setup = signetWithSdkPeers(2);
  before(() => ({ sdks: [alice, bob], signet } = setup));

  test("the SDK sees the name, description, image, members and roles we set", async () => {
    const chat = signet.ok(["chat", "create", "--name", "admin interop", "--members", alice.inboxId]);
    const ours = chat.networkInboxId;
    const aliceGroup = await waitFor("alice to join", () => syncedConversation(alice, chat.networkGroupId));

    signet.ok(["chat", "update", chat.id, "--name", "renamed by xs", "--description", "set by xs", "--image", "https://example.com/xs.png"]);
    await waitFor("alice to see the new metadata", async () => {
      await aliceGroup.sync();
      return aliceGroup.name === "renamed by xs";
    });
    assert.equal(aliceGroup.description, "set by xs");
    assert.equal(aliceGroup.imageUrl, "https://example.com/xs.png");

    const added = signet.ok(["chat", "member", "add", chat.id, bob.inboxId]);
    assert.equal(added.changed, true);
    const bobGroup = await waitFor("bob to join", () => syncedConversation(bob, chat.networkGroupId));
    assert.equal(bobGroup.name, "renamed by xs");
    assert.deepEqual(await sdkMembers(aliceGroup), sorted([ours, alice.inboxId, bob.inboxId]));
    const listed = signet.ok(["chat", "member", "list", chat.id]);
    assert.deepEqual(sorted(listed.map((m) => m.inboxId)), sorted([ours, alice.inboxId, bob.inboxId]));

    signet.ok(["chat", "member", "promote", chat.id, alice.inboxId]);
    await aliceGroup.sync();
    assert.deepEqual(aliceGroup.listAdmins(), [alice.inboxId]);
    signet.ok(["chat", "member", "promote", chat.id, alice.inboxId, "--super"]);
    await aliceGroup.sync();
    assert.deepEqual(sorted(aliceGroup.listSuperAdmins()), sorted([ours, alice.inboxId]));
    signet.ok(["chat", "member", "demote", chat.id, alice.inboxId, "--super"]);
    signet.ok(["chat", "member", "demote", chat.id, alice.inboxId]);
    await aliceGroup.sync();
    assert.deepEqual(aliceGroup.listSuperAdmins(), [ours]);
    assert.deepEqual(aliceGroup.listAdmins(), []);

    signet.ok(["chat", "member", "rm", chat.id, bob.inboxId]);
    assert.deepEqual(await sdkMembers(aliceGroup), sorted([ours, alice.inboxId]));
    await waitFor("bob to see his removal", () => syncUntilInactive(bobGroup));

    // A change the SDK makes shows in `xs chat info` after a sync.
    await aliceGroup.updateName("renamed by the SDK");
    await waitFor("xs to see the SDK's name", () => {
      signet.ok(["chat", "sync", chat.id]);
      return signet.ok(["chat", "info", chat.id]).name === "renamed by the SDK";
    });
  });

  test("our leave: the only super admin is refused; once alice is one, she removes us", async () => {
    const chat = signet.ok(["chat", "create", "--name", "we leave", "--members", alice.inboxId]);
    const aliceGroup = await waitFor("alice to join", () => syncedConversation(alice, chat.networkGroupId));
    const refused = signet.run(["chat", "leave", chat.id, "--force"]);
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /only super admin/);

    signet.ok(["chat", "member", "promote", chat.id, alice.inboxId, "--super"]);
    const plan = signet.ok(["chat", "leave", chat.id]);
    assert.equal(plan.dryRun, true);
    await aliceGroup.sync();
    assert.deepEqual(await sdkMembers(aliceGroup), sorted([chat.networkInboxId, alice.inboxId]));

    const left = signet.ok(["chat", "leave", chat.id, "--force"]);
    assert.equal(left.left, true);
    // libxmtp's pending-removal worker (alice is a super admin) removes us.
    await waitFor("alice to remove our inbox", async () => {
      const members = await sdkMembers(aliceGroup);
      return JSON.stringify(members) === JSON.stringify([alice.inboxId]);
    });
    await waitFor("xs to see its removal", () => {
      signet.ok(["chat", "sync", chat.id]);
      return signet.ok(["chat", "info", chat.id]).state === "removed";
    });
  });

  test("in an SDK group our inbox is a plain member: admin changes are refused, leaving works", async () => {
    const inbox = signet.ok(["inbox", "create", "--label", "guest"]);
    const aliceGroup = await alice.conversations.createGroup([inbox.networkInboxId, bob.inboxId], { groupName: "alice's" });
    signet.ok(["chat", "sync"]);
    const chat = signet.ok(["chat", "info", aliceGroup.id]);
    const promote = signet.run(["chat", "member", "promote", chat.id, bob.inboxId]);
    assert.equal(promote.code, 4, promote.stderr);
    const remove = signet.run(["chat", "member", "rm", chat.id, bob.inboxId]);
    assert.equal(remove.code, 4, remove.stderr);
    const missing = signet.run(["chat", "member", "rm", chat.id, "f".repeat(64)]);
    assert.equal(missing.code, 2, missing.stderr);
    const malformed = signet.run(["chat", "member", "add", chat.id, "bob"]);
    assert.equal(malformed.code, 1, malformed.stderr);
    assert.deepEqual(await sdkMembers(aliceGroup), sorted([alice.inboxId, bob.inboxId, inbox.networkInboxId]));

    signet.ok(["chat", "leave", chat.id, "--force"]);
    await waitFor("alice to remove our inbox", async () => {
      const members = await sdkMembers(aliceGroup);
      return JSON.stringify(members) === JSON.stringify(sorted([alice.inboxId, bob.inboxId]));
    });
  });
});
