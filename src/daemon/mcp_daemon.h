// The daemon's MCP server (issue 14, decisions.md #27): one McpServer over
// the runtime's action registry and the agent plane, served on
//   <runtime dir>/mcp.sock  always (beside admin.sock; `xs mcp` pipes
//                           stdin/stdout through it), and
//   POST/GET/DELETE /mcp    on the HTTP API when [http] is enabled.
//
//   XS_TRY(std::unique_ptr<McpDaemon> mcp,
//          McpDaemon::Start(runtime.registry(), *agent, config, signet_id, version));
//   mcp->AddHttpRoutes(*http_api);   // before the HTTP server serves
//   ...
//   mcp->Stop();                     // after the HTTP server, before the agent plane
//
// The signet id (what `XMTP_SIGNET_ID` names, `signetId` in `xs status`) is
// the admin key's fingerprint, "sha256:<hex>".
//
// Thread contract: Start/AddHttpRoutes/Stop from the daemon's start-up and
// shutdown thread; counts from any thread. The registry and the surface
// must outlive the McpDaemon.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "signet/agent/agent_surface.h"
#include "signet/config/config.h"
#include "signet/core/action.h"
#include "transport/http/http_api.h"
#include "transport/mcp/mcp_http.h"
#include "transport/mcp/mcp_server.h"
#include "transport/mcp/mcp_socket_server.h"

namespace xs::daemon {

// The MCP socket beside the admin socket: <dir of admin.sock>/mcp.sock.
std::string McpSocketPath(const signet::Config& config);

class McpDaemon {
 public:
  static Result<std::unique_ptr<McpDaemon>> Start(const signet::ActionRegistry& registry,
                                                  signet::agent::AgentSurface& surface,
                                                  const signet::Config& config,
                                                  std::string signet_id,
                                                  std::string server_version);
  ~McpDaemon();
  McpDaemon(const McpDaemon&) = delete;
  McpDaemon& operator=(const McpDaemon&) = delete;

  // Routes /mcp of `api` (every method) to the streamable HTTP endpoint.
  void AddHttpRoutes(transport::HttpApi& api);
  // Closes the socket (and its sessions) and every HTTP session. Idempotent.
  void Stop();

  const std::string& socket_path() const { return sockets_->socket_path(); }
  std::size_t socket_connections() const { return sockets_->connection_count(); }
  std::size_t http_sessions() const { return http_->session_count(); }

 private:
  McpDaemon() = default;

  std::unique_ptr<transport::mcp::McpServer> server_;
  std::unique_ptr<transport::mcp::McpSocketServer> sockets_;
  std::unique_ptr<transport::mcp::McpHttpEndpoint> http_;
};

}  // namespace xs::daemon
