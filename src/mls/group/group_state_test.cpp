// GroupState persistence: the whole state and the split into the epoch part
// and the ratchet part.
#include "mls/group/group_state.h"

#include <gtest/gtest.h>

#include "mls/group/group_error.h"
#include "mls/group/group_testing.h"

namespace xs::mls {
namespace {

crypto::CipherSuite Suite() { return *crypto::CipherSuite::Create(kXmtpCipherSuite); }

// Bob after a second commit, so one past epoch is kept, and after reading a
// message, so his secret tree has moved.
struct Scenario {
  testing::ThreeMembers members;
};

Scenario MakeScenario() {
  auto members = testing::MakeThreeMembers(Suite());
  EXPECT_TRUE(members.ok());
  Scenario s{std::move(members).value()};
  auto commit = CreateCommit(*s.members.a);
  EXPECT_TRUE(commit.ok());
  EXPECT_TRUE(Merge(*s.members.a, std::move(commit->staged)).ok());
  auto processed = ProcessMessage(*s.members.b, commit->commit);
  EXPECT_TRUE(processed.ok());
  EXPECT_TRUE(Merge(*s.members.b, std::move(processed->commit)).ok());
  auto hello = EncryptApplicationMessage(*s.members.a, Bytes{1, 2, 3});
  EXPECT_TRUE(hello.ok());
  EXPECT_TRUE(ProcessMessage(*s.members.b, *hello).ok());
  return s;
}

TEST(GroupStateTest, PartsRestoreTheWholeState) {
  Scenario s = MakeScenario();
  const GroupState& bob = *s.members.b;
  ASSERT_FALSE(bob.past_epochs.empty());
  auto restored = GroupState::DeserializeParts(bob.SerializeEpochPart().bytes(),
                                               bob.SerializeRatchetPart().bytes());
  ASSERT_TRUE(restored.ok()) << restored.error().ToString();
  EXPECT_TRUE(restored->Serialize().Equals(bob.Serialize().bytes()));
}

TEST(GroupStateTest, EpochPartDoesNotChangeWhenAMessageIsRead) {
  Scenario s = MakeScenario();
  GroupState& bob = *s.members.b;
  const crypto::Secret epoch_part = bob.SerializeEpochPart();
  const crypto::Secret ratchet_part = bob.SerializeRatchetPart();
  auto message = EncryptApplicationMessage(*s.members.a, Bytes{4, 5});
  ASSERT_TRUE(message.ok());
  ASSERT_TRUE(ProcessMessage(bob, *message).ok());
  EXPECT_TRUE(bob.SerializeEpochPart().Equals(epoch_part.bytes()));
  EXPECT_FALSE(bob.SerializeRatchetPart().Equals(ratchet_part.bytes()));
  EXPECT_LT(ratchet_part.size(), epoch_part.size());
}

TEST(GroupStateTest, RatchetPartOfAnotherEpochIsRejected) {
  auto members = testing::MakeThreeMembers(Suite());
  ASSERT_TRUE(members.ok());
  GroupState& alice = *members->a;
  const crypto::Secret old_ratchets = alice.SerializeRatchetPart();
  auto commit = CreateCommit(alice);
  ASSERT_TRUE(commit.ok());
  ASSERT_TRUE(Merge(alice, std::move(commit->staged)).ok());
  auto mixed =
      GroupState::DeserializeParts(alice.SerializeEpochPart().bytes(), old_ratchets.bytes());
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(GroupErrorOf(mixed.error()), GroupError::kStateCorrupt);
}

TEST(GroupStateTest, WholeStateIsNotAnEpochPart) {
  auto members = testing::MakeThreeMembers(Suite());
  ASSERT_TRUE(members.ok());
  const GroupState& alice = *members->a;
  auto wrong =
      GroupState::DeserializeParts(alice.Serialize().bytes(), alice.SerializeRatchetPart().bytes());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(GroupErrorOf(wrong.error()), GroupError::kStateCorrupt);
  auto truncated = GroupState::DeserializeParts(
      alice.SerializeEpochPart().bytes(),
      alice.SerializeRatchetPart().bytes().first(alice.SerializeRatchetPart().size() - 1));
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(GroupErrorOf(truncated.error()), GroupError::kStateCorrupt);
}

}  // namespace
}  // namespace xs::mls
