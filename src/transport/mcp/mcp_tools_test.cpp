// MCP tools (docs/mcp.md "Tools"): only credential-callable actions are
// listed, with their JSON Schema and annotations; calls run as the credential
// after its state is checked; admin-only names are permission tool errors
// (decisions.md #22); every action result is the decisions-15 envelope.
#include "transport/mcp/mcp_tools.h"

#include "transport/mcp/mcp_test_fixture.h"

namespace xs::transport::mcp {
namespace {

using signet::agent::CredentialState;

Json ByName(const Json& tools, const std::string& name) {
  for (const Json& tool : tools) {
    if (tool["name"] == name) return tool;
  }
  return nullptr;
}

// The envelope of a CallToolResult, checking that text and
// structuredContent carry the same one.
Json EnvelopeOf(const Json& result) {
  EXPECT_EQ(result["content"].size(), 1u);
  EXPECT_EQ(result["content"][0]["type"], "text");
  Json text = Json::parse(result["content"][0]["text"].get<std::string>());
  EXPECT_EQ(text, result["structuredContent"]);
  EXPECT_EQ(result["isError"], !text["ok"].get<bool>());
  EXPECT_TRUE(text["meta"]["requestId"].get<std::string>().starts_with("req_"));
  EXPECT_TRUE(text["meta"]["timestamp"].is_string());
  EXPECT_TRUE(text["meta"]["durationMs"].is_number());
  return text;
}

TEST(McpToolNames, DerivedReferenceAndExplicit) {
  EXPECT_EQ(DerivedToolName("message.send"), "message_send");
  EXPECT_EQ(DerivedToolName("chat.update-profile"), "chat_update_profile");
  EXPECT_EQ(ReferenceToolName("chat.update-profile"), "signet/chat/update-profile");
  signet::ActionSpec spec;
  spec.id = "credential.lookup";
  EXPECT_EQ(ToolName(spec), "credential_lookup");
  spec.tool_name = "credential_info";
  EXPECT_EQ(ToolName(spec), "credential_info");
}

TEST_F(McpTest, ToolsListHoldsOnlyCredentialActions) {
  Ready();
  Json answer = Request("tools/list", {{"cursor", "ignored"}});
  const Json& tools = answer["result"]["tools"];
  EXPECT_FALSE(answer["result"].contains("nextCursor"));
  std::set<std::string> names;
  for (const Json& tool : tools) names.insert(tool["name"].get<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"message_send", "message_list", "chat_list",
                                          "chat_update_profile", "credential_info", "reveal_revoke",
                                          "boom_throw"}));
  for (const signet::ActionSpec* spec : registry_.List()) {
    if (spec->admin_only) continue;
    Json tool = ByName(tools, ToolName(*spec));
    ASSERT_FALSE(tool.is_null()) << spec->id;
    EXPECT_EQ(tool["description"], spec->description);
    EXPECT_EQ(tool["inputSchema"], signet::InputSchema(*spec));
    EXPECT_EQ(tool["annotations"]["title"], spec->description);
  }
}

TEST_F(McpTest, ToolSchemaAndAnnotationsFollowTheAction) {
  Ready();
  Json tools = Request("tools/list")["result"]["tools"];
  Json send = ByName(tools, "message_send");
  EXPECT_EQ(send["inputSchema"]["type"], "object");
  EXPECT_EQ(send["inputSchema"]["properties"]["chatId"]["type"], "string");
  EXPECT_EQ(send["inputSchema"]["required"], Json::array({"chatId", "text"}));
  EXPECT_EQ(send.dump().find("$ref"), std::string::npos);
  EXPECT_EQ(send["annotations"]["readOnlyHint"], false);
  EXPECT_EQ(send["annotations"]["destructiveHint"], false);
  EXPECT_EQ(send["annotations"]["idempotentHint"], false);
  Json list = ByName(tools, "message_list");
  EXPECT_EQ(list["annotations"]["readOnlyHint"], true);
  EXPECT_EQ(list["annotations"]["idempotentHint"], true);
  Json revoke = ByName(tools, "reveal_revoke");
  EXPECT_EQ(revoke["annotations"]["destructiveHint"], true);
  EXPECT_EQ(revoke["annotations"]["readOnlyHint"], false);
  // An action with no declared params takes any object.
  EXPECT_EQ(ByName(tools, "chat_list")["inputSchema"]["type"], "object");
}

TEST_F(McpTest, CallRunsTheActionAsTheCredential) {
  Ready();
  Json result = Tool("message_send", {{"chatId", "conv_a"}, {"text", "hello"}});
  Json envelope = EnvelopeOf(result);
  EXPECT_EQ(envelope["ok"], true);
  EXPECT_EQ(envelope["data"]["messageId"], "msg_1");
  EXPECT_EQ(envelope["data"]["chatId"], "conv_a");
  std::lock_guard lock(mu_);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].caller, CallContext::Caller::kCredential);
  EXPECT_EQ(calls_[0].credential_id, "cred_a");
  EXPECT_EQ(calls_[0].request_id, envelope["meta"]["requestId"]);
}

TEST_F(McpTest, ExplicitDerivedAndReferenceNamesReachTheAction) {
  Ready();
  EXPECT_EQ(EnvelopeOf(Tool("credential_info", Json::object()))["data"]["id"], "cred_a");
  EXPECT_EQ(EnvelopeOf(Tool("credential_lookup", Json::object()))["data"]["id"], "cred_a");
  EXPECT_EQ(EnvelopeOf(Tool("signet/chat/list", Json::object()))["ok"], true);
}

TEST_F(McpTest, AdminOnlyToolIsAPermissionToolError) {
  Ready();
  for (const char* name : {"operator_create", "policy_list", "credential_issue", "chat_create",
                           "signet/chat/create", "signet/operator/create"}) {
    Json result = Tool(name, Json::object());
    Json envelope = EnvelopeOf(result);
    EXPECT_EQ(result["isError"], true) << name;
    EXPECT_EQ(envelope["ok"], false);
    EXPECT_EQ(envelope["error"]["category"], "permission") << name;
    EXPECT_EQ(envelope["error"]["_tag"], "PermissionError");
  }
  EXPECT_EQ(call_count(), 0u);
}

TEST_F(McpTest, UnknownToolIsInvalidParams) {
  Ready();
  Json answer = Request("tools/call", {{"name", "no_such_tool"}});
  EXPECT_EQ(ErrorCode(answer), kMcpInvalidParams);
  EXPECT_EQ(answer["error"]["message"], "Unknown tool: no_such_tool");
  EXPECT_EQ(ErrorCode(Request("tools/call", {{"name", 5}})), kMcpInvalidParams);
  EXPECT_EQ(ErrorCode(Request("tools/call", Json::object())), kMcpInvalidParams);
}

TEST_F(McpTest, WrongArgumentTypesAreAValidationToolError) {
  Ready();
  Json envelope = EnvelopeOf(Tool("message_send", {{"chatId", 5}, {"text", "x"}}));
  EXPECT_EQ(envelope["ok"], false);
  EXPECT_EQ(envelope["error"]["category"], "validation");
  EXPECT_NE(envelope["error"]["message"].get<std::string>().find("chatId"), std::string::npos);
  Json missing = EnvelopeOf(Tool("message_send", {{"chatId", "conv_a"}}));
  EXPECT_NE(missing["error"]["message"].get<std::string>().find("text"), std::string::npos);
  EXPECT_EQ(call_count(), 0u);
}

TEST_F(McpTest, ArgumentsMustBeAnObject) {
  Ready();
  Json envelope = EnvelopeOf(Tool("chat_list", Json::array({1})));
  EXPECT_EQ(envelope["error"]["category"], "validation");
  EXPECT_EQ(envelope["error"]["context"]["field"], "arguments");
  // Absent or null arguments are {}.
  EXPECT_EQ(EnvelopeOf(Request("tools/call", {{"name", "chat_list"}})["result"])["ok"], true);
  EXPECT_EQ(EnvelopeOf(Tool("chat_list", nullptr))["ok"], true);
}

TEST_F(McpTest, ExpiredOrRevokedCredentialIsAnAuthToolError) {
  Ready();
  surface_.SetState("cred_a", CredentialState::kExpired);
  Json expired = EnvelopeOf(Tool("message_send", {{"chatId", "conv_a"}, {"text", "x"}}));
  EXPECT_EQ(expired["error"]["category"], "auth");
  EXPECT_EQ(expired["error"]["message"], "Credential has expired");
  surface_.SetState("cred_a", CredentialState::kRevoked);
  Json revoked = EnvelopeOf(Tool("message_send", {{"chatId", "conv_a"}, {"text", "x"}}));
  EXPECT_EQ(revoked["error"]["category"], "auth");
  EXPECT_EQ(revoked["error"]["message"], "Credential is revoked");
  surface_.SetState("cred_a", CredentialState::kPending);
  EXPECT_EQ(EnvelopeOf(Tool("chat_list", Json::object()))["error"]["category"], "auth");
  EXPECT_EQ(call_count(), 0u);
  // Resources answer with the auth error too.
  Json list = Request("resources/list");
  EXPECT_EQ(ErrorCode(list), JsonRpcCode(Category::kAuth));
  EXPECT_EQ(list["error"]["data"]["category"], "auth");
}

TEST_F(McpTest, ASinkClosedByThePlaneMakesToolsAuthErrors) {
  Ready();
  ASSERT_EQ(surface_.sink_count("cred_a"), 1u);
  surface_.CloseSinks("cred_a", signet::agent::kCloseCredentialRevoked, "revoked");
  // The fake still reports the credential active: the close alone decides.
  Json envelope = EnvelopeOf(Tool("chat_list", Json::object()));
  EXPECT_EQ(envelope["error"]["message"], "Credential is revoked");
  EXPECT_TRUE(notes().empty());
  EXPECT_EQ(call_count(), 0u);
}

TEST_F(McpTest, ThrowingActionIsAnInternalToolError) {
  Ready();
  Json envelope = EnvelopeOf(Tool("boom_throw", Json::object()));
  EXPECT_EQ(envelope["error"]["category"], "internal");
  EXPECT_TRUE(Request("ping").contains("result"));
}

}  // namespace
}  // namespace xs::transport::mcp
