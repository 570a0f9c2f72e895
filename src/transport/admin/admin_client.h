// AdminClient: the `xs` side of the admin socket. Connect() mints a fresh
// admin JWT from <dataDir>/admin.key, authenticates, and then each Call() is
// one JSON-RPC request whose error response comes back as the xs::Error of
// its category (message and context kept), so the CLI exits with the code
// of that category.
//
//   XS_TRY(auto client, AdminClient::Connect(config.SocketPath(), config.DataDir()));
//   XS_TRY(Json op, client.Call("operator.create", {{"label", "alice"}}));
//
// Errors of Connect: no admin key -> auth ("run `xs init` first"); nobody
// listening -> network "daemon is not running; start it with `xs daemon
// start`"; a rejected token -> auth.
//
// Thread contract: one AdminClient per thread (it owns one connection).
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "transport/admin/line_socket.h"

namespace xs::transport {

// Ends a Subscribe() from another thread or a signal handler (Ctrl-C):
// the stream's connection is shut down and Subscribe returns OkStatus.
class StreamCancel {
 public:
  // Async-signal-safe.
  void Cancel() noexcept;
  bool cancelled() const noexcept { return cancelled_.load(); }

 private:
  friend class AdminClient;
  void Attach(int fd) noexcept;  // the stream's socket; -1 detaches
  std::atomic<bool> cancelled_{false};
  std::atomic<int> fd_{-1};
};

// Default per-call deadline; network-bound actions (inbox.create) fit in it.
inline constexpr std::chrono::milliseconds kAdminCallTimeout{120000};

class AdminClient {
 public:
  // Connects to socket_path and authenticates with a fresh JWT minted from <data_dir>/admin.key.
  // Daemon not running -> Error::Network(socket_path, "daemon is not running; start it with `xs
  // daemon start`").
  static Result<AdminClient> Connect(const std::string& socket_path, const std::string& data_dir);
  // Same with a caller-supplied token (tests, other tools). Subscribe() then
  // runs on this connection, which is closed when the stream ends.
  static Result<AdminClient> ConnectWithToken(const std::string& socket_path,
                                              std::string_view token);

  AdminClient(AdminClient&&) noexcept = default;
  AdminClient& operator=(AdminClient&&) noexcept = default;
  ~AdminClient() = default;  // LineSocket closes the descriptor

  // One JSON-RPC call; an error response becomes the Error of its category (message, context
  // kept). Returns the result envelope's `data`.
  Result<nlohmann::json> Call(std::string_view method,
                              nlohmann::json params = nlohmann::json::object());
  // Call() for a caller that prints the answer as it is: `data` as the
  // daemon's JSON text, never parsed (1,000 chats parse in ~6 ms). Errors
  // as Call().
  Result<std::string> CallForText(std::string_view method,
                                  nlohmann::json params = nlohmann::json::object());
  // --watch style streaming: invokes on_notification for each server notification until it
  // returns false. Runs on a second connection (so this client stays usable) when the client
  // was made by Connect().
  Status Subscribe(std::string_view method, nlohmann::json params,
                   const std::function<bool(const nlohmann::json&)>& on_notification,
                   StreamCancel* cancel = nullptr);

  // The full result envelope {ok, data, meta} of the last successful Call.
  const nlohmann::json& last_meta() const { return last_meta_; }
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  const std::string& socket_path() const { return socket_path_; }

 private:
  AdminClient(LineSocket socket, std::string socket_path, std::string data_dir)
      : socket_(std::move(socket)),
        socket_path_(std::move(socket_path)),
        data_dir_(std::move(data_dir)) {}
  static Result<AdminClient> Open(const std::string& socket_path, std::string_view token,
                                  std::string data_dir);
  Result<std::string> ReadLine(int timeout_ms);
  Result<nlohmann::json> ReadMessage(int timeout_ms);
  Status SubscribeHere(std::string_view method, nlohmann::json params,
                       const std::function<bool(const nlohmann::json&)>& on_notification,
                       StreamCancel* cancel);
  Status SubscribeLoop(std::string_view method, nlohmann::json params,
                       const std::function<bool(const nlohmann::json&)>& on_notification);
  Error ConnectionLost() const;

  LineSocket socket_;
  std::string socket_path_;
  std::string data_dir_;
  std::int64_t next_id_ = 1;
  std::chrono::milliseconds timeout_ = kAdminCallTimeout;
  nlohmann::json last_meta_;
};

}  // namespace xs::transport
