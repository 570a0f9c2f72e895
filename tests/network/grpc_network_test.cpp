#include "signet/network/grpc_network.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "codec/hex.h"
#include "crypto/ed25519.h"
#include "crypto/secp256k1.h"
#include "crypto/secret.h"
#include "node/node.h"
#include "signet/testing/temp_dir.h"
#include "xmtp/api/api_client.h"
#include "xmtp/api/testing/test_pki.h"
#include "xmtp/identity/association_state.h"

namespace xs::signet {
namespace {

struct Keys {
  crypto::Secret wallet{32};
  crypto::Secret installation{32};
  RegistrationKeys registration;
};

std::unique_ptr<Keys> NewKeys(const crypto::Secret* wallet = nullptr) {
  auto k = std::make_unique<Keys>();
  if (wallet != nullptr) {
    k->wallet = wallet->Clone();
  } else {
    crypto::Secret w = crypto::Secp256k1GeneratePrivateKey();
    k->wallet = std::move(w);
  }
  crypto::Ed25519KeyPair pair = crypto::Ed25519Generate();
  k->installation = std::move(pair.seed);
  k->registration.wallet_private_key = &k->wallet;
  k->registration.installation_private_seed = &k->installation;
  k->registration.installation_public_key = pair.public_key;
  k->registration.wallet_address =
      crypto::EthereumAddress(crypto::Secp256k1PublicKeyOf(k->wallet.bytes()).value());
  return k;
}

template <typename Logs>
xmtp::identity::AssociationState StateOf(const Logs& logs) {
  std::vector<::xmtp::identity::associations::IdentityUpdate> updates;
  for (const auto& log : logs) updates.push_back(log.update());
  return xmtp::identity::ComputeState(updates).value();
}

class GrpcNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node::NodeOptions options;
    options.port = 0;
    options.in_memory = true;
    auto started = node::Node::Start(options);
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    node_ = std::move(*started);
    url_ = "http://" + node_->address();
  }

  std::unique_ptr<node::Node> node_;
  std::string url_;
};

TEST_F(GrpcNetworkTest, RegistersAnInboxTheNodeValidatedAndStored) {
  GrpcXmtpNetwork network(url_, "local");
  auto keys = NewKeys();
  auto inbox = network.RegisterInbox(keys->registration);
  ASSERT_TRUE(inbox.ok()) << inbox.error().ToString();
  EXPECT_EQ(inbox->network_inbox_id.size(), 64u);
  EXPECT_EQ(inbox->installation_id, codec::HexEncode(keys->registration.installation_public_key));
  EXPECT_TRUE(network.InboxExists(inbox->network_inbox_id).value());
  EXPECT_NE(network.Describe().find(url_), std::string::npos);

  // The node's copy of the log rebuilds the same state: the wallet and the
  // installation are members.
  auto client = xmtp::api::ApiClient::Connect(url_).value();
  auto logs = client->GetIdentityUpdates(inbox->network_inbox_id, 0).value();
  ASSERT_EQ(logs.size(), 1u);
  auto state = StateOf(logs);
  EXPECT_TRUE(state.HasInstallation(keys->registration.installation_public_key));
  EXPECT_EQ(client->GetInboxIdForAddress(keys->registration.wallet_address).value(),
            inbox->network_inbox_id);
}

TEST_F(GrpcNetworkTest, SameWalletKeepsItsInboxAndAddsTheNewInstallation) {
  GrpcXmtpNetwork network(url_, "local");
  auto first = NewKeys();
  auto a = network.RegisterInbox(first->registration).value();
  auto second = NewKeys(&first->wallet);
  auto b = network.RegisterInbox(second->registration);
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  EXPECT_EQ(b->network_inbox_id, a.network_inbox_id);

  auto client = xmtp::api::ApiClient::Connect(url_).value();
  auto logs = client->GetIdentityUpdates(a.network_inbox_id, 0).value();
  ASSERT_EQ(logs.size(), 2u);
  auto state = StateOf(logs);
  EXPECT_TRUE(state.HasInstallation(first->registration.installation_public_key));
  EXPECT_TRUE(state.HasInstallation(second->registration.installation_public_key));

  // Registering an installation that is already a member publishes nothing.
  EXPECT_TRUE(network.RegisterInbox(second->registration).ok());
  EXPECT_EQ(client->GetIdentityUpdates(a.network_inbox_id, 0)->size(), 2u);
}

TEST_F(GrpcNetworkTest, UnknownAndMalformedInboxIds) {
  GrpcXmtpNetwork network(url_, "local");
  EXPECT_FALSE(network.InboxExists(std::string(64, 'a')).value());
  auto bad = network.InboxExists("not-an-inbox");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().IsValidation());
}

TEST(GrpcNetworkNoNodeTest, UnreachableNodeIsANetworkError) {
  // A port nothing listens on (the node picked and released it).
  GrpcXmtpNetwork network("http://127.0.0.1:1", "local");
  auto keys = NewKeys();
  auto r = network.RegisterInbox(keys->registration);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().category(), Category::kNetwork) << r.error().ToString();
}

// dev and production are https://; the same path against a TLS node whose
// CA is given, and without it (the system roots do not trust a test CA).
TEST(GrpcNetworkTlsTest, RegistersOverTlsWithTheNodesCaAndFailsWithoutIt) {
  auto pki = xmtp::api::testing::TestPki::Make("xs network test CA").value();
  signet::testing::TempDir dir;
  auto files = pki.WriteTo(dir.path()).value();
  node::NodeOptions options;
  options.port = 0;
  options.in_memory = true;
  options.tls_cert_file = files.cert_file;
  options.tls_key_file = files.key_file;
  auto node = node::Node::Start(options).value();
  const std::string url = "https://" + node->address();

  GrpcXmtpNetwork network(url, "dev", nullptr, pki.ca_pem);
  auto keys = NewKeys();
  auto inbox = network.RegisterInbox(keys->registration);
  ASSERT_TRUE(inbox.ok()) << inbox.error().ToString();
  EXPECT_TRUE(network.InboxExists(inbox->network_inbox_id).value());

  GrpcXmtpNetwork untrusting(url, "dev");
  auto refused = untrusting.InboxExists(inbox->network_inbox_id);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().IsNetwork()) << refused.error().ToString();
  EXPECT_NE(refused.error().message().find("TLS handshake with " + url + " failed"),
            std::string::npos)
      << refused.error().ToString();
}

TEST(NodeUrlForEnvTest, KnownEnvironments) {
  EXPECT_EQ(NodeUrlForEnv("local").value(), "http://127.0.0.1:5556");
  EXPECT_EQ(NodeUrlForEnv("dev").value(), "https://grpc.dev.xmtp.network:443");
  EXPECT_EQ(NodeUrlForEnv("production").value(), "https://grpc.production.xmtp.network:443");
  EXPECT_FALSE(NodeUrlForEnv("staging").ok());
}

// What the daemon's --env selects (daemon.cpp StartNetwork): dev and
// production are TLS on 443 (verified against the system roots: no CA is
// passed), local is h2c; the same hosts as the SDK's ApiUrls.
TEST(NodeUrlForEnvTest, RemoteEnvironmentsAreTlsLocalIsPlaintext) {
  struct Case {
    const char* env;
    const char* target;
    bool tls;
  };
  for (const Case& c :
       {Case{"local", "127.0.0.1:5556", false}, Case{"dev", "grpc.dev.xmtp.network:443", true},
        Case{"production", "grpc.production.xmtp.network:443", true}}) {
    auto endpoint = xmtp::api::ParseUrl(NodeUrlForEnv(c.env).value());
    ASSERT_TRUE(endpoint.ok()) << c.env;
    EXPECT_EQ(endpoint->target, c.target) << c.env;
    EXPECT_EQ(endpoint->tls, c.tls) << c.env;
  }
}

}  // namespace
}  // namespace xs::signet
