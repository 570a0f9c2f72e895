// STUB (drop on merge): the MCP engine's API of contract 1, with just enough
// behaviour for the transports' tests (initialize, ping, tools/list,
// tools/call, resources/subscribe + notifications/resources/updated).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "base/result.h"
#include "signet/agent/agent_surface.h"
#include "signet/core/action.h"
#include "transport/mcp/mcp_limits.h"

namespace xs::transport::mcp {

struct McpBackend {
  const signet::ActionRegistry* registry = nullptr;
  signet::agent::AgentSurface* surface = nullptr;
  std::string server_version;
};

class McpSession;

class McpServer {
 public:
  explicit McpServer(McpBackend backend, McpOptions options = {});
  Result<signet::agent::AuthInfo> Authenticate(std::string_view token);
  std::shared_ptr<McpSession> Open(const std::string& credential_id,
                                   std::function<void(std::string)> notify);

 private:
  McpBackend backend_;
  McpOptions options_;
};

class McpSession {
 public:
  McpSession(McpBackend backend, McpOptions options, std::string credential_id,
             std::function<void(std::string)> notify);
  ~McpSession();
  std::optional<std::string> Handle(std::string_view message);
  bool initialized() const;
  std::string protocol_version() const;
  const std::string& credential_id() const { return credential_id_; }
  void Close();

 private:
  class Sink;
  McpBackend backend_;
  McpOptions options_;
  std::string credential_id_;
  std::function<void(std::string)> notify_;
  mutable std::mutex mu_;
  bool initialized_ = false;
  std::string protocol_version_;
  std::set<std::string> subscribed_;
  std::shared_ptr<Sink> sink_;
};

}  // namespace xs::transport::mcp
