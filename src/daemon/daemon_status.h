// The daemon.status payload (transport.md §6, decisions.md #17): process
// facts, paths, network, connection and record counts.
//
// Thread contract: BuildDaemonStatus takes the runtime's mutex itself.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "daemon/credential_counts.h"
#include "signet/config/config.h"
#include "signet/core/runtime.h"
#include "transport/admin/admin_server.h"
#include "transport/ws/ws_server.h"

namespace xs::daemon {

struct DaemonFacts {
  int pid = 0;
  std::int64_t started_ms = 0;
  std::string version;
  std::string network_url;    // gRPC endpoint the runtime registers inboxes on
  std::string network_state;  // "embedded" | "connected" | "unreachable" | "remote"
  bool embedded_node = false;
  std::string node_database;  // embedded node's database, or ""
  // The WebSocket harness transport once it runs (wsPort, connections.ws).
  const transport::ws::WsServer* ws_server = nullptr;
};

nlohmann::json BuildDaemonStatus(const DaemonFacts& facts, const signet::Config& config,
                                 signet::Runtime& runtime, const transport::AdminServer& server,
                                 const CredentialCounts& credentials, std::int64_t now_ms);

}  // namespace xs::daemon
