#include "daemon/ws_daemon.h"

#include <cstdint>

namespace xs::daemon {

transport::ws::WsServerOptions WsOptionsFromConfig(const signet::Config::Ws& ws) {
  transport::ws::WsServerOptions options;
  options.host = ws.host;
  options.port = static_cast<std::uint16_t>(ws.port);  // validated 0..65535 at load
  options.auth_timeout_ms = ws.auth_timeout_ms;
  options.heartbeat_interval_ms = ws.heartbeat_interval_ms;
  options.missed_heartbeats = ws.missed_heartbeats;
  options.request_timeout_ms = ws.request_timeout_ms;
  options.send_buffer_soft_limit = ws.send_buffer_soft_limit;
  options.send_buffer_hard_limit = ws.send_buffer_hard_limit;
  options.max_frame_size_bytes = ws.max_frame_size_bytes;
  options.rate_limit_window_ms = ws.rate_limit_window_ms;
  options.rate_limit_max_messages = ws.rate_limit_max_messages;
  return options;
}

Result<std::unique_ptr<transport::ws::WsServer>> StartWsServer(signet::agent::AgentSurface& surface,
                                                               const signet::Config& config) {
  auto server = std::make_unique<transport::ws::WsServer>(surface, WsOptionsFromConfig(config.ws));
  XS_RETURN_IF_ERROR(server->Start());
  return server;
}

}  // namespace xs::daemon
