// Multi-member test: a group grown to 50 members by random
// adds, removes and updates (inline and by reference), with application
// messages from random members, every message delivered to every member in
// one total order, as XMTP's server orders them. After every commit all
// members must agree on the epoch authenticator, and every application
// message must decrypt everywhere. Members are now and then saved and
// restored from bytes mid-run.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>

#include "base/testing/seed.h"
#include "mls/group/group_error.h"
#include "mls/group/group_testing.h"
#include "mls/messages/serialize.h"

namespace xs::mls {
namespace {

using testing::CreateTestGroup;
using testing::MakeClient;
using testing::MakeKeyPackage;
using testing::TestClient;

constexpr std::size_t kTargetMembers = 50;

class Simulation {
 public:
  explicit Simulation(std::uint32_t seed)
      : suite_(*crypto::CipherSuite::Create(kXmtpCipherSuite)), rng_(seed) {
    TestClient creator = MakeClient(suite_, next_id_++);
    auto group = std::make_unique<GroupState>(CreateTestGroup(creator));
    std::string inbox_id = creator.inbox_id;  // the key, read before creator moves
    members_.emplace(std::move(inbox_id), Member{std::move(creator), std::move(group)});
  }

  std::size_t size() const { return members_.size(); }
  int messages() const { return messages_; }
  int commits() const { return commits_; }

  void Step() {
    const std::uint32_t roll = Uniform(100);
    if (size() < kTargetMembers && roll < 35) return AddMembers();
    if (size() > 3 && roll < 45) return RemoveMember();
    if (roll < 55) return SelfUpdate();
    if (roll < 65) return ProposalsThenCommit();
    if (roll < 70) return SaveAndRestore();
    return SendMessage();
  }

 private:
  struct Member {
    TestClient client;
    std::unique_ptr<GroupState> group;
  };

  std::uint32_t Uniform(std::uint32_t n) {
    return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng_);
  }

  Member& RandomMember() {
    auto it = members_.begin();
    std::advance(it, Uniform(static_cast<std::uint32_t>(members_.size())));
    return it->second;
  }

  static MlsMessage Wire(const MlsMessage& message) {
    auto decoded = Deserialize<MlsMessage>(Serialize(message));
    EXPECT_TRUE(decoded.ok());
    return std::move(decoded).value();
  }

  // Delivers a handshake/application message to everyone except `sender`.
  void Broadcast(const Member& sender, const MlsMessage& message, const Bytes* expected_text) {
    const MlsMessage wire = Wire(message);
    for (auto& [id, member] : members_) {
      if (&member == &sender) continue;
      auto processed = ProcessMessage(*member.group, wire);
      ASSERT_TRUE(processed.ok()) << id << ": " << processed.error().ToString();
      switch (processed->kind) {
        case ProcessedMessage::Kind::kApplication:
          ASSERT_NE(expected_text, nullptr);
          EXPECT_EQ(processed->application.data, *expected_text);
          break;
        case ProcessedMessage::Kind::kProposal:
          break;
        case ProcessedMessage::Kind::kCommit:
          if (processed->commit.removes_self()) removed_.push_back(id);
          ASSERT_TRUE(Merge(*member.group, std::move(processed->commit)).ok());
          break;
      }
    }
  }

  // Publishes a commit in the total order, merges it at the committer, lets
  // the joiners in and checks that everyone agrees.
  void Publish(Member& committer, CommitOutput out,
               std::vector<std::pair<TestClient, KeyPackageBundle>>&& joiners) {
    ASSERT_TRUE(Merge(*committer.group, std::move(out.staged)).ok());
    removed_.clear();
    Broadcast(committer, out.commit, nullptr);
    for (const std::string& id : removed_) members_.erase(id);
    if (!joiners.empty()) {
      ASSERT_TRUE(out.welcome.has_value());
      const MlsMessage wire = Wire(*out.welcome);
      const auto& welcome = std::get<Welcome>(wire.body);
      for (auto& [client, kp] : joiners) {
        auto joined = JoinFromWelcome(welcome, kp, client.signature.private_key.bytes());
        ASSERT_TRUE(joined.ok()) << joined.error().ToString();
        const std::string id = client.inbox_id;
        members_.emplace(
            id, Member{std::move(client), std::make_unique<GroupState>(std::move(joined).value())});
      }
    }
    ++commits_;
    CheckAgreement();
  }

  void CheckAgreement() {
    const GroupState& reference = *members_.begin()->second.group;
    const Bytes authenticator(reference.epoch_authenticator().begin(),
                              reference.epoch_authenticator().end());
    for (const auto& [id, member] : members_) {
      ASSERT_EQ(member.group->epoch(), reference.epoch()) << id;
      ASSERT_EQ(Bytes(member.group->epoch_authenticator().begin(),
                      member.group->epoch_authenticator().end()),
                authenticator)
          << id;
      ASSERT_EQ(member.group->tree().member_count(), members_.size()) << id;
    }
  }

  void AddMembers() {
    Member& committer = RandomMember();
    CommitOptions options;
    std::vector<std::pair<TestClient, KeyPackageBundle>> joiners;
    const std::uint32_t count = 1 + Uniform(3);
    for (std::uint32_t i = 0; i < count && size() + joiners.size() < kTargetMembers; ++i) {
      TestClient client = MakeClient(suite_, next_id_++);
      KeyPackageBundle kp = MakeKeyPackage(client);
      options.proposals.emplace_back(AddProposal{kp.key_package});
      joiners.emplace_back(std::move(client), std::move(kp));
    }
    auto out = CreateCommit(*committer.group, options);
    ASSERT_TRUE(out.ok()) << out.error().ToString();
    Publish(committer, std::move(out).value(), std::move(joiners));
  }

  void RemoveMember() {
    Member& committer = RandomMember();
    Member* victim = &RandomMember();
    while (victim == &committer) victim = &RandomMember();
    CommitOptions options;
    options.proposals.emplace_back(RemoveProposal{victim->group->own_leaf().value});
    auto out = CreateCommit(*committer.group, options);
    ASSERT_TRUE(out.ok()) << out.error().ToString();
    Publish(committer, std::move(out).value(), {});
  }

  void SelfUpdate() {
    Member& committer = RandomMember();
    auto out = CreateCommit(*committer.group);
    ASSERT_TRUE(out.ok()) << out.error().ToString();
    Publish(committer, std::move(out).value(), {});
  }

  // One member proposes an Update by reference, another proposes adding a
  // newcomer, a third commits both.
  void ProposalsThenCommit() {
    if (size() < 3) return SelfUpdate();
    Member& updater = RandomMember();
    auto update = ProposeUpdate(*updater.group);
    ASSERT_TRUE(update.ok()) << update.error().ToString();
    Broadcast(updater, update->message, nullptr);

    std::vector<std::pair<TestClient, KeyPackageBundle>> joiners;
    if (size() < kTargetMembers) {
      Member& adder = RandomMember();
      TestClient client = MakeClient(suite_, next_id_++);
      KeyPackageBundle kp = MakeKeyPackage(client);
      auto add = ProposeAdd(*adder.group, kp.key_package);
      ASSERT_TRUE(add.ok()) << add.error().ToString();
      Broadcast(adder, add->message, nullptr);
      joiners.emplace_back(std::move(client), std::move(kp));
    }
    Member* committer = &RandomMember();
    while (committer == &updater) committer = &RandomMember();
    auto out = CreateCommit(*committer->group);
    ASSERT_TRUE(out.ok()) << out.error().ToString();
    Publish(*committer, std::move(out).value(), std::move(joiners));
  }

  void SaveAndRestore() {
    Member& member = RandomMember();
    auto restored = GroupState::Deserialize(member.group->Serialize().bytes());
    ASSERT_TRUE(restored.ok()) << restored.error().ToString();
    member.group = std::make_unique<GroupState>(std::move(restored).value());
  }

  void SendMessage() {
    Member& sender = RandomMember();
    const std::string text =
        "message " + std::to_string(messages_) + " from " + sender.client.inbox_id.substr(56);
    const Bytes plaintext(text.begin(), text.end());
    auto message = EncryptApplicationMessage(*sender.group, plaintext);
    ASSERT_TRUE(message.ok()) << message.error().ToString();
    Broadcast(sender, *message, &plaintext);
    ++messages_;
  }

  crypto::CipherSuite suite_;
  std::mt19937 rng_;
  std::uint32_t next_id_ = 1;
  std::map<std::string, Member> members_;
  std::vector<std::string> removed_;
  int messages_ = 0;
  int commits_ = 0;
};

TEST(GroupRandomTest, FiftyMembersAgreeAndDecryptEverything) {
  const std::uint32_t seed = ::xs::testing::TestSeed();
  XS_TRACE_SEED(seed);
  Simulation simulation(seed);
  int steps = 0;
  bool reached = false;
  while (steps < 2000 && (!reached || steps < 400)) {
    simulation.Step();
    if (::testing::Test::HasFatalFailure() || ::testing::Test::HasFailure()) break;
    reached = reached || simulation.size() >= kTargetMembers;
    ++steps;
  }
  EXPECT_TRUE(reached) << "group never reached " << kTargetMembers << " members";
  EXPECT_GT(simulation.messages(), 0);
  ::testing::Test::RecordProperty("commits", simulation.commits());
  ::testing::Test::RecordProperty("messages", simulation.messages());
}

}  // namespace
}  // namespace xs::mls
