#include "signet/store/store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

using testing::TempDir;

std::unique_ptr<Store> OpenStore(const std::string& path, std::uint8_t fill = 7) {
  auto s = Store::Open(path, crypto::Secret::Copy(std::vector<std::uint8_t>(32, fill)));
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return std::move(s).value();
}

TEST(StoreTest, MigratesAndRoundTrips) {
  TempDir dir;
  std::string path = dir.path() + "/s.db";
  {
    auto s = OpenStore(path);
    EXPECT_EQ(s->schema_version(), 2);
    EXPECT_EQ(testing::FileMode(path), 0600u);
    ASSERT_TRUE(s->Put("k", "a", {{"x", 1}}).ok());
  }
  auto s = OpenStore(path);
  auto row = s->Get("k", "a");
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->body["x"], 1);
  EXPECT_FALSE(s->Get("k", "b")->has_value());
  EXPECT_EQ(s->List("k")->size(), 1u);
  ASSERT_TRUE(s->Delete("k", "a").ok());
  EXPECT_TRUE(s->List("k")->empty());
}

TEST(StoreTest, SecretsAreSealedAtRest) {
  TempDir dir;
  std::string path = dir.path() + "/s.db";
  const std::string marker = "PLAINTEXT-SECRET-MARKER-0123456789";
  {
    auto s = OpenStore(path);
    crypto::Secret secret = crypto::Secret::Copy(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(marker.data()), marker.size()));
    ASSERT_TRUE(s->Put("key", "k1", {{"id", "k1"}}, &secret).ok());
    auto row = s->Get("key", "k1");
    auto opened = s->OpenSecret(**row);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(std::string(opened->bytes().begin(), opened->bytes().end()), marker);
    // The blob is bound to its row: moved to another id it does not open.
    StoredRow moved = **row;
    moved.id = "k2";
    EXPECT_TRUE(s->OpenSecret(moved).error().IsAuth());
  }
  for (const char* suffix : {"", "-wal"}) {
    std::string bytes = testing::ReadAll(path + suffix);
    EXPECT_EQ(bytes.find(marker), std::string::npos) << suffix;
  }
  // A wrong data key cannot open it.
  auto other = OpenStore(path, 9);
  auto row = other->Get("key", "k1");
  EXPECT_TRUE(other->OpenSecret(**row).error().IsAuth());
}

TEST(StoreTest, TransactionRollsBack) {
  TempDir dir;
  auto s = OpenStore(dir.path() + "/s.db");
  Status st = s->Transaction([&]() -> Status {
    XS_RETURN_IF_ERROR(s->Put("k", "a", {{"v", 1}}));
    XS_RETURN_IF_ERROR(s->Put("k", "b", {{"v", 2}}));
    return Error::Internal("boom");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(s->List("k")->empty());
}

// kill -9 in the middle of a stream of two-row transactions: after reopening,
// the database is intact and every transaction is all-or-nothing.
TEST(StoreTest, KillNineLeavesConsistentState) {
  TempDir dir;
  std::string path = dir.path() + "/s.db";
  { OpenStore(path); }
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto s = Store::Open(path, crypto::Secret::Copy(std::vector<std::uint8_t>(32, 7)));
    if (!s.ok()) _exit(1);
    for (int i = 0;; ++i) {
      std::string id = std::to_string(i);
      (void)(*s)->Transaction([&]() -> Status {
        XS_RETURN_IF_ERROR((*s)->Put("a", id, {{"i", i}}));
        return (*s)->Put("b", id, {{"i", i}});
      });
    }
  }
  usleep(300 * 1000);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  auto s = OpenStore(path);
  auto a = s->List("a");
  auto b = s->List("b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_GT(a->size(), 0u);
  EXPECT_EQ(a->size(), b->size());
}

}  // namespace
}  // namespace xs::signet

namespace xs::signet {
namespace {

TEST(StoreIdMapTest, BidirectionalMapAndBlobs) {
  testing::TempDir dir;
  auto s = OpenStore(dir.path() + "/s.db");
  ASSERT_TRUE(s->SetIdMapping("conversation", "abcdef0123", "conv_00000000000000c1", 1).ok());
  EXPECT_EQ(**s->GetLocalId("conversation", "abcdef0123"), "conv_00000000000000c1");
  EXPECT_EQ(**s->GetNetworkId("conversation", "conv_00000000000000c1"), "abcdef0123");
  EXPECT_FALSE(s->GetLocalId("message", "abcdef0123")->has_value());
  ASSERT_TRUE(s->RemoveIdMapping("conversation", "conv_00000000000000c1").ok());
  EXPECT_FALSE(s->GetLocalId("conversation", "abcdef0123")->has_value());
  const std::uint8_t body[] = {'h', 'i'};
  auto sealed = s->SealBlob(body, "msg/1");
  EXPECT_EQ(s->OpenBlob(sealed, "msg/1")->size(), 2u);
  EXPECT_TRUE(s->OpenBlob(sealed, "msg/2").error().IsAuth());
}

// Message mappings commit unsynced; they are committed all the same: a
// reopened store (a restarted daemon, or one killed after the commit) has
// them, both ways.
TEST(StoreIdMapTest, UnsyncedMappingSurvivesReopen) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/s.db";
  {
    auto s = OpenStore(path);
    ASSERT_TRUE(
        s->SetIdMapping("message", "aa01", "msg_00000000000000a1", 1, Durability::kUnsynced).ok());
    Status batch = s->UnsyncedTransaction([&]() -> Status {
      return s->SetIdMapping("message", "aa02", "msg_00000000000000a2", 2, Durability::kUnsynced);
    });
    ASSERT_TRUE(batch.ok()) << batch.error().ToString();
    // A synced write after them (synchronous back to FULL) still works.
    ASSERT_TRUE(s->Put("k", "a", {{"v", 1}}).ok());
  }
  auto s = OpenStore(path);
  EXPECT_EQ(**s->GetLocalId("message", "aa01"), "msg_00000000000000a1");
  EXPECT_EQ(**s->GetNetworkId("message", "msg_00000000000000a2"), "aa02");
  EXPECT_TRUE(s->Get("k", "a")->has_value());
}

// The cache answers only what the table holds: a mapping written in a
// transaction that rolls back is not served from memory, a replaced one
// answers its new id, a removed one (by either id) is gone.
TEST(StoreIdMapTest, CacheFollowsTheTable) {
  testing::TempDir dir;
  auto s = OpenStore(dir.path() + "/s.db");
  Status rolled_back = s->UnsyncedTransaction([&]() -> Status {
    XS_RETURN_IF_ERROR(
        s->SetIdMapping("message", "bb01", "msg_00000000000000b1", 1, Durability::kUnsynced));
    EXPECT_EQ(**s->GetLocalId("message", "bb01"), "msg_00000000000000b1");
    return Error::Internal("boom");
  });
  EXPECT_FALSE(rolled_back.ok());
  EXPECT_FALSE(s->GetLocalId("message", "bb01")->has_value());
  EXPECT_FALSE(s->GetNetworkId("message", "msg_00000000000000b1")->has_value());

  ASSERT_TRUE(s->SetIdMapping("message", "bb02", "msg_00000000000000b2", 2).ok());
  ASSERT_TRUE(s->SetIdMapping("message", "bb02", "msg_00000000000000b3", 3).ok());
  EXPECT_EQ(**s->GetLocalId("message", "bb02"), "msg_00000000000000b3");
  EXPECT_FALSE(s->GetNetworkId("message", "msg_00000000000000b2")->has_value());

  ASSERT_TRUE(s->RemoveIdMapping("message", "msg_00000000000000b3").ok());
  EXPECT_FALSE(s->GetLocalId("message", "bb02")->has_value());
  ASSERT_TRUE(s->SetIdMapping("message", "bb04", "msg_00000000000000b4", 4).ok());
  EXPECT_EQ(**s->GetNetworkId("message", "msg_00000000000000b4"), "bb04");  // cached both ways
  ASSERT_TRUE(s->RemoveIdMapping("message", "bb04").ok());
  EXPECT_FALSE(s->GetNetworkId("message", "msg_00000000000000b4")->has_value());
}

// An unsynced transaction carries message mappings only: a record write in
// it fails instead of committing without its fsync, and nothing of the
// transaction stays.
TEST(StoreIdMapTest, SyncedWriteInsideUnsyncedTransactionFails) {
  testing::TempDir dir;
  auto s = OpenStore(dir.path() + "/s.db");
  Status st = s->UnsyncedTransaction([&]() -> Status {
    XS_RETURN_IF_ERROR(
        s->SetIdMapping("message", "cc01", "msg_00000000000000c1", 1, Durability::kUnsynced));
    return s->Put("credential", "cred_1", {{"status", "revoked"}});
  });
  EXPECT_TRUE(st.error().IsInternal()) << st.error().ToString();
  EXPECT_FALSE(s->Get("credential", "cred_1")->has_value());
  EXPECT_FALSE(s->GetLocalId("message", "cc01")->has_value());
  // Nested the other way it joins the synced transaction.
  Status nested = s->Transaction([&]() -> Status {
    XS_RETURN_IF_ERROR(s->Put("credential", "cred_2", {{"status", "active"}}));
    return s->UnsyncedTransaction([&]() -> Status {
      return s->SetIdMapping("message", "cc02", "msg_00000000000000c2", 2, Durability::kUnsynced);
    });
  });
  ASSERT_TRUE(nested.ok()) << nested.error().ToString();
  EXPECT_TRUE(s->Get("credential", "cred_2")->has_value());
  EXPECT_EQ(**s->GetLocalId("message", "cc02"), "msg_00000000000000c2");
}

// Deferred message mappings are answered at once, both ways, but reach the
// table together: when kMaxDeferredIdMappingCount wait, when the oldest
// has waited kMaxDeferredIdMappingMs, on FlushIdMappings, and when the
// store closes. A second connection (another Store on the file) sees only
// what was written.
TEST(StoreIdMapTest, DeferredMappingsAreWrittenTogether) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/s.db";
  auto id = [](std::size_t i) { return "msg_" + std::to_string(1000000000000000 + i); };
  auto net = [](std::size_t i) { return "dd" + std::to_string(i); };
  {
    auto s = OpenStore(path);
    auto other = OpenStore(path);
    for (std::size_t i = 0; i + 1 < kMaxDeferredIdMappingCount; ++i) {
      s->DeferIdMapping("message", net(i), id(i), 5);
    }
    EXPECT_EQ(s->deferred_id_mappings(), kMaxDeferredIdMappingCount - 1);
    EXPECT_EQ(**s->GetLocalId("message", net(0)), id(0));
    EXPECT_EQ(**s->GetNetworkId("message", id(1)), net(1));
    EXPECT_FALSE(other->GetLocalId("message", net(0))->has_value());
    // The last one fills the batch: all are written in one go.
    const std::size_t last = kMaxDeferredIdMappingCount - 1;
    s->DeferIdMapping("message", net(last), id(last), 5);
    EXPECT_EQ(s->deferred_id_mappings(), 0u);
    EXPECT_EQ(**other->GetLocalId("message", net(0)), id(0));
    EXPECT_EQ(**other->GetNetworkId("message", id(last)), net(last));

    // By age: the second one, a second after the first, writes both.
    s->DeferIdMapping("message", "ee01", "msg_00000000000000e1", 10'000);
    EXPECT_FALSE(other->GetLocalId("message", "ee01")->has_value());
    s->DeferIdMapping("message", "ee02", "msg_00000000000000e2", 10'000 + kMaxDeferredIdMappingMs);
    EXPECT_EQ(s->deferred_id_mappings(), 0u);
    EXPECT_EQ(**other->GetNetworkId("message", "msg_00000000000000e1"), "ee01");

    // Removed before it was written: never written.
    s->DeferIdMapping("message", "ff01", "msg_00000000000000f1", 20'000);
    ASSERT_TRUE(s->RemoveIdMapping("message", "msg_00000000000000f1").ok());
    EXPECT_FALSE(s->GetLocalId("message", "ff01")->has_value());
    ASSERT_TRUE(s->FlushIdMappings().ok());
    EXPECT_FALSE(other->GetLocalId("message", "ff01")->has_value());

    // Left waiting: written when the store closes.
    s->DeferIdMapping("message", "ff02", "msg_00000000000000f2", 20'000);
  }
  auto s = OpenStore(path);
  EXPECT_EQ(**s->GetLocalId("message", "ff02"), "msg_00000000000000f2");
  EXPECT_FALSE(s->GetLocalId("message", "ff01")->has_value());
}

// KeyedTag is a function of the data and the data key only.
TEST(StoreIdMapTest, KeyedTagIsStableUnderItsKey) {
  testing::TempDir dir;
  const std::vector<std::uint8_t> data = {1, 2, 3};
  crypto::Digest256 first;
  {
    auto s = OpenStore(dir.path() + "/s.db");
    first = s->KeyedTag(data);
    EXPECT_NE(first, s->KeyedTag(std::vector<std::uint8_t>{1, 2, 4}));
  }
  EXPECT_EQ(OpenStore(dir.path() + "/s.db")->KeyedTag(data), first);
  EXPECT_NE(OpenStore(dir.path() + "/t.db", 9)->KeyedTag(data), first);
}

}  // namespace
}  // namespace xs::signet
