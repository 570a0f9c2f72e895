// MlsApi over a real gRPC server: paging, duplicates, stale commits, key
// packages, welcomes, the commit log and limits.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "node/limits.h"
#include "node/node_test_fixture.h"
#include "sqlite/sqlite.h"

namespace xs::node::testing {
namespace {

std::vector<std::uint64_t> Ids(const api::QueryGroupMessagesResponse& r) {
  std::vector<std::uint64_t> ids;
  for (const auto& m : r.messages()) ids.push_back(m.v1().id());
  return ids;
}

TEST_F(NodeTest, StoresAndReturnsGroupMessageFields) {
  const std::string gid(16, 'a');
  const std::string data = PrivateMessage(gid, 1, "payload");
  ASSERT_TRUE(Send({data}).ok());
  auto r = Query(gid, api::SORT_DIRECTION_ASCENDING, 0, 0);
  ASSERT_EQ(r.messages_size(), 1);
  const auto& m = r.messages(0).v1();
  EXPECT_GT(m.id(), 0u);
  EXPECT_GT(m.created_ns(), 0u);
  EXPECT_EQ(m.group_id(), gid);
  EXPECT_EQ(m.data(), data);
  EXPECT_EQ(m.sender_hmac(), std::string(32, 'h'));
  EXPECT_TRUE(m.should_push());
  EXPECT_FALSE(m.is_commit());
  // A short page: no cursor, the client stops.
  EXPECT_EQ(r.paging_info().id_cursor(), 0u);
  EXPECT_EQ(r.paging_info().limit(), kMaxPageSize);
  EXPECT_EQ(r.paging_info().direction(), api::SORT_DIRECTION_ASCENDING);
}

TEST_F(NodeTest, AscendingPagingWithCursorsAndShortLastPage) {
  const std::string gid = "group-asc";
  SendMany(gid, 250);
  SendMany("other-group", 3);
  std::vector<std::uint64_t> all;
  std::uint64_t cursor = 0;
  int pages = 0;
  while (true) {
    auto r = Query(gid, api::SORT_DIRECTION_ASCENDING, 100, cursor);
    auto ids = Ids(r);
    all.insert(all.end(), ids.begin(), ids.end());
    ++pages;
    if (r.paging_info().id_cursor() == 0) {
      EXPECT_EQ(ids.size(), 50u);
      break;
    }
    EXPECT_EQ(ids.size(), 100u);
    EXPECT_EQ(r.paging_info().id_cursor(), ids.back());
    cursor = r.paging_info().id_cursor();
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 250u);
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1], all[i]);
}

TEST_F(NodeTest, DescendingPagingAndLatestMessage) {
  const std::string gid = "group-desc";
  SendMany(gid, 30);
  auto latest = Query(gid, api::SORT_DIRECTION_DESCENDING, 1, 0);
  ASSERT_EQ(latest.messages_size(), 1);
  auto page = Query(gid, api::SORT_DIRECTION_DESCENDING, 10, 0);
  auto ids = Ids(page);
  ASSERT_EQ(ids.size(), 10u);
  EXPECT_EQ(ids.front(), latest.messages(0).v1().id());
  for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_GT(ids[i - 1], ids[i]);
  EXPECT_EQ(page.paging_info().id_cursor(), ids.back());
  auto next = Query(gid, api::SORT_DIRECTION_DESCENDING, 10, ids.back());
  ASSERT_EQ(next.messages_size(), 10);
  EXPECT_LT(next.messages(0).v1().id(), ids.back());

  // Paging down to the oldest row ends on a short (here empty) page.
  std::vector<std::uint64_t> all;
  std::uint64_t cursor = 0;
  int pages = 0;
  do {
    auto r = Query(gid, api::SORT_DIRECTION_DESCENDING, 7, cursor);
    auto got = Ids(r);
    all.insert(all.end(), got.begin(), got.end());
    cursor = r.paging_info().id_cursor();
    ASSERT_LT(++pages, 10);
  } while (cursor != 0);
  EXPECT_EQ(pages, 5);  // 7+7+7+7+2
  ASSERT_EQ(all.size(), 30u);
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_GT(all[i - 1], all[i]);
}

TEST_F(NodeTest, UnspecifiedDirectionIsDescendingAndLimitIsCapped) {
  const std::string gid = "group-default";
  SendMany(gid, 120);
  api::QueryGroupMessagesRequest req;
  req.set_group_id(gid);
  api::QueryGroupMessagesResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(mls_->QueryGroupMessages(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.messages_size(), 100);
  EXPECT_GT(resp.messages(0).v1().id(), resp.messages(1).v1().id());
  EXPECT_EQ(resp.paging_info().direction(), api::SORT_DIRECTION_DESCENDING);
  auto capped = Query(gid, api::SORT_DIRECTION_ASCENDING, 1000, 0);
  EXPECT_EQ(capped.messages_size(), 100);
}

TEST_F(NodeTest, DuplicateDataIsAcceptedOnce) {
  const std::string data = PrivateMessage("dup", 1, "same");
  ASSERT_TRUE(Send({data}).ok());
  ASSERT_TRUE(Send({data}).ok());
  ASSERT_TRUE(Send({data, PrivateMessage("dup", 1, "other")}).ok());
  EXPECT_EQ(Query("dup", api::SORT_DIRECTION_ASCENDING, 0, 0).messages_size(), 2);
}

TEST_F(NodeTest, StaleCommitsAreAcceptedInArrivalOrder) {
  ASSERT_TRUE(Send({PrivateMessage("g", 3, "commit-a", 1)}).ok());
  ASSERT_TRUE(Send({PrivateMessage("g", 3, "commit-b-stale", 1)}).ok());
  ASSERT_TRUE(Send({PrivateMessage("g", 3, "commit-old-epoch", 0)}).ok());
  auto r = Query("g", api::SORT_DIRECTION_ASCENDING, 0, 0);
  ASSERT_EQ(r.messages_size(), 3);
  for (const auto& m : r.messages()) EXPECT_TRUE(m.v1().is_commit());
}

TEST_F(NodeTest, RejectsNonMlsDataAndStoresNothing) {
  auto st = Send({PrivateMessage("g", 1, "ok"), "not mls at all"});
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("messages[1]"), std::string::npos) << st.error_message();
  EXPECT_EQ(Query("g", api::SORT_DIRECTION_ASCENDING, 0, 0).messages_size(), 0);
  EXPECT_EQ(Send({}).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(NodeTest, GetNewestGroupMessage) {
  SendMany("n1", 3);
  api::GetNewestGroupMessageRequest req;
  req.add_group_ids("n1");
  req.add_group_ids("empty");
  api::GetNewestGroupMessageResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(mls_->GetNewestGroupMessage(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.responses_size(), 2);
  ASSERT_TRUE(resp.responses(0).has_group_message());
  const auto& m = resp.responses(0).group_message().v1();
  EXPECT_EQ(m.id(), Query("n1", api::SORT_DIRECTION_DESCENDING, 1, 0).messages(0).v1().id());
  EXPECT_EQ(m.group_id(), "n1");
  EXPECT_TRUE(m.data().empty());  // include_content = false
  EXPECT_FALSE(resp.responses(1).has_group_message());
}

TEST_F(NodeTest, KeyPackagesReplaceAndFetchInOrderWithEmptyEntries) {
  const std::string k1(32, '1'), k2(32, '2');
  auto upload = [&](const std::string& kp) {
    api::UploadKeyPackageRequest req;
    req.mutable_key_package()->set_key_package_tls_serialized(kp);
    req.set_is_inbox_id_credential(true);
    google::protobuf::Empty resp;
    grpc::ClientContext ctx;
    return mls_->UploadKeyPackage(&ctx, req, &resp);
  };
  ASSERT_TRUE(upload(KeyPackage(k1, "first")).ok());
  ASSERT_TRUE(upload(KeyPackage(k2, "only")).ok());
  ASSERT_TRUE(upload(KeyPackage(k1, "second")).ok());
  EXPECT_EQ(upload("garbage").error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  api::FetchKeyPackagesRequest req;
  req.add_installation_keys(k2);
  req.add_installation_keys(std::string(32, 'x'));
  req.add_installation_keys(k1);
  api::FetchKeyPackagesResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(mls_->FetchKeyPackages(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.key_packages_size(), 3);
  EXPECT_EQ(resp.key_packages(0).key_package_tls_serialized(), KeyPackage(k2, "only"));
  EXPECT_TRUE(resp.key_packages(1).key_package_tls_serialized().empty());
  EXPECT_EQ(resp.key_packages(2).key_package_tls_serialized(), KeyPackage(k1, "second"));
}

TEST_F(NodeTest, WelcomesBothKindsWithOutputFieldLayout) {
  const std::string inst(32, 'w');
  api::SendWelcomeMessagesRequest req;
  auto* v1 = req.add_messages()->mutable_v1();
  v1->set_installation_key(inst);
  v1->set_data("sealed-welcome");
  v1->set_hpke_public_key(std::string(1216, 'p'));
  v1->set_wrapper_algorithm(::xmtp::mls::message_contents::WELCOME_WRAPPER_ALGORITHM_CURVE25519);
  v1->set_welcome_metadata("meta");
  auto* ptr = req.add_messages()->mutable_welcome_pointer();
  ptr->set_installation_key(inst);
  ptr->set_welcome_pointer("pointer");
  ptr->set_hpke_public_key("pk");
  ptr->set_wrapper_algorithm(
      ::xmtp::mls::message_contents::WELCOME_POINTER_WRAPPER_ALGORITHM_XWING_MLKEM_768_DRAFT_6);
  google::protobuf::Empty empty;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(mls_->SendWelcomeMessages(&ctx, req, &empty).ok());
  }
  {
    grpc::ClientContext ctx;  // duplicates are ignored
    ASSERT_TRUE(mls_->SendWelcomeMessages(&ctx, req, &empty).ok());
  }
  api::QueryWelcomeMessagesRequest q;
  q.set_installation_key(inst);
  q.mutable_paging_info()->set_direction(api::SORT_DIRECTION_ASCENDING);
  api::QueryWelcomeMessagesResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(mls_->QueryWelcomeMessages(&ctx, q, &resp).ok());
  ASSERT_EQ(resp.messages_size(), 2);
  const auto& w = resp.messages(0).v1();
  EXPECT_EQ(w.installation_key(), inst);
  EXPECT_EQ(w.data(), "sealed-welcome");
  EXPECT_EQ(w.hpke_public_key().size(), 1216u);
  EXPECT_EQ(w.welcome_metadata(), "meta");
  EXPECT_EQ(w.wrapper_algorithm(),
            ::xmtp::mls::message_contents::WELCOME_WRAPPER_ALGORITHM_CURVE25519);
  const auto& p = resp.messages(1).welcome_pointer();
  EXPECT_GT(p.id(), w.id());
  EXPECT_EQ(p.welcome_pointer(), "pointer");
  EXPECT_EQ(p.hpke_public_key(), "pk");
}

TEST_F(NodeTest, CommitLogPublishAndQuery) {
  api::BatchPublishCommitLogRequest pub;
  for (int i = 0; i < 3; ++i) {
    auto* r = pub.add_requests();
    r->set_group_id("cl");
    r->set_serialized_commit_log_entry("entry" + std::to_string(i));
    r->mutable_signature()->set_bytes(std::string(64, 's'));
    r->mutable_signature()->set_public_key(std::string(32, 'k'));
  }
  google::protobuf::Empty empty;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(mls_->BatchPublishCommitLog(&ctx, pub, &empty).ok());
  }
  api::BatchQueryCommitLogRequest q;
  auto* qr = q.add_requests();
  qr->set_group_id("cl");
  qr->mutable_paging_info()->set_direction(api::SORT_DIRECTION_ASCENDING);
  q.add_requests()->set_group_id("none");
  api::BatchQueryCommitLogResponse resp;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(mls_->BatchQueryCommitLog(&ctx, q, &resp).ok());
  }
  ASSERT_EQ(resp.responses_size(), 2);
  ASSERT_EQ(resp.responses(0).commit_log_entries_size(), 3);
  EXPECT_EQ(resp.responses(0).commit_log_entries(2).serialized_commit_log_entry(), "entry2");
  EXPECT_EQ(resp.responses(0).commit_log_entries(0).signature().public_key(), std::string(32, 'k'));
  EXPECT_EQ(resp.responses(1).commit_log_entries_size(), 0);

  pub.mutable_requests(1)->clear_signature();
  grpc::ClientContext ctx;
  EXPECT_EQ(mls_->BatchPublishCommitLog(&ctx, pub, &empty).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(NodeTest, LimitsAreAnsweredWithInvalidArgument) {
  std::vector<std::string> many;
  for (std::size_t i = 0; i <= kMaxGroupMessagesPerRequest; ++i) {
    many.push_back(PrivateMessage("lim", 1, std::to_string(i)));
  }
  auto st = Send(many);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("limit"), std::string::npos);

  api::BatchPublishCommitLogRequest pub;
  for (std::size_t i = 0; i <= kMaxCommitLogPublishes; ++i) pub.add_requests();
  google::protobuf::Empty empty;
  grpc::ClientContext ctx;
  EXPECT_EQ(mls_->BatchPublishCommitLog(&ctx, pub, &empty).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  grpc::Status qs;
  Query(std::string(kMaxGroupIdBytes + 1, 'g'), api::SORT_DIRECTION_ASCENDING, 0, 0, &qs);
  EXPECT_EQ(qs.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(NodeTest, UnusedMethodsAreUnimplemented) {
  api::RevokeInstallationRequest req;
  google::protobuf::Empty empty;
  grpc::ClientContext ctx;
  EXPECT_EQ(mls_->RevokeInstallation(&ctx, req, &empty).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(NodeTest, PortInUseIsAnErrorNotACrash) {
  NodeOptions options;
  options.port = node_->port();
  options.in_memory = true;
  auto second = Node::Start(options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().category(), Category::kNetwork);
}

TEST_F(NodeTest, ServesOnIpv6Loopback) {
  NodeOptions options;
  options.host = "::1";
  options.port = 0;
  options.in_memory = true;
  auto v6 = Node::Start(options);
  if (!v6.ok()) GTEST_SKIP() << "no IPv6 loopback: " << v6.error().ToString();
  EXPECT_EQ((*v6)->address().rfind("[::1]:", 0), 0u) << (*v6)->address();
  auto stub = api::MlsApi::NewStub(
      grpc::CreateChannel((*v6)->address(), grpc::InsecureChannelCredentials()));
  api::QueryGroupMessagesRequest req;
  req.set_group_id("g");
  api::QueryGroupMessagesResponse resp;
  grpc::ClientContext ctx;
  EXPECT_TRUE(stub->QueryGroupMessages(&ctx, req, &resp).ok());
}

TEST_F(NodeTest, RefusesMissingDataDirectory) {
  NodeOptions options;
  options.port = 0;
  EXPECT_FALSE(Node::Start(options).ok());
}

class PersistentNodeTest : public NodeTest {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/xs-node-persist-" + std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
    StartNode(OnDisk(dir_));
  }
  void TearDown() override {
    StopNode();
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
};

TEST_F(PersistentNodeTest, SecondNodeOnTheSameDataDirectoryIsRefused) {
  auto second = Node::Start(OnDisk(dir_));
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message().find("in use"), std::string::npos)
      << second.error().ToString();
}

TEST_F(PersistentNodeTest, RestartKeepsDataAndIdsKeepGrowing) {
  SendMany("p", 5);
  api::UploadKeyPackageRequest kp;
  kp.mutable_key_package()->set_key_package_tls_serialized(KeyPackage(std::string(32, 'k')));
  google::protobuf::Empty empty;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(mls_->UploadKeyPackage(&ctx, kp, &empty).ok());
  }
  const auto before = Ids(Query("p", api::SORT_DIRECTION_ASCENDING, 0, 0));
  ASSERT_EQ(before.size(), 5u);
  EXPECT_TRUE(std::filesystem::exists(node_->database_path()));

  StopNode();
  StartNode(OnDisk(dir_));
  EXPECT_EQ(Ids(Query("p", api::SORT_DIRECTION_ASCENDING, 0, 0)), before);
  SendMany("p", 1, "after-restart");
  const auto after = Ids(Query("p", api::SORT_DIRECTION_ASCENDING, 0, 0));
  ASSERT_EQ(after.size(), 6u);
  EXPECT_GT(after.back(), before.back());
  api::FetchKeyPackagesRequest fetch;
  fetch.add_installation_keys(std::string(32, 'k'));
  api::FetchKeyPackagesResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(mls_->FetchKeyPackages(&ctx, fetch, &resp).ok());
  EXPECT_FALSE(resp.key_packages(0).key_package_tls_serialized().empty());
}

// A stored envelope rewrites whole pages in the WAL (its row, the group
// and dedup indexes, the AUTOINCREMENT counter): four of 1 KiB each.
TEST_F(PersistentNodeTest, AStoredMessageWritesFourSmallPages) {
  SendMany("p", 1);
  auto db = sqlite::Db::Open(node_->database_path());
  ASSERT_TRUE(db.ok());
  auto page_size = db->Prepare("PRAGMA page_size;");
  ASSERT_TRUE(page_size.ok() && *page_size->Step());
  EXPECT_EQ(page_size->Int(0), 1024);
  ASSERT_TRUE(db->Exec("PRAGMA wal_checkpoint(TRUNCATE);").ok());
  SendMany("p", 1, "second");
  auto frames = db->Prepare("PRAGMA wal_checkpoint(PASSIVE);");  // busy, frames, copied
  ASSERT_TRUE(frames.ok() && *frames->Step());
  EXPECT_EQ(frames->Int(0), 0);
  EXPECT_EQ(frames->Int(1), 4);
}

}  // namespace
}  // namespace xs::node::testing
