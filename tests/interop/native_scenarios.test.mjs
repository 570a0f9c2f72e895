// Our native C++ client (xs-client-peer) and the official SDK on our node,
// beyond plain texts (issue 11 item 5): every content type both ways with
// message ids both sides agree on (protocol.md §4.5), DMs started from either
// side or both at once, an inbox with one installation of each kind, catching
// up on 1,000 messages at once, and our stream across a node restart.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ReactionAction, ReactionSchema, decryptAttachment, encodeText, encryptAttachment } from "@xmtp/node-sdk";
import { Wallet, createClient, createClients, syncedConversation, textsOf, waitFor } from "./lib/clients.mjs";
import { startNode } from "./lib/node_process.mjs";
import { OurPeer } from "./lib/our_peer.mjs";

const kText = "xmtp.org/text:1.0";
const applicationTexts = (messages) =>
  messages.filter((m) => m.kind === "application" && m.contentType === kText).map((m) => m.text);
const hex = (bytes) => Buffer.from(bytes).toString("hex");

// Our client's messages once `probe` finds what it waits for.
async function ourMessagesWhen(what, client, groupId, probe, options) {
  return waitFor(
    what,
    async () => {
      const messages = await client.messages(groupId);
      return probe(messages) ? messages : undefined;
    },
    options,
  );
}

// The SDK's messages once `probe` finds what it waits for.
async function sdkMessagesWhen(what, conversation, probe, options) {
  return waitFor(what, async () => {
    await conversation.sync();
    const messages = await conversation.messages(options);
    return probe(messages) ? messages : undefined;
  });
}

describe("our client and the SDK: scenarios", () => {
  let node, peer;
  let alice, bob, carol, dave;

  before(async () => {
    node = await startNode();
    [alice, bob, carol, dave] = await createClients(node, 4);
    peer = new OurPeer(node.url);
  });

  after(async () => {
    await peer?.dispose();
    await node?.dispose();
  });

  test("every content type both ways, message ids agreed", async () => {
    const ours = await peer.create("content");
    const groupId = await ours.createGroup([alice.inboxId], "content");
    const aliceGroup = await waitFor("alice to see the group", () => syncedConversation(alice, groupId));

    // Texts: the id each sender got back is the id the other side stores.
    const ourTextId = await ours.send(groupId, "text from C++");
    const aliceTextId = await aliceGroup.sendText("text from the SDK");
    const aliceSees = await sdkMessagesWhen("alice to read our text", aliceGroup, (ms) =>
      ms.some((m) => m.id === ourTextId),
    );
    assert.equal(aliceSees.find((m) => m.id === ourTextId).content, "text from C++");
    let oursSees = await ourMessagesWhen("ours to read alice's text", ours, groupId, (ms) =>
      ms.some((m) => m.id === aliceTextId),
    );
    assert.equal(oursSees.find((m) => m.id === aliceTextId).text, "text from the SDK");

    // The SDK replies to and reacts (v2) to our message; we find it by id.
    const aliceReplyId = await aliceGroup.sendReply({
      reference: ourTextId,
      referenceInboxId: ours.inboxId,
      content: encodeText("reply from the SDK"),
    });
    const aliceReactionId = await aliceGroup.sendReaction({
      reference: ourTextId,
      referenceInboxId: ours.inboxId,
      action: ReactionAction.Added,
      content: "👍",
      schema: ReactionSchema.Unicode,
    });
    // A legacy reaction (v1 JSON, as older SDKs send it), sent raw.
    const aliceV1ReactionId = await aliceGroup.send({
      type: { authorityId: "xmtp.org", typeId: "reaction", versionMajor: 1, versionMinor: 0 },
      parameters: {},
      fallback: 'Reacted "❤️" to an earlier message',
      content: new Uint8Array(
        Buffer.from(JSON.stringify({ reference: ourTextId, action: "removed", content: "❤️", schema: "unicode" })),
      ),
    });
    const aliceReceiptId = await aliceGroup.sendReadReceipt();
    const sdkFile = encryptAttachment({
      filename: "sdk.txt",
      mimeType: "text/plain",
      content: new Uint8Array(Buffer.from("attached by the SDK")),
    });
    const aliceFileId = await aliceGroup.sendRemoteAttachment({
      url: "https://example.invalid/sdk.txt",
      contentDigest: sdkFile.contentDigest,
      secret: sdkFile.secret,
      salt: sdkFile.salt,
      nonce: sdkFile.nonce,
      scheme: "https://",
      contentLength: sdkFile.contentLength,
      filename: "sdk.txt",
    });
    oursSees = await ourMessagesWhen("ours to read alice's content", ours, groupId, (ms) =>
      ms.some((m) => m.id === aliceFileId),
    );
    const byId = (id) => oursSees.find((m) => m.id === id);
    assert.ok(byId(ourTextId), "our own text is listed under the id Send returned");
    assert.equal(byId(aliceReplyId).contentType, "xmtp.org/reply:1.0");
    assert.deepEqual(byId(aliceReplyId).reply, {
      reference: ourTextId,
      referenceInboxId: ours.inboxId,
      text: "reply from the SDK",
    });
    assert.equal(byId(aliceReactionId).contentType, "xmtp.org/reaction:2.0");
    assert.deepEqual(byId(aliceReactionId).reaction, {
      reference: ourTextId,
      referenceInboxId: ours.inboxId,
      action: "added",
      content: "👍",
      schema: 1,
    });
    assert.equal(byId(aliceV1ReactionId).contentType, "xmtp.org/reaction:1.0");
    assert.deepEqual(byId(aliceV1ReactionId).reaction, {
      reference: ourTextId,
      referenceInboxId: "",
      action: "removed",
      content: "❤️",
      schema: 1,
    });
    assert.equal(byId(aliceReceiptId).contentType, "xmtp.org/readReceipt:1.0");
    assert.equal(byId(aliceReceiptId).readReceipt, true);
    assert.equal(byId(aliceReceiptId).senderInboxId, alice.inboxId);
    assert.equal(byId(aliceFileId).contentType, "xmtp.org/remoteStaticAttachment:1.0");
    assert.deepEqual(byId(aliceFileId).remoteAttachment, {
      url: "https://example.invalid/sdk.txt",
      contentDigest: sdkFile.contentDigest,
      saltHex: hex(sdkFile.salt),
      nonceHex: hex(sdkFile.nonce),
      scheme: "https://",
      contentLength: sdkFile.contentLength,
      filename: "sdk.txt",
    });
    // Our decoder and AES-GCM open the SDK's ciphertext.
    assert.deepEqual(await ours.decryptAttachment(groupId, aliceFileId, hex(sdkFile.payload)), {
      filename: "sdk.txt",
      mimeType: "text/plain",
      text: "attached by the SDK",
    });

    // We reply to and react (v2, then legacy v1 JSON) to the SDK's message; the
    // SDK attaches them to it by id.
    const ourReplyId = await ours.sendReply(groupId, aliceTextId, "reply from C++", alice.inboxId);
    const ourReactionId = await ours.sendReaction(groupId, {
      reference: aliceTextId,
      referenceInboxId: alice.inboxId,
      emoji: "🎉",
    });
    const ourV1ReactionId = await ours.sendReaction(groupId, {
      reference: ourTextId,
      referenceInboxId: ours.inboxId,
      emoji: "🔥",
      version: 1,
    });
    const readTimesBefore = await aliceGroup.lastReadTimes();
    const ourReceiptId = await ours.sendReadReceipt(groupId);
    const ourFile = await ours.sendRemoteAttachment(groupId, {
      url: "https://example.invalid/cpp.txt",
      filename: "cpp.txt",
      text: "attached by C++",
    });
    const aliceView = await sdkMessagesWhen("alice to read our content", aliceGroup, (ms) =>
      ms.some((m) => m.id === ourFile.messageId),
    );
    const sdkById = (id) => aliceView.find((m) => m.id === id);
    const reply = sdkById(ourReplyId);
    assert.equal(reply.contentType.typeId, "reply");
    assert.equal(reply.senderInboxId, ours.inboxId);
    assert.equal(reply.content.referenceId, aliceTextId);
    assert.equal(reply.content.content, "reply from C++");
    assert.equal(reply.content.inReplyTo?.id, aliceTextId, "the SDK resolves the message we replied to");
    const reactionsOn = (id) => sdkById(id).reactions.map((r) => ({ id: r.id, sender: r.senderInboxId, ...r.content }));
    const aliceTextReactions = reactionsOn(aliceTextId);
    assert.equal(aliceTextReactions.length, 1);
    assert.equal(aliceTextReactions[0].id, ourReactionId);
    assert.equal(aliceTextReactions[0].sender, ours.inboxId);
    assert.equal(aliceTextReactions[0].reference, aliceTextId);
    assert.equal(aliceTextReactions[0].content, "🎉");
    assert.equal(aliceTextReactions[0].action, ReactionAction.Added);
    // Alice's own reactions (v2, legacy) and our legacy one all land on our text.
    const ourTextReactions = reactionsOn(ourTextId);
    assert.deepEqual(
      ourTextReactions.map((r) => r.id).sort(),
      [aliceReactionId, aliceV1ReactionId, ourV1ReactionId].sort(),
    );
    assert.equal(ourTextReactions.find((r) => r.id === ourV1ReactionId).content, "🔥");

    const file = sdkById(ourFile.messageId);
    assert.equal(file.contentType.typeId, "remoteStaticAttachment");
    assert.equal(file.content.url, "https://example.invalid/cpp.txt");
    assert.equal(file.content.filename, "cpp.txt");
    const opened = decryptAttachment(new Uint8Array(Buffer.from(ourFile.payloadHex, "hex")), file.content);
    assert.equal(opened.filename, "cpp.txt");
    assert.equal(opened.mimeType, "text/plain");
    assert.equal(Buffer.from(opened.content).toString(), "attached by C++");

    // The SDK lists no read receipts; it keeps each member's newest one as a
    // read time (the node's timestamp of the receipt, as a JS number).
    const ourReceipt = (await ours.messages(groupId)).find((m) => m.id === ourReceiptId);
    assert.equal(ourReceipt.readReceipt, true);
    const readTimes = await aliceGroup.lastReadTimes();
    assert.equal(readTimesBefore[ours.inboxId], undefined, "no read time before our receipt");
    assert.ok(readTimes[ours.inboxId] >= Number(ourReceipt.sentAtNs), JSON.stringify(readTimes));

    // Our own listing shows our messages under the ids the SDK uses.
    oursSees = await ours.messages(groupId);
    for (const id of [ourReplyId, ourReactionId, ourV1ReactionId, ourReceiptId, ourFile.messageId]) {
      assert.ok(oursSees.some((m) => m.id === id), `our message ${id} in our own listing`);
    }
    assert.equal(oursSees.find((m) => m.id === ourV1ReactionId).contentType, "xmtp.org/reaction:1.0");
    assert.equal(oursSees.find((m) => m.id === ourV1ReactionId).reaction.content, "🔥");
  });

  test("DMs started from our side, from the SDK's, and from both at once", async () => {
    const ourDms = async (client, peerInboxId) =>
      (await client.conversations()).filter((c) => c.kind === "dm" && c.dmPeerInboxId === peerInboxId);
    const sdkDms = async (client, peerInboxId) => {
      await client.conversations.sync();
      return client.conversations.listDms().filter((dm) => dm.peerInboxId === peerInboxId);
    };
    // Texts both ways in the one DM each side shows.
    const talk = async (ours, sdk, tag) => {
      const [ourDm] = await ourDms(ours, sdk.inboxId);
      const sdkDm = await waitFor(`${tag}: the SDK's DM`, async () => (await sdk.conversations.sync(), sdk.conversations.getDmByInboxId(ours.inboxId)));
      await ours.send(ourDm.groupId, `${tag}: from C++`);
      await sdkDm.sendText(`${tag}: from the SDK`);
      await sdkMessagesWhen(`${tag}: the SDK to read both`, sdkDm, (ms) =>
        [`${tag}: from C++`, `${tag}: from the SDK`].every((t) => textsOf(ms).includes(t)),
      );
      await ourMessagesWhen(`${tag}: ours to read both`, ours, ourDm.groupId, (ms) =>
        [`${tag}: from C++`, `${tag}: from the SDK`].every((t) => applicationTexts(ms).includes(t)),
      );
    };

    // Ours starts it.
    const ours1 = await peer.create("dm1");
    const dmId = await ours1.createDm(bob.inboxId);
    assert.equal(await ours1.createDm(bob.inboxId), dmId, "a second createDm finds the first");
    await waitFor("bob to see our DM", async () => (await sdkDms(bob, ours1.inboxId)).length === 1);
    assert.equal((await sdkDms(bob, ours1.inboxId))[0].id, dmId);
    assert.equal((await ourDms(ours1, bob.inboxId)).length, 1);
    await talk(ours1, bob, "ours-started");

    // The SDK starts it.
    const ours2 = await peer.create("dm2");
    const sdkDm = await carol.conversations.createDm(ours2.inboxId);
    await waitFor("ours to join carol's DM", async () => (await ours2.sync(), (await ourDms(ours2, carol.inboxId)).length === 1));
    assert.equal((await ourDms(ours2, carol.inboxId))[0].groupId, sdkDm.id);
    assert.equal(await ours2.createDm(carol.inboxId), sdkDm.id, "our createDm finds the SDK's DM");
    assert.equal((await sdkDms(carol, ours2.inboxId)).length, 1);
    await talk(ours2, carol, "sdk-started");

    // Both start one before either syncs: two MLS groups exist, each side shows one.
    const ours3 = await peer.create("dm3");
    const [ourSide, daveSide] = await Promise.all([ours3.createDm(dave.inboxId), dave.conversations.createDm(ours3.inboxId)]);
    assert.notEqual(ourSide, daveSide.id);
    await ours3.sync();
    const daveDms = await sdkDms(dave, ours3.inboxId);
    assert.equal(daveDms.length, 1, `dave shows one DM with ours, not ${daveDms.length}`);
    assert.equal((await ourDms(ours3, dave.inboxId)).length, 1, "ours shows one DM with dave");
    assert.equal(dave.conversations.getDmByInboxId(ours3.inboxId)?.id, daveDms[0].id);
    await talk(ours3, dave, "both-started");
  });

  // libxmtp lists a DM's messages from every MLS group with the same dm_id
  // (xmtp_db group_message.rs group_id_filter); so does our Client::Messages.
  test(
    "a DM started from both sides at once, each side writing in its own first: one thread",
    async () => {
      const ours = await peer.create("dm4");
      const erin = await createClient(node);
      const [ourSide, erinSide] = await Promise.all([ours.createDm(erin.inboxId), erin.conversations.createDm(ours.inboxId)]);
      assert.notEqual(ourSide, erinSide.id);
      // Each writes in the DM it created before learning of the other.
      await ours.send(ourSide, "early from C++");
      await erinSide.sendText("early from the SDK");
      await ours.sync();
      await erin.conversations.sync();

      const ourShown = (await ours.conversations()).filter((c) => c.kind === "dm" && c.dmPeerInboxId === erin.inboxId);
      assert.equal(ourShown.length, 1);
      const erinShown = erin.conversations.getDmByInboxId(ours.inboxId);
      await ours.send(ourShown[0].groupId, "late from C++");
      await erinShown.sendText("late from the SDK");
      const all = ["early from C++", "early from the SDK", "late from C++", "late from the SDK"];
      await sdkMessagesWhen("erin to show the whole thread in one DM", erinShown, (ms) =>
        all.every((t) => textsOf(ms).includes(t)),
      );
      // Everything has arrived once erin shows it: a short wait is enough.
      await ourMessagesWhen(
        "ours to show the whole thread in one DM",
        ours,
        ourShown[0].groupId,
        (ms) => all.every((t) => applicationTexts(ms).includes(t)),
        { timeoutMs: 5_000 },
      );
    },
  );

  test("an inbox with our installation and an SDK installation: both receive", async () => {
    // Our client registers the inbox; the SDK signs in with the same wallet.
    const ours = await peer.create("twinOurs", { exportWalletKey: true });
    assert.match(ours.walletKey, /^0x[0-9a-f]{64}$/);
    const sdkTwin = await createClient(node, new Wallet(ours.walletKey));
    assert.equal(sdkTwin.inboxId, ours.inboxId);
    await checkBothInstallationsReceive(ours, sdkTwin, "ours-first");

    // The SDK registers the inbox; our client adds an installation to it.
    const sdkFirst = await createClient(node);
    const ourTwin = await peer.addInstallation("twinSdk", sdkFirst.wallet.privateKey);
    assert.equal(ourTwin.inboxId, sdkFirst.inboxId);
    await checkBothInstallationsReceive(ourTwin, sdkFirst, "sdk-first");
  });

  async function checkBothInstallationsReceive(ours, sdkTwin, tag) {
    const states = await alice.preferences.fetchInboxStates([ours.inboxId]);
    assert.deepEqual(
      states[0].installations.map((i) => i.id).sort(),
      [ours.installationKey, sdkTwin.installationId].sort(),
    );
    const group = await alice.conversations.createGroup([ours.inboxId], { groupName: tag });
    await group.sendText(`${tag}: from alice`);
    const twinGroup = await waitFor(`${tag}: the SDK installation to join`, () => syncedConversation(sdkTwin, group.id));
    await waitFor(`${tag}: ours to join`, async () => (await ours.sync(), (await ours.conversations()).some((c) => c.groupId === group.id)));
    await sdkMessagesWhen(`${tag}: the SDK installation to read alice`, twinGroup, (ms) => textsOf(ms).includes(`${tag}: from alice`));
    await ourMessagesWhen(`${tag}: ours to read alice`, ours, group.id, (ms) => applicationTexts(ms).includes(`${tag}: from alice`));

    // Each installation reads what the other sent, and so does alice.
    await ours.send(group.id, `${tag}: from our installation`);
    await twinGroup.sendText(`${tag}: from the SDK installation`);
    const all = [`${tag}: from alice`, `${tag}: from our installation`, `${tag}: from the SDK installation`];
    await sdkMessagesWhen(`${tag}: the SDK installation to read all`, twinGroup, (ms) => all.every((t) => textsOf(ms).includes(t)));
    await ourMessagesWhen(`${tag}: ours to read all`, ours, group.id, (ms) => all.every((t) => applicationTexts(ms).includes(t)));
    await sdkMessagesWhen(`${tag}: alice to read all`, group, (ms) => all.every((t) => textsOf(ms).includes(t)));

    // A group our installation creates takes the inbox's SDK installation
    // along (libxmtp adds the creator's other installations).
    const ownGroupId = await ours.createGroup([alice.inboxId], `${tag}: ours creates`);
    await ours.send(ownGroupId, `${tag}: from the group ours created`);
    const twinOwn = await waitFor(`${tag}: the SDK installation to join the group ours created`, () =>
      syncedConversation(sdkTwin, ownGroupId),
    );
    await sdkMessagesWhen(`${tag}: the SDK installation to read the group ours created`, twinOwn, (ms) =>
      textsOf(ms).includes(`${tag}: from the group ours created`),
    );
  }

  test("offline catch-up on 1,000 messages, both directions", async () => {
    const kCount = 1000;
    const ours = await peer.create("offline");
    const group = await alice.conversations.createGroup([ours.inboxId, bob.inboxId]);
    await waitFor("ours to join", async () => (await ours.sync(), (await ours.conversations()).some((c) => c.groupId === group.id)));
    const bobGroup = await waitFor("bob to join", () => syncedConversation(bob, group.id));

    // The SDK sends 1,000 (queued, then published at once) while ours does not sync.
    const sdkTexts = Array.from({ length: kCount }, (_, i) => `sdk ${i}`);
    for (const text of sdkTexts) await group.sendText(text, true);
    await group.publishMessages();
    const received = (await ours.messages(group.id)).filter((m) => m.kind === "application");
    assert.deepEqual(received.map((m) => m.text), sdkTexts);
    assert.equal(new Set(received.map((m) => m.id)).size, kCount, "no message twice");

    // Ours sends 1,000 (pipelined requests) while bob does not sync.
    const ourTexts = Array.from({ length: kCount }, (_, i) => `ours ${i}`);
    const ids = await Promise.all(ourTexts.map((text) => ours.send(group.id, text)));
    await bobGroup.sync();
    const bobSees = (await bobGroup.messages()).filter((m) => m.senderInboxId === ours.inboxId);
    assert.deepEqual(textsOf(bobSees), ourTexts);
    assert.deepEqual(
      bobSees.map((m) => m.id),
      ids,
    );
  });

  // Last: it restarts the node under everyone.
  test("our stream delivers every message exactly once, in order, across a node restart", async () => {
    const ours = await peer.create("streamer");
    const group = await alice.conversations.createGroup([ours.inboxId]);
    await waitFor("ours to join", async () => (await ours.sync(), (await ours.conversations()).some((c) => c.groupId === group.id)));
    const streamed = [];
    await ours.startStream((message) => {
      if (message.kind === "application") streamed.push(message);
    });
    try {
      const sent = [];
      const send = async (text) => sent.push({ text, id: await group.sendText(text) });
      for (let i = 0; i < 5; ++i) await send(`before ${i}`);
      await waitFor("the stream to deliver the first five", () => streamed.length >= 5);

      await node.kill9();
      await node.start();
      for (let i = 0; i < 5; ++i) await send(`after ${i}`);
      await send("last");
      await waitFor("the stream to deliver the last", () => streamed.some((m) => m.text === "last"), { timeoutMs: 60_000 });
      assert.deepEqual(
        streamed.map((m) => m.text),
        sent.map((m) => m.text),
      );
      assert.deepEqual(
        streamed.map((m) => m.id),
        sent.map((m) => m.id),
      );
    } finally {
      await ours.stopStream();
    }
  });
});
