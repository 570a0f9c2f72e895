// STUB (drop on merge): see mcp_server.h.
#include "transport/mcp/mcp_server.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace xs::transport::mcp {

namespace {

using Json = nlohmann::json;

std::string Answer(const Json& id, Json result) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}.dump();
}

std::string Fail(const Json& id, int code, const std::string& message) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}}
      .dump();
}

std::string ToolName(const signet::ActionSpec& spec) {
  if (!spec.tool_name.empty()) return spec.tool_name;
  std::string name = spec.id;
  std::replace(name.begin(), name.end(), '.', '_');
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace

class McpSession::Sink final : public signet::agent::EventSink {
 public:
  explicit Sink(McpSession* session) : session_(session) {}
  void Deliver(const signet::agent::Frame& frame) override {
    Json parsed = Json::parse(*frame, nullptr, false);
    if (parsed.is_discarded() || !parsed.contains("event")) return;
    const Json& event = parsed["event"];
    if (event.value("type", "") != "message.visible") return;
    std::string uri = "xmtp-signet://chats/" + event.value("groupId", "") + "/messages";
    {
      std::lock_guard lock(session_->mu_);
      if (session_->subscribed_.count(uri) == 0) return;
    }
    session_->notify_(
        Json{{"jsonrpc", "2.0"}, {"method", "notifications/resources/updated"}, {"params", {{"uri", uri}}}}
            .dump());
  }
  void Close(int, std::string_view) override {}

 private:
  McpSession* session_;
};

McpServer::McpServer(McpBackend backend, McpOptions options)
    : backend_(std::move(backend)), options_(options) {}

Result<signet::agent::AuthInfo> McpServer::Authenticate(std::string_view token) {
  return backend_.surface->Authenticate(token);
}

std::shared_ptr<McpSession> McpServer::Open(const std::string& credential_id,
                                            std::function<void(std::string)> notify) {
  return std::make_shared<McpSession>(backend_, options_, credential_id, std::move(notify));
}

McpSession::McpSession(McpBackend backend, McpOptions options, std::string credential_id,
                       std::function<void(std::string)> notify)
    : backend_(std::move(backend)),
      options_(options),
      credential_id_(std::move(credential_id)),
      notify_(std::move(notify)) {}

McpSession::~McpSession() { Close(); }

void McpSession::Close() {
  std::shared_ptr<Sink> sink;
  {
    std::lock_guard lock(mu_);
    sink = std::move(sink_);
  }
  if (sink) backend_.surface->Detach(credential_id_, sink.get());
}

bool McpSession::initialized() const {
  std::lock_guard lock(mu_);
  return initialized_;
}

std::string McpSession::protocol_version() const {
  std::lock_guard lock(mu_);
  return protocol_version_;
}

std::optional<std::string> McpSession::Handle(std::string_view message) {
  if (message.size() > options_.max_message_bytes) return Fail(nullptr, -32600, "too large");
  Json m = Json::parse(message, nullptr, false);
  if (m.is_discarded()) return Fail(nullptr, -32700, "Parse error");
  if (!m.is_object()) return Fail(nullptr, -32600, "Invalid Request");
  if (!m.contains("method")) return std::nullopt;  // a response
  const std::string method = m.value("method", "");
  if (!m.contains("id")) {
    if (method == "notifications/initialized") {
      auto sink = std::make_shared<Sink>(this);
      if (backend_.surface->Attach(credential_id_, std::nullopt, sink).ok()) {
        std::lock_guard lock(mu_);
        sink_ = sink;
      }
    }
    return std::nullopt;
  }
  const Json id = m["id"];
  const Json params = m.value("params", Json::object());
  if (method == "initialize") {
    std::lock_guard lock(mu_);
    initialized_ = true;
    protocol_version_ = params.value("protocolVersion", "2025-11-25");
    return Answer(id, {{"protocolVersion", protocol_version_},
                       {"capabilities",
                        {{"tools", {{"listChanged", false}}}, {"resources", {{"subscribe", true}}}}},
                       {"serverInfo", {{"name", "xmtp-signet"}, {"version", backend_.server_version}}}});
  }
  if (method == "ping") return Answer(id, Json::object());
  if (!initialized()) return Fail(id, -32600, "not initialized");
  if (method == "tools/list") {
    Json tools = Json::array();
    for (const auto* spec : backend_.registry->List()) {
      if (spec->admin_only) continue;
      tools.push_back({{"name", ToolName(*spec)},
                       {"description", spec->description},
                       {"inputSchema", signet::InputSchema(*spec)}});
    }
    return Answer(id, {{"tools", tools}});
  }
  if (method == "tools/call") {
    const std::string name = params.value("name", "");
    for (const auto* spec : backend_.registry->List()) {
      if (spec->admin_only || ToolName(*spec) != name) continue;
      signet::CallContext ctx;
      ctx.caller = signet::CallContext::Caller::kCredential;
      ctx.credential_id = credential_id_;
      auto result =
          backend_.registry->Call(spec->id, params.value("arguments", Json::object()), ctx);
      Json envelope = result.ok() ? Json{{"ok", true}, {"data", *result}}
                                  : Json{{"ok", false}, {"error", result.error().message()}};
      return Answer(id, {{"content", {{{"type", "text"}, {"text", envelope.dump(2)}}}},
                         {"structuredContent", envelope},
                         {"isError", !result.ok()}});
    }
    return Fail(id, -32602, "Unknown tool: " + name);
  }
  if (method == "resources/subscribe") {
    std::lock_guard lock(mu_);
    subscribed_.insert(params.value("uri", ""));
    return Answer(id, Json::object());
  }
  return Fail(id, -32601, "Method not found: " + method);
}

}  // namespace xs::transport::mcp
