// MCP resources (docs/mcp.md "Resources"): the credential's chats, read
// through message.list as the credential, and resources/updated
// notifications for subscribed chats when a message.visible event reaches
// the session from the agent plane (live events only, none after Close).
#include "transport/mcp/mcp_resources.h"

#include "transport/mcp/mcp_test_fixture.h"

namespace xs::transport::mcp {
namespace {

const char* kUriA = "xmtp-signet://chats/conv_a/messages";

Json Visible(const std::string& chat_id) {
  return {{"type", "message.visible"}, {"groupId", chat_id}, {"messageId", "m1"}};
}

TEST(McpChatUri, RoundTripsAndRefusesEverythingElse) {
  EXPECT_EQ(ChatResourceUri("conv_a"), kUriA);
  auto parsed = ParseChatResourceUri(kUriA);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, "conv_a");
  for (const char* uri :
       {"", "xmtp-signet://chats//messages", "xmtp-signet://chats/conv_a",
        "xmtp-signet://chats/conv_a/messages/x", "file:///etc/passwd",
        "xmtp-signet://chats/conv a/messages", "xmtp-signet://chats/../messages",
        "xmtp-signet://chats/a/b/messages", "XMTP-SIGNET://chats/conv_a/messages"}) {
    auto bad = ParseChatResourceUri(uri);
    ASSERT_FALSE(bad.ok()) << uri;
    EXPECT_TRUE(bad.error().IsValidation()) << uri;
  }
  std::string longest = ChatResourceUri(std::string(kMcpMaxChatIdBytes, 'a'));
  EXPECT_TRUE(ParseChatResourceUri(longest).ok());
  EXPECT_FALSE(
      ParseChatResourceUri(ChatResourceUri(std::string(kMcpMaxChatIdBytes + 1, 'a'))).ok());
}

TEST_F(McpTest, ResourcesListTheCredentialsChats) {
  Ready();
  Json answer = Request("resources/list", {{"cursor", "x"}});
  const Json& resources = answer["result"]["resources"];
  ASSERT_EQ(resources.size(), 2u) << answer.dump();
  EXPECT_EQ(resources[0]["uri"], kUriA);
  EXPECT_EQ(resources[0]["name"], "Alpha");
  EXPECT_EQ(resources[0]["mimeType"], "application/json");
  EXPECT_EQ(resources[1]["uri"], "xmtp-signet://chats/conv_z/messages");
  EXPECT_EQ(resources[1]["name"], "conv_z");  // no name: the id
  std::lock_guard lock(mu_);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].caller, CallContext::Caller::kCredential);
  EXPECT_EQ(calls_[0].credential_id, "cred_a");
}

TEST_F(McpTest, ResourcesListIsEmptyWithoutTheListScope) {
  session_ = server_->Open("cred_b", nullptr);
  Ready();
  Json answer = Request("resources/list");
  EXPECT_EQ(answer["result"]["resources"], Json::array());
}

TEST_F(McpTest, ResourcesReadReturnsTheNewestMessages) {
  Ready();
  Json answer = Request("resources/read", {{"uri", kUriA}});
  const Json& contents = answer["result"]["contents"];
  ASSERT_EQ(contents.size(), 1u) << answer.dump();
  EXPECT_EQ(contents[0]["uri"], kUriA);
  EXPECT_EQ(contents[0]["mimeType"], "application/json");
  Json messages = Json::parse(contents[0]["text"].get<std::string>());
  EXPECT_EQ(messages[0]["id"], "msg_1");
  std::lock_guard lock(mu_);
  EXPECT_EQ(last_list_params_,
            (Json{{"chatId", "conv_a"}, {"limit", kMcpResourceReadMessageCount}}));
  EXPECT_EQ(calls_.back().credential_id, "cred_a");
}

TEST_F(McpTest, ResourcesReadOfAnUnknownResourceIsInvalidParams) {
  Ready();
  Json outside = Request("resources/read", {{"uri", "xmtp-signet://chats/conv_b/messages"}});
  EXPECT_EQ(ErrorCode(outside), kMcpInvalidParams);
  EXPECT_EQ(outside["error"]["data"]["category"], "not_found");
  EXPECT_EQ(ErrorCode(Request("resources/read", {{"uri", "file:///etc/passwd"}})),
            kMcpInvalidParams);
  EXPECT_EQ(ErrorCode(Request("resources/read", Json::object())), kMcpInvalidParams);
  EXPECT_EQ(ErrorCode(Request("resources/read", {{"uri", 3}})), kMcpInvalidParams);
}

TEST_F(McpTest, ResourceTemplateNamesTheChatUri) {
  Ready();
  Json answer = Request("resources/templates/list");
  EXPECT_EQ(answer["result"]["resourceTemplates"][0]["uriTemplate"],
            "xmtp-signet://chats/{chatId}/messages");
}

TEST_F(McpTest, SubscribeValidatesTheUri) {
  Ready();
  EXPECT_EQ(Request("resources/subscribe", {{"uri", kUriA}})["result"], Json::object());
  EXPECT_EQ(ErrorCode(Request("resources/subscribe", {{"uri", "http://x"}})), kMcpInvalidParams);
  EXPECT_EQ(ErrorCode(Request("resources/subscribe", Json::object())), kMcpInvalidParams);
  EXPECT_EQ(ErrorCode(Request("resources/unsubscribe", {{"uri", "x"}})), kMcpInvalidParams);
  EXPECT_EQ(Request("resources/unsubscribe", {{"uri", kUriA}})["result"], Json::object());
}

TEST_F(McpTest, SubscriptionsAreBounded) {
  Ready();
  for (std::size_t i = 0; i < kMcpMaxSubscriptionCount; ++i) {
    Json uri = ChatResourceUri("conv_" + std::to_string(i));
    ASSERT_TRUE(Request("resources/subscribe", {{"uri", uri}}).contains("result")) << i;
  }
  EXPECT_EQ(ErrorCode(Request("resources/subscribe", {{"uri", kUriA}})), kMcpInvalidParams);
  // Subscribing again to one held is fine.
  EXPECT_TRUE(
      Request("resources/subscribe", {{"uri", ChatResourceUri("conv_0")}}).contains("result"));
}

TEST_F(McpTest, AttachesToThePlaneOnceInitialized) {
  Request("initialize", {{"protocolVersion", "2025-11-25"}});
  EXPECT_EQ(surface_.sink_count("cred_a"), 0u);
  Notify("notifications/initialized");
  EXPECT_EQ(surface_.sink_count("cred_a"), 1u);
  Notify("notifications/initialized");
  Request("tools/list");
  EXPECT_EQ(surface_.sink_count("cred_a"), 1u);
}

TEST_F(McpTest, VisibleMessageOfASubscribedChatIsNotified) {
  Ready();
  Request("resources/subscribe", {{"uri", kUriA}});
  surface_.Emit("cred_a", Visible("conv_a"));
  surface_.Emit("cred_a", Visible("conv_other"));  // not subscribed
  surface_.Emit("cred_a", {{"type", "heartbeat"}, {"groupId", "conv_a"}});
  surface_.Emit("cred_a", {{"type", "message.visible"}, {"groupId", 5}});
  std::vector<Json> got = notes();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (Json{{"jsonrpc", "2.0"},
                          {"method", "notifications/resources/updated"},
                          {"params", {{"uri", kUriA}}}}));
  Request("resources/unsubscribe", {{"uri", kUriA}});
  surface_.Emit("cred_a", Visible("conv_a"));
  EXPECT_EQ(notes().size(), 1u);
}

TEST_F(McpTest, MalformedFramesAreIgnored) {
  Ready();
  Request("resources/subscribe", {{"uri", kUriA}});
  for (const char* text :
       {"message.visible", "{\"event\":\"message.visible\"}", "[message.visible]",
        "{\"seq\":1,\"event\":{\"type\":\"message.visible\"}}"}) {
    surface_.DeliverRaw("cred_a", std::make_shared<const std::string>(text), 1);
  }
  surface_.DeliverRaw("cred_a", nullptr, 1);
  EXPECT_TRUE(notes().empty());
}

TEST_F(McpTest, EventsBeforeTheSessionAttachedAreNotNotified) {
  surface_.Emit("cred_a", Visible("conv_a"));
  Request("initialize", {{"protocolVersion", "2025-11-25"}});
  Request("resources/subscribe", {{"uri", kUriA}});  // also attaches
  surface_.Emit("cred_a", Visible("conv_a"));
  EXPECT_EQ(notes().size(), 1u);
}

TEST_F(McpTest, CloseDetachesAndStopsNotifications) {
  Ready();
  Request("resources/subscribe", {{"uri", kUriA}});
  session_->Close();
  EXPECT_EQ(surface_.sink_count("cred_a"), 0u);
  surface_.Emit("cred_a", Visible("conv_a"));
  EXPECT_TRUE(notes().empty());
  session_->Close();  // idempotent
  EXPECT_TRUE(Request("ping").contains("result"));
  // A closed session never attaches again.
  EXPECT_TRUE(Request("tools/list").contains("result"));
  EXPECT_EQ(surface_.sink_count("cred_a"), 0u);
}

TEST_F(McpTest, DestroyingTheSessionDetaches) {
  Ready();
  EXPECT_EQ(surface_.sink_count("cred_a"), 1u);
  session_.reset();
  EXPECT_EQ(surface_.sink_count("cred_a"), 0u);
}

TEST_F(McpTest, ClosingBeforeReadyNeverAttaches) {
  Request("initialize", {{"protocolVersion", "2025-11-25"}});
  session_->Close();
  Notify("notifications/initialized");
  EXPECT_EQ(surface_.sink_count("cred_a"), 0u);
}

}  // namespace
}  // namespace xs::transport::mcp
