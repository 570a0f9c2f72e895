// Our native C++ client (xs-client-peer) and the official SDK in the same
// groups on our node: groups made by either side, text both ways, membership
// and names agreed on.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createClients, syncedConversation, textsOf, waitFor } from "./lib/clients.mjs";
import { startNode } from "./lib/node_process.mjs";
import { OurPeer } from "./lib/our_peer.mjs";

const ourTexts = (messages) => messages.filter((m) => m.contentType === "xmtp.org/text:1.0").map((m) => m.text);

describe("our client and the SDK in the same groups", () => {
  let node, peer;
  let sdkAlice, sdkBob, ours, ours2;

  before(async () => {
    node = await startNode();
    [sdkAlice, sdkBob] = await createClients(node, 2);
    peer = new OurPeer(node.url);
    ours = await peer.create("ours");
    ours2 = await peer.create("ours2");
  });

  after(async () => {
    await peer?.dispose();
    await node?.dispose();
  });

  test("the SDK sees our inbox", async () => {
    const states = await sdkAlice.preferences.fetchInboxStates([ours.inboxId]);
    assert.equal(states.length, 1);
    assert.deepEqual(
      states[0].installations.map((i) => i.id),
      [ours.installationKey],
    );
  });

  test("our client creates a group with SDK members; texts go both ways", async () => {
    const groupId = await ours.createGroup([sdkAlice.inboxId], "made by ours");
    const aliceGroup = await waitFor("alice to see our group", () => syncedConversation(sdkAlice, groupId));
    assert.equal(aliceGroup.name, "made by ours");
    const members = (await aliceGroup.members()).map((m) => m.inboxId).sort();
    assert.deepEqual(members, [ours.inboxId, sdkAlice.inboxId].sort());

    await ours.send(groupId, "hello from C++");
    await waitFor("alice to read our text", async () => {
      await aliceGroup.sync();
      return textsOf(await aliceGroup.messages()).includes("hello from C++");
    });

    await aliceGroup.sendText("hello from the SDK");
    await waitFor("ours to read alice's text", async () =>
      ourTexts(await ours.messages(groupId)).includes("hello from the SDK"),
    );
    const view = await ours.group(groupId);
    assert.equal(view.name, "made by ours");
    assert.deepEqual(view.members.sort(), [ours.inboxId, sdkAlice.inboxId].sort());
  });

  test("the SDK creates a group with our member; we join and talk", async () => {
    const group = await sdkAlice.conversations.createGroup([ours.inboxId], { groupName: "made by the SDK" });
    const joined = await waitFor("ours to join", async () => {
      const ids = await ours.sync();
      return ids.includes(group.id) || (await ours.conversations()).some((c) => c.groupId === group.id);
    });
    assert.ok(joined);
    const view = await ours.group(group.id);
    assert.equal(view.name, "made by the SDK");
    assert.deepEqual(view.members.sort(), [ours.inboxId, sdkAlice.inboxId].sort());

    await group.sendText("welcome, C++");
    await waitFor("ours to read the SDK's text", async () =>
      ourTexts(await ours.messages(group.id)).includes("welcome, C++"),
    );
    await ours.send(group.id, "thanks, SDK");
    await waitFor("alice to read our reply", async () => {
      await group.sync();
      return textsOf(await group.messages()).includes("thanks, SDK");
    });
  });

  test("adds and removes from both sides, names agreed", async () => {
    const groupId = await ours.createGroup([sdkAlice.inboxId], "membership");
    const aliceGroup = await waitFor("alice to see the group", () => syncedConversation(sdkAlice, groupId));
    // Ours adds an SDK member and another of ours.
    await ours.addMembers(groupId, [sdkBob.inboxId, ours2.inboxId]);
    const bobGroup = await waitFor("bob to see the group", () => syncedConversation(sdkBob, groupId));
    await waitFor("ours2 to join", async () => (await ours2.sync(), (await ours2.conversations()).some((c) => c.groupId === groupId)));
    const everyone = [ours.inboxId, ours2.inboxId, sdkAlice.inboxId, sdkBob.inboxId].sort();
    assert.deepEqual((await bobGroup.members()).map((m) => m.inboxId).sort(), everyone);
    await aliceGroup.sync();
    assert.deepEqual((await aliceGroup.members()).map((m) => m.inboxId).sort(), everyone);

    // Only admins may remove under the default policies: the SDK member is
    // refused until our creator makes it an admin.
    await aliceGroup.sync();
    await assert.rejects(aliceGroup.removeMembers([ours2.inboxId]), /InsufficientPermissions|synced/);
    await ours.addAdmin(groupId, sdkAlice.inboxId);
    await aliceGroup.sync();
    assert.ok(aliceGroup.isAdmin(sdkAlice.inboxId));
    await aliceGroup.removeMembers([ours2.inboxId]);
    await waitFor("ours to see the removal", async () => {
      await ours.messages(groupId);
      const view = await ours.group(groupId);
      return !view.members.includes(ours2.inboxId);
    });
    await waitFor("ours2 to learn it was removed", async () => {
      await ours2.messages(groupId);
      return !(await ours2.group(groupId)).active;
    });

    // Ours renames; the SDK sees it; the SDK renames back; ours sees it.
    await ours.updateName(groupId, "renamed by ours");
    await bobGroup.sync();
    assert.equal(bobGroup.name, "renamed by ours");
    await bobGroup.updateName("renamed by the SDK");
    await waitFor("ours to see the SDK's name", async () => {
      await ours.messages(groupId);
      return (await ours.group(groupId)).name === "renamed by the SDK";
    });

    // Ours removes an SDK member; everyone agrees.
    await ours.removeMembers(groupId, [sdkBob.inboxId]);
    await aliceGroup.sync();
    assert.deepEqual(
      (await aliceGroup.members()).map((m) => m.inboxId).sort(),
      [ours.inboxId, sdkAlice.inboxId].sort(),
    );
    await ours.send(groupId, "after the changes");
    await waitFor("alice to read it", async () => {
      await aliceGroup.sync();
      return textsOf(await aliceGroup.messages()).includes("after the changes");
    });
  });
});
