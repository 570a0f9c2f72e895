// Subscriptions over a real gRPC server: headers at once, history replay
// from a cursor, live fan-out to several subscribers, no duplicates across
// the replay/live seam, welcome streams, and shutdown ending open streams.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "node/limits.h"
#include "node/node_test_fixture.h"

namespace xs::node::testing {
namespace {

using std::chrono::milliseconds;

// A client-side group-message subscription with its own context.
struct GroupStream {
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::ClientReader<api::GroupMessage>> reader;

  // Reads `n` messages and returns their ids (fails the test on end of stream).
  std::vector<std::uint64_t> ReadIds(std::size_t n) {
    std::vector<std::uint64_t> ids;
    api::GroupMessage m;
    while (ids.size() < n && reader->Read(&m)) ids.push_back(m.v1().id());
    EXPECT_EQ(ids.size(), n);
    return ids;
  }
};

class StreamTest : public NodeTest {
 protected:
  std::unique_ptr<GroupStream> Subscribe(
      const std::vector<std::pair<std::string, std::uint64_t>>& filters) {
    auto s = std::make_unique<GroupStream>();
    s->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    api::SubscribeGroupMessagesRequest req;
    for (const auto& [group, cursor] : filters) {
      auto* f = req.add_filters();
      f->set_group_id(group);
      f->set_id_cursor(cursor);
    }
    s->reader = mls_->SubscribeGroupMessages(&s->ctx, req);
    // Returns once the server's headers arrived: the stream is live.
    s->reader->WaitForInitialMetadata();
    return s;
  }

  std::vector<std::uint64_t> AllIds(const std::string& group) {
    std::vector<std::uint64_t> ids;
    std::uint64_t cursor = 0;
    do {
      const auto resp = Query(group, api::SORT_DIRECTION_ASCENDING, 0, cursor);
      for (const auto& m : resp.messages()) ids.push_back(m.v1().id());
      cursor = resp.paging_info().id_cursor();
    } while (cursor != 0);
    return ids;
  }
};

TEST_F(StreamTest, HeadersArriveBeforeAnyMessage) {
  auto s = Subscribe({{"quiet", 0}});
  const auto& md = s->ctx.GetServerInitialMetadata();
  auto it = md.find("subscribed");
  ASSERT_NE(it, md.end());
  EXPECT_EQ(std::string(it->second.data(), it->second.size()), "true");
  s->ctx.TryCancel();
}

TEST_F(StreamTest, ReplaysHistoryAfterCursorThenForwardsLive) {
  SendMany("g", 5);
  const auto history = AllIds("g");
  ASSERT_EQ(history.size(), 5u);
  auto s = Subscribe({{"g", history[1]}});
  EXPECT_EQ(s->ReadIds(3), std::vector<std::uint64_t>(history.begin() + 2, history.end()));
  SendMany("g", 2, "live");
  SendMany("unrelated", 1);
  const auto live = s->ReadIds(2);
  const auto all = AllIds("g");
  EXPECT_EQ(live, std::vector<std::uint64_t>(all.end() - 2, all.end()));
  s->ctx.TryCancel();
}

TEST_F(StreamTest, LongHistoryIsReplayedInOrderWithoutGapsOrDuplicates) {
  SendMany("long", static_cast<int>(kStreamReplayPageSize) * 2 + 7);
  auto s = Subscribe({{"long", 0}});
  // Live writes race the replay; the stream must still be exactly the log.
  std::thread writer([this] { SendMany("long", 20, "race"); });
  const auto got = s->ReadIds(kStreamReplayPageSize * 2 + 27);
  writer.join();
  EXPECT_EQ(got, AllIds("long"));
  s->ctx.TryCancel();
}

TEST_F(StreamTest, FansOutToEverySubscriberAndEveryFilter) {
  constexpr int kSubscribers = 5;
  std::vector<std::unique_ptr<GroupStream>> subs;
  for (int i = 0; i < kSubscribers; ++i) subs.push_back(Subscribe({{"a", 0}, {"b", 0}}));
  SendMany("a", 3);
  SendMany("b", 3);
  std::vector<std::uint64_t> expected = AllIds("a");
  const auto b = AllIds("b");
  expected.insert(expected.end(), b.begin(), b.end());
  for (auto& s : subs) {
    EXPECT_EQ(s->ReadIds(6), expected);
    s->ctx.TryCancel();
  }
}

TEST_F(StreamTest, WelcomeStreamNeedsFiltersAndDeliversByInstallation) {
  {
    api::SubscribeWelcomeMessagesRequest req;
    grpc::ClientContext ctx;
    auto reader = mls_->SubscribeWelcomeMessages(&ctx, req);
    api::WelcomeMessage m;
    EXPECT_FALSE(reader->Read(&m));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  const std::string inst(32, 'i');
  api::SubscribeWelcomeMessagesRequest req;
  req.add_filters()->set_installation_key(inst);
  grpc::ClientContext ctx;
  auto reader = mls_->SubscribeWelcomeMessages(&ctx, req);
  reader->WaitForInitialMetadata();
  api::SendWelcomeMessagesRequest send;
  for (const std::string& key : {std::string(32, 'x'), inst}) {
    auto* v1 = send.add_messages()->mutable_v1();
    v1->set_installation_key(key);
    v1->set_data("welcome for " + key.substr(0, 1));
  }
  google::protobuf::Empty empty;
  grpc::ClientContext send_ctx;
  ASSERT_TRUE(mls_->SendWelcomeMessages(&send_ctx, send, &empty).ok());
  api::WelcomeMessage m;
  ASSERT_TRUE(reader->Read(&m));
  EXPECT_EQ(m.v1().installation_key(), inst);
  EXPECT_EQ(m.v1().data(), "welcome for i");
  EXPECT_GT(m.v1().id(), 0u);
  ctx.TryCancel();
}

TEST_F(StreamTest, ShutdownWithAnIdleConnectedClientIsPrompt) {
  SendMany("idle", 1);  // the fixture's channel stays connected and idle
  const auto start = std::chrono::steady_clock::now();
  node_->Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(kShutdownGraceMillis / 2));
}

TEST_F(StreamTest, ShutdownEndsOpenStreamsWithUnavailable) {
  auto s = Subscribe({{"g", 0}});
  std::thread stopper([this] {
    std::this_thread::sleep_for(milliseconds(50));
    node_->Shutdown();
  });
  api::GroupMessage m;
  EXPECT_FALSE(s->reader->Read(&m));
  EXPECT_EQ(s->reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  stopper.join();
}

}  // namespace
}  // namespace xs::node::testing
