// The xmtp-node executable as a process: its one stdout line, a clean stop on
// SIGTERM, and durability: every write it acknowledged before a SIGKILL is
// there after a restart on the same data directory, and ids keep growing.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "node/node_process.h"
#include "node/test_util.h"
#include "xmtp/mls/api/v1/mls.grpc.pb.h"

namespace {

namespace api = ::xmtp::mls::api::v1;
using xs::node::testing::NodeProcess;
using xs::node::testing::PrivateMessage;

std::unique_ptr<api::MlsApi::Stub> Connect(const std::string& address) {
  return api::MlsApi::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

grpc::Status SendOne(api::MlsApi::Stub& stub, const std::string& data) {
  api::SendGroupMessagesRequest req;
  req.add_messages()->mutable_v1()->set_data(data);
  google::protobuf::Empty resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return stub.SendGroupMessages(&ctx, req, &resp);
}

// Every message of the group, ascending, paging until a short page.
std::vector<api::GroupMessage> QueryAll(api::MlsApi::Stub& stub, const std::string& group) {
  std::vector<api::GroupMessage> out;
  std::uint64_t cursor = 0;
  do {
    api::QueryGroupMessagesRequest req;
    req.set_group_id(group);
    req.mutable_paging_info()->set_direction(api::SORT_DIRECTION_ASCENDING);
    req.mutable_paging_info()->set_id_cursor(cursor);
    api::QueryGroupMessagesResponse resp;
    grpc::ClientContext ctx;
    auto st = stub.QueryGroupMessages(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    if (!st.ok()) break;
    for (const auto& m : resp.messages()) out.push_back(m);
    cursor = resp.paging_info().id_cursor();
  } while (cursor != 0);
  return out;
}

class NodeProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/xs-node-process-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<std::string> Args() { return {"--port", "0", "--data-dir", dir_}; }

  std::string dir_;
};

TEST_F(NodeProcessTest, PrintsOneLineAndStopsCleanlyOnSigterm) {
  NodeProcess node(XMTP_NODE_BINARY, Args());
  const std::string address = node.WaitListening();
  ASSERT_FALSE(address.empty());
  EXPECT_EQ(address.rfind("127.0.0.1:", 0), 0u) << address;
  auto stub = Connect(address);
  ASSERT_TRUE(SendOne(*stub, PrivateMessage("g", 1, "hello")).ok());
  node.Signal(SIGTERM);
  EXPECT_EQ(node.ReadRest(), "");  // nothing after the one line
  const int status = node.Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/xmtp-node.sqlite3"));
}

TEST_F(NodeProcessTest, RefusesBadArguments) {
  NodeProcess node(XMTP_NODE_BINARY, {"--port", "99999", "--in-memory"});
  EXPECT_EQ(node.ReadRest(), "");
  const int status = node.Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

TEST_F(NodeProcessTest, AcknowledgedWritesSurviveSigkill) {
  constexpr int kWriters = 4;
  constexpr auto kWriteTime = std::chrono::milliseconds(400);
  std::mutex mu;
  std::set<std::string> acked;  // data of every acknowledged send
  std::uint64_t max_id_before = 0;
  {
    NodeProcess node(XMTP_NODE_BINARY, Args());
    const std::string address = node.WaitListening();
    ASSERT_FALSE(address.empty());
    std::atomic<bool> killed{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        auto stub = Connect(address);
        for (int i = 0;; ++i) {
          const std::string data =
              PrivateMessage("durable", 1, std::to_string(w) + "/" + std::to_string(i));
          if (!SendOne(*stub, data).ok()) {
            EXPECT_TRUE(killed.load()) << "send failed before the kill";
            return;
          }
          std::lock_guard lock(mu);
          acked.insert(data);
        }
      });
    }
    std::this_thread::sleep_for(kWriteTime);
    killed = true;
    node.Signal(SIGKILL);  // while writes are in flight
    const int status = node.Wait();
    EXPECT_TRUE(WIFSIGNALED(status));
    for (auto& t : writers) t.join();
  }
  ASSERT_GT(acked.size(), 10u);

  NodeProcess node(XMTP_NODE_BINARY, Args());
  const std::string address = node.WaitListening();
  ASSERT_FALSE(address.empty());
  auto stub = Connect(address);
  const auto stored = QueryAll(*stub, "durable");
  std::set<std::string> present;
  for (std::size_t i = 0; i < stored.size(); ++i) {
    present.insert(stored[i].v1().data());
    if (i > 0) {
      EXPECT_LT(stored[i - 1].v1().id(), stored[i].v1().id());
    }
    max_id_before = std::max(max_id_before, stored[i].v1().id());
  }
  std::size_t missing = 0;
  for (const auto& d : acked) missing += present.count(d) == 0;
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged writes";

  // Ids never go backwards after a crash.
  ASSERT_TRUE(SendOne(*stub, PrivateMessage("durable", 1, "after-restart")).ok());
  const auto after = QueryAll(*stub, "durable");
  ASSERT_FALSE(after.empty());
  EXPECT_GT(after.back().v1().id(), max_id_before);
  node.Signal(SIGTERM);
  node.Wait();
}

}  // namespace
