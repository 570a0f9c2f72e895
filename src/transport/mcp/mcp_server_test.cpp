// The MCP engine's JSON-RPC framing and lifecycle (docs/mcp.md "Protocol"):
// version negotiation, the initialize gate, and an answer with the right
// code for every malformed message, after which the session keeps working.
#include "transport/mcp/mcp_server.h"

#include "transport/mcp/mcp_test_fixture.h"

namespace xs::transport::mcp {
namespace {

TEST_F(McpTest, InitializeEchoesEverySupportedVersion) {
  for (std::string_view version : kMcpProtocolVersions) {
    Build({});
    Json answer = Request("initialize", {{"protocolVersion", version},
                                         {"capabilities", Json::object()},
                                         {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
    ASSERT_TRUE(answer.contains("result")) << answer.dump();
    const Json& r = answer["result"];
    EXPECT_EQ(answer["id"], 1);
    EXPECT_EQ(r["protocolVersion"], version);
    EXPECT_EQ(session_->protocol_version(), version);
    EXPECT_EQ(r["capabilities"]["tools"]["listChanged"], false);
    EXPECT_EQ(r["capabilities"]["resources"]["subscribe"], true);
    EXPECT_EQ(r["capabilities"]["resources"]["listChanged"], false);
    EXPECT_EQ(r["serverInfo"]["name"], "xmtp-signet");
    EXPECT_EQ(r["serverInfo"]["version"], "9.9.9");
    EXPECT_FALSE(r.contains("instructions"));
    EXPECT_TRUE(session_->initialized());
  }
}

TEST_F(McpTest, UnknownVersionIsAnsweredWithTheLatest) {
  Json answer = Request("initialize", {{"protocolVersion", "1999-01-01"}});
  EXPECT_EQ(answer["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(session_->protocol_version(), "2025-11-25");
}

TEST_F(McpTest, InstructionsAreSentWhenConfigured) {
  Build({.max_message_bytes = kMcpMaxMessageBytes, .instructions = "Use message_send to talk."});
  Json answer = Request("initialize", {{"protocolVersion", "2025-06-18"}});
  EXPECT_EQ(answer["result"]["instructions"], "Use message_send to talk.");
}

TEST_F(McpTest, InitializeWithoutAVersionIsInvalidParams) {
  EXPECT_EQ(ErrorCode(Request("initialize", Json::object())), kMcpInvalidParams);
  EXPECT_EQ(ErrorCode(Request("initialize", {{"protocolVersion", 20250618}})), kMcpInvalidParams);
  EXPECT_FALSE(session_->initialized());
}

TEST_F(McpTest, SecondInitializeIsAnInvalidRequest) {
  Ready();
  Json again = Request("initialize", {{"protocolVersion", "2025-03-26"}});
  EXPECT_EQ(ErrorCode(again), kMcpInvalidRequest);
  EXPECT_EQ(session_->protocol_version(), "2025-11-25");
}

TEST_F(McpTest, OnlyInitializeAndPingBeforeInitialize) {
  for (const char* method : {"tools/list", "tools/call", "resources/list", "resources/read",
                             "resources/subscribe", "no/such"}) {
    Json answer = Request(method, {{"name", "message_send"}}, 7);
    EXPECT_EQ(ErrorCode(answer), kMcpInvalidRequest) << method;
    EXPECT_EQ(answer["id"], 7);
    EXPECT_EQ(answer["error"]["message"], "Server not initialized: send initialize first");
  }
  EXPECT_EQ(call_count(), 0u);
  Json pong = Request("ping");
  EXPECT_EQ(pong["result"], Json::object());
  EXPECT_FALSE(session_->initialized());
  // initialized before initialize changes nothing.
  EXPECT_TRUE(Notify("notifications/initialized").is_null());
  EXPECT_EQ(ErrorCode(Request("tools/list")), kMcpInvalidRequest);
}

TEST_F(McpTest, PingAnswersAtAnyTime) {
  Ready();
  Json pong = Request("ping", Json::object(), "p-1");
  EXPECT_EQ(pong["id"], "p-1");
  EXPECT_EQ(pong["result"], Json::object());
}

TEST_F(McpTest, UnknownMethodIsMethodNotFound) {
  Ready();
  for (const char* method : {"prompts/list", "logging/setLevel", "completion/complete", "x"}) {
    Json answer = Request(method);
    EXPECT_EQ(ErrorCode(answer), kMcpMethodNotFound) << method;
    EXPECT_EQ(answer["id"], 1);
  }
}

TEST_F(McpTest, MalformedJsonIsAParseErrorAndTheSessionKeepsWorking) {
  Ready();
  for (const char* text : {"{", "nope", "{\"jsonrpc\":\"2.0\",}", "", "\xff\xfe",
                           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"\xc3\"}"}) {
    Json answer = Send(text);
    EXPECT_EQ(ErrorCode(answer), kMcpParseError) << text;
    EXPECT_TRUE(answer["id"].is_null());
  }
  EXPECT_TRUE(Request("ping").contains("result"));
  EXPECT_TRUE(Request("tools/list").contains("result"));
}

TEST_F(McpTest, NestingBeyondTheLimitIsRefusedUnparsed) {
  Ready();
  std::string deep(kMcpMaxJsonDepth + 1, '[');
  deep += std::string(kMcpMaxJsonDepth + 1, ']');
  EXPECT_EQ(ErrorCode(Send(deep)), kMcpParseError);
  // Brackets inside strings do not count.
  Json params = {{"name", "message_send"},
                 {"arguments", {{"chatId", std::string(500, '[')}, {"text", "{{{"}}}};
  EXPECT_TRUE(Request("tools/call", params).contains("result"));
  // A nesting within the limit passes the depth check.
  std::string ok = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":" +
                   std::string(kMcpMaxJsonDepth - 2, '[') + std::string(kMcpMaxJsonDepth - 2, ']') +
                   "}}";
  EXPECT_TRUE(Send(ok).contains("result")) << ok;
}

TEST_F(McpTest, InvalidRequestsAreRefusedWithTheRightId) {
  Ready();
  Json batch = Send(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  EXPECT_EQ(ErrorCode(batch), kMcpInvalidRequest);
  EXPECT_TRUE(batch["id"].is_null());
  for (const char* text : {"1", "\"ping\"", "null", "true"}) {
    EXPECT_EQ(ErrorCode(Send(text)), kMcpInvalidRequest) << text;
  }
  // A bad id cannot be echoed.
  for (const char* id : {"null", "1.5", "{}", "[1]", "true"}) {
    Json answer = Send(std::string(R"({"jsonrpc":"2.0","method":"ping","id":)") + id + "}");
    EXPECT_EQ(ErrorCode(answer), kMcpInvalidRequest) << id;
    EXPECT_TRUE(answer["id"].is_null()) << id;
  }
  // A readable id is echoed.
  Json v1 = Send(R"({"jsonrpc":"1.0","id":"a","method":"ping"})");
  EXPECT_EQ(ErrorCode(v1), kMcpInvalidRequest);
  EXPECT_EQ(v1["id"], "a");
  EXPECT_EQ(ErrorCode(Send(R"({"id":3,"method":"ping"})")), kMcpInvalidRequest);
  EXPECT_EQ(ErrorCode(Send(R"({"jsonrpc":"2.0","id":3})")), kMcpInvalidRequest);
  EXPECT_EQ(ErrorCode(Send(R"({"jsonrpc":"2.0","id":3,"method":""})")), kMcpInvalidRequest);
  EXPECT_EQ(ErrorCode(Send(R"({"jsonrpc":"2.0","id":3,"method":7})")), kMcpInvalidRequest);
  EXPECT_TRUE(Request("ping").contains("result"));
}

TEST_F(McpTest, ParamsThatAreNotAnObjectAreInvalidParams) {
  Ready();
  Json answer = Send(R"({"jsonrpc":"2.0","id":9,"method":"tools/list","params":[1]})");
  EXPECT_EQ(ErrorCode(answer), kMcpInvalidParams);
  EXPECT_EQ(answer["id"], 9);
  // null params are no params.
  EXPECT_TRUE(Send(R"({"jsonrpc":"2.0","id":9,"method":"ping","params":null})").contains("result"));
}

TEST_F(McpTest, NotificationsAndClientResponsesGetNoAnswer) {
  Ready();
  EXPECT_TRUE(Notify("notifications/cancelled", {{"requestId", 1}, {"reason", "x"}}).is_null());
  EXPECT_TRUE(Notify("notifications/whatever").is_null());
  EXPECT_TRUE(Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":5})").is_null());
  EXPECT_TRUE(Send(R"({"jsonrpc":"2.0","id":4,"result":{}})").is_null());
  EXPECT_TRUE(Send(R"({"jsonrpc":"2.0","id":"x","error":{"code":1,"message":"m"}})").is_null());
  EXPECT_TRUE(Request("ping").contains("result"));
}

TEST_F(McpTest, OversizedMessageIsRefusedAndTheSessionKeepsWorking) {
  EXPECT_EQ(McpOptions{}.max_message_bytes, kMcpMaxMessageBytes);
  Build({.max_message_bytes = 1024, .instructions = ""});
  Ready();
  Json big = {
      {"jsonrpc", "2.0"},
      {"id", 5},
      {"method", "tools/call"},
      {"params", {{"name", "message_send"}, {"arguments", {{"text", std::string(2000, 'x')}}}}}};
  Json answer = Send(big.dump());
  EXPECT_EQ(ErrorCode(answer), kMcpInvalidRequest);
  EXPECT_TRUE(answer["id"].is_null());
  EXPECT_EQ(answer["error"]["message"], "message exceeds 1024 bytes");
  EXPECT_EQ(call_count(), 0u);
  EXPECT_TRUE(Request("ping").contains("result"));
}

TEST_F(McpTest, FirstRequestAfterInitializeAlsoMakesTheSessionReady) {
  Request("initialize", {{"protocolVersion", "2025-06-18"}});
  EXPECT_EQ(surface_.sink_count("cred_a"), 0u);
  EXPECT_TRUE(Request("tools/list").contains("result"));
  EXPECT_EQ(surface_.sink_count("cred_a"), 1u);
}

TEST_F(McpTest, AuthenticateGoesToTheSurface) {
  auto who = server_->Authenticate("tok_a");
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->credential_id, "cred_a");
  auto nobody = server_->Authenticate("nope");
  ASSERT_FALSE(nobody.ok());
  EXPECT_TRUE(nobody.error().IsAuth());
  surface_.SetState("cred_a", signet::agent::CredentialState::kRevoked);
  EXPECT_FALSE(server_->Authenticate("tok_a").ok());
}

TEST_F(McpTest, ServerWithoutBackendNeverCrashes) {
  McpServer bare(McpBackend{});
  EXPECT_FALSE(bare.Authenticate("tok").ok());
  auto session = bare.Open("cred_x", nullptr);
  ASSERT_TRUE(session->Handle(R"({"jsonrpc":"2.0","id":1,"method":"initialize",)"
                              R"("params":{"protocolVersion":"2025-11-25"}})"));
  Json tools = Json::parse(*session->Handle(R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})"));
  EXPECT_EQ(tools["result"]["tools"], Json::array());
  Json call = Json::parse(
      *session->Handle(R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"x"}})"));
  EXPECT_EQ(ErrorCode(call), kMcpInternalError);
  session->Close();
}

}  // namespace
}  // namespace xs::transport::mcp
