#include "xmtp/store/store.h"

#include <gtest/gtest.h>

#include "base/testing/fake_clock.h"
#include "mls/group/group_testing.h"
#include "sqlite/sqlite.h"
#include "support/secret_scan.h"
#include "xmtp/store/schema.h"
#include "xmtp/store/store_tables.h"
#include "xmtp/store/store_testing.h"

namespace xs::xmtp::store {
namespace {

using testing::B;
using testing::MakeMessage;
using testing::TempDir;
using testing::TestKey;

const Bytes kOwner = Bytes(32, 0x01);
const Bytes kGroup = B("group-one");

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto opened = Store::Open(path_, TestKey(), clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(opened).value();
  }
  Status Write(const std::function<Status(Transaction&)>& body) { return store_->Write(body); }
  void AddGroup(const Bytes& group = kGroup) {
    StoredGroup g;
    g.owner = kOwner;
    g.group_id = group;
    g.created_ns = 5;
    g.last_activity_ns = 6;
    ASSERT_TRUE(Write([&](Transaction& tx) -> Status { return tx.SaveGroup(g); }).ok());
  }
  // Rewrites one column of one row behind the store's back.
  void RawExec(const std::string& sql) {
    auto db = sqlite::Db::Open(path_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec(sql.c_str()).ok()) << sql;
  }

  TempDir dir_{"unit"};
  std::string path_ = dir_.File("client.db");
  FakeClock clock_;
  std::unique_ptr<Store> store_;
};

Error ErrorOf(const Status& s) { return s.error(); }

TEST_F(StoreTest, FreshStoreIsAtTheLatestSchemaVersion) {
  auto db = sqlite::Db::Open(path_);
  ASSERT_TRUE(db.ok());
  auto st = db->Prepare("PRAGMA user_version;");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(st->Int(0), static_cast<std::int64_t>(kMigrations.size()));
}

TEST_F(StoreTest, WrongKeyAtOpenIsATypedError) {
  store_.reset();
  auto opened = Store::Open(path_, TestKey(0x43), clock_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(StoreErrorOf(opened.error()), StoreError::kWrongKey);
  EXPECT_TRUE(opened.error().IsAuth());
  EXPECT_TRUE(Store::Open(path_, TestKey(), clock_).ok());
}

TEST_F(StoreTest, KeyOfTheWrongSizeIsRejected) {
  auto opened = Store::Open(dir_.File("other.db"), crypto::Secret(16), clock_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(StoreErrorOf(opened.error()), StoreError::kInvalidArgument);
}

TEST_F(StoreTest, SchemaNewerThanTheLibraryIsATypedError) {
  store_.reset();
  RawExec("PRAGMA user_version=99;");
  auto opened = Store::Open(path_, TestKey(), clock_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(StoreErrorOf(opened.error()), StoreError::kSchemaTooNew);
}

TEST_F(StoreTest, IdentityRoundTrip) {
  StoredIdentity id;
  id.installation_key = kOwner;
  id.inbox_id = std::string(64, 'b');
  id.installation_private_key = crypto::Secret::Copy(B("installation-private-key-32-bytes"));
  id.registration = RegistrationState::kUnregistered;
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status { return tx.SaveIdentity(id); }).ok());
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                XS_RETURN_IF_ERROR(tx.SetRegistration(kOwner, RegistrationState::kRegistered));
                XS_RETURN_IF_ERROR(tx.SetIdentitySequenceId(kOwner, 7));
                return tx.SetWelcomeCursor(kOwner, 12);
              }).ok());
  Reopen();
  auto got = store_->GetIdentity(kOwner);
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->inbox_id, id.inbox_id);
  EXPECT_TRUE(got->installation_private_key.Equals(id.installation_private_key.bytes()));
  EXPECT_EQ(got->registration, RegistrationState::kRegistered);
  EXPECT_EQ(got->identity_sequence_id, 7u);
  EXPECT_EQ(*store_->WelcomeCursor(kOwner), 12u);
  EXPECT_EQ(store_->ListIdentities()->size(), 1u);
  auto welcome_back =
      Write([&](Transaction& tx) -> Status { return tx.SetWelcomeCursor(kOwner, 11); });
  EXPECT_EQ(StoreErrorOf(ErrorOf(welcome_back)), StoreError::kCursorRegression);
  EXPECT_EQ(StoreErrorOf(store_->GetIdentity(B("nobody")).error()), StoreError::kNotFound);
}

TEST_F(StoreTest, KeyPackagesAreFoundByInitKeyAndRefAndDeletedAfterTheGracePeriod) {
  StoredKeyPackage kp;
  kp.ref = B("ref-1");
  kp.installation_key = kOwner;
  kp.init_public_key = B("init-public-key-1");
  kp.private_parts = crypto::Secret::Copy(B("private parts of kp 1"));
  kp.created_ns = 100;
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status { return tx.SaveKeyPackage(kp); }).ok());
  auto by_init = store_->FindKeyPackageByInitKey(kp.init_public_key);
  ASSERT_TRUE(by_init.ok()) << by_init.error().ToString();
  EXPECT_EQ(by_init->ref, kp.ref);
  EXPECT_TRUE(by_init->private_parts.Equals(kp.private_parts.bytes()));
  EXPECT_FALSE(by_init->consumed_ns.has_value());

  ASSERT_TRUE(
      Write([&](Transaction& tx) -> Status { return tx.MarkKeyPackageConsumed(kp.ref); }).ok());
  auto by_ref = store_->FindKeyPackageByRef(kp.ref);
  ASSERT_TRUE(by_ref.ok());
  ASSERT_TRUE(by_ref->consumed_ns.has_value());
  EXPECT_EQ(*by_ref->consumed_ns, clock_.NowNs());

  Result<int> deleted = 0;
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                deleted = tx.DeleteKeyPackagesConsumedBefore(clock_.NowNs());
                return OkStatus();
              }).ok());
  EXPECT_EQ(*deleted, 0);  // still inside the grace period
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                deleted = tx.DeleteKeyPackagesConsumedBefore(clock_.NowNs() + 1);
                return OkStatus();
              }).ok());
  EXPECT_EQ(*deleted, 1);
  EXPECT_EQ(StoreErrorOf(store_->FindKeyPackageByRef(kp.ref).error()), StoreError::kNotFound);
}

TEST_F(StoreTest, GroupRoundTripAndTheCursorOnlyMovesForward) {
  StoredGroup g;
  g.owner = kOwner;
  g.group_id = kGroup;
  g.conversation_type = ConversationType::kDm;
  g.dm_id = "dm:a:b";
  g.created_ns = 10;
  g.last_activity_ns = 20;
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status { return tx.SaveGroup(g); }).ok());
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                XS_RETURN_IF_ERROR(tx.SetGroupCursor(kOwner, kGroup, 9));
                XS_RETURN_IF_ERROR(tx.SetMembership(kOwner, kGroup, MembershipState::kLeft));
                return tx.SetLastActivity(kOwner, kGroup, 30);
              }).ok());
  g.dm_id = "dm:a:c";  // saving again keeps the cursor
  g.last_activity_ns = 30;
  g.membership = MembershipState::kLeft;
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status { return tx.SaveGroup(g); }).ok());
  auto got = store_->GetGroup(kOwner, kGroup);
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->conversation_type, ConversationType::kDm);
  EXPECT_EQ(got->dm_id, "dm:a:c");
  EXPECT_EQ(got->created_ns, 10);
  EXPECT_EQ(got->last_activity_ns, 30);
  EXPECT_EQ(got->membership, MembershipState::kLeft);
  EXPECT_EQ(got->cursor, 9u);
  auto back =
      Write([&](Transaction& tx) -> Status { return tx.SetGroupCursor(kOwner, kGroup, 8); });
  EXPECT_EQ(StoreErrorOf(ErrorOf(back)), StoreError::kCursorRegression);
  EXPECT_EQ(*store_->GroupCursor(kOwner, kGroup), 9u);
  EXPECT_EQ(store_->ListGroups(kOwner)->size(), 1u);
  EXPECT_TRUE(store_->ListGroups(B("other owner"))->empty());
}

TEST_F(StoreTest, SendReservationIsReplacedAndSurvivesReopen) {
  AddGroup();
  auto none = store_->GetSendReservation(kOwner, kGroup);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                return tx.ReserveSendGenerations(kOwner, kGroup, SendReservation{3, 64});
              }).ok());
  ASSERT_TRUE(store_
                  ->WriteUnsynced([&](Transaction& tx) -> Status {
                    return tx.ReserveSendGenerations(kOwner, kGroup, SendReservation{4, 128});
                  })
                  .ok());
  Reopen();
  auto got = store_->GetSendReservation(kOwner, kGroup);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->epoch, 4u);
  EXPECT_EQ((*got)->generation, 128u);
}

TEST_F(StoreTest, MessagesRoundTripPageAndCount) {
  AddGroup();
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                for (std::uint64_t n = 1; n <= 5; ++n) {
                  XS_TRY(bool inserted, tx.InsertMessage(MakeMessage(kOwner, kGroup, n,
                                                                     "text " + std::to_string(n))));
                  if (!inserted) return Error::Internal("not inserted");
                }
                return OkStatus();
              }).ok());
  Reopen();
  EXPECT_EQ(*store_->CountMessages(kOwner, kGroup), 5u);
  auto one = store_->GetMessage(kOwner, B("msg-3"));
  ASSERT_TRUE(one.ok()) << one.error().ToString();
  const StoredMessage expected = MakeMessage(kOwner, kGroup, 3, "text 3");
  EXPECT_EQ(one->content, expected.content);
  EXPECT_EQ(one->sender_inbox_id, expected.sender_inbox_id);
  EXPECT_EQ(one->sender_installation_key, expected.sender_installation_key);
  EXPECT_EQ(one->sent_ns, expected.sent_ns);
  EXPECT_EQ(one->node_id, 3u);
  EXPECT_EQ(one->content_type, expected.content_type);
  EXPECT_EQ(one->delivery, DeliveryState::kPublished);

  MessageQuery q;
  q.order = Order::kDescending;
  q.limit = 2;
  auto newest = store_->ListMessages(kOwner, kGroup, q);
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 2u);
  EXPECT_EQ((*newest)[0].id, B("msg-5"));
  EXPECT_EQ((*newest)[1].id, B("msg-4"));
  q.sent_before_ns = (*newest)[1].sent_ns;  // the next page
  auto older = store_->ListMessages(kOwner, kGroup, q);
  ASSERT_EQ(older->size(), 2u);
  EXPECT_EQ((*older)[0].id, B("msg-3"));
  MessageQuery after;
  after.sent_after_ns = expected.sent_ns;
  auto later = store_->ListMessages(kOwner, kGroup, after);
  ASSERT_EQ(later->size(), 2u);
  EXPECT_EQ((*later)[0].id, B("msg-4"));
  MessageQuery membership;
  membership.kind = MessageKind::kMembershipChange;
  EXPECT_TRUE(store_->ListMessages(kOwner, kGroup, membership)->empty());
  MessageQuery by_type;
  by_type.content_type = expected.content_type;
  EXPECT_EQ(store_->ListMessages(kOwner, kGroup, by_type)->size(), 5u);
  by_type.content_type = "xmtp.org/leave_request:1.0";
  EXPECT_TRUE(store_->ListMessages(kOwner, kGroup, by_type)->empty());

  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                return tx.SetDelivery(kOwner, B("msg-3"), DeliveryState::kFailed, 0);
              }).ok());
  EXPECT_EQ(store_->GetMessage(kOwner, B("msg-3"))->delivery, DeliveryState::kFailed);
}

// The query plan of `sql` over the store's schema, one line per step.
std::string QueryPlan(const std::string& path, const char* sql) {
  auto db = sqlite::Db::Open(path);
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return "";
  std::string explain = std::string("EXPLAIN QUERY PLAN ") + sql;
  auto st = db->Prepare(explain.c_str());
  EXPECT_TRUE(st.ok()) << st.error().ToString();
  std::string plan;
  while (st.ok()) {
    auto row = st->Step();
    EXPECT_TRUE(row.ok());
    if (!row.ok() || !*row) break;
    plan += st->Text(3) + "\n";
  }
  return plan;
}

// A page of the newest (or oldest) messages reads only its rows along the
// group index: no full scan, no sort of the whole group. A keyset page
// (MessageQuery::after / before) seeks the index to its bound.
TEST_F(StoreTest, MessagePagesWalkTheGroupIndex) {
  for (Order order : {Order::kAscending, Order::kDescending}) {
    const std::string pages = QueryPlan(path_, MessagePageSql(order));
    const std::string keyset = QueryPlan(path_, MessageKeysetPageSql(order));
    EXPECT_NE(pages.find("USING INDEX messages_by_group (owner=? AND group_id=?)"),
              std::string::npos)
        << pages;
    EXPECT_NE(keyset.find("USING INDEX messages_by_group (owner=? AND group_id=? AND sent_ns>?"),
              std::string::npos)
        << keyset;
    for (const std::string& plan : {pages, keyset}) {
      EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
      EXPECT_EQ(plan.find("SCAN"), std::string::npos) << plan;
    }
  }
}

TEST_F(StoreTest, DuplicateMessageInsertIsIgnored) {
  AddGroup();
  const StoredMessage m = MakeMessage(kOwner, kGroup, 1, "first");
  Result<bool> first = false, second = true;
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                first = tx.InsertMessage(m);
                StoredMessage changed = m;
                changed.content = B("second");
                second = tx.InsertMessage(changed);
                return OkStatus();
              }).ok());
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second);
  EXPECT_EQ(*store_->CountMessages(kOwner, kGroup), 1u);
  EXPECT_EQ(store_->GetMessage(kOwner, m.id)->content, B("first"));
}

TEST_F(StoreTest, ConsentRoundTrip) {
  auto unknown = store_->GetConsent(kOwner, ConsentEntity::kInboxId, "inbox-x");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->state, ConsentState::kUnknown);
  EXPECT_EQ(unknown->updated_ns, 0);
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                XS_RETURN_IF_ERROR(tx.SetConsent(kOwner, ConsentEntity::kInboxId, "inbox-x",
                                                 ConsentState::kAllowed));
                return tx.SetConsent(kOwner, ConsentEntity::kGroupId, "inbox-x",
                                     ConsentState::kDenied);
              }).ok());
  auto allowed = store_->GetConsent(kOwner, ConsentEntity::kInboxId, "inbox-x");
  EXPECT_EQ(allowed->state, ConsentState::kAllowed);
  EXPECT_EQ(allowed->updated_ns, clock_.NowNs());
  EXPECT_EQ(store_->GetConsent(kOwner, ConsentEntity::kGroupId, "inbox-x")->state,
            ConsentState::kDenied);
  EXPECT_EQ(store_->GetConsent(B("other"), ConsentEntity::kInboxId, "inbox-x")->state,
            ConsentState::kUnknown);
}

TEST_F(StoreTest, IntentLifecycle) {
  Result<std::int64_t> first = 0, second = 0;
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                first = tx.AddIntent(kOwner, kGroup, IntentKind::kSendMessage, B("payload 1"));
                second = tx.AddIntent(kOwner, kGroup, IntentKind::kKeyUpdate, B("payload 2"));
                return OkStatus();
              }).ok());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(*first, *second);
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                return tx.SetIntentState(*first, IntentState::kPublished, B("hash-1"));
              }).ok());
  auto pending = store_->ListPendingIntents(kOwner, kGroup);
  ASSERT_TRUE(pending.ok()) << pending.error().ToString();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].id, *first);
  EXPECT_EQ((*pending)[0].state, IntentState::kPublished);
  EXPECT_EQ((*pending)[0].payload_hash, B("hash-1"));
  EXPECT_TRUE((*pending)[0].payload.Equals(B("payload 1")));
  EXPECT_EQ((*pending)[1].kind, IntentKind::kKeyUpdate);
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                XS_RETURN_IF_ERROR(tx.SetIntentState(*first, IntentState::kCommitted));
                return tx.DeleteIntent(*second);
              }).ok());
  EXPECT_TRUE(store_->ListPendingIntents(kOwner, kGroup)->empty());
  EXPECT_EQ(store_->GetIntent(*first)->state, IntentState::kCommitted);
  EXPECT_EQ(StoreErrorOf(store_->GetIntent(*second).error()), StoreError::kNotFound);
}

TEST_F(StoreTest, IdentityUpdateCacheIsOrderedAndIdempotent) {
  const std::vector<CachedIdentityUpdate> updates = {{2, B("update two")}, {1, B("update one")}};
  ASSERT_TRUE(Write([&](Transaction& tx) -> Status {
                XS_RETURN_IF_ERROR(tx.CacheIdentityUpdates("inbox-a", updates));
                return tx.CacheIdentityUpdates("inbox-a", updates);
              }).ok());
  auto all = store_->IdentityUpdates("inbox-a");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].sequence_id, 1u);
  EXPECT_EQ((*all)[1].update, B("update two"));
  EXPECT_EQ(store_->IdentityUpdates("inbox-a", 1)->size(), 1u);
  EXPECT_TRUE(store_->IdentityUpdates("inbox-b")->empty());
}

TEST_F(StoreTest, UncommittedTransactionLeavesNothing) {
  AddGroup();
  {
    auto tx = store_->Begin();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(tx->InsertMessage(MakeMessage(kOwner, kGroup, 1, "lost")).ok());
    ASSERT_TRUE(tx->SetGroupCursor(kOwner, kGroup, 1).ok());
    ASSERT_TRUE(tx->AddIntent(kOwner, kGroup, IntentKind::kSendMessage, B("p")).ok());
  }  // destroyed uncommitted
  auto failed = Write([&](Transaction& tx) -> Status {
    XS_TRY(bool inserted, tx.InsertMessage(MakeMessage(kOwner, kGroup, 2, "lost too")));
    EXPECT_TRUE(inserted);
    XS_RETURN_IF_ERROR(tx.SetGroupCursor(kOwner, kGroup, 2));
    return Error::Internal("the apply failed");
  });
  EXPECT_FALSE(failed.ok());
  Reopen();
  EXPECT_EQ(*store_->CountMessages(kOwner, kGroup), 0u);
  EXPECT_EQ(*store_->GroupCursor(kOwner, kGroup), 0u);
  EXPECT_TRUE(store_->ListPendingIntents(kOwner, kGroup)->empty());
}

TEST_F(StoreTest, CommittedTransactionRefusesFurtherWrites) {
  AddGroup();
  auto tx = store_->Begin();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(tx->Commit().ok());
  EXPECT_FALSE(tx->SetGroupCursor(kOwner, kGroup, 1).ok());
  EXPECT_FALSE(tx->Commit().ok());
}

}  // namespace
}  // namespace xs::xmtp::store
