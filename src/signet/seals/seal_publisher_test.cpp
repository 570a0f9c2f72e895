// SealPublisher: per-chat order, 1 + 3 attempts with doubling delays, one
// failing chat does not hold up another, a revoke-time enqueue never waits
// for a send.
#include "signet/seals/seal_publisher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <vector>

namespace xs::signet::seals {
namespace {

using namespace std::chrono_literals;

TEST(SealPublisherTest, SendsInOrderPerChat) {
  std::mutex mu;
  std::vector<std::string> sent;
  SealPublisher pub(
      [&](const std::string& chat, std::string_view, const std::string& body) -> Status {
        std::lock_guard lock(mu);
        sent.push_back(chat + ":" + body);
        return OkStatus();
      },
      nullptr, {1ms, 3});
  pub.Start();
  for (int i = 0; i < 5; ++i) pub.Enqueue("conv_a", "t", std::to_string(i));
  ASSERT_TRUE(pub.WaitIdle(10s));
  EXPECT_EQ(sent,
            (std::vector<std::string>{"conv_a:0", "conv_a:1", "conv_a:2", "conv_a:3", "conv_a:4"}));
  EXPECT_EQ(pub.counts().published, 5u);
}

TEST(SealPublisherTest, RetriesThreeTimesWithDoublingDelaysThenGivesUp) {
  std::mutex mu;
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> tries;
  std::vector<std::string> logged;
  SealPublisher pub(
      [&](const std::string& chat, std::string_view, const std::string& body) -> Status {
        std::lock_guard lock(mu);
        tries[chat + body].push_back(std::chrono::steady_clock::now());
        if (chat == "conv_bad") return Error::Network("node", "unreachable");
        return OkStatus();
      },
      [&](std::string_view event, const nlohmann::json& fields) {
        std::lock_guard lock(mu);
        logged.emplace_back(event);
        EXPECT_FALSE(fields.contains("body")) << "bodies are never logged";
      },
      {20ms, 3});
  pub.Start();
  pub.Enqueue("conv_bad", "t", "1");
  pub.Enqueue("conv_good", "t", "1");
  pub.Enqueue("conv_bad", "t", "2");
  ASSERT_TRUE(pub.WaitIdle(30s));
  std::lock_guard lock(mu);
  ASSERT_EQ(tries["conv_bad1"].size(), 4u) << "1 + 3 attempts";
  ASSERT_EQ(tries["conv_bad2"].size(), 4u);
  ASSERT_EQ(tries["conv_good1"].size(), 1u);
  // The delays double: at least 20, 40, 80 ms between attempts.
  auto& t = tries["conv_bad1"];
  for (int i = 1; i < 4; ++i) EXPECT_GE(t[i] - t[i - 1], 20ms * (1 << (i - 1)));
  // The good chat went out before the bad chat had given up on its first message.
  EXPECT_LT(tries["conv_good1"][0], t[3]);
  // Per chat, the second message waits for the first.
  EXPECT_GT(tries["conv_bad2"][0], t[3]);
  EXPECT_EQ(pub.counts().failed, 2u);
  EXPECT_EQ(pub.counts().retries, 6u);
  EXPECT_EQ(std::count(logged.begin(), logged.end(), "seal.publish_failed"), 2);
}

TEST(SealPublisherTest, EnqueueNeverWaitsForASend) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> started{0};
  SealPublisher pub(
      [&](const std::string&, std::string_view, const std::string&) -> Status {
        ++started;
        released.wait();
        return OkStatus();
      },
      nullptr, {1ms, 3});
  pub.Start();
  pub.Enqueue("conv_a", "t", "1");
  while (started.load() == 0) std::this_thread::yield();
  // The send is blocked; enqueueing more returns at once.
  for (int i = 0; i < 100; ++i) pub.Enqueue("conv_b", "t", std::to_string(i));
  release.set_value();
  ASSERT_TRUE(pub.WaitIdle(10s));
  EXPECT_EQ(pub.counts().published, 101u);
}

}  // namespace
}  // namespace xs::signet::seals
