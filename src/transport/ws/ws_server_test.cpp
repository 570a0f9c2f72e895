// WsServer over a real port against the fake agent surface, with a real Beast
// client: every frame, error, close code and limit of transport.md §1 and
// decisions.md #7-#10, resume, and the graceful shutdown.
#include "transport/ws/ws_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "transport/ws/testing/fake_agent_surface.h"
#include "transport/ws/testing/ws_test_client.h"
#include "transport/ws/ws_frames.h"

namespace xs::transport::ws {
namespace {

using signet::agent::CredentialState;
using testing::FakeAgentSurface;
using testing::Json;
using testing::WsTestClient;

// Polls `done` (no timing claim: the bound only keeps a broken build from hanging).
template <typename F>
bool Eventually(F done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

Json SendMessage(const std::string& id, const std::string& group) {
  return {{"type", "send_message"},
          {"requestId", id},
          {"groupId", group},
          {"contentType", "xmtp.org/text:1.0"},
          {"content", {{"text", "hi"}}}};
}

class WsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    surface_.AddCredential("tok-a", "cred_a", {"conv_1"});
    surface_.AddCredential("tok-b", "cred_b", {"conv_1"});
  }
  void TearDown() override { server_.reset(); }

  void Start(WsServerOptions options = {}) {
    options.port = 0;
    server_ = std::make_unique<WsServer>(surface_, options);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().ToString();
    port_ = *port;
  }
  std::unique_ptr<WsTestClient> Connect() {
    auto c = WsTestClient::Connect(port_);
    if (!c.ok()) ADD_FAILURE() << c.error().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }
  std::unique_ptr<WsTestClient> Authed(const std::string& token,
                                       std::optional<std::uint64_t> last = std::nullopt) {
    auto c = Connect();
    auto hello = c->Auth(token, last);
    if (!hello.ok() || (*hello)["type"] != "authenticated") {
      ADD_FAILURE() << "auth failed";
      return nullptr;
    }
    hello_ = *hello;
    return c;
  }

  FakeAgentSurface surface_{1000};
  std::unique_ptr<WsServer> server_;
  std::uint16_t port_ = 0;
  Json hello_;
};

// --- upgrade ------------------------------------------------------------------

TEST_F(WsServerTest, OtherPathsAre404AndAPlainGetIs400) {
  Start();
  EXPECT_EQ(testing::HttpGetStatus(port_, "/").value(), 404);
  EXPECT_EQ(testing::HttpGetStatus(port_, "/v1/session/abc").value(), 404);  // decisions #10
  EXPECT_EQ(testing::HttpGetStatus(port_, "/v1/agentx").value(), 404);
  EXPECT_EQ(testing::HttpGetStatus(port_, "/v1/agent").value(), 400);
  // An upgrade without Sec-WebSocket-Key fails: 400.
  EXPECT_EQ(
      testing::HttpGetStatus(
          port_, "/v1/agent",
          {{"Connection", "upgrade"}, {"Upgrade", "websocket"}, {"Sec-WebSocket-Version", "13"}})
          .value(),
      400);
  EXPECT_FALSE(WsTestClient::Connect(port_, "/v1/other").ok());
}

// --- authentication -------------------------------------------------------------

TEST_F(WsServerTest, AuthenticatedFrameCarriesConnectionCredentialAndScopes) {
  Start();
  auto c = Authed("tok-a");
  ASSERT_TRUE(c);
  EXPECT_TRUE(std::regex_match(hello_["connectionId"].get<std::string>(),
                               std::regex("conn_[0-9]{13}_[0-9]+")));
  EXPECT_EQ(hello_["credential"]["credentialId"], "cred_a");
  EXPECT_EQ(hello_["credential"]["operatorId"], "op_cred_a");
  EXPECT_TRUE(hello_["credential"].contains("fingerprint"));
  EXPECT_TRUE(hello_["credential"].contains("issuedAt"));
  EXPECT_TRUE(hello_["credential"].contains("expiresAt"));
  EXPECT_EQ(hello_["effectiveScopes"]["allow"], Json::array({"send", "read-messages"}));
  EXPECT_TRUE(hello_["resumedFromSeq"].is_null());
  EXPECT_EQ(server_->connection_count(), 1u);
  EXPECT_EQ(server_->authenticated_count(), 1u);
  EXPECT_EQ(surface_.sink_count("cred_a"), 1u);
}

TEST_F(WsServerTest, NoAuthFrameInTimeIsAuthError4002) {
  Start({.auth_timeout_ms = 50});
  auto c = Connect();
  auto frame = c->Read();
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(*frame,
            (Json{{"type", "auth_error"}, {"code", 4002}, {"message", "Authentication timeout"}}));
  EXPECT_EQ(c->ReadUntilClose().value(), 4002);
}

TEST_F(WsServerTest, InvalidAuthFrameIsAuthError4009) {
  Start();
  for (const char* text : {R"({"type":"auth","token":"tok-a"})", "not json",
                           R"({"type":"send_message","requestId":"r"})"}) {
    auto c = Connect();
    ASSERT_TRUE(c->Send(text).ok());
    auto frame = c->Read();
    ASSERT_TRUE(frame.ok()) << text;
    EXPECT_EQ((*frame)["type"], "auth_error") << text;
    EXPECT_EQ((*frame)["code"], 4009) << text;
    EXPECT_EQ(c->ReadUntilClose().value(), 4009) << text;
  }
}

TEST_F(WsServerTest, UnknownOrInactiveTokenIsAuthError4001) {
  Start();
  surface_.AddCredential("tok-revoked", "cred_r");
  surface_.SetState("cred_r", CredentialState::kRevoked);
  for (const char* token : {"tok-unknown", "tok-revoked"}) {
    auto c = Connect();
    auto frame = c->Auth(token, std::nullopt);
    ASSERT_TRUE(frame.ok());
    EXPECT_EQ((*frame)["type"], "auth_error");
    EXPECT_EQ((*frame)["code"], 4001);
    EXPECT_EQ(c->ReadUntilClose().value(), 4001);
  }
  EXPECT_EQ(surface_.total_sinks(), 0u);
}

// --- requests -------------------------------------------------------------------

TEST_F(WsServerTest, RequestsAnswerWithDataOrTheSurfaceError) {
  Start();
  auto c = Authed("tok-a");
  auto ok = c->Request(SendMessage("r1", "conv_1"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["ok"], true);
  EXPECT_EQ((*ok)["requestId"], "r1");
  EXPECT_TRUE((*ok)["data"]["messageId"].is_string());
  EXPECT_TRUE((*ok)["data"]["provenance"].is_null());
  auto denied = c->Request(SendMessage("r2", "conv_9"));
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ((*denied)["ok"], false);
  EXPECT_EQ((*denied)["requestId"], "r2");
  EXPECT_EQ((*denied)["error"]["code"], 1200);
  EXPECT_EQ((*denied)["error"]["category"], "permission");
  EXPECT_TRUE((*denied)["error"]["context"].is_null());
  EXPECT_EQ((*denied)["error"]["message"], "Chat not in scope: conv_9");
}

TEST_F(WsServerTest, ARequestThePrecheckDecidesIsAnsweredWithoutHandle) {
  Start();
  auto c = Authed("tok-a");
  for (int i = 0; i < 3; ++i) {
    auto denied = c->Request(SendMessage("d" + std::to_string(i), "conv_9"));
    ASSERT_TRUE(denied.ok());
    EXPECT_EQ((*denied)["requestId"], "d" + std::to_string(i));
    EXPECT_EQ((*denied)["error"]["message"], "Chat not in scope: conv_9");
  }
  EXPECT_EQ(surface_.prechecked(), 3u);
  EXPECT_EQ(surface_.handled(), 0u);
  auto ok = c->Request(SendMessage("s", "conv_1"));  // in scope: Handle sends
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["ok"], true);
  EXPECT_EQ(surface_.prechecked(), 4u);
  EXPECT_EQ(surface_.handled(), 1u);
}

TEST_F(WsServerTest, InvalidRequestWithRequestIdGetsValidationReplyAndKeepsTheSocket) {
  Start();
  auto c = Authed("tok-a");
  for (const Json& bad :
       {Json{{"requestId", "v1"}}, Json{{"requestId", "v2"}, {"type", "update_view"}},
        Json{{"requestId", "v3"}, {"type", "heartbeat"}, {"sessionId", "s"}}}) {
    auto reply = c->Request(bad);
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(*reply, (Json{{"ok", false},
                            {"requestId", bad["requestId"]},
                            {"error",
                             {{"code", 1000},
                              {"category", "validation"},
                              {"message", "Invalid request frame"},
                              {"context", nullptr}}}}));
  }
  EXPECT_EQ(surface_.handled(), 0u);  // never reached the surface
  auto ok = c->Request({{"type", "heartbeat"}, {"requestId", "h"}, {"credentialId", "cred_a"}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["ok"], true);
  EXPECT_TRUE((*ok)["data"].is_null());
}

TEST_F(WsServerTest, InvalidRequestWithoutRequestIdOrInvalidJsonCloses4009) {
  Start();
  for (const char* text : {R"({"type":"heartbeat"})", "{not json", R"({"requestId":5})"}) {
    auto c = Authed("tok-a");
    ASSERT_TRUE(c->Send(text).ok());
    EXPECT_EQ(c->ReadUntilClose().value(), 4009) << text;
  }
}

TEST_F(WsServerTest, CredentialIsCheckedBeforeTheFrameIsValidated) {
  Start();
  const std::pair<CredentialState, int> cases[] = {{CredentialState::kRevoked, 4004},
                                                   {CredentialState::kExpired, 4003},
                                                   {CredentialState::kPending, 4005},
                                                   {CredentialState::kMissing, 4004}};
  for (const auto& [state, code] : cases) {
    surface_.SetState("cred_a", CredentialState::kActive);
    auto c = Authed("tok-a");
    surface_.SetState("cred_a", state);
    ASSERT_TRUE(c->Send(R"({"type":"heartbeat"})").ok());  // malformed: no requestId
    EXPECT_EQ(c->ReadUntilClose().value(), code);
  }
}

TEST_F(WsServerTest, SlowRequestGetsTheTimeoutReplyAndItsLateResultIsDropped) {
  std::atomic<bool> release{false};
  std::atomic<bool> slow_done{false};  // the handler touches no test local after it
  surface_.SetHandler([&](const std::string&, const Json& request) -> Result<Json> {
    if (request["requestId"] == "slow") {
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      slow_done = true;
      return Json("late");
    }
    return Json("fast");
  });
  Start({.request_timeout_ms = 30});
  auto c = Authed("tok-a");
  auto reply = c->Request(SendMessage("slow", "conv_1"));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ((*reply)["error"],
            (Json{{"code", 1500},
                  {"category", "timeout"},
                  {"message", "Request timed out"},
                  {"context", {{"operation", "send_message"}, {"timeoutMs", 30}}}}));
  release = true;
  ASSERT_TRUE(Eventually([&] { return slow_done.load(); }));
  auto fast = c->Request(SendMessage("fast", "conv_1"));
  ASSERT_TRUE(fast.ok());
  EXPECT_EQ((*fast)["data"], "fast");
  for (const Json& other : c->events()) EXPECT_NE(other.value("requestId", ""), "slow");
}

// A request waiting on the network (an MLS send waits for the node) holds
// a worker thread: with the default options, one request per connection of
// 16 are all in the surface at once.
TEST_F(WsServerTest, SixteenConnectionsHaveTheirRequestsInFlightAtOnceByDefault) {
  constexpr int kConnections = 16;
  std::mutex mu;
  std::condition_variable cv;
  int inside = 0;
  surface_.SetHandler([&](const std::string&, const Json&) -> Result<Json> {
    std::unique_lock lock(mu);
    ++inside;
    cv.notify_all();
    // The bound only keeps a broken build from hanging.
    return Json(cv.wait_for(lock, std::chrono::seconds(5), [&] { return inside >= kConnections; }));
  });
  Start();
  std::vector<std::unique_ptr<WsTestClient>> clients;
  for (int i = 0; i < kConnections; ++i) clients.push_back(Authed("tok-a"));
  std::vector<Json> replies(kConnections);
  std::vector<std::thread> threads;
  for (int i = 0; i < kConnections; ++i) {
    threads.emplace_back([&, i] {
      auto reply = clients[i]->Request(SendMessage("r" + std::to_string(i), "conv_1"));
      if (reply.ok()) replies[i] = *reply;
    });
  }
  for (auto& t : threads) t.join();
  for (const Json& reply : replies) EXPECT_EQ(reply.value("data", Json()), Json(true)) << reply;
}

TEST_F(WsServerTest, HandlerExceptionIsInternalError) {
  surface_.SetHandler(
      [](const std::string&, const Json&) -> Result<Json> { throw std::runtime_error("boom"); });
  Start();
  auto c = Authed("tok-a");
  auto reply = c->Request(SendMessage("r", "conv_1"));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ((*reply)["error"], (Json{{"code", 1400},
                                     {"category", "internal"},
                                     {"message", "Internal error"},
                                     {"context", nullptr}}));
}

// --- events, replay ---------------------------------------------------------------

TEST_F(WsServerTest, LiveEventsArriveSequenced) {
  Start();
  auto a = Authed("tok-a");
  auto b = Authed("tok-b");
  ASSERT_TRUE(b->Request(SendMessage("s", "conv_1")).ok());
  auto frame = a->Read();
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ((*frame)["seq"], 1);
  EXPECT_EQ((*frame)["event"]["type"], "message.visible");
  EXPECT_EQ((*frame)["event"]["groupId"], "conv_1");
}

TEST_F(WsServerTest, ResumeReplaysFramesAfterLastSeenSeq) {
  Start();
  for (int i = 0; i < 3; ++i) surface_.Emit("cred_a", {{"type", "heartbeat"}, {"n", i}});
  auto c = Authed("tok-a", 1);
  EXPECT_EQ(hello_["resumedFromSeq"], 1);
  EXPECT_EQ(c->Read().value()["seq"], 2);
  EXPECT_EQ(c->Read().value()["seq"], 3);
  surface_.Emit("cred_a", {{"type", "heartbeat"}});
  EXPECT_EQ(c->Read().value()["seq"], 4);
  auto caught_up = Authed("tok-a", 4);
  EXPECT_TRUE(hello_["resumedFromSeq"].is_null());
}

TEST(WsServerReplay, GapSendsRecoveryCompleteAndNoReplay) {
  FakeAgentSurface surface(2);
  surface.AddCredential("tok", "cred");
  WsServer server(surface, {.port = 0});
  std::uint16_t port = server.Start().value();
  for (int i = 0; i < 5; ++i) surface.Emit("cred", {{"type", "heartbeat"}});
  auto c = WsTestClient::Connect(port).value();
  Json hello = c->Auth("tok", 1).value();
  EXPECT_TRUE(hello["resumedFromSeq"].is_null());
  Json frame = c->Read().value();
  EXPECT_EQ(frame["seq"], 6);
  EXPECT_EQ(frame["event"]["type"], "signet.recovery.complete");
  surface.Emit("cred", {{"type", "heartbeat"}});
  EXPECT_EQ(c->Read().value()["seq"], 7);  // nothing replayed in between
}

// --- heartbeat, liveness ------------------------------------------------------------

TEST_F(WsServerTest, HeartbeatEventIsEmittedThroughTheSurface) {
  Start({.heartbeat_interval_ms = 20, .missed_heartbeats = 1000});
  auto c = Authed("tok-a");
  Json frame = c->Read().value();
  EXPECT_EQ(frame["seq"], 1);
  EXPECT_EQ(frame["event"]["type"], "heartbeat");
  EXPECT_EQ(frame["event"]["credentialId"], "cred_a");
  EXPECT_TRUE(frame["event"]["timestamp"].is_string());
}

TEST_F(WsServerTest, SilentClientIsClosed4010) {
  Start({.heartbeat_interval_ms = 20, .missed_heartbeats = 2});
  auto c = Authed("tok-a");
  EXPECT_EQ(c->ReadUntilClose().value(), 4010);
}

TEST_F(WsServerTest, HeartbeatClosesAConnectionWhoseCredentialExpired) {
  Start({.heartbeat_interval_ms = 20, .missed_heartbeats = 1000});
  auto c = Authed("tok-a");
  surface_.SetState("cred_a", CredentialState::kExpired);
  EXPECT_EQ(c->ReadUntilClose().value(), 4003);
}

TEST_F(WsServerTest, SinkCloseFlushesQueuedFramesThenCloses) {
  Start();
  auto c = Authed("tok-a");
  surface_.Emit("cred_a", {{"type", "credential.expired"}, {"reason", "expired"}});
  surface_.CloseSinks("cred_a", 4003, "credential expired");
  EXPECT_EQ(c->ReadUntilClose().value(), 4003);
  ASSERT_EQ(c->events().size(), 1u);
  EXPECT_EQ(c->events()[0]["event"]["type"], "credential.expired");
  EXPECT_TRUE(Eventually([&] { return surface_.total_sinks() == 0; }));
}

// --- limits --------------------------------------------------------------------------

TEST_F(WsServerTest, SlowConsumerGetsOneBackpressureFrameThenClose4008) {
  Start({.send_buffer_soft_limit = 4, .send_buffer_hard_limit = 8});
  auto slow = Authed("tok-a");
  auto other = Authed("tok-b");
  auto big = std::make_shared<const std::string>(std::string(1 << 20, 'x'));
  surface_.DeliverRaw("cred_a", big, 64);
  // The other connection is unaffected while the slow one is stuck.
  surface_.Emit("cred_b", {{"type", "heartbeat"}});
  EXPECT_EQ(other->Read().value()["seq"], 1);
  EXPECT_EQ(other->Request(SendMessage("o", "conv_9")).value()["requestId"], "o");
  EXPECT_EQ(slow->ReadUntilClose().value(), 4008);
  int notices = 0;
  for (const Json& frame : slow->events()) {
    if (frame.is_object() && frame.value("type", "") == "backpressure") {
      ++notices;
      EXPECT_EQ(frame, (Json{{"type", "backpressure"}, {"buffered", 4}, {"limit", 8}}));
    }
  }
  EXPECT_EQ(notices, 1);
  // Frames past the hard limit were dropped: of the 64, only what the kernel
  // took before the limit plus the queue (8 including the notice) arrived.
  EXPECT_LT(slow->events().size(), 64u);
}

TEST_F(WsServerTest, RateLimitClosesWith1008AndTheAuthFrameDoesNotCount) {
  Start({.rate_limit_window_ms = 600000, .rate_limit_max_messages = 2});
  auto c = Authed("tok-a");
  EXPECT_TRUE(c->Request({{"type", "heartbeat"}, {"requestId", "1"}}).ok());
  EXPECT_TRUE(c->Request({{"type", "heartbeat"}, {"requestId", "2"}}).ok());
  ASSERT_TRUE(c->SendJson({{"type", "heartbeat"}, {"requestId", "3"}}).ok());
  EXPECT_EQ(c->ReadUntilClose().value(), 1008);
}

TEST_F(WsServerTest, OversizedMessageCloses1009) {
  Start({.max_frame_size_bytes = 1024});
  auto c = Authed("tok-a");
  ASSERT_TRUE(c->Send(std::string(2048, ' ')).ok());
  EXPECT_EQ(c->ReadUntilClose().value(), kCloseMessageTooBig);
}

TEST_F(WsServerTest, CleanClientCloseDetachesTheSink) {
  Start();
  auto c = Authed("tok-a");
  ASSERT_TRUE(c->Close(1000).ok());
  EXPECT_TRUE(Eventually([&] { return server_->connection_count() == 0; }));
  EXPECT_TRUE(Eventually([&] { return surface_.total_sinks() == 0; }));
}

// --- shutdown ---------------------------------------------------------------------------

TEST_F(WsServerTest, StopSendsShutdownEventDrainsInFlightThenCloses1001) {
  std::atomic<bool> release{false};
  surface_.SetHandler([&](const std::string&, const Json&) -> Result<Json> {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return Json("done");
  });
  Start({.drain_timeout_ms = 20000});
  auto c = Authed("tok-a");
  ASSERT_TRUE(c->SendJson(SendMessage("inflight", "conv_1")).ok());
  ASSERT_TRUE(Eventually([&] { return surface_.handled() == 1; }));
  std::thread stopper([&] { server_->Stop(); });
  Json expired = c->Read().value();
  EXPECT_EQ(expired["seq"], 1);
  EXPECT_EQ(expired["event"], (Json{{"type", "credential.expired"},
                                    {"credentialId", "cred_a"},
                                    {"reason", "signet_shutdown"}}));
  // Draining: new messages are ignored, new connections close 1001.
  ASSERT_TRUE(c->SendJson({{"type", "heartbeat"}, {"requestId", "ignored"}}).ok());
  auto late = WsTestClient::Connect(port_);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ((*late)->ReadUntilClose().value(), 1001);
  release = true;
  EXPECT_EQ(c->ReadUntilClose().value(), 1001);
  stopper.join();
  ASSERT_EQ(c->events().size(), 1u);
  EXPECT_EQ(c->events()[0]["requestId"], "inflight");
  EXPECT_EQ(c->events()[0]["data"], "done");
  EXPECT_EQ(server_->port(), 0);
  EXPECT_EQ(surface_.total_sinks(), 0u);
}

}  // namespace
}  // namespace xs::transport::ws
