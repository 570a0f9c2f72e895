// Consent defaults of our native client (xs-client-peer) against the SDK's
// (node-sdk 5.5.0) in the same situations on our node: a group created, a
// group welcomed into, a DM started and a DM received (both ways between us
// and the SDK), and a message sent in a denied conversation. Consent is local
// to each client; nothing here crosses the wire but the conversations.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConsentEntityType, ConsentState } from "@xmtp/node-sdk";
import { syncedConversation, waitFor } from "./lib/clients.mjs";
import { oursAndSdkClients } from "./lib/fixtures.mjs";

const kNames = { [ConsentState.Unknown]: "unknown", [ConsentState.Allowed]: "allowed", [ConsentState.Denied]: "denied" };
const sdkState = (conversation) => kNames[conversation.consentState()];
const sdkInboxState = async (client, inboxId) =>
  kNames[await client.preferences.getConsentState(ConsentEntityType.InboxId, inboxId)];

// Our client joins `groupId` from its Welcome.
async function ourJoin(ours, groupId) {
  await waitFor(`${ours.name} to join ${groupId}`, async () => {
    await ours.sync();
    return ours.group(groupId).catch(() => null);
  });
}

describe("consent: our defaults are the SDK's", () => {
  const f = oursAndSdkClients();

  test("a group we create is allowed; one we are welcomed into is unknown", async () => {
    const { sdkAlice, sdkBob, ours, ours2 } = f;
    // The SDK between SDK clients.
    const sdkGroup = await sdkAlice.conversations.createGroup([sdkBob.inboxId]);
    const sdkWelcomed = await waitFor("bob to join", () => syncedConversation(sdkBob, sdkGroup.id));
    // Ours between our clients.
    const ourGroup = await ours.createGroup([ours2.inboxId]);
    await ourJoin(ours2, ourGroup);
    assert.deepEqual(
      { created: await ours.consent("group", ourGroup), welcomed: await ours2.consent("group", ourGroup) },
      { created: sdkState(sdkGroup), welcomed: sdkState(sdkWelcomed) },
    );
    assert.deepEqual([sdkState(sdkGroup), sdkState(sdkWelcomed)], ["allowed", "unknown"]);
    // Across: the SDK welcomed into ours, ours welcomed into the SDK's.
    const crossOurs = await ours.createGroup([sdkBob.inboxId]);
    const sdkInOurs = await waitFor("bob to join ours", () => syncedConversation(sdkBob, crossOurs));
    const crossSdk = await sdkAlice.conversations.createGroup([ours2.inboxId]);
    await ourJoin(ours2, crossSdk.id);
    assert.equal(sdkState(sdkInOurs), "unknown");
    assert.equal(await ours2.consent("group", crossSdk.id), sdkState(sdkWelcomed));
    assert.equal((await ours2.group(crossSdk.id)).consent, "unknown");
  });

  test("DMs both ways: the starter allows the DM, the peer's is unknown, inboxes stay unknown", async () => {
    const { sdkAlice, sdkBob, ours, ours2 } = f;
    // The SDK starts a DM with us.
    const sdkDm = await sdkAlice.conversations.createDm(ours.inboxId);
    await ourJoin(ours, sdkDm.id);
    // We start a DM with the SDK.
    const ourDm = await ours2.createDm(sdkBob.inboxId);
    const sdkReceived = await waitFor("bob to receive our DM", () => syncedConversation(sdkBob, ourDm));
    assert.deepEqual(
      {
        startedByUs: await ours2.consent("group", ourDm),
        receivedByUs: await ours.consent("group", sdkDm.id),
        peerInboxOfOurs: await ours2.consent("inbox", sdkBob.inboxId),
        senderInboxOfReceived: await ours.consent("inbox", sdkAlice.inboxId),
      },
      {
        startedByUs: sdkState(sdkDm),
        receivedByUs: sdkState(sdkReceived),
        peerInboxOfOurs: await sdkInboxState(sdkAlice, ours.inboxId),
        senderInboxOfReceived: await sdkInboxState(sdkBob, ours2.inboxId),
      },
    );
    assert.deepEqual([sdkState(sdkDm), sdkState(sdkReceived)], ["allowed", "unknown"]);
  });

  test("sending in a denied conversation allows it", async () => {
    const { sdkAlice, sdkBob, ours } = f;
    const sdkGroup = await sdkAlice.conversations.createGroup([sdkBob.inboxId]);
    const sdkWelcomed = await waitFor("bob to join", () => syncedConversation(sdkBob, sdkGroup.id));
    sdkWelcomed.updateConsentState(ConsentState.Denied);
    await sdkWelcomed.sendText("after all");
    const ourGroup = await sdkAlice.conversations.createGroup([ours.inboxId]);
    await ourJoin(ours, ourGroup.id);
    await ours.setConsent("group", ourGroup.id, "denied");
    assert.equal(await ours.consent("group", ourGroup.id), "denied");
    await ours.send(ourGroup.id, "after all");
    assert.equal(await ours.consent("group", ourGroup.id), sdkState(sdkWelcomed));
    assert.equal(sdkState(sdkWelcomed), "allowed");
  });

  test("asking to leave allows; added back after leaving is unknown again", async () => {
    const { sdkAlice, sdkBob, ours } = f;
    const group = await sdkAlice.conversations.createGroup([sdkBob.inboxId, ours.inboxId]);
    const bobs = await waitFor("bob to join", () => syncedConversation(sdkBob, group.id));
    await ourJoin(ours, group.id);
    await bobs.requestRemoval();
    await ours.leave(group.id);
    const afterLeave = { ours: await ours.consent("group", group.id), sdk: sdkState(bobs) };
    // Alice, the super admin, removes both when she syncs.
    await waitFor("alice to remove the leavers", async () => {
      await group.sync();
      const members = (await group.members()).map((m) => m.inboxId);
      return !members.includes(sdkBob.inboxId) && !members.includes(ours.inboxId);
    });
    await group.addMembers([sdkBob.inboxId, ours.inboxId]);
    const bobsAgain = await waitFor("bob to rejoin", async () => {
      await sdkBob.conversations.sync();
      const c = await sdkBob.conversations.getConversationById(group.id);
      return c?.isActive ? c : null;
    });
    await waitFor("ours to rejoin", async () => {
      await ours.sync();
      return (await ours.group(group.id)).active;
    });
    assert.deepEqual(afterLeave, { ours: "allowed", sdk: "allowed" });
    assert.equal(await ours.consent("group", group.id), sdkState(bobsAgain));
    assert.equal(sdkState(bobsAgain), "unknown");
  });

  test("an inbox id that is not one is refused by us (the SDK stores anything)", async () => {
    const { sdkAlice, ours } = f;
    await assert.rejects(ours.setConsent("inbox", "not-an-inbox", "denied"), /^Error: validation: /);
    await ours.setConsent("inbox", sdkAlice.inboxId, "denied");
    assert.equal(await ours.consent("inbox", sdkAlice.inboxId), "denied");
  });
});
