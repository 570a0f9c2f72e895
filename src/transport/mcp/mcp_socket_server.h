// McpSocketServer: the daemon's local MCP endpoint, a Unix socket
// (`<runtime dir>/mcp.sock`, 0600 in the 0700 runtime dir, beside
// admin.sock) that `xs mcp` pipes its stdin/stdout through. Wire format,
// newline-delimited JSON both ways:
//
//   client: {"token":"<credential token>","signetId":"<id>"|null}
//   server: {"ok":true,"credentialId":"cred_…","signetId":"<id>"}
//        or {"ok":false,"error":{_tag,code,category,message,context}} and closes
//   then MCP JSON-RPC messages, one per line, both ways: every client line
//   goes to McpSession::Handle and its answer (if any) is written back; the
//   session's notifications are written as lines too.
//
// A signetId that is not null must equal options.signet_id (validation
// error otherwise, before the token is looked at). A line the engine cannot
// read gets the engine's JSON-RPC error and the connection stays; a line
// longer than max_line_bytes (the engine's message limit plus slack) gets a
// JSON-RPC error and the connection is closed, since the rest of the line
// cannot be framed. Only processes of the daemon's user may connect
// (SO_PEERCRED), on top of the file mode.
//
// Each connection has a reader thread (handshake, then one message at a
// time: a tools/call blocks its connection's next message, not others) and
// a writer thread that owns every write, so answers and notifications never
// interleave and a notification never blocks the agent plane. A client that
// lets more than max_queued_bytes pile up is disconnected.
//
//   McpSocketServer sockets(&mcp, {.socket_path = dir + "/mcp.sock", .signet_id = id});
//   XS_RETURN_IF_ERROR(sockets.Start());
//   ...
//   sockets.Stop();   // before the agent plane stops
//
// Thread contract: Start/Stop from one owning thread; connection_count()
// from any thread. The McpServer must outlive the server.
#pragma once

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.h"
#include "base/unique_fd.h"
#include "transport/admin/line_socket.h"
#include "transport/mcp/mcp_server.h"

namespace xs::transport::mcp {

// The socket's file name in the runtime dir.
inline constexpr const char* kMcpSocketFileName = "mcp.sock";
// Room for framing beyond the engine's max message bytes, so an oversized
// message still reaches the engine (which answers it) up to this much more.
inline constexpr std::size_t kMcpSocketLineSlackBytes = 4096;
inline constexpr std::size_t kMcpSocketMaxConnections = 64;
// The handshake line must arrive within this long of connecting.
inline constexpr int kMcpSocketHandshakeTimeoutMs = 5000;
// Answers and notifications not yet written to a slow client.
inline constexpr std::size_t kMcpSocketMaxQueuedBytes = 16 << 20;
// How long Stop() lets messages being handled finish.
inline constexpr int kMcpSocketStopGraceMs = 5000;

struct McpSocketServerOptions {
  std::string socket_path;
  // The daemon's signet id; the handshake's signetId must match it when set.
  std::string signet_id;
  // 0 = McpOptions{}.max_message_bytes + kMcpSocketLineSlackBytes.
  std::size_t max_line_bytes = 0;
  std::size_t max_connections = kMcpSocketMaxConnections;
  int handshake_timeout_ms = kMcpSocketHandshakeTimeoutMs;
  std::size_t max_queued_bytes = kMcpSocketMaxQueuedBytes;
  int stop_grace_ms = kMcpSocketStopGraceMs;
};

class McpSocketServer {
 public:
  McpSocketServer(McpServer* server, McpSocketServerOptions options);
  ~McpSocketServer();
  McpSocketServer(const McpSocketServer&) = delete;
  McpSocketServer& operator=(const McpSocketServer&) = delete;

  // Replaces a stale socket file (refuses one a live server answers on),
  // binds (0600) and listens.
  Status Start();
  // Stops accepting, lets each connection finish its current message,
  // closes every session and connection, joins the threads and removes the
  // socket file. Idempotent.
  void Stop();

  const std::string& socket_path() const { return options_.socket_path; }
  std::size_t connection_count() const { return active_.load(); }

 private:
  struct Connection;
  void AcceptLoop();
  void Serve(Connection* connection);
  // The handshake; the session on success (the answer is written either way).
  std::shared_ptr<McpSession> Handshake(Connection* connection);
  void ReapFinished();

  McpServer* server_;
  McpSocketServerOptions options_;
  UnixListener listener_;
  UniqueFd wake_fd_;
  std::thread acceptor_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  std::mutex mu_;
  std::list<std::unique_ptr<Connection>> connections_;
  std::atomic<std::size_t> active_{0};
};

}  // namespace xs::transport::mcp
