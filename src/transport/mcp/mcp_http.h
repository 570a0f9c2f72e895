// McpHttpEndpoint: MCP's Streamable HTTP transport (protocol 2025-11-25,
// basic/transports) for the one endpoint `/mcp`, free of sockets: one
// request in, one response out. The daemon routes POST/GET/DELETE /mcp of
// its HttpApi here (daemon/mcp_daemon.h), so the HTTP server's limits (body
// size, connections, timeouts) apply first.
//
// Every request, in this order:
//   Origin present and not a localhost origin     403 (DNS rebinding)
//   no valid `Authorization: Bearer <credential token>`  401
//   a method other than POST, GET, DELETE        405 (Allow: GET, POST, DELETE)
//   MCP-Protocol-Version present, not supported  400
// POST: the body is one JSON-RPC message.
//   Accept allows neither application/json nor text/event-stream  406
//   `initialize` opens a session for the bearer's credential: the answer
//     carries `Mcp-Session-Id` (256 random bits, hex); at max_sessions
//     (after dropping idle ones) 503
//   anything else needs `Mcp-Session-Id`: missing 400, unknown or ended
//     404, opened by another credential 403
//   a notification or response: 202, no body; a request: 200 with the
//     answer as application/json, or as one SSE `event: message` when the
//     client's Accept lists only text/event-stream
// GET: the session's SSE stream (Accept must allow text/event-stream, 406
//   otherwise; 400/404/403 as for POST): each notification of the session
//   is one `event: message`. One stream per session: a newer GET replaces
//   an older one. Notifications while no stream is open are dropped.
// DELETE: ends the session and its stream: 204 (400/404/403 as for POST)
// Error bodies are JSON-RPC error responses with id null whose error.data
// is the envelope's error object ({_tag, code, category, message, context}).
// A session not used for session_idle_ms ends (404 afterwards).
//
// Thread contract: Handle() is safe from several threads at once, also for
// one session (the engine's sessions are).
// The McpServer must outlive the endpoint.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "transport/mcp/mcp_server.h"

namespace xs::transport::mcp {

inline constexpr const char* kMcpHttpPath = "/mcp";
inline constexpr std::size_t kMcpHttpMaxSessions = 1024;
// A session nobody used for this long ends.
inline constexpr std::int64_t kMcpHttpSessionIdleMs = 30 * 60 * 1000;
// A bearer token longer than this is refused unread.
inline constexpr std::size_t kMcpHttpMaxTokenBytes = 4096;
inline constexpr std::size_t kMcpHttpSessionIdBytes = 32;

struct McpHttpOptions {
  std::size_t max_sessions = kMcpHttpMaxSessions;
  std::int64_t session_idle_ms = kMcpHttpSessionIdleMs;
};

// The parts of an HTTP request the transport reads (header values as sent;
// "" when absent).
struct McpHttpRequest {
  std::string method;
  std::string authorization;
  std::string accept;
  std::string origin;
  std::string session_id;        // Mcp-Session-Id
  std::string protocol_version;  // MCP-Protocol-Version
  std::string body;
};

// A streaming body (GET's SSE stream), the HTTP server's contract
// (transport/http HttpStreamOpen): called once the headers are out with
// `write` (one chunk; false once over) and `end`; returns what the server
// calls when the client leaves first.
using McpHttpStreamOpen = std::function<std::function<void()>(
    std::function<bool(std::string)> write, std::function<void()> end)>;

struct McpHttpResponse {
  int status = 200;
  std::string content_type;  // "" = no body
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers = {};
  McpHttpStreamOpen stream = {};  // set: an SSE stream instead of `body`
};

class McpHttpEndpoint {
 public:
  explicit McpHttpEndpoint(McpServer* server, McpHttpOptions options = {});
  ~McpHttpEndpoint();
  McpHttpEndpoint(const McpHttpEndpoint&) = delete;
  McpHttpEndpoint& operator=(const McpHttpEndpoint&) = delete;

  McpHttpResponse Handle(const McpHttpRequest& request);

  std::size_t session_count() const;
  // Ends every session (the daemon, before the agent plane stops).
  void CloseAll();

 private:
  struct Session;
  struct Channel;
  using SteadyTime = std::chrono::steady_clock::time_point;

  McpHttpResponse Post(const McpHttpRequest& request, const std::string& credential_id);
  McpHttpResponse Stream(const McpHttpRequest& request, const std::string& credential_id);
  McpHttpResponse Initialize(const McpHttpRequest& request, const std::string& credential_id);
  // The session of the request's Mcp-Session-Id for `credential_id`, or the
  // error response (400/404/403) in `error`.
  std::shared_ptr<Session> Find(const McpHttpRequest& request, const std::string& credential_id,
                                McpHttpResponse* error);
  void DropIdleLocked(SteadyTime now);

  McpServer* server_;
  McpHttpOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Session>, std::less<>> sessions_;
};

// True for an Origin whose host is localhost, 127.0.0.1 or [::1].
bool IsLocalOrigin(std::string_view origin);

}  // namespace xs::transport::mcp
