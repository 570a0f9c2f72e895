// Encryption at rest: no sealed plaintext reaches the file, and a sealed
// value moved to another row does not open.
#include <gtest/gtest.h>

#include "base/testing/fake_clock.h"
#include "codec/hex.h"
#include "mls/group/group_testing.h"
#include "sqlite/sqlite.h"
#include "support/secret_scan.h"
#include "xmtp/store/store.h"
#include "xmtp/store/store_testing.h"

namespace xs::xmtp::store {
namespace {

using testing::B;
using testing::MakeMessage;
using testing::TempDir;
using testing::TestKey;

const Bytes kOwnerA = Bytes(32, 0x0a);
const Bytes kOwnerB = Bytes(32, 0x0b);
const Bytes kGroup = B("sealing-group");

std::string Hex(const Bytes& b) { return "X'" + codec::HexEncode(b) + "'"; }

class StoreSealingTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto opened = Store::Open(path_, TestKey(), clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(opened).value();
  }
  void Raw(const std::string& sql) {
    auto db = sqlite::Db::Open(path_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec(sql.c_str()).ok()) << sql;
  }
  static StoredIdentity Identity(const Bytes& key, const std::string& private_key) {
    StoredIdentity id;
    id.installation_key = key;
    id.inbox_id = std::string(64, key[0] == 0x0a ? 'a' : 'b');
    id.installation_private_key = crypto::Secret::Copy(B(private_key));
    return id;
  }

  TempDir dir_{"sealing"};
  std::string path_ = dir_.File("client.db");
  FakeClock clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreSealingTest, SealedColumnsAreNotPlaintextInTheFiles) {
  auto members =
      mls::testing::MakeThreeMembers(*crypto::CipherSuite::Create(mls::kXmtpCipherSuite));
  ASSERT_TRUE(members.ok());
  const mls::GroupState& bob = *members->b;
  StoredKeyPackage kp;
  kp.ref = B("kp-ref");
  kp.installation_key = kOwnerA;
  kp.init_public_key = B("kp-init-public-key");
  kp.private_parts = crypto::Secret::Copy(B("key package private init key"));
  StoredGroup group;
  group.owner = kOwnerA;
  group.group_id = bob.group_id();
  ASSERT_TRUE(
      store_
          ->Write([&](Transaction& tx) -> Status {
            XS_RETURN_IF_ERROR(tx.SaveIdentity(Identity(kOwnerA, "installation private key A")));
            XS_RETURN_IF_ERROR(tx.SaveKeyPackage(kp));
            XS_RETURN_IF_ERROR(tx.SaveGroup(group));
            XS_RETURN_IF_ERROR(tx.SaveGroupState(kOwnerA, bob.group_id(), bob));
            XS_TRY(bool inserted, tx.InsertMessage(MakeMessage(kOwnerA, bob.group_id(), 1,
                                                               "message content in clear")));
            EXPECT_TRUE(inserted);
            XS_TRY(std::int64_t intent,
                   tx.AddIntent(kOwnerA, bob.group_id(), IntentKind::kSendMessage,
                                B("intent payload in clear")));
            (void)intent;
            return OkStatus();
          })
          .ok());

  xs::testing::SecretScan scan;
  scan.AddSecret("installation private key", "installation private key A");
  scan.AddSecret("key package private parts", "key package private init key");
  scan.AddSecret("message content", "message content in clear");
  scan.AddSecret("intent payload", "intent payload in clear");
  scan.AddSecret("group signature key", bob.signature_private_key.bytes());
  scan.AddSecret("group exporter secret", bob.secrets.exporter_secret.bytes());
  scan.AddSecret("group init secret", bob.secrets.init_secret.bytes());
  scan.AddSecret("group sender data secret", bob.secrets.sender_data_secret.bytes());
  scan.AddFilesUnder(dir_.path());  // the database and its WAL, store open
  EXPECT_TRUE(scan.HasFileNamed("client.db-wal"));
  for (const std::string& finding : scan.Findings()) ADD_FAILURE() << finding;
  store_.reset();  // checkpoints the WAL into the database
  xs::testing::SecretScan closed = scan;
  closed.AddFilesUnder(dir_.path());
  for (const std::string& finding : closed.Findings()) ADD_FAILURE() << finding;

  // The scan does find what is stored in clear (the content type).
  xs::testing::SecretScan control;
  control.AddSecret("content type", "xmtp.org/text:1.0");
  control.AddFilesUnder(dir_.path());
  EXPECT_FALSE(control.Findings().empty());
}

TEST_F(StoreSealingTest, IdentityKeyMovedToAnotherRowDoesNotOpen) {
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    XS_RETURN_IF_ERROR(tx.SaveIdentity(Identity(kOwnerA, "private key of A")));
                    return tx.SaveIdentity(Identity(kOwnerB, "private key of B"));
                  })
                  .ok());
  store_.reset();
  Raw("UPDATE identities SET private_key = (SELECT private_key FROM identities WHERE "
      "installation_key = " +
      Hex(kOwnerA) + ") WHERE installation_key = " + Hex(kOwnerB) + ";");
  Reopen();
  EXPECT_TRUE(store_->GetIdentity(kOwnerA).ok());
  auto moved = store_->GetIdentity(kOwnerB);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(StoreErrorOf(moved.error()), StoreError::kSealedRowInvalid);
}

TEST_F(StoreSealingTest, MessageContentMovedToAnotherMessageDoesNotOpen) {
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    XS_TRY(bool a, tx.InsertMessage(MakeMessage(kOwnerA, kGroup, 1, "one")));
                    XS_TRY(bool b, tx.InsertMessage(MakeMessage(kOwnerA, kGroup, 2, "two")));
                    EXPECT_TRUE(a && b);
                    return OkStatus();
                  })
                  .ok());
  store_.reset();
  Raw("UPDATE messages SET content = (SELECT content FROM messages WHERE id = " + Hex(B("msg-1")) +
      ") WHERE id = " + Hex(B("msg-2")) + ";");
  Reopen();
  EXPECT_TRUE(store_->GetMessage(kOwnerA, B("msg-1")).ok());
  auto moved = store_->GetMessage(kOwnerA, B("msg-2"));
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(StoreErrorOf(moved.error()), StoreError::kSealedRowInvalid);
  auto page = store_->ListMessages(kOwnerA, kGroup);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(StoreErrorOf(page.error()), StoreError::kSealedRowInvalid);
}

TEST_F(StoreSealingTest, GroupStateMovedToAnotherGroupDoesNotOpen) {
  auto suite = *crypto::CipherSuite::Create(mls::kXmtpCipherSuite);
  mls::GroupState one = mls::testing::CreateTestGroup(mls::testing::MakeClient(suite, 1));
  mls::GroupState two = mls::testing::CreateTestGroup(mls::testing::MakeClient(suite, 2));
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    XS_RETURN_IF_ERROR(tx.SaveGroupState(kOwnerA, one.group_id(), one));
                    return tx.SaveGroupState(kOwnerA, two.group_id(), two);
                  })
                  .ok());
  store_.reset();
  for (const char* table : {"group_epochs", "group_ratchets"}) {
    Raw(std::string("UPDATE ") + table + " SET state = (SELECT state FROM " + table +
        " WHERE group_id = " + Hex(one.group_id()) + ") WHERE group_id = " + Hex(two.group_id()) +
        ";");
  }
  Reopen();
  EXPECT_TRUE(store_->LoadGroupState(kOwnerA, one.group_id()).ok());
  auto moved = store_->LoadGroupState(kOwnerA, two.group_id());
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(StoreErrorOf(moved.error()), StoreError::kSealedRowInvalid);
}

TEST_F(StoreSealingTest, KeyPackageAndIntentMovedBetweenRowsDoNotOpen) {
  StoredKeyPackage one, two;
  one.ref = B("ref-1");
  one.installation_key = kOwnerA;
  one.init_public_key = B("init-1");
  one.private_parts = crypto::Secret::Copy(B("parts 1"));
  two.ref = B("ref-2");
  two.installation_key = kOwnerA;
  two.init_public_key = B("init-2");
  two.private_parts = crypto::Secret::Copy(B("parts 2"));
  Result<std::int64_t> i1 = 0, i2 = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    XS_RETURN_IF_ERROR(tx.SaveKeyPackage(one));
                    XS_RETURN_IF_ERROR(tx.SaveKeyPackage(two));
                    i1 = tx.AddIntent(kOwnerA, kGroup, IntentKind::kSendMessage, B("payload 1"));
                    i2 = tx.AddIntent(kOwnerA, kGroup, IntentKind::kSendMessage, B("payload 2"));
                    return OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(i1.ok() && i2.ok());
  store_.reset();
  Raw("UPDATE key_packages SET private_parts = (SELECT private_parts FROM key_packages WHERE "
      "ref = " +
      Hex(one.ref) + ") WHERE ref = " + Hex(two.ref) + ";");
  Raw("UPDATE intents SET payload = (SELECT payload FROM intents WHERE id = " +
      std::to_string(*i1) + ") WHERE id = " + std::to_string(*i2) + ";");
  Reopen();
  EXPECT_TRUE(store_->FindKeyPackageByRef(one.ref).ok());
  EXPECT_EQ(StoreErrorOf(store_->FindKeyPackageByRef(two.ref).error()),
            StoreError::kSealedRowInvalid);
  EXPECT_TRUE(store_->GetIntent(*i1).ok());
  EXPECT_EQ(StoreErrorOf(store_->GetIntent(*i2).error()), StoreError::kSealedRowInvalid);
}

}  // namespace
}  // namespace xs::xmtp::store
