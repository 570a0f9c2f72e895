// The daemon's WebSocket harness transport: the `[ws]` section of the config
// as WsServerOptions, and the server started over the agent plane.
//
//   XS_TRY(std::unique_ptr<transport::ws::WsServer> ws, StartWsServer(plane, config));
//   facts.ws_server = ws.get();      // wsPort / connections.ws in `xs status`
//   ...
//   ws->Stop();                      // before the agent plane goes away
//
// Thread contract: call from the daemon's start-up thread, after the runtime
// and the agent plane are up; `surface` must outlive the returned server.
#pragma once

#include <memory>

#include "base/result.h"
#include "signet/agent/agent_surface.h"
#include "signet/config/config.h"
#include "transport/ws/ws_server.h"

namespace xs::daemon {

transport::ws::WsServerOptions WsOptionsFromConfig(const signet::Config::Ws& ws);

// Binds ws.host:ws.port (0 = a free port) and starts serving /v1/agent.
Result<std::unique_ptr<transport::ws::WsServer>> StartWsServer(signet::agent::AgentSurface& surface,
                                                               const signet::Config& config);

}  // namespace xs::daemon
