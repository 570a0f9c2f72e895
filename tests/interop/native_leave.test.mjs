// Leaving a group between our native client (xs-client-peer) and the SDK
// (libxmtp 1.9.1): a member sends a LeaveRequest (xmtp.org/leave_request:1.0)
// and a super admin removes it with an ordinary commit, whose GroupUpdated
// lists it under left_inboxes. Both ways: the SDK member leaves a group our
// client administers, our member leaves an SDK group; then everyone agrees
// on the membership and the leaver gets no new messages.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { contentTypeLeaveRequest } from "@xmtp/node-sdk";
import { createClients, sdkMembers, syncedConversation, syncUntilInactive, textsOf, waitFor } from "./lib/clients.mjs";
import { startNode } from "./lib/node_process.mjs";
import { OurPeer } from "./lib/our_peer.mjs";

const kLeaveRequest = "xmtp.org/leave_request:1.0";
const typeString = (t) => `${t.authorityId}/${t.typeId}:${t.versionMajor}.${t.versionMinor}`;
const sorted = (list) => [...list].sort();
const ourTexts = (messages) => messages.filter((m) => m.text !== undefined).map((m) => m.text);

// The inboxes the GroupUpdated messages list as having left.
function sdkLeft(messages) {
  return messages.filter((m) => m.contentType.typeId === "group_updated").flatMap((m) => m.content.leftInboxes.map((i) => i.inboxId));
}
function ourLeft(messages) {
  return messages.filter((m) => m.groupUpdated).flatMap((m) => m.groupUpdated.leftInboxes);
}

describe("leaving a group: our client and the SDK", () => {
  let node, peer;
  let alice, bob;

  before(async () => {
    node = await startNode();
    [alice, bob] = await createClients(node, 2);
    peer = new OurPeer(node.url);
  });

  after(async () => {
    await peer?.dispose();
    await node?.dispose();
  });

  test("an SDK member leaves a group our client administers", async () => {
    assert.equal(typeString(contentTypeLeaveRequest()), kLeaveRequest);
    const ours = await peer.create("admin");
    const groupId = await ours.createGroup([alice.inboxId, bob.inboxId], "sdk leaves");
    const aliceGroup = await waitFor("alice to join", () => syncedConversation(alice, groupId));
    const bobGroup = await waitFor("bob to join", () => syncedConversation(bob, groupId));

    await aliceGroup.requestRemoval();
    assert.equal(aliceGroup.isPendingRemoval(), true);

    // Our super admin's sync reads the request and removes alice.
    const remaining = sorted([ours.inboxId, bob.inboxId]);
    const oursMessages = await waitFor("ours to remove alice", async () => {
      const messages = await ours.messages(groupId);
      const view = await ours.group(groupId);
      return JSON.stringify(view.members) === JSON.stringify(remaining) ? messages : undefined;
    });
    const request = oursMessages.find((m) => m.contentType === kLeaveRequest);
    assert.ok(request, "ours stores alice's LeaveRequest");
    assert.equal(request.senderInboxId, alice.inboxId);
    assert.equal(request.leaveRequest, true);
    assert.deepEqual(ourLeft(oursMessages), [alice.inboxId]);

    assert.deepEqual(await sdkMembers(bobGroup), remaining);
    const bobMessages = await bobGroup.messages();
    assert.deepEqual(sdkLeft(bobMessages), [alice.inboxId]);
    // The removal's GroupUpdated is the same message on both sides.
    const leftBy = (m) => m.content?.leftInboxes?.some((i) => i.inboxId === alice.inboxId);
    const ourRemoval = oursMessages.find((m) => m.groupUpdated?.leftInboxes.includes(alice.inboxId));
    assert.equal(ourRemoval.id, bobMessages.find(leftBy)?.id);
    await waitFor("alice to see her removal", () => syncUntilInactive(aliceGroup));
    assert.deepEqual(sdkLeft(await aliceGroup.messages()), [alice.inboxId]);

    await ours.send(groupId, "after alice left");
    await bobGroup.sync();
    assert.ok(textsOf(await bobGroup.messages()).includes("after alice left"));
    await assert.rejects(aliceGroup.sync(), /inactive/i);
    assert.ok(!textsOf(await aliceGroup.messages()).includes("after alice left"));
  });

  test("our member leaves an SDK group", async () => {
    const ours = await peer.create("leaver");
    const aliceGroup = await alice.conversations.createGroup([ours.inboxId, bob.inboxId]);
    const groupId = aliceGroup.id;
    assert.deepEqual(await ours.sync(), [groupId]);
    const bobGroup = await waitFor("bob to join", () => syncedConversation(bob, groupId));

    await ours.leave(groupId);
    let view = await ours.group(groupId);
    assert.equal(view.pendingRemoval, true);
    assert.equal(view.active, true);
    await ours.leave(groupId); // asking twice sends once
    const requests = (await ours.messages(groupId, { sync: false })).filter((m) => m.contentType === kLeaveRequest);
    assert.equal(requests.length, 1);

    // The SDK super admin's pending-removal worker removes us once alice
    // has read the request.
    const remaining = sorted([alice.inboxId, bob.inboxId]);
    await waitFor("alice to remove ours", async () => {
      const members = await sdkMembers(aliceGroup);
      return JSON.stringify(members) === JSON.stringify(remaining);
    });
    const aliceMessages = await aliceGroup.messages();
    assert.deepEqual(sdkLeft(aliceMessages), [ours.inboxId]);
    assert.deepEqual(await sdkMembers(bobGroup), remaining);

    const oursMessages = await ours.messages(groupId);
    view = await ours.group(groupId);
    assert.equal(view.active, false);
    assert.equal(view.pendingRemoval, false);
    assert.deepEqual(ourLeft(oursMessages), [ours.inboxId]);
    const ourRemoval = oursMessages.find((m) => m.groupUpdated?.leftInboxes.includes(ours.inboxId));
    const leftBy = (m) => m.content?.leftInboxes?.some((i) => i.inboxId === ours.inboxId);
    assert.equal(ourRemoval.id, aliceMessages.find(leftBy)?.id);
    // Our LeaveRequest is the same message for the SDK.
    const ourRequest = oursMessages.find((m) => m.contentType === kLeaveRequest);
    assert.equal(aliceMessages.find((m) => m.id === ourRequest.id)?.contentType.typeId, "leave_request");

    await bobGroup.sendText("after ours left");
    await alice.conversations.sync();
    await aliceGroup.sync();
    assert.ok(textsOf(await aliceGroup.messages()).includes("after ours left"));
    assert.ok(!ourTexts(await ours.messages(groupId)).includes("after ours left"));
    await assert.rejects(ours.send(groupId, "still here?"));
  });

  test("our super admin leaves: it steps down, the SDK super admin removes it", async () => {
    const ours = await peer.create("stepping-down");
    const groupId = await ours.createGroup([alice.inboxId], "super admin leaves");
    // The only super admin cannot leave.
    await assert.rejects(ours.leave(groupId), /^Error: permission: .*the only super admin cannot leave/);
    await ours.call("addSuperAdmin", { groupId, inboxId: alice.inboxId });
    const aliceGroup = await waitFor("alice to join", () => syncedConversation(alice, groupId));

    await ours.leave(groupId);
    const view = await ours.group(groupId);
    assert.deepEqual(view.superAdmins, [alice.inboxId]);
    await waitFor("alice to remove ours", async () => {
      const members = await sdkMembers(aliceGroup);
      return JSON.stringify(members) === JSON.stringify([alice.inboxId]);
    });
    await waitFor("ours to see it left", async () => {
      await ours.messages(groupId);
      return (await ours.group(groupId)).active === false;
    });
  });
});
