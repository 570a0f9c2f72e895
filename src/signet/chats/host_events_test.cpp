#include "signet/chats/host_events.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "codec/hex.h"
#include "crypto/secp256k1.h"
#include "node/node.h"
#include "signet/chats/client_host.h"
#include "signet/testing/temp_dir.h"
#include "xmtp/content/codecs.h"

namespace xs::signet {
namespace {

using std::chrono::milliseconds;

HostEvent Joined(std::uint8_t n) { return {HostEvent::Kind::kJoined, "inst", {n}, {}}; }

TEST(HostEventQueueTest, HandsOutEventsInOrderAndDropsInsteadOfBlockingWhenFull) {
  HostEventQueue queue(2);
  EXPECT_TRUE(queue.Take(milliseconds(0)).empty());
  queue.Push(Joined(1));
  queue.Push(Joined(2));
  EXPECT_FALSE(queue.overflowed());
  queue.Push(Joined(3));  // full: dropped, never waits for the consumer
  EXPECT_TRUE(queue.overflowed());
  auto events = queue.Take(milliseconds(0));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].group_id, xmtp::client::Bytes{1});
  EXPECT_EQ(events[1].group_id, xmtp::client::Bytes{2});
  EXPECT_TRUE(queue.Take(milliseconds(0)).empty());
}

TEST(HostEventQueueTest, AJoinsOnlyQueueIgnoresMessagesAndNeverOverflowsOnThem) {
  HostEventQueue queue(1, HostEventKinds::kJoinsOnly);
  HostEvent message{HostEvent::Kind::kMessage, "inst", {7}, {}};
  for (int i = 0; i < 3; ++i) queue.Push(message);
  EXPECT_FALSE(queue.overflowed());
  queue.Push(Joined(1));
  auto events = queue.Take(milliseconds(0));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, HostEvent::Kind::kJoined);
  EXPECT_EQ(events[0].group_id, xmtp::client::Bytes{1});
}

// Collects events from `queue` until `done` says so (or a generous guard).
template <typename Done>
std::vector<HostEvent> TakeUntil(HostEventQueue& queue, Done done) {
  std::vector<HostEvent> all;
  const auto guard = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done(all) && std::chrono::steady_clock::now() < guard) {
    for (auto& e : queue.Take(milliseconds(100))) all.push_back(std::move(e));
  }
  return all;
}

TEST(ClientHostSubscribeTest, WatchersSeeJoinsAndMessagesAndASlowOneBlocksNobody) {
  node::NodeOptions options;
  options.port = 0;
  options.in_memory = true;
  auto node = node::Node::Start(options);
  ASSERT_TRUE(node.ok()) << node.error().ToString();
  testing::TempDir dir;
  ClientHost::Options host_options;
  host_options.url = "http://" + (*node)->address();
  host_options.env_name = "local";
  ClientHost host(std::move(host_options));
  ASSERT_TRUE(host.Start(dir.path() + "/clients.db3", crypto::Secret::Random(32), {}).ok());
  crypto::Secret alice_key = crypto::Secp256k1GeneratePrivateKey();
  crypto::Secret bob_key = crypto::Secp256k1GeneratePrivateKey();
  RegistrationKeys alice_keys, bob_keys;
  alice_keys.inbox_id = "inbox_a";
  alice_keys.wallet_private_key = &alice_key;
  bob_keys.inbox_id = "inbox_b";
  bob_keys.wallet_private_key = &bob_key;
  RegisteredInbox a = host.RegisterInbox(alice_keys).value();
  RegisteredInbox b = host.RegisterInbox(bob_keys).value();

  auto watcher = host.Subscribe(100);
  auto slow = host.Subscribe(1);  // never taken from
  auto joins = host.SubscribeJoins(100);
  {
    auto gone = host.Subscribe(100);  // let go at once: forgotten
  }
  auto* alice = host.ClientFor(a.installation_id).value();
  auto group = alice->CreateGroup({b.network_inbox_id});
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  std::vector<HostEvent> events = TakeUntil(*watcher, [&](const std::vector<HostEvent>& all) {
    for (const auto& e : all) {
      if (e.kind == HostEvent::Kind::kJoined && e.installation_id == b.installation_id) return true;
    }
    return false;
  });
  bool joined = false;
  for (const auto& e : events) {
    joined |= e.kind == HostEvent::Kind::kJoined && e.installation_id == b.installation_id &&
              e.group_id == *group;
  }
  ASSERT_TRUE(joined) << "bob's stream did not report the Welcome";

  ASSERT_TRUE(alice->Send(*group, xmtp::content::EncodeText("for the watchers")).ok());
  auto is_text_for_bob = [&](const HostEvent& e) {
    return e.kind == HostEvent::Kind::kMessage && e.installation_id == b.installation_id &&
           xmtp::content::DecodeText(e.message.content).value_or("") == "for the watchers";
  };
  events = TakeUntil(*watcher, [&](const std::vector<HostEvent>& all) {
    return std::any_of(all.begin(), all.end(), is_text_for_bob);
  });
  ASSERT_TRUE(std::any_of(events.begin(), events.end(), is_text_for_bob));
  EXPECT_TRUE(slow->overflowed());
  EXPECT_GE(host.AppliedMessages(), 1u);
  // The joins-only queue got the Welcome and none of the messages.
  std::vector<HostEvent> joined_only = joins->Take(std::chrono::milliseconds(0));
  EXPECT_FALSE(joined_only.empty());
  for (const auto& e : joined_only) EXPECT_EQ(e.kind, HostEvent::Kind::kJoined);
  EXPECT_FALSE(joins->overflowed());
  host.Stop();
}

}  // namespace
}  // namespace xs::signet
