// Crash safety of the atomic apply: a child process applies a group's
// messages and commits one transaction each (group state part, message,
// cursor) while the parent kill -9s it at random moments. After every kill
// the store must satisfy, for the cursor c:
//   - the group's messages are exactly ops 1..c, once each, with their content;
//   - the stored MLS state is the state after op c: its epoch is that of op
//     c, op c no longer processes (not applied twice), op c+1 does (nothing
//     lost, no epoch skipped);
// and a next child continues from there. A last child runs to the end.
// Seed: XS_TEST_SEED; rounds: XS_STORE_CRASH_ROUNDS (default 8).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <thread>

#include "base/testing/fake_clock.h"
#include "base/testing/seed.h"
#include "mls/group/group_testing.h"
#include "mls/messages/serialize.h"
#include "xmtp/store/store.h"
#include "xmtp/store/store_testing.h"

namespace xs::xmtp::store {
namespace {

using mls::GroupState;
using mls::MlsMessage;
using testing::B;
using testing::TempDir;
using testing::TestKey;

const Bytes kOwner = Bytes(32, 0x0c);
constexpr std::uint64_t kOps = 150;
constexpr std::uint64_t kCommitEvery = 25;

// What Alice sent, in order: op i (1-based) has node id i.
struct Op {
  Bytes wire;
  bool commit = false;
  Bytes text;               // application messages
  std::uint64_t epoch = 0;  // Bob's epoch once the op is applied
};

Bytes MessageId(std::uint64_t n) { return B("msg-" + std::to_string(n)); }

// Applies ops after the stored cursor until the end; any failure exits 2.
[[noreturn]] void RunApplier(const std::string& path, const std::vector<Op>& ops) {
  FakeClock clock;
  auto fail = [](const Error& e) {
    std::cerr << "applier: " << e.ToString() << "\n";
    _exit(2);
  };
  auto opened = Store::Open(path, TestKey(), clock);
  if (!opened.ok()) fail(opened.error());
  Store& store = **opened;
  auto group_id = store.ListGroups(kOwner);
  if (!group_id.ok() || group_id->size() != 1) _exit(3);
  const Bytes gid = (*group_id)[0].group_id;
  auto loaded = store.LoadGroupState(kOwner, gid);
  if (!loaded.ok()) fail(loaded.error());
  GroupState bob = std::move(loaded).value();
  auto cursor = store.GroupCursor(kOwner, gid);
  if (!cursor.ok()) fail(cursor.error());
  for (std::uint64_t n = *cursor + 1; n <= ops.size(); ++n) {
    const Op& op = ops[n - 1];
    Status applied = [&]() -> Status {
      XS_TRY(MlsMessage message, mls::Deserialize<MlsMessage>(op.wire));
      XS_TRY(mls::ProcessedMessage processed, mls::ProcessMessage(bob, message));
      StoredMessage stored = testing::MakeMessage(kOwner, gid, n, "");
      XS_TRY(Transaction tx, store.Begin());
      if (processed.kind == mls::ProcessedMessage::Kind::kCommit) {
        XS_RETURN_IF_ERROR(mls::Merge(bob, std::move(processed.commit)));
        XS_RETURN_IF_ERROR(tx.SaveGroupState(kOwner, gid, bob));
        stored.kind = MessageKind::kMembershipChange;
        stored.content = B("epoch " + std::to_string(bob.epoch()));
      } else {
        XS_RETURN_IF_ERROR(tx.SaveGroupRatchets(kOwner, gid, bob));
        stored.content = processed.application.data;
      }
      XS_TRY(bool inserted, tx.InsertMessage(stored));
      if (!inserted) return Error::Internal("message applied twice");
      XS_RETURN_IF_ERROR(tx.SetGroupCursor(kOwner, gid, n));
      return tx.Commit();
    }();
    if (!applied.ok()) fail(applied.error());
  }
  _exit(0);
}

class StoreCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto members =
        mls::testing::MakeThreeMembers(*crypto::CipherSuite::Create(mls::kXmtpCipherSuite));
    ASSERT_TRUE(members.ok()) << members.error().ToString();
    GroupState& alice = *members->a;
    group_id_ = alice.group_id();
    for (std::uint64_t n = 1; n <= kOps; ++n) {
      Op op;
      if (n % kCommitEvery == 0) {
        auto commit = mls::CreateCommit(alice);
        ASSERT_TRUE(commit.ok());
        ASSERT_TRUE(mls::Merge(alice, std::move(commit->staged)).ok());
        op.wire = mls::Serialize(commit->commit);
        op.commit = true;
      } else {
        op.text = B("message " + std::to_string(n));
        auto message = mls::EncryptApplicationMessage(alice, op.text);
        ASSERT_TRUE(message.ok());
        op.wire = mls::Serialize(*message);
      }
      op.epoch = alice.epoch();
      ops_.push_back(std::move(op));
    }
    initial_epoch_ = members->b->epoch();
    auto store = Store::Open(path_, TestKey(), clock_);
    ASSERT_TRUE(store.ok());
    StoredGroup g;
    g.owner = kOwner;
    g.group_id = group_id_;
    ASSERT_TRUE((*store)
                    ->Write([&](Transaction& tx) -> Status {
                      XS_RETURN_IF_ERROR(tx.SaveGroup(g));
                      return tx.SaveGroupState(kOwner, group_id_, *members->b);
                    })
                    .ok());
  }

  // Forks an applier; kills it after `kill_after` unless it is nullopt.
  // Returns false when the child failed on its own.
  bool RunChild(std::optional<std::chrono::microseconds> kill_after) {
    std::cout.flush();
    std::cerr.flush();
    const pid_t pid = fork();
    if (pid == 0) RunApplier(path_, ops_);
    EXPECT_GT(pid, 0);
    if (kill_after) {
      std::this_thread::sleep_for(*kill_after);
      kill(pid, SIGKILL);
    }
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) return WTERMSIG(status) == SIGKILL && kill_after.has_value();
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

  Result<mls::ProcessedMessage> Process(GroupState& group, std::uint64_t n) {
    XS_TRY(MlsMessage message, mls::Deserialize<MlsMessage>(ops_[n - 1].wire));
    return mls::ProcessMessage(group, message);
  }

  // The invariant of the file comment; returns the cursor.
  std::uint64_t CheckInvariant() {
    auto opened = Store::Open(path_, TestKey(), clock_);
    EXPECT_TRUE(opened.ok()) << opened.error().ToString();
    if (!opened.ok()) return 0;
    Store& store = **opened;
    const std::uint64_t c = *store.GroupCursor(kOwner, group_id_);
    EXPECT_EQ(*store.CountMessages(kOwner, group_id_), c);
    MessageQuery all;
    all.limit = kMaxMessagePage;
    auto messages = store.ListMessages(kOwner, group_id_, all);
    EXPECT_TRUE(messages.ok());
    EXPECT_EQ(messages->size(), c);
    for (std::size_t i = 0; i < messages->size() && i < c; ++i) {
      const StoredMessage& m = (*messages)[i];
      EXPECT_EQ(m.id, MessageId(i + 1));
      EXPECT_EQ(m.node_id, i + 1);
      if (!ops_[i].commit) {
        EXPECT_EQ(m.content, ops_[i].text) << "op " << i + 1;
      }
    }
    const std::uint64_t expected_epoch = c == 0 ? initial_epoch_ : ops_[c - 1].epoch;
    auto state = store.LoadGroupState(kOwner, group_id_);
    EXPECT_TRUE(state.ok()) << state.error().ToString();
    if (!state.ok()) return c;
    EXPECT_EQ(state->epoch(), expected_epoch) << "cursor " << c;
    if (c > 0) {
      auto again = store.LoadGroupState(kOwner, group_id_);
      EXPECT_FALSE(Process(*again, c).ok()) << "op " << c << " processes again";
    }
    if (c < kOps) {
      auto next = Process(*state, c + 1);
      EXPECT_TRUE(next.ok()) << "op " << c + 1 << ": " << next.error().ToString();
    }
    return c;
  }

  TempDir dir_{"crash"};
  std::string path_ = dir_.File("client.db");
  FakeClock clock_;
  Bytes group_id_;
  std::vector<Op> ops_;
  std::uint64_t initial_epoch_ = 0;
};

TEST_F(StoreCrashTest, KillNineAtRandomPointsLosesNothingAndAppliesNothingTwice) {
  const std::uint32_t seed = xs::testing::TestSeed();
  XS_TRACE_SEED(seed);
  std::cout << "store crash test seed=" << seed << "\n";
  std::mt19937 rng(seed);
  int rounds = 8;
  if (const char* env = std::getenv("XS_STORE_CRASH_ROUNDS")) rounds = std::atoi(env);
  std::uniform_int_distribution<int> delay_us(0, 120'000);
  std::uint64_t cursor = 0;
  for (int round = 0; round < rounds && !HasFailure(); ++round) {
    const auto delay = std::chrono::microseconds(delay_us(rng));
    ASSERT_TRUE(RunChild(delay)) << "round " << round << ": the applier failed on its own";
    const std::uint64_t now = CheckInvariant();
    EXPECT_GE(now, cursor);
    std::cout << "round " << round << ": killed after " << delay.count() << " us, cursor " << cursor
              << " -> " << now << "\n";
    cursor = now;
  }
  ASSERT_TRUE(RunChild(std::nullopt));
  EXPECT_EQ(CheckInvariant(), kOps);
}

}  // namespace
}  // namespace xs::xmtp::store
