#include "xmtp/api/api_client.h"

#include <map>
#include <mutex>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "base/clock.h"
#include "xmtp/api/status.h"
#include "xmtp/identity/association_state.h"
#include "xmtp/identity/test_support.h"

namespace xs::xmtp::api {
namespace {

namespace idv1 = ::xmtp::identity::api::v1;
namespace id = xs::xmtp::identity;

TEST(ParseUrlTest, SchemesAndErrors) {
  auto plain = ParseUrl("http://127.0.0.1:5556");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->target, "127.0.0.1:5556");
  EXPECT_FALSE(plain->tls);
  auto tls = ParseUrl("https://grpc.example.org/");
  ASSERT_TRUE(tls.ok());
  EXPECT_EQ(tls->target, "grpc.example.org:443");
  EXPECT_TRUE(tls->tls);
  EXPECT_FALSE(ParseUrl("127.0.0.1:5556").ok());
  EXPECT_FALSE(ParseUrl("http://host:1/path").ok());
  EXPECT_FALSE(ParseUrl("http://").ok());
}

TEST(StatusTest, MapsGrpcCodes) {
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK, "M", "u").ok());
  auto v = FromGrpcStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad"), "M", "u");
  EXPECT_TRUE(v.error().IsValidation());
  auto n = FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"), "M", "u");
  EXPECT_TRUE(n.error().IsNetwork());
  auto t = FromGrpcStatus(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow"), "M", "u");
  EXPECT_TRUE(t.error().IsTimeout());
}

TEST(StatusTest, TlsHandshakeFailureNamesTheEndpointAndTheCertificate) {
  const grpc::Status untrusted(grpc::StatusCode::UNAVAILABLE,
                               "failed to connect to all addresses; last error: UNKNOWN: "
                               "ipv4:127.0.0.1:1: Ssl handshake failed: SSL_ERROR_SSL: "
                               "error:0A000086:SSL routines::certificate verify failed");
  auto e = FromGrpcStatus(untrusted, "M", "https://node.example:443");
  ASSERT_TRUE(e.error().IsNetwork());
  EXPECT_NE(e.error().message().find("TLS handshake with https://node.example:443 failed"),
            std::string::npos);
  EXPECT_NE(e.error().message().find("server certificate not trusted"), std::string::npos);

  const grpc::Status closed(grpc::StatusCode::UNAVAILABLE, "ipv4:127.0.0.1:1: Socket closed");
  EXPECT_FALSE(IsTlsFailure(closed.error_message()));
  auto c = FromGrpcStatus(closed, "M", "http://node.example:80");
  ASSERT_TRUE(c.error().IsNetwork());
  EXPECT_EQ(c.error().message().find("TLS"), std::string::npos);
}

// A minimal in-memory IdentityApi that validates with our own rules.
class FakeIdentityApi final : public idv1::IdentityApi::Service {
 public:
  grpc::Status PublishIdentityUpdate(grpc::ServerContext*,
                                     const idv1::PublishIdentityUpdateRequest* req,
                                     idv1::PublishIdentityUpdateResponse*) override {
    std::lock_guard<std::mutex> lock(mu_);
    const auto& update = req->identity_update();
    std::optional<id::AssociationState> prior;
    auto it = states_.find(update.inbox_id());
    if (it != states_.end()) prior = it->second;
    auto next = id::ApplyUpdate(prior, update);
    if (!next.ok()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, next.error().message());
    }
    states_.insert_or_assign(update.inbox_id(), *next);
    auto& log = logs_[update.inbox_id()];
    auto* entry = &log.emplace_back();
    entry->set_sequence_id(++sequence_);
    *entry->mutable_update() = update;
    for (const auto& addr : next->EthereumAddresses()) addresses_[addr] = update.inbox_id();
    return grpc::Status::OK;
  }

  grpc::Status GetIdentityUpdates(grpc::ServerContext*, const idv1::GetIdentityUpdatesRequest* req,
                                  idv1::GetIdentityUpdatesResponse* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& r : req->requests()) {
      auto* out = resp->add_responses();
      out->set_inbox_id(r.inbox_id());
      for (const auto& entry : logs_[r.inbox_id()]) {
        if (entry.sequence_id() > r.sequence_id()) *out->add_updates() = entry;
      }
    }
    return grpc::Status::OK;
  }

  grpc::Status GetInboxIds(grpc::ServerContext*, const idv1::GetInboxIdsRequest* req,
                           idv1::GetInboxIdsResponse* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& r : req->requests()) {
      auto* out = resp->add_responses();
      out->set_identifier(r.identifier());
      out->set_identifier_kind(r.identifier_kind());
      auto it = addresses_.find(r.identifier());
      if (it != addresses_.end()) out->set_inbox_id(it->second);
    }
    return grpc::Status::OK;
  }

 private:
  std::mutex mu_;
  std::uint64_t sequence_ = 0;
  std::map<std::string, id::AssociationState> states_;
  std::map<std::string, std::vector<idv1::GetIdentityUpdatesResponse::IdentityUpdateLog>> logs_;
  std::map<std::string, std::string> addresses_;
};

class ApiClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
  }
  void TearDown() override { server_->Shutdown(); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  FakeIdentityApi service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

TEST_F(ApiClientTest, PublishReadBackAndLookup) {
  auto client = ApiClient::Connect(Url());
  ASSERT_TRUE(client.ok()) << client.error().ToString();
  auto wallet = id::testing::TestWallet(0x51);
  auto inst = id::testing::TestInstallation(0x52);
  auto update = id::BuildRegistrationUpdate(wallet, inst, 1,
                                            static_cast<std::uint64_t>(SystemClock::Get()->NowNs()))
                    .value();

  auto before = (*client)->GetInboxIdForAddress(wallet.address());
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  EXPECT_FALSE(before->has_value());

  auto published = (*client)->PublishIdentityUpdate(update);
  ASSERT_TRUE(published.ok()) << published.error().ToString();
  auto logs = (*client)->GetIdentityUpdates(update.inbox_id(), 0);
  ASSERT_TRUE(logs.ok()) << logs.error().ToString();
  ASSERT_EQ(logs->size(), 1u);
  EXPECT_EQ((*logs)[0].update().SerializeAsString(), update.SerializeAsString());
  auto none = (*client)->GetIdentityUpdates(update.inbox_id(), (*logs)[0].sequence_id());
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  auto after = (*client)->GetInboxIdForAddress(wallet.address());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->value_or(""), update.inbox_id());

  // A replay is refused by the server and surfaces as a validation error.
  auto replay = (*client)->PublishIdentityUpdate(update);
  ASSERT_FALSE(replay.ok());
  EXPECT_TRUE(replay.error().IsValidation()) << replay.error().ToString();
}

TEST_F(ApiClientTest, FromChannelReachesInProcessServices) {
  auto client =
      ApiClient::FromChannel(server_->InProcessChannel(grpc::ChannelArguments()), "inproc://test");
  EXPECT_EQ(client->url(), "inproc://test");
  auto update = id::BuildRegistrationUpdate(id::testing::TestWallet(0x53),
                                            id::testing::TestInstallation(0x54), 1,
                                            static_cast<std::uint64_t>(SystemClock::Get()->NowNs()))
                    .value();
  ASSERT_TRUE(client->PublishIdentityUpdate(update).ok());
  auto logs = client->GetIdentityUpdates(update.inbox_id(), 0);
  ASSERT_TRUE(logs.ok()) << logs.error().ToString();
  ASSERT_EQ(logs->size(), 1u);
  // A server-side refusal maps as it does over a socket.
  auto replay = client->PublishIdentityUpdate(update);
  ASSERT_FALSE(replay.ok());
  EXPECT_TRUE(replay.error().IsValidation()) << replay.error().ToString();
}

TEST(ApiClientNoServerTest, UnreachableIsNetworkError) {
  ApiOptions opts;
  opts.deadline = std::chrono::milliseconds(300);
  auto client = ApiClient::Connect("http://127.0.0.1:1", opts);
  ASSERT_TRUE(client.ok());
  auto r = (*client)->GetInboxIdForAddress("0x0000000000000000000000000000000000000000");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsNetwork() || r.error().IsTimeout()) << r.error().ToString();
}

}  // namespace
}  // namespace xs::xmtp::api
