// End-to-end tests of the group state machine with XMTP-profile members:
// create, add by commit + Welcome, join, application messages both ways,
// other members' commits, proposals by reference, removal, persistence.
#include <gtest/gtest.h>

#include "mls/group/group_error.h"
#include "mls/group/group_testing.h"
#include "mls/messages/serialize.h"
#include "mls/tree/tree_error.h"

namespace xs::mls {
namespace {

using testing::CreateTestGroup;
using testing::MakeClient;
using testing::MakeKeyPackage;
using testing::TestClient;

crypto::CipherSuite Suite() { return *crypto::CipherSuite::Create(kXmtpCipherSuite); }

Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Round-trips a message through its wire encoding, as the network would.
MlsMessage Wire(const MlsMessage& message) {
  auto decoded = Deserialize<MlsMessage>(Serialize(message));
  EXPECT_TRUE(decoded.ok());
  return std::move(decoded).value();
}

GroupState Join(const MlsMessage& welcome, const KeyPackageBundle& kp, const TestClient& client) {
  auto joined = JoinFromWelcome(std::get<Welcome>(Wire(welcome).body), kp,
                                client.signature.private_key.bytes());
  EXPECT_TRUE(joined.ok()) << joined.error().ToString();
  return std::move(joined).value();
}

CommitOptions Inline(Proposal proposal) {
  CommitOptions options;
  options.proposals.push_back(std::move(proposal));
  return options;
}

// Alice creates a group and adds Bob, who joins from the Welcome.
struct TwoMembers {
  TestClient alice;
  TestClient bob;
  GroupState a;
  GroupState b;
};

TwoMembers AliceAddsBob(const crypto::CipherSuite& suite) {
  TestClient alice = MakeClient(suite, 1);
  TestClient bob = MakeClient(suite, 2);
  GroupState a = CreateTestGroup(alice);
  KeyPackageBundle bob_kp = MakeKeyPackage(bob);
  auto add_bob = CreateCommit(a, Inline(AddProposal{bob_kp.key_package}));
  EXPECT_TRUE(add_bob.ok()) << add_bob.error().ToString();
  EXPECT_TRUE(Merge(a, std::move(add_bob.value().staged)).ok());
  GroupState b = Join(*add_bob->welcome, bob_kp, bob);
  return {std::move(alice), std::move(bob), std::move(a), std::move(b)};
}

void ExpectSameEpoch(const GroupState& a, const GroupState& b) {
  EXPECT_EQ(a.epoch(), b.epoch());
  EXPECT_EQ(Bytes(a.epoch_authenticator().begin(), a.epoch_authenticator().end()),
            Bytes(b.epoch_authenticator().begin(), b.epoch_authenticator().end()));
  EXPECT_EQ(a.context(), b.context());
}

Bytes Decrypt(GroupState& group, const MlsMessage& message) {
  auto processed = ProcessMessage(group, Wire(message));
  EXPECT_TRUE(processed.ok()) << processed.error().ToString();
  if (!processed.ok()) return {};
  EXPECT_EQ(processed->kind, ProcessedMessage::Kind::kApplication);
  return processed->application.data;
}

void ApplyCommit(GroupState& group, const MlsMessage& commit) {
  auto processed = ProcessMessage(group, Wire(commit));
  ASSERT_TRUE(processed.ok()) << processed.error().ToString();
  ASSERT_EQ(processed->kind, ProcessedMessage::Kind::kCommit);
  ASSERT_TRUE(Merge(group, std::move(processed->commit)).ok());
}

TEST(GroupTest, CreateAddJoinAndExchangeMessages) {
  const auto suite = Suite();
  TestClient alice = MakeClient(suite, 1);
  TestClient bob = MakeClient(suite, 2);
  GroupState alice_group = CreateTestGroup(alice);
  EXPECT_EQ(alice_group.epoch(), 0u);

  KeyPackageBundle bob_kp = MakeKeyPackage(bob);
  CommitOptions options;
  options.proposals = {AddProposal{bob_kp.key_package}};
  auto out = CreateCommit(alice_group, options);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  ASSERT_TRUE(out->welcome.has_value());
  EXPECT_EQ(alice_group.epoch(), 0u);  // staged, not merged
  ASSERT_TRUE(Merge(alice_group, std::move(out->staged)).ok());
  EXPECT_EQ(alice_group.epoch(), 1u);

  GroupState bob_group = Join(*out->welcome, bob_kp, bob);
  ExpectSameEpoch(alice_group, bob_group);
  EXPECT_EQ(bob_group.own_leaf(), LeafIndex(1));

  auto hello = EncryptApplicationMessage(alice_group, Text("hello bob"));
  ASSERT_TRUE(hello.ok()) << hello.error().ToString();
  EXPECT_EQ(Decrypt(bob_group, *hello), Text("hello bob"));
  auto reply = EncryptApplicationMessage(bob_group, Text("hi alice"));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(Decrypt(alice_group, *reply), Text("hi alice"));
}

// A copy of a genuine message with intact sender data but altered content
// is rejected and leaves the receiver unchanged, so the genuine message
// (application or commit) still processes afterwards.
TEST(GroupTest, ForgedCopyDoesNotUseUpTheGenuineMessagesKey) {
  auto [alice, bob, alice_group, bob_group] = AliceAddsBob(Suite());
  auto hello = EncryptApplicationMessage(alice_group, Text("hello"));
  ASSERT_TRUE(hello.ok());
  auto commit = CreateCommit(alice_group);
  ASSERT_TRUE(commit.ok());
  for (const MlsMessage* genuine : {&*hello, &commit->commit}) {
    MlsMessage forged = *genuine;
    std::get<PrivateMessage>(forged.body).ciphertext.back() ^= 1;
    const crypto::Secret before = bob_group.Serialize();
    auto rejected = ProcessMessage(bob_group, Wire(forged));
    ASSERT_FALSE(rejected.ok());
    EXPECT_TRUE(rejected.error().IsAuth()) << rejected.error().ToString();
    EXPECT_TRUE(bob_group.Serialize().Equals(before.bytes()));
  }
  EXPECT_EQ(Decrypt(bob_group, *hello), Text("hello"));
  ASSERT_TRUE(Merge(alice_group, std::move(commit->staged)).ok());
  ApplyCommit(bob_group, commit->commit);
  ExpectSameEpoch(alice_group, bob_group);
}

// A member removed in epoch N+1 still reads the late messages of epoch N,
// the epoch it was removed from (found by the group fuzzer).
TEST(GroupTest, RemovedMemberReadsLateMessagesOfItsLastEpoch) {
  auto [alice, bob, alice_group, bob_group] = AliceAddsBob(Suite());
  auto late = EncryptApplicationMessage(alice_group, Text("sent before the removal"));
  ASSERT_TRUE(late.ok());
  CommitOptions remove;
  remove.proposals = {RemoveProposal{bob_group.own_leaf().value}};
  auto removed = CreateCommit(alice_group, remove);
  ASSERT_TRUE(removed.ok()) << removed.error().ToString();
  ASSERT_TRUE(Merge(alice_group, std::move(removed->staged)).ok());
  ApplyCommit(bob_group, removed->commit);
  EXPECT_FALSE(bob_group.active());
  EXPECT_EQ(Decrypt(bob_group, *late), Text("sent before the removal"));
}

TEST(GroupTest, MembersFollowEachOthersCommits) {
  const auto suite = Suite();
  auto [alice, bob, a, b] = AliceAddsBob(suite);
  TestClient carol = MakeClient(suite, 3);

  // Bob adds Carol; Alice processes Bob's commit.
  KeyPackageBundle carol_kp = MakeKeyPackage(carol);
  auto add_carol = CreateCommit(b, Inline(AddProposal{carol_kp.key_package}));
  ASSERT_TRUE(add_carol.ok()) << add_carol.error().ToString();
  ASSERT_TRUE(Merge(b, std::move(add_carol->staged)).ok());
  ApplyCommit(a, add_carol->commit);
  GroupState c = Join(*add_carol->welcome, carol_kp, carol);
  ExpectSameEpoch(a, b);
  ExpectSameEpoch(a, c);

  // Carol updates (empty commit with path); Alice removes Bob.
  auto update = CreateCommit(c);
  ASSERT_TRUE(update.ok()) << update.error().ToString();
  ASSERT_TRUE(Merge(c, std::move(update->staged)).ok());
  ApplyCommit(a, update->commit);
  ApplyCommit(b, update->commit);
  ExpectSameEpoch(a, c);

  auto remove = CreateCommit(a, Inline(RemoveProposal{b.own_leaf().value}));
  ASSERT_TRUE(remove.ok()) << remove.error().ToString();
  ASSERT_TRUE(Merge(a, std::move(remove->staged)).ok());
  ApplyCommit(c, remove->commit);
  ExpectSameEpoch(a, c);
  auto bob_sees = ProcessMessage(b, Wire(remove->commit));
  ASSERT_TRUE(bob_sees.ok()) << bob_sees.error().ToString();
  ASSERT_EQ(bob_sees->kind, ProcessedMessage::Kind::kCommit);
  EXPECT_TRUE(bob_sees->commit.removes_self());
  ASSERT_TRUE(Merge(b, std::move(bob_sees->commit)).ok());
  EXPECT_FALSE(b.active());

  auto message = EncryptApplicationMessage(c, Text("bob is gone"));
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(Decrypt(a, *message), Text("bob is gone"));
}

TEST(GroupTest, ProposalsByReferenceAreCommitted) {
  const auto suite = Suite();
  auto [alice, bob, a, b] = AliceAddsBob(suite);
  TestClient carol = MakeClient(suite, 3);

  // Bob proposes adding Carol and updating himself; Alice commits both.
  KeyPackageBundle carol_kp = MakeKeyPackage(carol);
  auto propose_add = ProposeAdd(b, carol_kp.key_package);
  ASSERT_TRUE(propose_add.ok()) << propose_add.error().ToString();
  auto propose_update = ProposeUpdate(b);
  ASSERT_TRUE(propose_update.ok()) << propose_update.error().ToString();
  for (const MlsMessage* m : {&propose_add->message, &propose_update->message}) {
    auto processed = ProcessMessage(a, Wire(*m));
    ASSERT_TRUE(processed.ok()) << processed.error().ToString();
    EXPECT_EQ(processed->kind, ProcessedMessage::Kind::kProposal);
  }
  EXPECT_EQ(EncryptApplicationMessage(a, Text("x")).ok(), false);  // §12.4 pending proposals

  auto commit = CreateCommit(a);
  ASSERT_TRUE(commit.ok()) << commit.error().ToString();
  ASSERT_TRUE(Merge(a, std::move(commit->staged)).ok());
  ApplyCommit(b, commit->commit);
  GroupState c = Join(*commit->welcome, carol_kp, carol);
  ExpectSameEpoch(a, b);
  ExpectSameEpoch(a, c);

  auto message = EncryptApplicationMessage(b, Text("updated"));
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(Decrypt(c, *message), Text("updated"));
}

// libxmtp's membership change (profile §1.3): one commit with inline Adds and
// a GroupContextExtensions carrying the full new list (new 0xFF01).
TEST(GroupTest, XmtpMembershipCommitWithAddsAndGroupContextExtensions) {
  const auto suite = Suite();
  TestClient alice = MakeClient(suite, 1), bob = MakeClient(suite, 2), carol = MakeClient(suite, 3);
  GroupState a = CreateTestGroup(alice);
  KeyPackageBundle bob_kp = MakeKeyPackage(bob), carol_kp = MakeKeyPackage(carol);
  const Bytes membership = {0x0A, 0x03, 0x0A, 0x01, 0x62};  // any protobuf bytes
  std::vector<Extension> extensions =
      MakeXmtpGroupContextExtensions(Bytes{0x08, 0x01}, {}, membership, {});
  CommitOptions options;
  options.proposals = {AddProposal{bob_kp.key_package}, AddProposal{carol_kp.key_package},
                       GroupContextExtensionsProposal{extensions}};
  auto out = CreateCommit(a, options);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_TRUE(out->staged.summary.extensions_changed);
  EXPECT_TRUE(out->staged.summary.has_path);
  ASSERT_TRUE(Merge(a, std::move(out->staged)).ok());
  GroupState b = Join(*out->welcome, bob_kp, bob);
  GroupState c = Join(*out->welcome, carol_kp, carol);
  EXPECT_EQ(a.context().extensions, extensions);
  ExpectSameEpoch(a, b);
  ExpectSameEpoch(a, c);
}

TEST(GroupTest, Profile1_1_WelcomeWithPskIsRejected) {
  const auto suite = Suite();
  TestClient alice = MakeClient(suite, 1), bob = MakeClient(suite, 2);
  GroupConfig relaxed;
  relaxed.allow_psks = true;
  GroupState a = CreateTestGroup(alice, relaxed);
  const Bytes psk_id = {1, 2, 3};
  a.AddExternalPsk(psk_id, crypto::Secret::Random(32));
  KeyPackageBundle bob_kp = MakeKeyPackage(bob);
  PreSharedKeyProposal psk;
  psk.psk.psk_id = psk_id;
  psk.psk.psk_nonce = Bytes(32, 9);
  CommitOptions options;
  options.proposals = {AddProposal{bob_kp.key_package}, psk};
  auto out = CreateCommit(a, options);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  auto joined = JoinFromWelcome(std::get<Welcome>(out->welcome->body), bob_kp,
                                bob.signature.private_key.bytes());
  ASSERT_FALSE(joined.ok());
  EXPECT_EQ(GroupErrorOf(joined.error()), GroupError::kUnsupportedProposal);
  // With the PSK and the relaxed policy the same Welcome works.
  JoinOptions join;
  join.config = relaxed;
  join.external_psks[psk_id] = a.external_psks.at(psk_id).Clone();
  auto relaxed_join = JoinFromWelcome(std::get<Welcome>(out->welcome->body), bob_kp,
                                      bob.signature.private_key.bytes(), std::move(join));
  ASSERT_TRUE(relaxed_join.ok()) << relaxed_join.error().ToString();
  ASSERT_TRUE(Merge(a, std::move(out->staged)).ok());
  ExpectSameEpoch(a, *relaxed_join);
}

TEST(GroupTest, StateSurvivesSerialization) {
  const auto suite = Suite();
  auto [alice, bob, a, b] = AliceAddsBob(suite);

  auto first = EncryptApplicationMessage(a, Text("one"));
  auto second = EncryptApplicationMessage(a, Text("two"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(Decrypt(b, *first), Text("one"));

  auto restored_a = GroupState::Deserialize(a.Serialize().bytes());
  auto restored_b = GroupState::Deserialize(b.Serialize().bytes());
  ASSERT_TRUE(restored_a.ok()) << restored_a.error().ToString();
  ASSERT_TRUE(restored_b.ok()) << restored_b.error().ToString();
  EXPECT_TRUE(restored_b->Serialize().Equals(b.Serialize().bytes()));
  ExpectSameEpoch(*restored_a, *restored_b);

  EXPECT_EQ(Decrypt(*restored_b, *second), Text("two"));
  // A key already used before saving stays used after loading.
  auto replay = ProcessMessage(*restored_b, Wire(*first));
  EXPECT_FALSE(replay.ok());
  auto third = EncryptApplicationMessage(*restored_a, Text("three"));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(Decrypt(*restored_b, *third), Text("three"));
}

TEST(GroupTest, CorruptStoredStateIsRejected) {
  const auto suite = Suite();
  GroupState a = CreateTestGroup(MakeClient(suite, 1));
  const crypto::Secret secret = a.Serialize();
  const Bytes stored(secret.bytes().begin(), secret.bytes().end());
  for (std::size_t length = 0; length < stored.size(); length += 7) {
    auto restored = GroupState::Deserialize(std::span(stored).first(length));
    ASSERT_FALSE(restored.ok()) << length;
    EXPECT_EQ(GroupErrorOf(restored.error()), GroupError::kStateCorrupt) << length;
  }
  Bytes trailing = stored;
  trailing.push_back(0);
  EXPECT_FALSE(GroupState::Deserialize(trailing).ok());
  Bytes wrong_format = stored;
  wrong_format[0] ^= 0xFF;
  EXPECT_FALSE(GroupState::Deserialize(wrong_format).ok());
}

TEST(GroupErrorTest, KindIsCarriedAsData) {
  for (int i = 0; i <= static_cast<int>(GroupError::kStateCorrupt); ++i) {
    const auto kind = static_cast<GroupError>(i);
    const Error error = MakeGroupError(kind, "detail");
    EXPECT_TRUE(error.IsValidation());
    EXPECT_EQ(error.kind(), "mls.group." + std::string(GroupErrorName(kind)));
    EXPECT_EQ(GroupErrorOf(error), kind);
    // Context added in front of the message keeps the kind.
    EXPECT_EQ(GroupErrorOf(MakeGroupError(kind).Within("welcome")), kind) << GroupErrorName(kind);
  }
  EXPECT_EQ(MakeGroupError(GroupError::kWrongEpoch).kind(), "mls.group.wrong_epoch");
  // The kind is read from data only: text spelled like a group error is none,
  // and a tree error is not a group error.
  EXPECT_FALSE(GroupErrorOf(Error::Validation("mls.group.wrong_epoch", "x")).has_value());
  EXPECT_FALSE(GroupErrorOf(MakeTreeError(TreeError::kBlankLeaf)).has_value());
}

}  // namespace
}  // namespace xs::mls
