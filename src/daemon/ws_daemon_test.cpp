// The daemon's WebSocket server: every `[ws]` key reaches the server, and
// StartWsServer serves /v1/agent on the bound port.
#include "daemon/ws_daemon.h"

#include <gtest/gtest.h>

#include "transport/ws/testing/fake_agent_surface.h"
#include "transport/ws/testing/ws_test_client.h"

namespace xs::daemon {
namespace {

TEST(WsDaemon, EveryWsConfigKeyReachesTheServerOptions) {
  signet::Config::Ws ws;
  ws.host = "127.0.0.2";
  ws.port = 9001;
  ws.auth_timeout_ms = 11;
  ws.heartbeat_interval_ms = 12;
  ws.missed_heartbeats = 13;
  ws.request_timeout_ms = 14;
  ws.send_buffer_soft_limit = 15;
  ws.send_buffer_hard_limit = 16;
  ws.max_frame_size_bytes = 17;
  ws.rate_limit_window_ms = 18;
  ws.rate_limit_max_messages = 19;
  transport::ws::WsServerOptions o = WsOptionsFromConfig(ws);
  EXPECT_EQ(o.host, "127.0.0.2");
  EXPECT_EQ(o.port, 9001);
  EXPECT_EQ(o.auth_timeout_ms, 11);
  EXPECT_EQ(o.heartbeat_interval_ms, 12);
  EXPECT_EQ(o.missed_heartbeats, 13);
  EXPECT_EQ(o.request_timeout_ms, 14);
  EXPECT_EQ(o.send_buffer_soft_limit, 15);
  EXPECT_EQ(o.send_buffer_hard_limit, 16);
  EXPECT_EQ(o.max_frame_size_bytes, 17);
  EXPECT_EQ(o.rate_limit_window_ms, 18);
  EXPECT_EQ(o.rate_limit_max_messages, 19);
  ws.rate_limit_max_messages.reset();
  EXPECT_FALSE(WsOptionsFromConfig(ws).rate_limit_max_messages.has_value());
}

TEST(WsDaemon, StartWsServerServesTheAgentPathOnTheBoundPort) {
  transport::ws::testing::FakeAgentSurface surface;
  surface.AddCredential("tok", "cred_1");
  signet::Config config;
  config.ws.port = 0;
  auto server = StartWsServer(surface, config);
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  const std::uint16_t port = (*server)->port();
  ASSERT_NE(port, 0);
  auto client = transport::ws::testing::WsTestClient::Connect(port);
  ASSERT_TRUE(client.ok());
  auto hello = (*client)->Auth("tok", std::nullopt);
  ASSERT_TRUE(hello.ok());
  EXPECT_EQ((*hello)["type"], "authenticated");
  EXPECT_EQ((*server)->connection_count(), 1u);
  ASSERT_TRUE((*client)->Close(1000).ok());
  (*server)->Stop();
  EXPECT_EQ((*server)->port(), 0);
}

TEST(WsDaemon, StartWsServerReportsAPortInUse) {
  transport::ws::testing::FakeAgentSurface surface;
  signet::Config config;
  config.ws.port = 0;
  auto first = StartWsServer(surface, config);
  ASSERT_TRUE(first.ok());
  config.ws.port = (*first)->port();
  auto second = StartWsServer(surface, config);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.error().IsNetwork());
}

}  // namespace
}  // namespace xs::daemon
