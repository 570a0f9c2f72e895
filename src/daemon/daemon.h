// The signet daemon: one process per data dir that opens the
// runtime, serves the admin socket and sweeps expiry every 5 s until SIGTERM,
// SIGINT or `daemon.stop`.
//
//   DaemonOptions options{.config = config};
//   XS_RETURN_IF_ERROR(RunDaemon(options));                 // `xs daemon start`
//   XS_TRY(int pid, StartDaemonInBackground(options));      // `xs daemon start --daemon`
//   XS_RETURN_IF_ERROR(StopDaemon(config, 10s));             // `xs daemon stop`
//   XS_TRY(json status, DaemonStatus(config));               // `xs status`
//
// Files: flock'ed `<data>/signet.lock` (holds the pid; a second daemon on the
// same data dir is refused with validation "already running (pid N)"),
// `<runtime>/signet.pid` (0600, runtime dir 0700), `<runtime>/admin.sock`
// (0600), JSON-lines log `<state>/signet.log` (0600; level from
// logging.level; never params, tokens or keys).
//
// With env = local the daemon uses the XMTP node at 127.0.0.1:5556 if one
// answers there, and otherwise embeds one in-process (data in <data>/node).
//
// The daemon runs the native XMTP client of every inbox it holds
// (signet/chats ClientHost: one gRPC channel, one sealed client store
// <data>/db/<env>/clients.db3), each synced at start and streaming; the sweep
// probes the node and adopts joined groups as chats. With [http] enabled it
// also serves the HTTP API (transport/http). Shutdown stops the HTTP API and
// the admin socket, then the streams, then the client store, then the runtime.
//
// Thread contract: RunDaemon blocks the calling thread; while it runs it owns
// the process's SIGTERM/SIGINT handlers (restored on return), so run one
// daemon per process.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "signet/config/config.h"
#include "signet/network/xmtp_network.h"

namespace xs::daemon {

inline constexpr std::chrono::seconds kSweepInterval{5};
inline constexpr const char* kLocalNodeAddress = "127.0.0.1:5556";
// The native clients' store, in <dataDir>/db/<env>/ (sealed, 0600).
inline constexpr const char* kClientStoreFileName = "clients.db3";
// Overrides the local node address (host:port) for env = local; for tests
// and setups that run several signets side by side.
inline constexpr const char* kLocalNodeAddressVariable = "XMTP_SIGNET_LOCAL_NODE";

struct DaemonOptions {
  signet::Config config;
  // Foreground: log lines are echoed to stderr as well as written to the log file.
  bool foreground = true;
  // Vault passphrase (vault policy passcode/biometric).
  std::optional<std::string> passphrase;

  // env = local: where to look for (or start) the node; empty = the
  // XMTP_SIGNET_LOCAL_NODE variable, else 127.0.0.1:5556.
  std::string local_node_address;
  // Replaces the network client (tests: signet/testing FakeXmtpNetwork); null = the real
  // gRPC client for the configured env.
  std::shared_ptr<signet::XmtpNetwork> network;
  // Called once: OkStatus when the admin socket is serving, or the startup
  // error. StartDaemonInBackground uses it to report readiness.
  std::function<void(const Status&)> on_started;
  // The daemon's time (logs, status, the runtime, admin tokens, identity
  // updates); null = the system clock.
  const Clock* clock = nullptr;
};

// Blocks until SIGTERM/SIGINT/daemon.stop; returns OkStatus after a clean
// shutdown, or the startup error (invalid config, not initialized, already
// running, wrong passphrase, ...).
Status RunDaemon(const DaemonOptions& options);

// Forks a detached daemon (double fork + setsid, stdio on /dev/null), waits
// until its admin socket serves and returns its pid; a startup failure comes
// back as the daemon's own error.
Result<int> StartDaemonInBackground(const DaemonOptions& options);

// Asks the daemon to stop (daemon.stop), then SIGTERM if it has not exited
// within `timeout`, and waits for the process to go away. Network error when
// no daemon runs for this data dir; timeout error if it does not exit.
Status StopDaemon(const signet::Config& config, std::chrono::milliseconds timeout);

// daemon.status over the admin socket; network error if not running.
Result<nlohmann::json> DaemonStatus(const signet::Config& config);

// The pid holding the data dir's lock, if a daemon runs for it.
std::optional<int> RunningDaemonPid(const signet::Config& config);

}  // namespace xs::daemon
