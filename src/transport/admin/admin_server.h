// AdminServer: the daemon's admin Unix socket (transport.md §3). One thread
// per connection (at most 64 at once), newline-delimited JSON with a 1 MiB
// line limit, the admin_auth handshake with an admin JWT verified against the
// runtime's admin public key, then JSON-RPC 2.0 dispatched to the runtime's
// action registry with CallContext{admin, fingerprint, request id}. Wire
// format: admin_protocol.h.
//
//   AdminServer server(rt.get(), {.socket_path = config.SocketPath()});
//   server.AddMethod("daemon.status", ...);      // before Start()
//   XS_RETURN_IF_ERROR(server.Start());          // socket 0600 in a 0700 directory
//   ...
//   server.Stop();                               // in-flight requests finish first
//
// Only processes of the daemon's own user may connect (SO_PEERCRED), on top
// of the socket file's mode.
//
// Thread contract: AddMethod/AddStreamMethod/SetRequestObserver before
// Start(); Start/Stop from one owning thread; handlers run on connection
// threads concurrently (the runtime serializes its own state).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/clock.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "signet/core/runtime.h"
#include "transport/admin/admin_protocol.h"
#include "transport/admin/json_rpc.h"
#include "transport/admin/line_socket.h"

namespace xs::transport {

struct AdminServerOptions {
  std::string socket_path;
  std::size_t max_connections = kAdminMaxConnections;
  std::size_t max_line_bytes = kAdminMaxLineBytes;
  int auth_timeout_ms = kAdminAuthTimeoutMs;
  // How long Stop() lets in-flight requests finish before failing their sends.
  int stop_grace_ms = 5000;
  // Request timestamps and admin-token expiry checks.
  const Clock* clock = SystemClock::Get();
};

// What the daemon logs per request (never params or results: they may hold
// secrets such as tokens or passphrases).
struct AdminRequestRecord {
  std::string method;
  std::string request_id;
  bool ok = true;
  std::string category;  // error category when !ok
  double duration_ms = 0;
};

// Given to stream handlers: pushes notifications to the one client.
class NotificationSink {
 public:
  virtual ~NotificationSink() = default;
  // Answers the request with {ok:true, data:{subscribed:true}} (done
  // implicitly by the first Notify()).
  virtual bool Accept() = 0;
  // Sends {"jsonrpc":"2.0","method":<stream method>,"params":params}; false
  // once the client is gone or the server is stopping.
  virtual bool Notify(const Json& params) = 0;
  // True once the client went away or the server is stopping.
  virtual bool Cancelled() = 0;
  // Sleeps up to `timeout` or until cancelled; returns Cancelled().
  virtual bool WaitCancelled(std::chrono::milliseconds timeout) = 0;
};

class AdminServer {
 public:
  using Method = RpcMethod;
  using StreamMethod = std::function<Status(const Json& params, const signet::CallContext& ctx,
                                            NotificationSink& sink)>;

  AdminServer(signet::Runtime* runtime, AdminServerOptions options);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Server-level methods, looked up before the runtime's registry.
  void AddMethod(std::string name, Method method);
  void AddStreamMethod(std::string name, StreamMethod method);
  void SetRequestObserver(std::function<void(const AdminRequestRecord&)> observer);

  // Creates the socket directory (0700) if needed, replaces a stale socket
  // file (refuses one a live server answers on), binds (0600) and listens.
  Status Start();
  // Stops accepting, lets each connection finish its current request, ends
  // streams, joins every thread and removes the socket file. Idempotent.
  void Stop();

  const std::string& socket_path() const { return options_.socket_path; }
  std::size_t connection_count() const { return active_connections_.load(); }
  std::uint64_t requests_served() const { return requests_served_.load(); }

 private:
  struct Connection;
  class Sink;

  void AcceptLoop();
  void Serve(Connection* connection);
  bool Authenticate(Connection* connection, std::string* fingerprint);
  // Parse, dispatch, answer and log one request line (json_rpc.h).
  void HandleLine(Connection* connection, const std::string& line, const std::string& fingerprint);
  // Runs a stream method; its answer and notifications go out through a Sink.
  Status RunStream(Connection* connection, const StreamMethod& method, const RpcRequest& request,
                   const signet::CallContext& ctx, const ResponseMeta& meta);
  void ReapFinished();
  void Observe(const AdminRequestRecord& record);

  signet::Runtime* runtime_;
  AdminServerOptions options_;
  RpcMethodTable methods_;
  std::map<std::string, StreamMethod, std::less<>> stream_methods_;
  std::function<void(const AdminRequestRecord&)> observer_;

  UnixListener listener_;
  UniqueFd wake_fd_;  // eventfd that ends the accept loop
  std::thread acceptor_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;

  std::mutex mu_;
  std::condition_variable stop_cv_;
  std::list<std::unique_ptr<Connection>> connections_;
  std::atomic<std::size_t> active_connections_{0};
  std::atomic<std::uint64_t> requests_served_{0};
};

}  // namespace xs::transport
