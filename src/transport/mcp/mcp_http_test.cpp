// McpHttpEndpoint (Streamable HTTP, MCP 2025-11-25 transports): one request
// per status the transport answers: 403 Origin, 401 bearer, 405 method,
// 400 protocol version, 406 Accept, 200 initialize with Mcp-Session-Id,
// 400 without a session, 404 unknown or ended session, 403 another
// credential's session, 202 notifications, 200 JSON or SSE answers, 204
// DELETE, idle expiry and the session limit.
#include "transport/mcp/mcp_http.h"

#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <regex>
#include <set>

#include "transport/ws/testing/fake_agent_surface.h"

namespace xs::transport::mcp {
namespace {

using Json = nlohmann::json;
using ws::testing::FakeAgentSurface;

constexpr const char* kBoth = "application/json, text/event-stream";

std::string Message(const std::string& method, Json id = 1, Json params = Json::object()) {
  Json m = {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
  if (!id.is_null()) m["id"] = std::move(id);
  return m.dump();
}

std::string InitializeBody() {
  return Message("initialize", 1,
                 {{"protocolVersion", "2025-11-25"},
                  {"capabilities", Json::object()},
                  {"clientInfo", {{"name", "test"}, {"version", "1"}}}});
}

std::string HeaderOf(const McpHttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

class McpHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    surface_.AddCredential("good-token", "cred_1", {"conv_1"});
    surface_.AddCredential("other-token", "cred_2", {"conv_2"});
    registry_.Register({"chat.list", "List chats", signet::Intent::kRead, true, false,
                        [](const Json&, const signet::CallContext& ctx) -> Result<Json> {
                          return Json::array({ctx.credential_id});
                        }});
    server_ = std::make_unique<McpServer>(
        McpBackend{.registry = &registry_, .surface = &surface_, .server_version = "test"});
    endpoint_ = std::make_unique<McpHttpEndpoint>(server_.get());
  }

  static McpHttpRequest Post(std::string body, std::string session = "",
                             std::string token = "good-token") {
    McpHttpRequest request;
    request.method = "POST";
    request.authorization = token.empty() ? "" : "Bearer " + token;
    request.accept = kBoth;
    request.session_id = std::move(session);
    request.body = std::move(body);
    return request;
  }

  // initialize + notifications/initialized; the session id.
  std::string Open(McpHttpEndpoint& endpoint, const std::string& token = "good-token") {
    McpHttpResponse init = endpoint.Handle(Post(InitializeBody(), "", token));
    EXPECT_EQ(init.status, 200) << init.body;
    std::string id = HeaderOf(init, "Mcp-Session-Id");
    McpHttpRequest done = Post(Message("notifications/initialized", nullptr), id, token);
    done.protocol_version = "2025-11-25";
    EXPECT_EQ(endpoint.Handle(done).status, 202);
    return id;
  }

  FakeAgentSurface surface_;
  signet::ActionRegistry registry_;
  std::unique_ptr<McpServer> server_;
  std::unique_ptr<McpHttpEndpoint> endpoint_;
};

TEST_F(McpHttpTest, InitializeOpensASessionWithARandomId) {
  McpHttpResponse init = endpoint_->Handle(Post(InitializeBody()));
  EXPECT_EQ(init.status, 200) << init.body;
  EXPECT_EQ(init.content_type, "application/json");
  Json body = Json::parse(init.body);
  EXPECT_EQ(body["id"], 1);
  EXPECT_TRUE(body["result"]["protocolVersion"].is_string()) << init.body;
  const std::string id = HeaderOf(init, "Mcp-Session-Id");
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{64}"))) << id;
  std::set<std::string> ids = {id};
  for (int i = 0; i < 5; ++i) ids.insert(Open(*endpoint_));
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(endpoint_->session_count(), 6u);
}

TEST_F(McpHttpTest, RequestsOfASessionAreAnsweredAsJson) {
  const std::string id = Open(*endpoint_);
  McpHttpResponse tools = endpoint_->Handle(Post(Message("tools/list", 2), id));
  EXPECT_EQ(tools.status, 200) << tools.body;
  EXPECT_EQ(tools.content_type, "application/json");
  EXPECT_TRUE(Json::parse(tools.body)["result"]["tools"].is_array()) << tools.body;
  McpHttpResponse call = endpoint_->Handle(
      Post(Message("tools/call", 3, {{"name", "chat_list"}, {"arguments", Json::object()}}), id));
  EXPECT_EQ(call.status, 200);
  EXPECT_EQ(Json::parse(call.body)["result"]["isError"], false) << call.body;
}

TEST_F(McpHttpTest, OnlyEventStreamAcceptedGetsOneSseMessage) {
  const std::string id = Open(*endpoint_);
  McpHttpRequest request = Post(Message("ping", 5), id);
  request.accept = "text/event-stream";
  McpHttpResponse answer = endpoint_->Handle(request);
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.content_type, "text/event-stream");
  const std::string prefix = "event: message\ndata: ";
  ASSERT_EQ(answer.body.rfind(prefix, 0), 0u) << answer.body;
  ASSERT_EQ(answer.body.substr(answer.body.size() - 2), "\n\n");
  Json data = Json::parse(answer.body.substr(prefix.size()));
  EXPECT_EQ(data["id"], 5);
}

TEST_F(McpHttpTest, NotificationsAndResponsesAre202WithoutBody) {
  const std::string id = Open(*endpoint_);
  McpHttpResponse note =
      endpoint_->Handle(Post(Message("notifications/cancelled", nullptr, {{"requestId", 9}}), id));
  EXPECT_EQ(note.status, 202);
  EXPECT_TRUE(note.body.empty());
  McpHttpResponse response =
      endpoint_->Handle(Post(R"({"jsonrpc":"2.0","id":"s1","result":{}})", id));
  EXPECT_EQ(response.status, 202);
  EXPECT_TRUE(response.body.empty());
}

TEST_F(McpHttpTest, StatusTable) {
  const std::string id = Open(*endpoint_);
  const std::string other = Open(*endpoint_, "other-token");
  struct Case {
    const char* what;
    McpHttpRequest request;
    int status;
  };
  McpHttpRequest evil_origin = Post(Message("ping"), id);
  evil_origin.origin = "http://evil.example";
  McpHttpRequest rebinding = Post(Message("ping"), id);
  rebinding.origin = "http://localhost.evil.example:8081";
  McpHttpRequest local_origin = Post(Message("ping"), id);
  local_origin.origin = "http://localhost:6274";
  McpHttpRequest bad_scheme = Post(Message("ping"), id);
  bad_scheme.authorization = "Basic Zm9vOmJhcg==";
  McpHttpRequest put = Post(Message("ping"), id);
  put.method = "PUT";
  McpHttpRequest old_version = Post(Message("ping"), id);
  old_version.protocol_version = "2023-01-01";
  McpHttpRequest good_version = Post(Message("ping"), id);
  good_version.protocol_version = "2025-06-18";
  McpHttpRequest html = Post(Message("ping"), id);
  html.accept = "text/html";
  McpHttpRequest get_json = Post("", id);
  get_json.method = "GET";
  get_json.accept = "application/json";
  std::vector<Case> cases = {
      {"foreign Origin", evil_origin, 403},
      {"Origin that only starts with localhost", rebinding, 403},
      {"localhost Origin", local_origin, 200},
      {"no bearer", Post(Message("ping"), id, ""), 401},
      {"not a bearer", bad_scheme, 401},
      {"unknown token", Post(Message("ping"), id, "nope"), 401},
      {"PUT", put, 405},
      {"unsupported MCP-Protocol-Version", old_version, 400},
      {"supported MCP-Protocol-Version", good_version, 200},
      {"Accept without json or sse", html, 406},
      {"no Mcp-Session-Id", Post(Message("ping")), 400},
      {"unknown Mcp-Session-Id", Post(Message("ping"), std::string(64, 'a')), 404},
      {"another credential's session", Post(Message("ping"), other), 403},
      {"GET that does not accept SSE", get_json, 406},
      {"ping", Post(Message("ping"), id), 200},
  };
  for (const Case& c : cases) {
    McpHttpResponse response = endpoint_->Handle(c.request);
    EXPECT_EQ(response.status, c.status) << c.what << ": " << response.body;
    if (response.status >= 400) {
      Json body = Json::parse(response.body, nullptr, false);
      EXPECT_TRUE(body["id"].is_null()) << c.what;
      EXPECT_TRUE(body["error"]["data"]["category"].is_string()) << c.what << response.body;
    }
    if (response.status == 401) {
      EXPECT_EQ(HeaderOf(response, "WWW-Authenticate"), "Bearer");
    }
    if (response.status == 405) {
      EXPECT_EQ(HeaderOf(response, "Allow"), "GET, POST, DELETE");
    }
  }
}

TEST_F(McpHttpTest, GetStreamsTheSessionsNotificationsAsSse) {
  const std::string id = Open(*endpoint_);
  const std::string uri = "xmtp-signet://chats/conv_1/messages";
  ASSERT_EQ(endpoint_->Handle(Post(Message("resources/subscribe", 2, {{"uri", uri}}), id)).status,
            200);
  McpHttpRequest get = Post("", id);
  get.method = "GET";
  get.accept = "text/event-stream";
  McpHttpResponse stream = endpoint_->Handle(get);
  ASSERT_EQ(stream.status, 200) << stream.body;
  EXPECT_EQ(stream.content_type, "text/event-stream");
  ASSERT_TRUE(stream.stream);
  std::mutex mu;
  std::vector<std::string> written;
  int ended = 0;
  std::function<void()> stop = stream.stream(
      [&](std::string chunk) {
        std::lock_guard lock(mu);
        written.push_back(std::move(chunk));
        return true;
      },
      [&] { ++ended; });
  surface_.Emit("cred_1", {{"type", "message.visible"},
                           {"messageId", "m1"},
                           {"groupId", "conv_1"},
                           {"senderInboxId", "inbox"},
                           {"contentType", "xmtp.org/text:1.0"},
                           {"content", {{"text", "hi"}}},
                           {"visibility", "visible"},
                           {"sentAt", "2026-01-01T00:00:00.000Z"},
                           {"sealId", nullptr},
                           {"threadId", nullptr}});
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(written.size(), 2u);
    EXPECT_EQ(written[0].rfind(':', 0), 0u) << written[0];
    const std::string prefix = "event: message\ndata: ";
    ASSERT_EQ(written[1].rfind(prefix, 0), 0u) << written[1];
    Json note = Json::parse(written[1].substr(prefix.size()));
    EXPECT_EQ(note["method"], "notifications/resources/updated");
    EXPECT_EQ(note["params"]["uri"], uri);
  }
  // A newer GET replaces the stream; DELETE ends the newer one.
  McpHttpResponse second = endpoint_->Handle(get);
  int second_ended = 0;
  second.stream([](std::string) { return true; }, [&] { ++second_ended; });
  EXPECT_EQ(ended, 1);
  stop();  // the first client leaving does not touch the newer stream
  McpHttpRequest del = Post("", id);
  del.method = "DELETE";
  EXPECT_EQ(endpoint_->Handle(del).status, 204);
  EXPECT_EQ(second_ended, 1);
}

TEST_F(McpHttpTest, DeleteEndsTheSession) {
  const std::string id = Open(*endpoint_);
  EXPECT_EQ(surface_.sink_count("cred_1"), 1u);
  McpHttpRequest del = Post("", id);
  del.method = "DELETE";
  McpHttpRequest foreign = del;
  foreign.authorization = "Bearer other-token";
  EXPECT_EQ(endpoint_->Handle(foreign).status, 403);
  EXPECT_EQ(endpoint_->Handle(del).status, 204);
  EXPECT_EQ(endpoint_->session_count(), 0u);
  EXPECT_EQ(surface_.sink_count("cred_1"), 0u) << "the session did not detach";
  EXPECT_EQ(endpoint_->Handle(Post(Message("ping"), id)).status, 404);
  EXPECT_EQ(endpoint_->Handle(del).status, 404);
  McpHttpRequest no_session = del;
  no_session.session_id.clear();
  EXPECT_EQ(endpoint_->Handle(no_session).status, 400);
}

TEST_F(McpHttpTest, AMalformedBodyIsAJsonRpcErrorAndTheSessionStays) {
  const std::string id = Open(*endpoint_);
  McpHttpResponse bad = endpoint_->Handle(Post("{not json", id));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Json::parse(bad.body)["error"]["code"], -32700) << bad.body;
  EXPECT_EQ(endpoint_->Handle(Post(Message("ping"), id)).status, 200);
}

TEST_F(McpHttpTest, IdleSessionsEnd) {
  McpHttpEndpoint endpoint(server_.get(), {.max_sessions = 8, .session_idle_ms = -1});
  McpHttpResponse init = endpoint.Handle(Post(InitializeBody()));
  ASSERT_EQ(init.status, 200);
  const std::string id = HeaderOf(init, "Mcp-Session-Id");
  EXPECT_EQ(endpoint.session_count(), 1u);
  EXPECT_EQ(endpoint.Handle(Post(Message("ping"), id)).status, 404);
  EXPECT_EQ(endpoint.session_count(), 0u);
}

TEST_F(McpHttpTest, TheSessionLimitIs503) {
  McpHttpEndpoint endpoint(server_.get(), {.max_sessions = 1});
  const std::string id = Open(endpoint);
  McpHttpResponse refused = endpoint.Handle(Post(InitializeBody()));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(endpoint.Handle(Post(Message("ping"), id)).status, 200);
}

TEST_F(McpHttpTest, CloseAllEndsEverySession) {
  const std::string id = Open(*endpoint_);
  Open(*endpoint_, "other-token");
  endpoint_->CloseAll();
  EXPECT_EQ(endpoint_->session_count(), 0u);
  EXPECT_EQ(surface_.total_sinks(), 0u);
  EXPECT_EQ(endpoint_->Handle(Post(Message("ping"), id)).status, 404);
}

TEST(McpHttpOrigin, LocalOrigins) {
  for (const char* yes : {"http://localhost", "http://localhost:6274", "https://127.0.0.1:8081",
                          "http://[::1]:3000", "http://LOCALHOST"}) {
    EXPECT_TRUE(IsLocalOrigin(yes)) << yes;
  }
  for (const char* no : {"null", "http://evil.example", "http://localhost.evil.example",
                         "http://127.0.0.1.nip.io", "localhost", "http://[::1]x", ""}) {
    EXPECT_FALSE(IsLocalOrigin(no)) << no;
  }
}

}  // namespace
}  // namespace xs::transport::mcp
