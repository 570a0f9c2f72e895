// WsClient against the real WsServer (fake agent surface): URL rules, the
// auth exchange, a read that times out and then completes, the server's
// close code, and the errors for a refused connection and a wrong path.
#include "transport/ws/ws_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <thread>

#include "transport/ws/testing/fake_agent_surface.h"
#include "transport/ws/ws_server.h"

namespace xs::transport::ws {
namespace {

using testing::FakeAgentSurface;
using Json = nlohmann::json;
using std::chrono::milliseconds;

TEST(ParseWsUrlTest, AcceptsHostPortAndPath) {
  auto url = ParseWsUrl("ws://127.0.0.1:8393/v1/agent");
  ASSERT_TRUE(url.ok()) << url.error().ToString();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8393);
  EXPECT_EQ(url->target, "/v1/agent");
  EXPECT_EQ(url->ToString(), "ws://127.0.0.1:8393/v1/agent");

  auto bare = ParseWsUrl("ws://localhost");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->port, 80);
  EXPECT_EQ(bare->target, "/");

  auto v6 = ParseWsUrl("ws://[::1]:9000/v1/agent?x=1");
  ASSERT_TRUE(v6.ok()) << v6.error().ToString();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);
  EXPECT_EQ(v6->target, "/v1/agent?x=1");
  EXPECT_EQ(v6->ToString(), "ws://[::1]:9000/v1/agent?x=1");
}

TEST(ParseWsUrlTest, RefusesWhatItCannotSpeak) {
  for (const char* bad :
       {"http://127.0.0.1/v1/agent", "127.0.0.1:8393", "ws://", "ws://:80/x", "ws://h:0/",
        "ws://h:65536/", "ws://h:8x/", "ws://u@h:1/", "ws://[::1/", "ws://h:1/a b"}) {
    auto url = ParseWsUrl(bad, "--ws-url");
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_TRUE(url.error().IsValidation()) << bad;
    EXPECT_NE(url.error().message().find("--ws-url"), std::string::npos) << bad;
  }
  auto tls = ParseWsUrl("wss://127.0.0.1:8393/v1/agent");
  ASSERT_FALSE(tls.ok());
  EXPECT_NE(tls.error().message().find("wss:// is not supported"), std::string::npos);
}

class WsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    surface_.AddCredential("tok-a", "cred_a", {"conv_1"});
    WsServerOptions options;
    options.port = 0;
    server_ = std::make_unique<WsServer>(surface_, options);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().ToString();
    url_.host = "127.0.0.1";
    url_.port = *port;
    url_.target = "/v1/agent";
  }

  // The next message; fails the test when none comes.
  static Json Next(WsClient& client) {
    for (int i = 0; i < 200; ++i) {
      auto text = client.Read(milliseconds(100));
      if (!text.ok()) {
        ADD_FAILURE() << text.error().ToString();
        return Json();
      }
      if (*text) return Json::parse(**text);
    }
    ADD_FAILURE() << "no message";
    return Json();
  }

  FakeAgentSurface surface_{1000};
  std::unique_ptr<WsServer> server_;
  WsUrl url_;
};

TEST_F(WsClientTest, AuthenticatesReadsEventsAndSeesTheCloseCode) {
  auto client = WsClient::Connect(url_, {});
  ASSERT_TRUE(client.ok()) << client.error().ToString();
  WsClient& c = **client;
  ASSERT_TRUE(c.Send(R"({"type":"auth","token":"tok-a","lastSeenSeq":null})").ok());
  Json hello = Next(c);
  EXPECT_EQ(hello["type"], "authenticated");
  EXPECT_EQ(hello["credential"]["credentialId"], "cred_a");

  // Nothing pending: the read times out and the connection stays usable.
  auto idle = c.Read(milliseconds(50));
  ASSERT_TRUE(idle.ok()) << idle.error().ToString();
  EXPECT_FALSE(idle->has_value());

  surface_.Emit("cred_a", {{"type", "heartbeat"}, {"credentialId", "cred_a"}});
  Json frame = Next(c);
  EXPECT_EQ(frame["seq"], 1);
  EXPECT_EQ(frame["event"]["type"], "heartbeat");

  surface_.CloseSinks("cred_a", signet::agent::kCloseCredentialRevoked, "credential revoked");
  Result<std::optional<std::string>> closed = std::optional<std::string>();
  for (int i = 0; i < 200 && closed.ok(); ++i) closed = c.Read(milliseconds(100));
  ASSERT_FALSE(closed.ok());
  EXPECT_TRUE(closed.error().IsNetwork());
  ASSERT_TRUE(c.close_code().has_value());
  EXPECT_EQ(*c.close_code(), signet::agent::kCloseCredentialRevoked);
  EXPECT_EQ(c.close_reason(), "credential revoked");
  EXPECT_FALSE(c.Send("{}").ok());
  c.Close();  // after the end: harmless
}

TEST_F(WsClientTest, CloseIsAcceptedByTheServer) {
  auto client = WsClient::Connect(url_, {});
  ASSERT_TRUE(client.ok()) << client.error().ToString();
  ASSERT_TRUE((*client)->Send(R"({"type":"auth","token":"tok-a","lastSeenSeq":null})").ok());
  EXPECT_EQ(Next(**client)["type"], "authenticated");
  (*client)->Close(1000);
  for (int i = 0; i < 200 && surface_.sink_count("cred_a") != 0; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(surface_.sink_count("cred_a"), 0u);
}

TEST_F(WsClientTest, RefusedConnectionsAndWrongPathsAreNetworkErrors) {
  WsUrl wrong = url_;
  wrong.target = "/v1/other";
  auto not_found = WsClient::Connect(wrong, {});
  ASSERT_FALSE(not_found.ok());
  EXPECT_TRUE(not_found.error().IsNetwork());
  EXPECT_NE(not_found.error().message().find("upgrade"), std::string::npos);

  server_.reset();  // nothing listens on the port any more
  auto refused = WsClient::Connect(url_, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().IsNetwork());
  EXPECT_NE(refused.error().ToString().find(std::to_string(url_.port)), std::string::npos);
}

}  // namespace
}  // namespace xs::transport::ws
