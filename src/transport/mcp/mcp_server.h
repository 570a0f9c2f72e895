// The MCP protocol engine (docs/mcp.md): JSON-RPC 2.0 messages of the Model
// Context Protocol in, answers out, for one credential per session. It knows
// no sockets: the stdio socket and Streamable HTTP transports feed it one
// message at a time and carry its answers and notifications.
//
//   McpServer server({&runtime.registry(), &agent_plane, "0.3.0"});
//   XS_TRY(AuthInfo who, server.Authenticate(token));
//   auto session = server.Open(who.credential_id, [conn](std::string n) { conn->Queue(n); });
//   while (auto line = conn->ReadLine()) {
//     if (auto answer = session->Handle(*line)) conn->Write(*answer);
//   }
//   session->Close();
//
// Lifecycle: `initialize` (and `ping`) only, until the client initialized;
// any other request first is refused with -32600 "Server not initialized".
// After `notifications/initialized` (or the first request after
// `initialize`) the session attaches to the agent plane to learn of new
// messages for its resource subscriptions. Tools are the credential-callable
// actions (mcp_tools.h), resources the credential's chats
// (mcp_resources.h).
//
// Thread contract: McpServer and McpSession are thread-safe. Handle() may be
// called from several threads at once (a tools/call blocks only its caller).
// `notify` is called from agent-plane threads, one message per call, never
// under the session's state lock; it must not block and must not call
// Close(). Close() waits for a notify call in progress, so it must not be
// called while holding a lock `notify` takes. The backend's registry and
// surface must outlive the server and every session.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "signet/agent/agent_surface.h"
#include "signet/core/action.h"
#include "transport/mcp/mcp_limits.h"

namespace xs::transport::mcp {

using Json = nlohmann::json;

struct McpBackend {
  const signet::ActionRegistry* registry = nullptr;  // tools come from here (admin_only == false)
  signet::agent::AgentSurface* surface = nullptr;    // Authenticate, Check, Attach/Detach
  std::string server_version;                        // serverInfo.version
};

class McpSession;

class McpServer {
 public:
  explicit McpServer(McpBackend backend, McpOptions options = {});
  ~McpServer();
  McpServer(const McpServer&) = delete;
  McpServer& operator=(const McpServer&) = delete;

  // Bearer / environment token -> the credential (an auth error when unknown,
  // expired, revoked or pending).
  Result<signet::agent::AuthInfo> Authenticate(std::string_view token);

  // A session for an authenticated credential. `notify` gets server->client
  // messages (JSON-RPC notifications, serialized, one per call); it may be
  // empty. The session detaches from the agent plane in Close() or its
  // destructor.
  std::shared_ptr<McpSession> Open(const std::string& credential_id,
                                   std::function<void(std::string)> notify);

  struct Core;  // what every session shares (backend, options, tool catalog)

 private:
  std::shared_ptr<const Core> core_;
};

class McpSession {
 public:
  // Sessions come from McpServer::Open.
  McpSession(std::shared_ptr<const McpServer::Core> core, std::string credential_id,
             std::function<void(std::string)> notify);
  ~McpSession();
  McpSession(const McpSession&) = delete;
  McpSession& operator=(const McpSession&) = delete;

  // One client message: a request, a notification or a response. Returns the
  // serialized answer, or nullopt when none is due (notifications, client
  // responses). A JSON array (a batch) is refused with -32600. Blocks during
  // tools/call and resources/*. Never throws. Input over
  // options.max_message_bytes is answered -32600 with id null; the session
  // stays usable after any input.
  std::optional<std::string> Handle(std::string_view message);

  // initialize was answered.
  bool initialized() const;
  // The negotiated protocol version ("" before initialize).
  std::string protocol_version() const;
  const std::string& credential_id() const { return credential_id_; }
  // Detaches from the agent plane; no notify call starts after it returns.
  // Later requests still get answers. Idempotent.
  void Close();

  struct Link;  // shared with the session's EventSink

 private:
  enum class Phase { kNew, kInitialized, kReady };
  struct Request;

  std::optional<std::string> Dispatch(const Request& request);
  Result<Json> Initialize(const Json& params);
  Result<Json> Subscribe(const Json& params, bool subscribe);
  Status CredentialStatus();
  void MarkReady();

  std::shared_ptr<const McpServer::Core> core_;
  const std::string credential_id_;
  std::shared_ptr<Link> link_;
  mutable std::mutex mu_;
  Phase phase_ = Phase::kNew;
  std::string version_;
  bool attach_started_ = false;
};

}  // namespace xs::transport::mcp
