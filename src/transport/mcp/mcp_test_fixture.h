// The MCP engine's test fixture: a real ActionRegistry holding test actions
// (credential-callable ones, admin-only ones named like the signet's) and the
// WebSocket transport's FakeAgentSurface, with one session of credential
// cred_a (chat conv_a) whose notifications are collected.
#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "transport/mcp/mcp_server.h"
#include "transport/ws/testing/fake_agent_surface.h"

namespace xs::transport::mcp {

using signet::ActionSpec;
using signet::CallContext;
using signet::Intent;
using signet::ParamType;

class McpTest : public ::testing::Test {
 protected:
  // Rebuilds the server with `options` and opens a fresh session.
  void Build(McpOptions options) {
    session_.reset();
    server_ = std::make_unique<McpServer>(McpBackend{&registry_, &surface_, "9.9.9"}, options);
    session_ = server_->Open("cred_a", [this](std::string note) {
      std::lock_guard lock(mu_);
      notes_.push_back(Json::parse(note));
    });
  }

  void SetUp() override {
    surface_.AddCredential("tok_a", "cred_a", {"conv_a"});
    surface_.AddCredential("tok_b", "cred_b", {"conv_b"});
    auto credential = [this](const CallContext& ctx) {
      std::lock_guard lock(mu_);
      calls_.push_back(ctx);
      return ctx.caller == CallContext::Caller::kCredential;
    };
    registry_.Register(
        {"message.send", "Send a text message to a chat", Intent::kWrite, false, false,
         [credential](const Json& p, const CallContext& ctx) -> Result<Json> {
           if (!credential(ctx)) return Error::Internal("not a credential call");
           return Json{{"messageId", "msg_1"}, {"chatId", p["chatId"]}};
         }},
        {{"chatId", ParamType::kString, "The chat", true},
         {"text", ParamType::kString, "The text", true}});
    registry_.Register({"message.list", "List a chat's messages", Intent::kRead, true, false,
                        [this, credential](const Json& p, const CallContext& ctx) -> Result<Json> {
                          credential(ctx);
                          {
                            std::lock_guard lock(mu_);
                            last_list_params_ = p;
                          }
                          if (p["chatId"] != "conv_a") return Error::NotFound("chat not found");
                          return Json::array({{{"id", "msg_1"}, {"text", "hi"}}});
                        }},
                       {{"chatId", ParamType::kString, "The chat", true},
                        {"limit", ParamType::kInteger, "At most this many"}});
    registry_.Register({"chat.list", "List chats", Intent::kRead, true, false,
                        [credential](const Json&, const CallContext& ctx) -> Result<Json> {
                          credential(ctx);
                          if (ctx.credential_id == "cred_b") {
                            return Error::Permission("missing scope list-conversations");
                          }
                          return Json::array({{{"id", "conv_a"}, {"name", "Alpha"}},
                                              {{"id", "conv_z"}, {"name", ""}}});
                        }});
    registry_.Register({"chat.update-profile", "Update the chat profile", Intent::kWrite, false,
                        false, [](const Json&, const CallContext&) { return Json::object(); }});
    ActionSpec lookup{"credential.lookup",
                      "Show a credential",
                      Intent::kRead,
                      true,
                      false,
                      [](const Json&, const CallContext& ctx) -> Result<Json> {
                        return Json{{"id", ctx.credential_id}};
                      }};
    lookup.tool_name = "credential_info";
    registry_.Register(std::move(lookup));
    registry_.Register({"reveal.revoke", "Revoke a reveal", Intent::kDestroy, true, false,
                        [](const Json&, const CallContext&) { return Json::object(); }});
    registry_.Register({"boom.throw", "Throws", Intent::kRead, false, false,
                        [](const Json&, const CallContext&) -> Result<Json> {
                          throw std::runtime_error("boom");
                        }});
    for (const char* id : {"operator.create", "policy.list", "credential.issue", "chat.create"}) {
      registry_.Register({id, "Admin only", Intent::kWrite, false, true,
                          [](const Json&, const CallContext&) { return Json::object(); }});
    }
    Build({});
  }

  void TearDown() override {
    session_.reset();
    server_.reset();
  }

  // The parsed answer to `message`; a JSON null when there is none.
  Json Send(const std::string& message) {
    std::optional<std::string> answer = session_->Handle(message);
    if (!answer) return nullptr;
    Json parsed = Json::parse(*answer, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << *answer;
    return parsed;
  }
  Json Request(const std::string& method, Json params = Json::object(), Json id = 1) {
    return Send(
        Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump());
  }
  Json Notify(const std::string& method, Json params = Json::object()) {
    return Send(Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}}.dump());
  }
  // initialize + notifications/initialized.
  void Ready(const std::string& version = "2025-11-25") {
    Json init = Request("initialize", {{"protocolVersion", version},
                                       {"capabilities", Json::object()},
                                       {"clientInfo", {{"name", "test"}, {"version", "1"}}}});
    ASSERT_TRUE(init.contains("result")) << init.dump();
    ASSERT_TRUE(Notify("notifications/initialized").is_null());
  }
  Json Tool(const std::string& name, Json arguments) {
    Json answer = Request("tools/call", {{"name", name}, {"arguments", std::move(arguments)}});
    EXPECT_TRUE(answer.contains("result")) << answer.dump();
    return answer["result"];
  }
  std::vector<Json> notes() {
    std::lock_guard lock(mu_);
    return notes_;
  }
  std::size_t call_count() {
    std::lock_guard lock(mu_);
    return calls_.size();
  }

  signet::ActionRegistry registry_;
  ws::testing::FakeAgentSurface surface_;
  std::unique_ptr<McpServer> server_;
  std::shared_ptr<McpSession> session_;
  std::mutex mu_;
  std::vector<Json> notes_;
  std::vector<CallContext> calls_;
  Json last_list_params_;
};

// The error code of a JSON-RPC answer (0 when it is not an error).
inline int ErrorCode(const Json& answer) {
  return answer.contains("error") ? answer["error"]["code"].get<int>() : 0;
}

}  // namespace xs::transport::mcp
