#include "signet/chats/client_host.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "codec/hex.h"
#include "crypto/secp256k1.h"
#include "node/node.h"
#include "signet/testing/temp_dir.h"
#include "xmtp/client/client.h"
#include "xmtp/content/codecs.h"

namespace xs::signet {
namespace {

using testing::FileMode;
using testing::TempDir;

// A fresh wallet, as inbox.create makes one.
struct NewWallet {
  crypto::Secret key = crypto::Secp256k1GeneratePrivateKey();
  RegistrationKeys Keys(const std::string& inbox_id) const {
    RegistrationKeys k;
    k.inbox_id = inbox_id;
    k.wallet_private_key = &key;
    return k;
  }
};

class ClientHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node::NodeOptions options;
    options.port = 0;
    options.in_memory = true;
    auto started = node::Node::Start(options);
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    node_ = std::move(*started);
    url_ = "http://" + node_->address();
    path_ = dir_.path() + "/clients.db3";
  }

  std::unique_ptr<ClientHost> Host() {
    ClientHost::Options options;
    options.url = url_;
    options.env_name = "local";
    return std::make_unique<ClientHost>(std::move(options));
  }

  TempDir dir_;
  std::unique_ptr<node::Node> node_;
  std::string url_;
  std::string path_;
  crypto::Secret key_ = crypto::Secret::Random(32);
};

TEST_F(ClientHostTest, RegistersThroughTheClientAndReopensAfterARestart) {
  NewWallet alice, bob;
  RegisteredInbox a, b;
  std::string group_hex;
  {
    auto host = Host();
    EXPECT_TRUE(host->RegisterInbox(alice.Keys("inbox_a")).error().IsNetwork());  // not started
    ASSERT_TRUE(host->Start(path_, key_, {}).ok());
    EXPECT_EQ(FileMode(path_), 0600u);
    auto registered = host->RegisterInbox(alice.Keys("inbox_a"));
    ASSERT_TRUE(registered.ok()) << registered.error().ToString();
    a = *registered;
    b = host->RegisterInbox(bob.Keys("inbox_b")).value();
    EXPECT_EQ(a.network_inbox_id.size(), 64u);
    EXPECT_TRUE(host->InboxExists(a.network_inbox_id).value());
    EXPECT_FALSE(host->InboxExists(std::string(64, 'a')).value());
    EXPECT_TRUE(host->InboxExists("nope").error().IsValidation());

    // A key package was uploaded: bob can be added to a group.
    auto* client_a = host->ClientFor(a.installation_id).value();
    auto group = client_a->CreateGroup({b.network_inbox_id});
    ASSERT_TRUE(group.ok()) << group.error().ToString();
    group_hex = codec::HexEncode(*group);
    ASSERT_TRUE(client_a->Send(*group, xmtp::content::EncodeText("hi bob")).ok());
    EXPECT_TRUE(host->ClientFor("00").error().IsNotFound());
    nlohmann::json status = host->StatusJson();
    EXPECT_EQ(status["connectedInboxIds"].size(), 2u) << status.dump();
    host->Stop();
    EXPECT_TRUE(host->ClientFor(a.installation_id).error().IsNetwork());
  }
  // A new host on the same store opens both clients; bob catches up at start.
  auto host = Host();
  ASSERT_TRUE(host->Start(path_, key_,
                          {{"inbox_a", a.installation_id},
                           {"inbox_b", b.installation_id},
                           {"inbox_old", std::string(64, 'c')}})
                  .ok());
  auto* client_b = host->ClientFor(b.installation_id).value();
  EXPECT_EQ(client_b->inbox_id(), b.network_inbox_id);
  auto group = codec::HexDecode(group_hex).value();
  auto messages = client_b->Messages(group);
  ASSERT_TRUE(messages.ok()) << messages.error().ToString();
  bool found = false;
  for (const auto& m : *messages) {
    found |= xmtp::content::DecodeText(m.content).value_or("") == "hi bob";
  }
  EXPECT_TRUE(found);
  // An inbox without client state is reported, not fatal.
  nlohmann::json status = host->StatusJson();
  EXPECT_EQ(status["connectedInboxIds"].size(), 2u) << status.dump();
  bool unavailable = false;
  for (const auto& c : status["clients"]) {
    if (c["inboxId"] == "inbox_old") unavailable = c["state"] == "unavailable";
  }
  EXPECT_TRUE(unavailable) << status.dump();
  EXPECT_FALSE(host->ClientFor(std::string(64, 'c')).ok());
}

TEST_F(ClientHostTest, WrongStoreKeyFailsTheStart) {
  ASSERT_TRUE(Host()->Start(path_, key_, {}).ok());
  auto host = Host();
  EXPECT_FALSE(host->Start(path_, crypto::Secret::Random(32), {}).ok());
}

TEST_F(ClientHostTest, UnreachableNodeIsReportedAndRecovered) {
  NewWallet alice;
  RegisteredInbox a;
  {
    auto host = Host();
    ASSERT_TRUE(host->Start(path_, key_, {}).ok());
    a = host->RegisterInbox(alice.Keys("inbox_a")).value();
  }
  const std::string address = node_->address();
  node_.reset();  // the node goes away
  auto host = Host();
  ASSERT_TRUE(host->Start(path_, key_, {{"inbox_a", a.installation_id}}).ok());
  host->CheckNetwork();
  nlohmann::json down = host->StatusJson();
  EXPECT_EQ(down["networkState"], "unreachable") << down.dump();
  EXPECT_TRUE(down.contains("networkError"));
  EXPECT_TRUE(down["connectedInboxIds"].empty());
  EXPECT_TRUE(host->RegisterInbox(NewWallet().Keys("inbox_c")).error().IsNetwork());

  node::NodeOptions options;
  options.port = std::stoi(address.substr(address.rfind(':') + 1));
  options.in_memory = true;
  auto restarted = node::Node::Start(options);
  ASSERT_TRUE(restarted.ok()) << restarted.error().ToString();
  node_ = std::move(*restarted);
  // gRPC reconnects with its own backoff: probe (as the sweep does) until
  // the node answers.
  nlohmann::json up;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    host->CheckNetwork();
    up = host->StatusJson();
    if (up["networkState"] == "connected") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(up["networkState"], "connected") << up.dump();
  EXPECT_EQ(up["connectedInboxIds"].size(), 1u) << up.dump();
}

}  // namespace
}  // namespace xs::signet
