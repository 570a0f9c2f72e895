// TLS between our gRPC client (xmtp/api) and the local node, on a real port
// with a CA and server certificate made at test time (xmtp/api/testing):
// the full client scenario over https, then the failures a wrong trust
// configuration must report as typed network errors.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "codec/hex.h"
#include "mls/group/group_testing.h"
#include "mls/messages/serialize.h"
#include "node/node.h"
#include "node/node_process.h"
#include "signet/testing/temp_dir.h"
#include "xmtp/api/api_client.h"
#include "xmtp/api/testing/test_pki.h"
#include "xmtp/identity/association_state.h"
#include "xmtp/identity/signer.h"
#include "xmtp/identity/update_builder.h"

namespace xs {
namespace {

namespace id = xs::xmtp::identity;
namespace mlsv1 = ::xmtp::mls::api::v1;
using xmtp::api::ApiClient;
using xmtp::api::ApiOptions;
using xmtp::api::testing::TestPki;
using xmtp::api::testing::TestPkiFiles;

std::string Text(const mls::Bytes& b) { return std::string(b.begin(), b.end()); }

// Registers an inbox, uploads and fetches its key package, and sends,
// queries and streams a real MLS application message, all through `client`.
void RunScenario(ApiClient& client) {
  // Identity: CreateInbox + AddAssociation, as the SDK's Client.create.
  auto wallet = id::WalletKey::Generate().value();
  auto installation = id::InstallationKey::Generate().value();
  const std::uint64_t now_ns = static_cast<std::uint64_t>(SystemClock::Get()->NowNs());
  auto update = id::BuildRegistrationUpdate(wallet, installation, 0, now_ns).value();
  ASSERT_TRUE(client.PublishIdentityUpdate(update).ok());
  const std::string inbox = id::ApplyUpdate(std::nullopt, update).value().inbox_id();
  auto logs = client.GetIdentityUpdates(inbox, 0);
  ASSERT_TRUE(logs.ok()) << logs.error().ToString();
  ASSERT_EQ(logs->size(), 1u);
  const std::vector<::xmtp::identity::associations::IdentityUpdate> updates = {(*logs)[0].update()};
  EXPECT_TRUE(id::ComputeState(updates).value().HasInstallation(installation.public_key()));
  EXPECT_EQ(client.GetInboxIdForAddress(wallet.address()).value(), inbox);

  // Key package signed by the installation key.
  const std::uint64_t now_s = SystemClock::Get()->NowSeconds();
  auto bundle =
      mls::CreateKeyPackage(mls::XmtpKeyPackageOptions(inbox, now_s), installation.seed().bytes());
  ASSERT_TRUE(bundle.ok()) << bundle.error().ToString();
  const std::string kp = Text(mls::Serialize(bundle->key_package));
  mlsv1::UploadKeyPackageRequest upload;
  upload.mutable_key_package()->set_key_package_tls_serialized(kp);
  upload.set_is_inbox_id_credential(false);
  ASSERT_TRUE(client.UploadKeyPackage(upload).ok());
  mlsv1::FetchKeyPackagesRequest fetch;
  fetch.add_installation_keys(
      Text(mls::Bytes(installation.public_key().begin(), installation.public_key().end())));
  auto fetched = client.FetchKeyPackages(fetch);
  ASSERT_TRUE(fetched.ok()) << fetched.error().ToString();
  ASSERT_EQ(fetched->key_packages_size(), 1);
  EXPECT_EQ(fetched->key_packages(0).key_package_tls_serialized(), kp);

  // A one-member group and an encrypted application message.
  mls::CreateGroupOptions group_options;
  group_options.leaf = mls::XmtpKeyPackageOptions(inbox, now_s).leaf;
  group_options.group_context_extensions = mls::testing::TestGroupExtensions();
  auto group = mls::CreateGroup(group_options, installation.seed().bytes());
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  const std::string group_id = Text(group->group_id());
  const mls::Bytes plaintext = {'h', 'i'};
  auto message = mls::EncryptApplicationMessage(*group, plaintext);
  ASSERT_TRUE(message.ok()) << message.error().ToString();
  const std::string data = Text(mls::Serialize(*message));

  mlsv1::SubscribeGroupMessagesRequest subscribe;
  subscribe.add_filters()->set_group_id(group_id);
  auto stream = client.SubscribeGroupMessages(subscribe);
  ASSERT_TRUE(stream.ok()) << stream.error().ToString();

  mlsv1::SendGroupMessagesRequest send;
  auto* v1 = send.add_messages()->mutable_v1();
  v1->set_data(data);
  v1->set_sender_hmac(std::string(32, 'h'));
  v1->set_should_push(true);
  ASSERT_TRUE(client.SendGroupMessages(send).ok());

  mlsv1::QueryGroupMessagesRequest query;
  query.set_group_id(group_id);
  auto queried = client.QueryGroupMessages(query);
  ASSERT_TRUE(queried.ok()) << queried.error().ToString();
  ASSERT_EQ(queried->messages_size(), 1);
  EXPECT_EQ(queried->messages(0).v1().data(), data);

  auto received = (*stream)->Next();
  ASSERT_TRUE(received.ok()) << received.error().ToString();
  ASSERT_TRUE(received->has_value());
  EXPECT_EQ((*received)->v1().data(), data);
  EXPECT_EQ((*received)->v1().id(), queried->messages(0).v1().id());
}

node::NodeOptions PlainOptions() {
  node::NodeOptions options;
  options.port = 0;
  options.in_memory = true;
  return options;
}

ApiOptions WithCa(std::string ca_pem) {
  ApiOptions options;
  options.tls_ca_pem = std::move(ca_pem);
  return options;
}

// The error of a first call on `client` (nothing is sent before it).
Error FirstCallError(ApiClient& client) {
  auto result = client.GetInboxIdForAddress("0x0000000000000000000000000000000000000001");
  EXPECT_FALSE(result.ok());
  return result.ok() ? Error::Internal("call succeeded") : result.error();
}

constexpr const char* kNotTrusted = "server certificate not trusted";
constexpr const char* kWrongName = "server certificate does not name this host";

// A Network error saying the TLS handshake with `url` failed and, when
// `why` is not null, giving that reason.
void ExpectTlsFailure(const Error& error, const std::string& url, const char* why) {
  EXPECT_TRUE(error.IsNetwork()) << error.ToString();
  EXPECT_NE(error.message().find("TLS handshake with " + url + " failed"), std::string::npos)
      << error.ToString();
  for (const char* reason : {kNotTrusted, kWrongName}) {
    EXPECT_EQ(error.message().find(reason) != std::string::npos, reason == why) << error.ToString();
  }
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pki = TestPki::Make("xs test CA");
    ASSERT_TRUE(pki.ok()) << pki.error().ToString();
    pki_ = std::move(*pki);
    auto files = pki_.WriteTo(dir_.path());
    ASSERT_TRUE(files.ok()) << files.error().ToString();
    files_ = *files;
  }

  void StartNode() {
    node::NodeOptions options = PlainOptions();
    options.tls_cert_file = files_.cert_file;
    options.tls_key_file = files_.key_file;
    auto started = node::Node::Start(options);
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    node_ = std::move(*started);
    ASSERT_TRUE(node_->tls());
  }

  std::unique_ptr<ApiClient> Connect(const std::string& url, const std::string& ca_pem) {
    auto client = ApiClient::Connect(url, WithCa(ca_pem));
    EXPECT_TRUE(client.ok()) << client.error().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  signet::testing::TempDir dir_;
  TestPki pki_;
  TestPkiFiles files_;
  std::unique_ptr<node::Node> node_;
};

TEST_F(TlsTest, ClientTrustingTheNodesCaRunsTheScenarioOverHttps) {
  StartNode();
  EXPECT_EQ(node_->url(), "https://" + node_->address());
  auto client = Connect(node_->url(), pki_.ca_pem);
  ASSERT_NE(client, nullptr);
  RunScenario(*client);
}

TEST_F(TlsTest, NodeNamedLocalhostAlsoVerifies) {
  StartNode();
  auto client = Connect("https://localhost:" + std::to_string(node_->port()), pki_.ca_pem);
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->GetInboxIdForAddress("0x0000000000000000000000000000000000000001").ok());
}

TEST_F(TlsTest, ClientWithAnotherCaGetsACertificateError) {
  StartNode();
  auto other = TestPki::Make("another CA").value();
  auto client = Connect(node_->url(), other.ca_pem);
  ASSERT_NE(client, nullptr);
  ExpectTlsFailure(FirstCallError(*client), node_->url(), kNotTrusted);
}

TEST_F(TlsTest, ClientWithSystemRootsDoesNotTrustTheTestCa) {
  StartNode();
  auto client = Connect(node_->url(), "");
  ASSERT_NE(client, nullptr);
  ExpectTlsFailure(FirstCallError(*client), node_->url(), kNotTrusted);
}

TEST_F(TlsTest, NameNotInTheCertificateIsACertificateError) {
  node::NodeOptions options = PlainOptions();
  options.host = "127.0.0.2";  // loopback, but not a name in the certificate
  options.tls_cert_file = files_.cert_file;
  options.tls_key_file = files_.key_file;
  auto node = node::Node::Start(options).value();
  const std::string url = node->url();
  auto client = Connect(url, pki_.ca_pem);
  ASSERT_NE(client, nullptr);
  ExpectTlsFailure(FirstCallError(*client), url, kWrongName);
}

TEST_F(TlsTest, PlaintextClientToTheTlsPortIsANetworkError) {
  StartNode();
  auto client = Connect("http://" + node_->address(), "");
  ASSERT_NE(client, nullptr);
  const Error error = FirstCallError(*client);
  EXPECT_TRUE(error.IsNetwork()) << error.ToString();
  EXPECT_NE(error.ToString().find(node_->address()), std::string::npos) << error.ToString();
}

TEST_F(TlsTest, HttpsClientToAPlaintextNodeIsATlsError) {
  auto plain = node::Node::Start(PlainOptions()).value();
  auto client = Connect("https://" + plain->address(), pki_.ca_pem);
  ASSERT_NE(client, nullptr);
  ExpectTlsFailure(FirstCallError(*client), "https://" + plain->address(), nullptr);
}

TEST_F(TlsTest, CaOptionIsValidated) {
  auto plain = ApiClient::Connect("http://127.0.0.1:1", WithCa(pki_.ca_pem));
  ASSERT_FALSE(plain.ok());
  EXPECT_TRUE(plain.error().IsValidation());
  auto garbage = ApiClient::Connect("https://127.0.0.1:1", WithCa("not a certificate"));
  ASSERT_FALSE(garbage.ok());
  EXPECT_TRUE(garbage.error().IsValidation());
}

TEST_F(TlsTest, NodeRefusesAKeyFileReadableByOthers) {
  ASSERT_EQ(::chmod(files_.key_file.c_str(), 0644), 0);
  node::NodeOptions options = PlainOptions();
  options.tls_cert_file = files_.cert_file;
  options.tls_key_file = files_.key_file;
  auto started = node::Node::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_TRUE(started.error().IsValidation());
  EXPECT_NE(started.error().ToString().find("chmod 600"), std::string::npos);
  EXPECT_EQ(started.error().ToString().find("PRIVATE KEY"), std::string::npos);
}

TEST_F(TlsTest, NodeRefusesHalfATlsConfiguration) {
  node::NodeOptions options = PlainOptions();
  options.tls_cert_file = files_.cert_file;
  auto started = node::Node::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_TRUE(started.error().IsValidation());
}

TEST_F(TlsTest, NodeRefusesAKeyThatIsNotTheCertificates) {
  auto other = TestPki::Make("another CA").value();
  signet::testing::TempDir other_dir;
  auto other_files = other.WriteTo(other_dir.path()).value();
  node::NodeOptions options = PlainOptions();
  options.tls_cert_file = files_.cert_file;
  options.tls_key_file = other_files.key_file;
  auto started = node::Node::Start(options);
  ASSERT_FALSE(started.ok());
}

// The xmtp-node executable with --tls-cert/--tls-key serves the same.
TEST_F(TlsTest, NodeProcessServesTls) {
  node::testing::NodeProcess process(
      XMTP_NODE_BINARY,
      {"--port", "0", "--in-memory", "--tls-cert", files_.cert_file, "--tls-key", files_.key_file});
  const std::string address = process.WaitListening();
  ASSERT_FALSE(address.empty());
  auto client = Connect("https://" + address, pki_.ca_pem);
  ASSERT_NE(client, nullptr);
  RunScenario(*client);
  auto plain = Connect("http://" + address, "");
  ASSERT_NE(plain, nullptr);
  EXPECT_TRUE(FirstCallError(*plain).IsNetwork());
  process.Signal(SIGTERM);
  const int status = process.Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(TlsTest, NodeProcessExitsOnAnUnreadableKey) {
  node::testing::NodeProcess process(
      XMTP_NODE_BINARY, {"--port", "0", "--in-memory", "--tls-cert", files_.cert_file, "--tls-key",
                         dir_.path() + "/missing.key"});
  EXPECT_EQ(process.ReadRest(), "");
  const int status = process.Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

}  // namespace
}  // namespace xs
