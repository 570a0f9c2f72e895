// WsServer: the WebSocket harness transport (transport.md §1, decisions.md
// #6-#10) on Boost.Beast. Harnesses connect to ws://<host>:<port>/v1/agent,
// authenticate with a credential token, get the credential's replay and live
// events, and send the 7 harness requests. The server knows nothing of
// credentials or actions: everything goes through an agent::AgentSurface.
//
//   WsServer server(plane, {.host = "127.0.0.1", .port = 0});
//   XS_TRY(std::uint16_t port, server.Start());
//   ...
//   server.Stop();   // credential.expired {signet_shutdown}, drain, close 1001
//
// Threads: a small fixed pool of I/O threads runs every socket (each
// connection on its own strand, so nothing blocks another connection), and a
// worker pool runs the surface calls that may block (Authenticate, Attach,
// Check, Handle, Emit, Detach). A slow consumer only grows its own queue,
// bounded by sendBufferHardLimit (close 4008).
//
// Thread contract: Start/Stop from one owning thread; port() and
// connection_count() from any thread. `surface` must outlive the server; the
// destructor stops it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "signet/agent/agent_surface.h"

namespace xs::transport::ws {

// The `[ws]` limits of decisions.md #8 (replayBufferSize belongs to the
// agent plane) plus the transport's own thread and shutdown settings.
struct WsServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8393;  // 0 = a free port
  std::int64_t auth_timeout_ms = 5000;
  std::int64_t heartbeat_interval_ms = 30000;
  std::int64_t missed_heartbeats = 3;
  std::int64_t request_timeout_ms = 30000;
  std::int64_t send_buffer_soft_limit = 64;
  std::int64_t send_buffer_hard_limit = 256;
  std::int64_t max_frame_size_bytes = 1048576;
  std::int64_t rate_limit_window_ms = 1000;
  std::optional<std::int64_t> rate_limit_max_messages = std::nullopt;  // unlimited
  std::int64_t drain_timeout_ms = 5000;
  int io_threads = 2;
  int worker_threads = 32;
  // Requests one connection may have in flight before the server stops
  // reading from it (the client's own TCP backpressure).
  int max_in_flight_per_connection = 256;
};

class WsServer {
 public:
  WsServer(signet::agent::AgentSurface& surface, WsServerOptions options);
  ~WsServer();
  WsServer(const WsServer&) = delete;
  WsServer& operator=(const WsServer&) = delete;

  // Binds and starts listening; returns the bound port. A second Start is a
  // validation error; a bind failure a network error.
  Result<std::uint16_t> Start();
  // The graceful shutdown of transport.md: every authenticated connection
  // gets a sequenced credential.expired {reason:"signet_shutdown"}, in-flight
  // requests get up to drain_timeout_ms, then every connection closes with
  // 1001. New connections meanwhile are closed with 1001. Idempotent.
  void Stop();

  // The bound port, 0 before Start and after Stop.
  std::uint16_t port() const;
  // Open WebSocket connections (upgraded, authenticated or not).
  std::size_t connection_count() const;
  // Authenticated connections.
  std::size_t authenticated_count() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace xs::transport::ws
