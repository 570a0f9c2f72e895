// The official SDK against our node: registration, group membership changes,
// and every basic content type seen by every member.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client, ReactionAction, ReactionSchema, encodeText } from "@xmtp/node-sdk";
import { Wallet, createClients, shortId, syncedConversation, syncedMessages, textsOf, waitFor } from "./lib/clients.mjs";
import { startNode } from "./lib/node_process.mjs";

describe("groups on our node", () => {
  let node;
  let alice, bob, carol;

  before(async () => {
    node = await startNode();
    [alice, bob, carol] = await createClients(node, 3);
  });

  after(async () => {
    await node?.dispose();
  });

  test("three clients register and the SDK's lookups find them", async () => {
    const clients = [alice, bob, carol];
    for (const client of clients) assert.equal(client.isRegistered, true);
    assert.equal(new Set(clients.map((client) => client.inboxId)).size, 3);

    // Static lookup: only ApiUrls.local tells it where our node is.
    const states = await Client.fetchInboxStates(
      clients.map((client) => client.inboxId),
      "local",
    );
    assert.equal(states.length, 3);
    for (const client of clients) {
      const state = states.find((candidate) => candidate.inboxId === client.inboxId);
      assert.ok(state, `inbox state of ${shortId(client.inboxId)}`);
      assert.deepEqual(
        state.identifiers.map((identifier) => identifier.identifier.toLowerCase()),
        [client.wallet.address],
      );
      assert.deepEqual(
        state.installations.map((installation) => installation.id),
        [client.installationId],
      );
      assert.equal(state.recoveryIdentifier.identifier.toLowerCase(), client.wallet.address);
    }

    const stranger = new Wallet();
    const reachable = await alice.canMessage([bob.wallet.identifier, carol.wallet.identifier, stranger.identifier]);
    assert.equal(reachable.get(bob.wallet.address), true);
    assert.equal(reachable.get(carol.wallet.address), true);
    assert.equal(reachable.get(stranger.address), false);
    assert.equal(await alice.fetchInboxIdByIdentifier(carol.wallet.identifier), carol.inboxId);
  });

  test("a group is created, members are added and removed", async () => {
    const group = await alice.conversations.createGroup([bob.inboxId], { groupName: "interop membership" });
    const memberIds = async (conversation) => (await conversation.members()).map((member) => member.inboxId).sort();

    const bobGroup = await waitFor("bob to see the group", () => syncedConversation(bob, group.id));
    assert.equal(bobGroup.name, "interop membership");
    assert.deepEqual(await memberIds(bobGroup), [alice.inboxId, bob.inboxId].sort());

    await group.addMembers([carol.inboxId]);
    const everyone = [alice.inboxId, bob.inboxId, carol.inboxId].sort();
    assert.deepEqual(await memberIds(group), everyone);
    const carolGroup = await waitFor("carol to see the group", () => syncedConversation(carol, group.id));
    assert.deepEqual(await memberIds(carolGroup), everyone);
    await bobGroup.sync();
    assert.deepEqual(await memberIds(bobGroup), everyone);

    await group.sendText("before removal");
    await waitFor("carol to read the first text", async () => {
      await carolGroup.sync();
      return textsOf(await carolGroup.messages()).includes("before removal");
    });

    await group.removeMembers([bob.inboxId]);
    const remaining = [alice.inboxId, carol.inboxId].sort();
    assert.deepEqual(await memberIds(group), remaining);
    await carolGroup.sync();
    assert.deepEqual(await memberIds(carolGroup), remaining);
    await bobGroup.sync();
    assert.equal(bobGroup.isActive, false, "bob's copy of the group is inactive after his removal");

    await group.sendText("after removal");
    await waitFor("carol to read the second text", async () => {
      await carolGroup.sync();
      return textsOf(await carolGroup.messages()).includes("after removal");
    });
    // libxmtp refuses to sync a group its installation has left.
    await assert.rejects(bobGroup.sync(), /inactive/i);
    const bobTexts = textsOf(await bobGroup.messages());
    assert.ok(bobTexts.includes("before removal"));
    assert.ok(!bobTexts.includes("after removal"), "a removed member cannot read later messages");

    const membershipChanges = (await carolGroup.messages()).filter((m) => m.contentType.typeId === "group_updated");
    assert.ok(
      membershipChanges.some((m) => m.content.removedInboxes.some((inbox) => inbox.inboxId === bob.inboxId)),
      "carol sees bob's removal as a group update",
    );
  });

  test("text, reaction, reply and read receipt are seen by every member", async () => {
    const group = await alice.conversations.createGroup([bob.inboxId, carol.inboxId]);
    const textId = await group.sendText("hello from alice");

    const bobGroup = await waitFor("bob to see the group", () => syncedConversation(bob, group.id));
    const carolGroup = await waitFor("carol to see the group", () => syncedConversation(carol, group.id));

    await bobGroup.sendReaction({
      reference: textId,
      referenceInboxId: alice.inboxId,
      action: ReactionAction.Added,
      content: "👍",
      schema: ReactionSchema.Unicode,
    });
    const replyId = await carolGroup.sendReply({
      reference: textId,
      referenceInboxId: alice.inboxId,
      content: encodeText("reply from carol"),
    });
    await bobGroup.sendReadReceipt();
    await carolGroup.sendReadReceipt();

    for (const [name, client] of [["alice", alice], ["bob", bob], ["carol", carol]]) {
      const complete = (messages) => {
        const text = messages.find((message) => message.id === textId);
        const reply = messages.find((message) => message.id === replyId);
        return text?.reactions.length === 1 && reply !== undefined ? { text, reply } : undefined;
      };
      const { text, reply } = await waitFor(`${name} to see the text, the reaction and the reply`, async () =>
        complete(await syncedMessages(client, group.id)),
      );
      assert.equal(text.content, "hello from alice");
      assert.equal(text.senderInboxId, alice.inboxId);

      const [reaction] = text.reactions;
      assert.equal(reaction.senderInboxId, bob.inboxId);
      assert.equal(reaction.contentType.typeId, "reaction");
      assert.equal(reaction.content.content, "👍");
      assert.equal(reaction.content.action, ReactionAction.Added);
      assert.equal(reaction.content.reference, textId);

      assert.equal(reply.contentType.typeId, "reply");
      assert.equal(reply.senderInboxId, carol.inboxId);
      assert.equal(reply.content.referenceId, textId);
      assert.equal(reply.content.content, "reply from carol");
      assert.equal(reply.content.inReplyTo?.id, textId);
      assert.equal(text.numReplies, 1);

      // Read receipts are not listed as messages; they show up as read times.
      const conversation = await client.conversations.getConversationById(group.id);
      const readTimes = await waitFor(`${name} to see both read receipts`, async () => {
        await conversation.sync();
        const times = await conversation.lastReadTimes();
        return times[bob.inboxId] && times[carol.inboxId] ? times : undefined;
      });
      assert.ok(readTimes[bob.inboxId] > 0);
      assert.ok(readTimes[carol.inboxId] > 0);
    }
  });
});
