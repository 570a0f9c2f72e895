// One HTTP/2 connection over many calls, the pattern of an SDK client: the
// official SDK (libxmtp 1.9.1) keeps one connection per client and opens one
// stream per request, so a client that syncs or sends a lot opens thousands
// of streams on it. The node must serve them all on that connection (no
// GOAWAY, no stream budget, no slow path) and must release every
// subscription a client cancels. (The 40-60 s pause an SDK client shows
// after 5,000 requests in a minute is libxmtp's own request-rate limit, not
// the node: docs/performance.md "node".)
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "node/node_test_fixture.h"

namespace xs::node::testing {
namespace {

// More than the SDK's 5,000-requests window, twice over.
constexpr int kCalls = 12000;
// The per-request deadline of the check; a call that takes longer fails it.
constexpr std::chrono::seconds kDeadline{5};
constexpr int kSubscriptions = 1000;

std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + kDeadline;
}

class ConnectionTest : public NodeTest {
 protected:
  grpc::Status SendWithDeadline(const std::string& data) {
    api::SendGroupMessagesRequest req;
    auto* v1 = req.add_messages()->mutable_v1();
    v1->set_data(data);
    v1->set_sender_hmac(std::string(32, 'h'));
    google::protobuf::Empty resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(Deadline());
    return mls_->SendGroupMessages(&ctx, req, &resp);
  }

  grpc::Status NewestWithDeadline(const std::string& group, std::uint64_t* id) {
    api::QueryGroupMessagesRequest req;
    req.set_group_id(group);
    req.mutable_paging_info()->set_direction(api::SORT_DIRECTION_DESCENDING);
    req.mutable_paging_info()->set_limit(1);
    api::QueryGroupMessagesResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(Deadline());
    grpc::Status st = mls_->QueryGroupMessages(&ctx, req, &resp);
    *id = resp.messages_size() == 1 ? resp.messages(0).v1().id() : 0;
    return st;
  }

  // Polls the node's count of open streams until it is `want` or 10 s pass.
  std::size_t WaitOpenStreams(std::size_t want) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::size_t open = node_->open_streams();
    while (open != want && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      open = node_->open_streams();
    }
    return open;
  }
};

TEST_F(ConnectionTest, OneConnectionServesTwelveThousandCallsEachWithinItsDeadline) {
  const std::string group = "one-connection";
  int failed = 0;
  std::string first_failure;
  int left_ready = 0;
  std::uint64_t newest = 0;
  for (int i = 0; i < kCalls; ++i) {
    grpc::Status st;
    if (i % 2 == 0) {
      st = SendWithDeadline(PrivateMessage(group, 1, "m" + std::to_string(i)));
    } else {
      std::uint64_t id = 0;
      st = NewestWithDeadline(group, &id);
      // Each query sees the send just before it.
      if (st.ok() && id <= newest) st = grpc::Status(grpc::StatusCode::INTERNAL, "stale newest id");
      newest = id;
    }
    if (!st.ok() && failed++ == 0) {
      first_failure = "call " + std::to_string(i) + ": " + std::to_string(st.error_code()) + " " +
                      st.error_message();
    }
    // A GOAWAY or a dropped connection leaves the channel IDLE or
    // reconnecting: every call must find the same connection still up.
    if (channel_->GetState(false) != GRPC_CHANNEL_READY) ++left_ready;
  }
  EXPECT_EQ(failed, 0) << "first failure: " << first_failure;
  EXPECT_EQ(left_ready, 0) << "calls after which the connection was not READY";
  EXPECT_EQ(newest, static_cast<std::uint64_t>(kCalls / 2));
  EXPECT_EQ(node_->open_streams(), 0u);
}

TEST_F(ConnectionTest, CancelledSubscriptionsAreAllReleased) {
  for (int i = 0; i < kSubscriptions; ++i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(Deadline());
    api::SubscribeGroupMessagesRequest req;
    req.add_filters()->set_group_id("sub-" + std::to_string(i % 10));
    auto reader = mls_->SubscribeGroupMessages(&ctx, req);
    reader->WaitForInitialMetadata();  // the node holds the stream now
    ctx.TryCancel();
    grpc::Status st = reader->Finish();
    ASSERT_EQ(st.error_code(), grpc::StatusCode::CANCELLED) << "subscription " << i;
  }
  for (int i = 0; i < kSubscriptions; ++i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(Deadline());
    api::SubscribeWelcomeMessagesRequest req;
    req.add_filters()->set_installation_key("installation-" + std::to_string(i % 10));
    auto reader = mls_->SubscribeWelcomeMessages(&ctx, req);
    reader->WaitForInitialMetadata();
    ctx.TryCancel();
    grpc::Status st = reader->Finish();
    ASSERT_EQ(st.error_code(), grpc::StatusCode::CANCELLED) << "welcome subscription " << i;
  }
  EXPECT_EQ(WaitOpenStreams(0), 0u);
  // The connection still serves calls.
  EXPECT_TRUE(SendWithDeadline(PrivateMessage("after", 1, "x")).ok());
  EXPECT_EQ(channel_->GetState(false), GRPC_CHANNEL_READY);
}

TEST_F(ConnectionTest, OpenSubscriptionsAreCountedUntilTheyEnd) {
  constexpr int kOpen = 50;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<api::GroupMessage>>> readers;
  for (int i = 0; i < kOpen; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->set_deadline(Deadline());
    api::SubscribeGroupMessagesRequest req;
    req.add_filters()->set_group_id("open-" + std::to_string(i));
    readers.push_back(mls_->SubscribeGroupMessages(contexts.back().get(), req));
    readers.back()->WaitForInitialMetadata();
  }
  EXPECT_EQ(node_->open_streams(), static_cast<std::size_t>(kOpen));
  for (int i = 0; i < kOpen; ++i) {
    contexts[i]->TryCancel();
    EXPECT_EQ(readers[i]->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  EXPECT_EQ(WaitOpenStreams(0), 0u);
}

}  // namespace
}  // namespace xs::node::testing
