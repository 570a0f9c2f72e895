#include "transport/mcp/mcp_server.h"

#include <algorithm>
#include <atomic>
#include <set>

#include "transport/admin/admin_protocol.h"
#include "transport/mcp/mcp_resources.h"
#include "transport/mcp/mcp_tools.h"

namespace xs::transport::mcp {

using signet::agent::CredentialState;
using signet::agent::EventSink;
using signet::agent::Frame;

struct McpServer::Core {
  Core(McpBackend b, McpOptions o)
      : backend(std::move(b)), options(std::move(o)), tools(backend.registry) {}
  McpBackend backend;
  McpOptions options;
  ToolCatalog tools;
};

// What the session and its EventSink share; outlives either.
struct McpSession::Link {
  std::mutex mu;  // guards subscriptions, closed_code, sink
  std::set<std::string, std::less<>> subscriptions;
  int closed_code = 0;  // the agent plane closed the sink with this code
  std::shared_ptr<EventSink> sink;
  // Held while notify runs, so Close() can wait for a call in progress.
  // Recursive: a notify that (against the contract) calls Close() must not
  // deadlock on itself.
  std::recursive_mutex notify_mu;
  std::atomic<bool> closed{false};  // written under notify_mu
  std::function<void(std::string)> notify;
};

struct McpSession::Request {
  Json id;  // null for a notification
  bool notification = false;
  std::string method;
  Json params;  // an object
};

namespace {

constexpr std::string_view kUpdatedMethod = "notifications/resources/updated";

std::string Answer(const Json& id, Json result) {
  return DumpLine({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

std::string Fail(const Json& id, int code, std::string_view message, Json data = nullptr) {
  Json error = {{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = std::move(data);
  return DumpLine({{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}});
}

// An action's error as a JSON-RPC error: what the client got wrong is
// invalid params (MCP answers an unknown resource so too), the rest keeps
// its category's code; data is the taxonomy's error object.
std::string FailWith(const Json& id, const Error& error) {
  const bool params = error.IsValidation() || error.IsNotFound();
  return Fail(id, params ? kMcpInvalidParams : JsonRpcCode(error.category()), error.message(),
              ErrorObject(error));
}

// Arrays and objects nested deeper than `max`, counted outside strings.
bool TooDeep(std::string_view text, std::size_t max) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

bool ValidId(const Json& id) { return id.is_string() || id.is_number_integer(); }

// Tells the session of message.visible events for subscribed chats.
class SessionSink final : public EventSink {
 public:
  explicit SessionSink(std::shared_ptr<McpSession::Link> link) : link_(std::move(link)) {}

  void Deliver(const Frame& frame) override {
    if (!frame || frame->find("message.visible") == std::string::npos) return;
    try {
      Json parsed = Json::parse(*frame, nullptr, false);
      if (!parsed.is_object()) return;
      auto event = parsed.find("event");
      if (event == parsed.end() || !event->is_object()) return;
      auto type = event->find("type");
      auto group = event->find("groupId");
      if (type == event->end() || *type != "message.visible" || group == event->end() ||
          !group->is_string()) {
        return;
      }
      const std::string& chat_id = group->get_ref<const std::string&>();
      {
        std::lock_guard lock(link_->mu);
        if (!link_->subscriptions.contains(chat_id)) return;
      }
      std::string note = NotificationLine(kUpdatedMethod, {{"uri", ChatResourceUri(chat_id)}});
      std::lock_guard lock(link_->notify_mu);
      if (link_->closed || !link_->notify) return;
      link_->notify(std::move(note));
    } catch (...) {  // NOLINT(bugprone-empty-catch): a sink never throws into the plane
    }
  }

  void Close(int code, std::string_view reason) override {
    (void)reason;
    std::lock_guard lock(link_->mu);
    if (link_->closed_code == 0) link_->closed_code = code;
  }

 private:
  std::shared_ptr<McpSession::Link> link_;
};

}  // namespace

// ---------------------------------------------------------------- McpServer

McpServer::McpServer(McpBackend backend, McpOptions options)
    : core_(std::make_shared<const Core>(std::move(backend), std::move(options))) {}

McpServer::~McpServer() = default;

Result<signet::agent::AuthInfo> McpServer::Authenticate(std::string_view token) {
  if (core_->backend.surface == nullptr) return Error::Internal("MCP server has no agent surface");
  return core_->backend.surface->Authenticate(token);
}

std::shared_ptr<McpSession> McpServer::Open(const std::string& credential_id,
                                            std::function<void(std::string)> notify) {
  return std::make_shared<McpSession>(core_, credential_id, std::move(notify));
}

// ---------------------------------------------------------------- McpSession

McpSession::McpSession(std::shared_ptr<const McpServer::Core> core, std::string credential_id,
                       std::function<void(std::string)> notify)
    : core_(std::move(core)),
      credential_id_(std::move(credential_id)),
      link_(std::make_shared<Link>()) {
  link_->notify = std::move(notify);
}

McpSession::~McpSession() { Close(); }

bool McpSession::initialized() const {
  std::lock_guard lock(mu_);
  return phase_ != Phase::kNew;
}

std::string McpSession::protocol_version() const {
  std::lock_guard lock(mu_);
  return version_;
}

void McpSession::Close() {
  {
    std::lock_guard lock(link_->notify_mu);
    link_->closed = true;
  }
  std::shared_ptr<EventSink> sink;
  {
    std::lock_guard lock(link_->mu);
    sink = std::move(link_->sink);
  }
  if (sink && core_->backend.surface != nullptr) {
    core_->backend.surface->Detach(credential_id_, sink.get());
  }
}

std::optional<std::string> McpSession::Handle(std::string_view message) {
  try {
    if (message.size() > core_->options.max_message_bytes) {
      return Fail(nullptr, kMcpInvalidRequest,
                  "message exceeds " + std::to_string(core_->options.max_message_bytes) + " bytes");
    }
    if (TooDeep(message, kMcpMaxJsonDepth)) {
      return Fail(nullptr, kMcpParseError,
                  "JSON nested deeper than " + std::to_string(kMcpMaxJsonDepth) + " levels");
    }
    Json json = Json::parse(message, nullptr, false);
    if (json.is_discarded()) return Fail(nullptr, kMcpParseError, "Parse error: invalid JSON");
    if (json.is_array())
      return Fail(nullptr, kMcpInvalidRequest, "JSON-RPC batches are not supported");
    if (!json.is_object()) return Fail(nullptr, kMcpInvalidRequest, "a message is a JSON object");
    Request request;
    auto id = json.find("id");
    request.notification = id == json.end();
    if (!request.notification) {
      if (!ValidId(*id))
        return Fail(nullptr, kMcpInvalidRequest, "id must be a string or an integer");
      request.id = *id;
    }
    auto version = json.find("jsonrpc");
    if (version == json.end() || *version != "2.0") {
      return Fail(request.id, kMcpInvalidRequest, "jsonrpc must be \"2.0\"");
    }
    auto method = json.find("method");
    if (method == json.end()) {
      // A response to a server request: the server sends none, so it has
      // nothing to match; ignored.
      if (!request.notification && (json.contains("result") || json.contains("error"))) {
        return std::nullopt;
      }
      return Fail(request.id, kMcpInvalidRequest, "method is missing");
    }
    if (!method->is_string() || method->get_ref<const std::string&>().empty()) {
      return Fail(request.id, kMcpInvalidRequest, "method must be a non-empty string");
    }
    request.method = method->get<std::string>();
    auto params = json.find("params");
    if (params == json.end() || params->is_null()) {
      request.params = Json::object();
    } else if (params->is_object()) {
      request.params = std::move(*params);
    } else {
      if (request.notification) return std::nullopt;
      return Fail(request.id, kMcpInvalidParams, "params must be an object");
    }
    return Dispatch(request);
  } catch (...) {
    return Fail(nullptr, kMcpInternalError, "internal error");
  }
}

std::optional<std::string> McpSession::Dispatch(const Request& request) {
  const std::string& m = request.method;
  if (request.notification) {
    // notifications/cancelled needs nothing: every request is answered
    // synchronously by Handle. Unknown notifications are ignored.
    if (m == "notifications/initialized" && initialized()) MarkReady();
    return std::nullopt;
  }
  const Json& id = request.id;
  if (m == "ping") return Answer(id, Json::object());
  if (m == "initialize") {
    Result<Json> result = Initialize(request.params);
    if (result.ok()) return Answer(id, *std::move(result));
    // A second initialize is a request out of order; a bad version param
    // is invalid params.
    const int code = result.error().IsValidation() ? kMcpInvalidParams : kMcpInvalidRequest;
    return Fail(id, code, result.error().message());
  }
  if (!initialized()) {
    return Fail(id, kMcpInvalidRequest, "Server not initialized: send initialize first");
  }
  MarkReady();
  const signet::ActionRegistry* registry = core_->backend.registry;
  if (m == "tools/list") return Answer(id, {{"tools", core_->tools.tools()}});
  const bool known = m == "tools/call" || m == "resources/list" || m == "resources/read" ||
                     m == "resources/subscribe" || m == "resources/unsubscribe" ||
                     m == "resources/templates/list";
  if (!known) return Fail(id, kMcpMethodNotFound, "Method not found: " + m);
  if (m == "resources/templates/list") {
    Json entry = {{"uriTemplate", ChatResourceUri("{chatId}")},
                  {"name", "chat-messages"},
                  {"title", "A chat's newest messages"},
                  {"mimeType", "application/json"}};
    return Answer(id, {{"resourceTemplates", Json::array({std::move(entry)})}});
  }
  if (m == "resources/subscribe" || m == "resources/unsubscribe") {
    Result<Json> result = Subscribe(request.params, m == "resources/subscribe");
    return result.ok() ? Answer(id, *result) : FailWith(id, result.error());
  }
  if (registry == nullptr) return Fail(id, kMcpInternalError, "MCP server has no action registry");
  if (m == "tools/call") {
    Result<Json> result = CallTool(core_->tools, *registry, request.params, credential_id_,
                                   [this] { return CredentialStatus(); });
    if (!result.ok()) return Fail(id, kMcpInvalidParams, result.error().message());
    return Answer(id, *std::move(result));
  }
  if (Status status = CredentialStatus(); !status.ok()) return FailWith(id, status.error());
  if (m == "resources/list") {
    Result<Json> result = ListResources(*registry, credential_id_);
    return result.ok() ? Answer(id, *std::move(result)) : FailWith(id, result.error());
  }
  auto uri = request.params.find("uri");
  if (uri == request.params.end() || !uri->is_string()) {
    return Fail(id, kMcpInvalidParams, "params.uri must be a string");
  }
  Result<Json> result = ReadResource(*registry, credential_id_, uri->get_ref<const std::string&>());
  return result.ok() ? Answer(id, *std::move(result)) : FailWith(id, result.error());
}

Result<Json> McpSession::Initialize(const Json& params) {
  auto requested = params.find("protocolVersion");
  if (requested == params.end() || !requested->is_string()) {
    return Error::Validation("protocolVersion",
                             "initialize needs params.protocolVersion, a string");
  }
  const std::string& asked = requested->get_ref<const std::string&>();
  const bool supported = std::find(kMcpProtocolVersions.begin(), kMcpProtocolVersions.end(),
                                   asked) != kMcpProtocolVersions.end();
  std::string version = supported ? asked : std::string(kMcpLatestProtocolVersion);
  {
    std::lock_guard lock(mu_);
    if (phase_ != Phase::kNew) return Error::Permission("Server already initialized");
    phase_ = Phase::kInitialized;
    version_ = version;
  }
  Json result = {
      {"protocolVersion", version},
      {"capabilities",
       {{"tools", {{"listChanged", false}}},
        {"resources", {{"subscribe", true}, {"listChanged", false}}}}},
      {"serverInfo", {{"name", kMcpServerName}, {"version", core_->backend.server_version}}}};
  if (!core_->options.instructions.empty()) result["instructions"] = core_->options.instructions;
  return result;
}

Result<Json> McpSession::Subscribe(const Json& params, bool subscribe) {
  auto uri = params.find("uri");
  if (uri == params.end() || !uri->is_string()) {
    return Error::Validation("uri", "params.uri must be a string");
  }
  XS_TRY(std::string chat_id, ParseChatResourceUri(uri->get_ref<const std::string&>()));
  std::lock_guard lock(link_->mu);
  if (!subscribe) {
    link_->subscriptions.erase(chat_id);
    return Json::object();
  }
  if (link_->subscriptions.size() >= kMcpMaxSubscriptionCount &&
      !link_->subscriptions.contains(chat_id)) {
    return Error::Validation(
        "uri", "at most " + std::to_string(kMcpMaxSubscriptionCount) + " subscriptions");
  }
  link_->subscriptions.insert(std::move(chat_id));
  return Json::object();
}

Status McpSession::CredentialStatus() {
  int closed_code = 0;
  {
    std::lock_guard lock(link_->mu);
    closed_code = link_->closed_code;
  }
  if (closed_code == signet::agent::kCloseCredentialExpired) {
    return Error::CredentialExpired(credential_id_);
  }
  if (closed_code == signet::agent::kCloseCredentialRevoked) {
    return Error::Auth("Credential is revoked");
  }
  if (core_->backend.surface == nullptr) return OkStatus();
  switch (core_->backend.surface->Check(credential_id_)) {
    case CredentialState::kActive:
      return OkStatus();
    case CredentialState::kExpired:
      return Error::CredentialExpired(credential_id_);
    case CredentialState::kRevoked:
      return Error::Auth("Credential is revoked");
    case CredentialState::kPending:
      return Error::Auth("Credential is pending");
    case CredentialState::kMissing:
      break;
  }
  return Error::Auth("Credential not found");
}

// Ready after `notifications/initialized` or the first request after
// initialize: attach once, outside every session lock (the agent plane may
// hold its own lock while it closes sinks, and the sink takes link_->mu).
// Live only (AttachLive): notifications are about new messages.
void McpSession::MarkReady() {
  {
    std::lock_guard lock(mu_);
    if (phase_ == Phase::kInitialized) phase_ = Phase::kReady;
    if (phase_ != Phase::kReady || attach_started_ || link_->closed ||
        core_->backend.surface == nullptr) {
      return;
    }
    attach_started_ = true;
  }
  auto sink = std::make_shared<SessionSink>(link_);
  Status attached = core_->backend.surface->AttachLive(credential_id_, sink);
  if (!attached.ok()) return;  // tools/call reports the credential's state
  {
    std::lock_guard lock(link_->mu);
    if (!link_->closed) {
      link_->sink = std::move(sink);
      return;
    }
  }
  core_->backend.surface->Detach(credential_id_, sink.get());
}

}  // namespace xs::transport::mcp
