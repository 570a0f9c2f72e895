#include "transport/mcp/mcp_http.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>

#include "crypto/random.h"
#include "signet/util/util.h"
#include "transport/admin/admin_protocol.h"

namespace xs::transport::mcp {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kBearer = "bearer ";
constexpr std::string_view kJson = "application/json";
constexpr std::string_view kEventStream = "text/event-stream";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// A JSON-RPC error response with id null; error.data is the envelope error.
McpHttpResponse Failure(int status, const Error& error) {
  Json body = {{"jsonrpc", "2.0"},
               {"id", nullptr},
               {"error",
                {{"code", JsonRpcCode(error.category())},
                 {"message", error.message()},
                 {"data", ErrorObject(error)}}}};
  McpHttpResponse response{status, std::string(kJson), DumpLine(body), {}};
  if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (status == 405) response.headers.emplace_back("Allow", "GET, POST, DELETE");
  return response;
}

// "Bearer <token>" (scheme case-insensitive) -> the token; "" when absent.
std::string_view BearerToken(std::string_view header) {
  if (header.size() <= kBearer.size() || Lower(header.substr(0, kBearer.size())) != kBearer) {
    return {};
  }
  return Trim(header.substr(kBearer.size()));
}

struct Acceptable {
  bool json = false;
  bool event_stream = false;
};

// Which of our two answer types the Accept header allows (absent: both).
Acceptable ParseAccept(std::string_view header) {
  if (Trim(header).empty()) return {true, true};
  Acceptable result;
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    std::string type = Lower(Trim(item.substr(0, item.find(';'))));
    if (type == "*/*") result = {true, true};
    if (type == kJson || type == "application/*") result.json = true;
    if (type == kEventStream || type == "text/*") result.event_stream = true;
  }
  return result;
}

std::string NewSessionId() {
  std::array<std::uint8_t, kMcpHttpSessionIdBytes> bytes{};
  crypto::RandomBytes(bytes);
  return signet::ToHex(bytes);
}

std::int64_t MillisBetween(std::chrono::steady_clock::time_point a,
                           std::chrono::steady_clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

// The answer to a request: JSON, or one SSE event when only SSE is accepted.
McpHttpResponse Answer(std::string answer, const Acceptable& accept) {
  if (!accept.json && accept.event_stream) {
    return {200, std::string(kEventStream), "event: message\ndata: " + answer + "\n\n", {}};
  }
  return {200, std::string(kJson), std::move(answer), {}};
}

}  // namespace

bool IsLocalOrigin(std::string_view origin) {
  std::size_t scheme = origin.find("://");
  if (scheme == std::string_view::npos) return false;
  std::string_view rest = origin.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  std::string_view host = rest;
  if (!host.empty() && host.front() == '[') {
    std::size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view port = host.substr(close + 1);
    if (!port.empty() && port.front() != ':') return false;
    host = host.substr(0, close + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  const std::string lower = Lower(host);
  return lower == "localhost" || lower == "127.0.0.1" || lower == "[::1]";
}

// The session's GET stream, when one is open. Notifications arrive on
// agent-plane threads; `write` only queues, so nothing here blocks.
struct McpHttpEndpoint::Channel {
  std::mutex mu;
  std::uint64_t generation = 0;
  std::function<bool(std::string)> write;
  std::function<void()> end;

  void Notify(const std::string& message) {
    std::lock_guard lock(mu);
    if (write && !write("event: message\ndata: " + message + "\n\n")) {
      write = nullptr;
      end = nullptr;
    }
  }
  // Ends the open stream (DELETE, expiry, daemon stop).
  void End() {
    std::function<void()> finish;
    {
      std::lock_guard lock(mu);
      finish = std::exchange(end, nullptr);
      write = nullptr;
      ++generation;
    }
    if (finish) finish();
  }
};

struct McpHttpEndpoint::Session {
  std::shared_ptr<McpSession> session;
  std::string credential_id;
  SteadyTime last_used;
  std::shared_ptr<Channel> channel = std::make_shared<Channel>();

  void Close() {
    session->Close();
    channel->End();
  }
};

McpHttpEndpoint::McpHttpEndpoint(McpServer* server, McpHttpOptions options)
    : server_(server), options_(options) {}

McpHttpEndpoint::~McpHttpEndpoint() { CloseAll(); }

std::size_t McpHttpEndpoint::session_count() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void McpHttpEndpoint::CloseAll() {
  std::map<std::string, std::shared_ptr<Session>, std::less<>> sessions;
  {
    std::lock_guard lock(mu_);
    sessions.swap(sessions_);
  }
  for (auto& [id, s] : sessions) s->Close();
}

void McpHttpEndpoint::DropIdleLocked(SteadyTime now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (MillisBetween(it->second->last_used, now) > options_.session_idle_ms) {
      it->second->Close();
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

McpHttpResponse McpHttpEndpoint::Handle(const McpHttpRequest& request) {
  if (!request.origin.empty() && !IsLocalOrigin(request.origin)) {
    return Failure(403, Error::Permission("Origin " + request.origin.substr(0, 200) +
                                          " is not a localhost origin"));
  }
  std::string_view token = BearerToken(request.authorization);
  if (token.empty()) return Failure(401, Error::Auth("Missing authorization token"));
  if (token.size() > kMcpHttpMaxTokenBytes) {
    return Failure(401, Error::Auth("authorization token exceeds " +
                                    std::to_string(kMcpHttpMaxTokenBytes) + " bytes"));
  }
  auto who = server_->Authenticate(token);
  if (!who.ok()) {
    // An unknown token says nothing about which tokens exist.
    return Failure(401,
                   who.error().IsAuth() ? who.error() : Error::Auth("invalid credential token"));
  }
  if (request.method != "POST" && request.method != "GET" && request.method != "DELETE") {
    return Failure(405, Error::Validation("method", request.method + " is not served on /mcp"));
  }
  if (!request.protocol_version.empty() &&
      std::find(kMcpProtocolVersions.begin(), kMcpProtocolVersions.end(),
                request.protocol_version) == kMcpProtocolVersions.end()) {
    return Failure(
        400, Error::Validation("MCP-Protocol-Version",
                               "unsupported version " + request.protocol_version.substr(0, 64)));
  }
  if (request.method == "GET") return Stream(request, who->credential_id);
  if (request.method == "DELETE") {
    McpHttpResponse error;
    std::shared_ptr<Session> session = Find(request, who->credential_id, &error);
    if (!session) return error;
    {
      std::lock_guard lock(mu_);
      sessions_.erase(request.session_id);
    }
    session->Close();
    return {204, "", "", {}};
  }
  return Post(request, who->credential_id);
}

std::shared_ptr<McpHttpEndpoint::Session> McpHttpEndpoint::Find(const McpHttpRequest& request,
                                                                const std::string& credential_id,
                                                                McpHttpResponse* error) {
  if (request.session_id.empty()) {
    *error = Failure(400, Error::Validation("Mcp-Session-Id",
                                            "required after initialize; send initialize first"));
    return nullptr;
  }
  std::lock_guard lock(mu_);
  const SteadyTime now = std::chrono::steady_clock::now();
  auto it = sessions_.find(request.session_id);
  if (it != sessions_.end() &&
      MillisBetween(it->second->last_used, now) > options_.session_idle_ms) {
    it->second->Close();
    sessions_.erase(it);
    it = sessions_.end();
  }
  if (it == sessions_.end()) {
    *error = Failure(404, Error::NotFound("MCP session not found or ended; send initialize "
                                          "without Mcp-Session-Id"));
    return nullptr;
  }
  if (it->second->credential_id != credential_id) {
    *error = Failure(403, Error::Permission("this MCP session belongs to another credential"));
    return nullptr;
  }
  it->second->last_used = now;
  return it->second;
}

McpHttpResponse McpHttpEndpoint::Post(const McpHttpRequest& request,
                                      const std::string& credential_id) {
  const Acceptable accept = ParseAccept(request.accept);
  if (!accept.json && !accept.event_stream) {
    return Failure(406, Error::Validation("Accept",
                                          "must allow application/json or "
                                          "text/event-stream"));
  }
  Json message = Json::parse(request.body, nullptr, false);
  const bool is_object = message.is_object();
  const bool is_request = is_object && message.contains("method") && message.contains("id");
  if (is_request && message["method"] == "initialize") return Initialize(request, credential_id);
  McpHttpResponse error;
  std::shared_ptr<Session> session = Find(request, credential_id, &error);
  if (!session) return error;
  // The engine handles a session's messages concurrently (a tools/call
  // blocks only its own request).
  std::optional<std::string> answer = session->session->Handle(request.body);
  if (!is_request) {
    // A notification or response is accepted with 202; one the engine
    // refused (malformed JSON, a batch, ...) is 400 with its error.
    if (answer) return {400, std::string(kJson), std::move(*answer), {}};
    return {202, "", "", {}};
  }
  if (!answer) return {202, "", "", {}};
  return Answer(std::move(*answer), accept);
}

McpHttpResponse McpHttpEndpoint::Stream(const McpHttpRequest& request,
                                        const std::string& credential_id) {
  if (!ParseAccept(request.accept).event_stream) {
    return Failure(406, Error::Validation("Accept", "must allow text/event-stream"));
  }
  McpHttpResponse error;
  std::shared_ptr<Session> session = Find(request, credential_id, &error);
  if (!session) return error;
  std::shared_ptr<Channel> channel = session->channel;
  McpHttpResponse response{200, std::string(kEventStream), "", {}};
  response.stream = [channel](std::function<bool(std::string)> write,
                              std::function<void()> end) -> std::function<void()> {
    std::function<void()> replaced;
    std::uint64_t generation = 0;
    {
      std::lock_guard lock(channel->mu);
      replaced = std::exchange(channel->end, std::move(end));
      channel->write = std::move(write);
      generation = ++channel->generation;
      // An SSE comment, so the client sees the stream open at once.
      channel->write(": stream open\n\n");
    }
    if (replaced) replaced();  // one stream per session: the newer wins
    return [channel, generation] {
      std::lock_guard lock(channel->mu);
      if (channel->generation == generation) {
        channel->write = nullptr;
        channel->end = nullptr;
      }
    };
  };
  return response;
}

McpHttpResponse McpHttpEndpoint::Initialize(const McpHttpRequest& request,
                                            const std::string& credential_id) {
  auto session = std::make_shared<Session>();
  session->credential_id = credential_id;
  std::shared_ptr<Channel> channel = session->channel;
  session->session =
      server_->Open(credential_id, [channel](std::string message) { channel->Notify(message); });
  std::optional<std::string> answer = session->session->Handle(request.body);
  const bool ok = answer && session->session->initialized() &&
                  Json::parse(*answer, nullptr, false).contains("result");
  if (!ok) {
    session->session->Close();
    if (!answer) return {202, "", "", {}};
    return Answer(std::move(*answer), ParseAccept(request.accept));
  }
  std::string id = NewSessionId();
  {
    std::lock_guard lock(mu_);
    const SteadyTime now = std::chrono::steady_clock::now();
    if (sessions_.size() >= options_.max_sessions) DropIdleLocked(now);
    if (sessions_.size() >= options_.max_sessions) {
      session->session->Close();
      return Failure(503, Error::Network("/mcp", "too many MCP sessions (" +
                                                     std::to_string(options_.max_sessions) +
                                                     " open); retry shortly"));
    }
    session->last_used = now;
    sessions_.emplace(id, session);
  }
  McpHttpResponse response = Answer(std::move(*answer), ParseAccept(request.accept));
  response.headers.emplace_back("Mcp-Session-Id", std::move(id));
  return response;
}

}  // namespace xs::transport::mcp
