// The group's MLS state in the store: both parts after a commit, the ratchet
// part alone after a message.
#include <gtest/gtest.h>

#include "base/testing/fake_clock.h"
#include "mls/group/group_testing.h"
#include "mls/messages/serialize.h"
#include "sqlite/sqlite.h"
#include "xmtp/store/store.h"
#include "xmtp/store/store_testing.h"

namespace xs::xmtp::store {
namespace {

using mls::GroupState;
using mls::MlsMessage;
using testing::B;
using testing::TempDir;
using testing::TestKey;

const Bytes kOwner = Bytes(32, 0x0b);

crypto::CipherSuite Suite() { return *crypto::CipherSuite::Create(mls::kXmtpCipherSuite); }

Result<mls::ProcessedMessage> Receive(GroupState& group, const MlsMessage& message) {
  XS_TRY(MlsMessage wire, mls::Deserialize<MlsMessage>(mls::Serialize(message)));
  return mls::ProcessMessage(group, wire);
}

class StoreGroupStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto members = mls::testing::MakeThreeMembers(Suite());
    ASSERT_TRUE(members.ok()) << members.error().ToString();
    members_ = std::make_unique<mls::testing::ThreeMembers>(std::move(members).value());
    group_id_ = members_->b->group_id();
    auto opened = Store::Open(path_, TestKey(), clock_);
    ASSERT_TRUE(opened.ok());
    store_ = std::move(opened).value();
    StoredGroup g;
    g.owner = kOwner;
    g.group_id = group_id_;
    ASSERT_TRUE(store_
                    ->Write([&](Transaction& tx) -> Status {
                      XS_RETURN_IF_ERROR(tx.SaveGroup(g));
                      return tx.SaveGroupState(kOwner, group_id_, *members_->b);
                    })
                    .ok());
  }
  GroupState Load() {
    auto loaded = store_->LoadGroupState(kOwner, group_id_);
    EXPECT_TRUE(loaded.ok()) << loaded.error().ToString();
    return std::move(loaded).value();
  }
  MlsMessage AliceSays(std::string_view text) {
    auto m = mls::EncryptApplicationMessage(*members_->a, B(text));
    EXPECT_TRUE(m.ok());
    return std::move(m).value();
  }
  Bytes StoredEpochPartCiphertext() {
    auto db = sqlite::Db::Open(path_);
    auto st = db->Prepare("SELECT state FROM group_epochs;");
    EXPECT_TRUE(*st->Step());
    return st->Blob(0);
  }

  TempDir dir_{"group"};
  std::string path_ = dir_.File("client.db");
  FakeClock clock_;
  std::unique_ptr<mls::testing::ThreeMembers> members_;
  Bytes group_id_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreGroupStateTest, LoadedStateIsTheSavedState) {
  GroupState loaded = Load();
  EXPECT_TRUE(loaded.Serialize().Equals(members_->b->Serialize().bytes()));
}

// Decrypting m1 consumes its key; only the ratchet part is written, yet the
// reloaded state has m1's key gone and m2's still there. The epoch part's
// row is untouched.
TEST_F(StoreGroupStateTest, RatchetPartAloneCarriesPerMessageProgress) {
  const MlsMessage m1 = AliceSays("one");
  const MlsMessage m2 = AliceSays("two");
  const Bytes epoch_row = StoredEpochPartCiphertext();
  GroupState bob = Load();
  ASSERT_TRUE(Receive(bob, m1).ok());
  ASSERT_TRUE(
      store_->Write([&](Transaction& tx) { return tx.SaveGroupRatchets(kOwner, group_id_, bob); })
          .ok());
  EXPECT_EQ(StoredEpochPartCiphertext(), epoch_row);

  GroupState reloaded = Load();
  auto again = Receive(reloaded, m1);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(mls::SecretTreeErrorOf(again.error()), mls::SecretTreeError::kGenerationReused);
  auto second = Receive(reloaded, m2);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->application.data, B("two"));
}

TEST_F(StoreGroupStateTest, RatchetsOfANewEpochNeedTheWholeState) {
  auto commit = mls::CreateCommit(*members_->a);
  ASSERT_TRUE(commit.ok());
  ASSERT_TRUE(mls::Merge(*members_->a, std::move(commit->staged)).ok());
  GroupState bob = Load();
  auto processed = Receive(bob, commit->commit);
  ASSERT_TRUE(processed.ok()) << processed.error().ToString();
  ASSERT_TRUE(mls::Merge(bob, std::move(processed->commit)).ok());

  auto stale =
      store_->Write([&](Transaction& tx) { return tx.SaveGroupRatchets(kOwner, group_id_, bob); });
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(StoreErrorOf(stale.error()), StoreError::kStaleEpoch);
  ASSERT_TRUE(
      store_->Write([&](Transaction& tx) { return tx.SaveGroupState(kOwner, group_id_, bob); })
          .ok());
  GroupState reloaded = Load();
  EXPECT_EQ(reloaded.epoch(), members_->a->epoch());
  auto hello = Receive(reloaded, AliceSays("after the commit"));
  ASSERT_TRUE(hello.ok()) << hello.error().ToString();
}

// What the stream writes for a received message, in one transaction: the
// message row, the ratchet part, the group's activity and cursor. That is
// five 1 KiB pages in the WAL: the message table and its two indexes, the
// ratchet row (updated in place, its key's index untouched) and the group's
// row. Each page is written whole, so their number and size are what a
// busy chat costs the disk.
TEST_F(StoreGroupStateTest, AReceivedMessageWritesFiveSmallPages) {
  auto db = sqlite::Db::Open(path_);
  ASSERT_TRUE(db.ok());
  auto page_size = db->Prepare("PRAGMA page_size;");
  ASSERT_TRUE(page_size.ok() && *page_size->Step());
  EXPECT_EQ(page_size->Int(0), 1024);

  GroupState bob = Load();
  std::uint64_t n = 0;
  auto receive = [&](std::string_view text) {
    ASSERT_TRUE(Receive(bob, AliceSays(text)).ok());
    ++n;
    ASSERT_TRUE(store_
                    ->WriteUnsynced([&](Transaction& tx) -> Status {
                      XS_TRY(bool inserted, tx.InsertMessage(testing::MakeMessage(
                                                kOwner, group_id_, n, std::string(text))));
                      (void)inserted;
                      XS_RETURN_IF_ERROR(tx.SaveGroupRatchets(kOwner, group_id_, bob));
                      XS_RETURN_IF_ERROR(
                          tx.SetLastActivity(kOwner, group_id_, static_cast<std::int64_t>(n)));
                      return tx.SetGroupCursor(kOwner, group_id_, n);
                    })
                    .ok());
  };
  receive("first");  // every row exists: the next write is the steady state
  ASSERT_TRUE(db->Exec("PRAGMA wal_checkpoint(TRUNCATE);").ok());
  receive("second");
  auto frames = db->Prepare("PRAGMA wal_checkpoint(PASSIVE);");  // busy, frames, copied
  ASSERT_TRUE(frames.ok() && *frames->Step());
  EXPECT_EQ(frames->Int(0), 0);
  EXPECT_EQ(frames->Int(1), 5);
}

// The epoch is part of each sealed part's AAD: a row whose epoch column
// was altered (to pair it with parts of another epoch) does not open.
TEST_F(StoreGroupStateTest, AlteredEpochColumnDoesNotOpen) {
  auto db = sqlite::Db::Open(path_);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->Exec("UPDATE group_ratchets SET epoch = epoch + 1;").ok());
  ASSERT_TRUE(db->Exec("UPDATE group_epochs SET epoch = epoch + 1;").ok());
  auto loaded = store_->LoadGroupState(kOwner, group_id_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(StoreErrorOf(loaded.error()), StoreError::kSealedRowInvalid);
}

TEST_F(StoreGroupStateTest, MissingGroupStateIsNotFound) {
  auto loaded = store_->LoadGroupState(kOwner, B("no such group"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(StoreErrorOf(loaded.error()), StoreError::kNotFound);
}

}  // namespace
}  // namespace xs::xmtp::store
