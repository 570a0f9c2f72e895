// FetchNetworkInboxState against a real node: installations from the
// identity updates, each with the state of the key package the node serves.
#include "xmtp/client/inbox_state.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "base/testing/fake_clock.h"
#include "codec/hex.h"
#include "node/node.h"

namespace xs::xmtp::client {
namespace {

using State = KeyPackageStatus::State;

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

class InboxStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "inbox_state_test_" + std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    node::NodeOptions options;
    options.port = 0;
    options.in_memory = true;
    auto node = node::Node::Start(options);
    ASSERT_TRUE(node.ok()) << node.error().ToString();
    node_ = std::move(*node);
    auto api = api::ApiClient::Connect("http://" + node_->address());
    ASSERT_TRUE(api.ok()) << api.error().ToString();
    api_ = std::move(*api);
    auto store = store::Store::Open(dir_ + "/client.sqlite3", crypto::Secret::Random(32), clock_);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(*store);
    ctx_ = std::make_unique<ClientContext>(*api_, *store_, clock_);
  }

  void TearDown() override {
    ctx_.reset();
    store_.reset();
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  FakeClock clock_{SystemClock::Get()->NowMs()};
  std::string dir_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<api::ApiClient> api_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ClientContext> ctx_;
};

TEST_F(InboxStateTest, ShowsEveryInstallationWithItsKeyPackage) {
  auto wallet = identity::WalletKey::Generate();
  ASSERT_TRUE(wallet.ok());
  auto first = Client::Register(*ctx_, *wallet);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto state = FetchNetworkInboxState(*ctx_, (*first)->inbox_id());
  ASSERT_TRUE(state.ok()) << state.error().ToString();
  EXPECT_EQ(state->inbox_id, (*first)->inbox_id());
  EXPECT_GT(state->sequence_id, 0u);
  EXPECT_EQ(state->addresses, std::vector<std::string>{wallet->address()});
  EXPECT_EQ(state->recovery_identifier, wallet->address());
  ASSERT_EQ(state->installations.size(), 1u);
  const NetworkInstallation& only = state->installations[0];
  EXPECT_EQ(only.key, (*first)->installation_key());
  EXPECT_TRUE(only.added_ns.has_value());
  EXPECT_EQ(only.key_package.state, State::kValid) << only.key_package.error;
  EXPECT_TRUE(only.key_package.last_resort);
  const auto now = static_cast<std::uint64_t>(clock_.NowSeconds());
  EXPECT_LE(only.key_package.not_before, now);
  EXPECT_GT(only.key_package.not_after, now);

  // A second installation of the same wallet's inbox shows too.
  auto second = Client::AddInstallation(*ctx_, *wallet);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  auto both = FetchNetworkInboxState(*ctx_, (*first)->inbox_id());
  ASSERT_TRUE(both.ok()) << both.error().ToString();
  ASSERT_EQ(both->installations.size(), 2u);
  EXPECT_GT(both->sequence_id, state->sequence_id);
  for (const auto& i : both->installations) {
    EXPECT_EQ(i.key_package.state, State::kValid) << codec::HexEncode(i.key);
    EXPECT_TRUE(i.key == (*first)->installation_key() || i.key == (*second)->installation_key());
  }

  // Past the key packages' lifetime (84 days) they are expired.
  clock_.Advance(90 * kDayMs);
  auto later = FetchNetworkInboxState(*ctx_, (*first)->inbox_id());
  ASSERT_TRUE(later.ok()) << later.error().ToString();
  for (const auto& i : later->installations) {
    EXPECT_EQ(i.key_package.state, State::kExpired);
    EXPECT_STREQ(KeyPackageStateName(i.key_package.state), "expired");
  }
}

TEST_F(InboxStateTest, UnknownMalformedAndUnreachable) {
  auto unknown = FetchNetworkInboxState(*ctx_, std::string(64, 'a'));
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(unknown.error().IsNotFound()) << unknown.error().ToString();
  auto malformed = FetchNetworkInboxState(*ctx_, "inbox_1");
  ASSERT_FALSE(malformed.ok());
  EXPECT_TRUE(malformed.error().IsValidation()) << malformed.error().ToString();

  const std::string address = node_->address();
  node_.reset();
  auto down = FetchNetworkInboxState(*ctx_, std::string(64, 'b'));
  ASSERT_FALSE(down.ok());
  EXPECT_TRUE(down.error().IsNetwork()) << down.error().ToString();
  EXPECT_NE(down.error().ToString().find(address), std::string::npos) << down.error().ToString();
}

}  // namespace
}  // namespace xs::xmtp::client
