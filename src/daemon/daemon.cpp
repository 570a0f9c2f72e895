// RunDaemon: start-up, the sweep loop, and the clean shutdown.
#include "daemon/daemon.h"

#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/unique_fd.h"
#include "daemon/daemon_log.h"
#include "daemon/daemon_status.h"
#include "daemon/instance_lock.h"
#include "daemon/local_node.h"
#include "daemon/mcp_daemon.h"
#include "daemon/watch_methods.h"
#include "daemon/ws_daemon.h"
#include "signet/agent/agent_plane.h"
#include "signet/chats/chats.h"
#include "signet/chats/client_host.h"
#include "signet/chats/convos_host.h"
#include "signet/chats/watch.h"
#include "signet/core/runtime.h"
#include "signet/network/node_url.h"
#include "signet/seals/seal_service.h"
#include "signet/util/file_util.h"
#include "transport/admin/admin_server.h"
#include "transport/http/http_server.h"

#ifndef XS_VERSION
#define XS_VERSION "dev"
#endif

namespace xs::daemon {

namespace {

// The eventfd the stop signals write to (async-signal-safe: a lock-free
// atomic load and write(2)).
std::atomic<int> g_stop_fd{-1};
std::atomic<int> g_stop_signal{0};

// Every harness connection is a descriptor: 1,000 of them pass the usual
// soft limit of 1024, so the daemon takes the hard limit it is allowed.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

extern "C" void OnStopSignal(int signal_number) {
  g_stop_signal.store(signal_number);
  int fd = g_stop_fd.load();
  if (fd >= 0) {
    std::uint64_t one = 1;
    (void)!::write(fd, &one, sizeof one);
  }
}

// The runtime dir holds the socket and the pid file: ours alone, 0700.
Status PreparePrivateDir(const std::string& dir, std::string_view what) {
  XS_RETURN_IF_ERROR(signet::MakeDirs(dir));
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Error::Validation(what, dir + " is not a directory");
  }
  if (st.st_uid != ::geteuid()) {
    return Error::Permission(std::string(what) + " " + dir +
                             " belongs to another user; set XDG_RUNTIME_DIR to a directory of "
                             "your own");
  }
  if ((st.st_mode & 0777) != signet::kPrivateDirMode &&
      ::chmod(dir.c_str(), signet::kPrivateDirMode) != 0) {
    return Error::Internal("cannot make " + dir + " private: " + std::strerror(errno));
  }
  return OkStatus();
}

std::string LocalNodeAddress(const DaemonOptions& options) {
  if (!options.local_node_address.empty()) return options.local_node_address;
  if (const char* env = std::getenv(kLocalNodeAddressVariable); env != nullptr && *env != '\0') {
    return env;
  }
  return kLocalNodeAddress;
}

// glibc keeps what an arena once held. The daemon runs a thread per admin
// connection and two per client stream, so a large transient reply (a
// listing of 1,000 chats) leaves megabytes in each of up to 16 arenas, and
// each large free raises the dynamic mmap threshold (and the trim threshold
// with it) until such buffers stay on those heaps for good: 100 inboxes and
// 1,000 chats idled at 90-140 MiB RSS, ~25 MiB of it live
// (docs/performance.md). Fixed thresholds send buffers from 256 KiB up to
// mmap (returned on free) and trim a heap's free top beyond 1 MiB; four
// arenas bound the rest. Before any thread starts.
void ConfigureMalloc() {
  constexpr int kArenas = 4;
  constexpr int kMmapThresholdBytes = 256 * 1024;
  constexpr int kTrimThresholdBytes = 1024 * 1024;
  ::mallopt(M_ARENA_MAX, kArenas);
  ::mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
  ::mallopt(M_TRIM_THRESHOLD, kTrimThresholdBytes);
}

class Daemon {
 public:
  explicit Daemon(const DaemonOptions& options)
      : options_(options),
        clock_(options.clock != nullptr ? options.clock : SystemClock::Get()),
        config_(options.config) {}
  ~Daemon() { Shutdown(); }

  Status Start();
  void Run();
  void Shutdown();
  void RequestStop(std::string reason) {
    {
      std::lock_guard lock(mu_);
      if (stop_reason_.empty()) stop_reason_ = std::move(reason);
    }
    std::uint64_t one = 1;
    (void)!::write(wake_fd_.get(), &one, sizeof one);
  }

 private:
  Status StartNetwork();
  // The native clients of every inbox and the chat actions over them.
  Status StartClients();
  // Seals of every credential in its chats, published by the chats' inboxes.
  Status StartSeals();
  // The agent plane (harness events, feed, requests) over the runtime and,
  // when the daemon runs clients, the chats.
  Status StartAgentPlane();
  void RegisterDaemonMethods();
  // The daemon.status payload (also GET /v1/health's data).
  nlohmann::json StatusJson();
  // The HTTP API, when http.enabled.
  Status StartHttp();
  void InstallSignalHandlers();
  void RestoreSignalHandlers();
  void Sweep();

  const DaemonOptions& options_;
  const Clock* clock_;
  signet::Config config_;
  std::optional<InstanceLock> lock_;
  std::unique_ptr<DaemonLog> log_;
  std::optional<LocalNetwork> local_;
  std::shared_ptr<signet::XmtpNetwork> network_;
  // The clients; null when a custom network replaces them (tests).
  std::shared_ptr<signet::ClientHost> host_;
  CredentialCounts credential_counts_;        // outlives runtime_ (its listener)
  std::unique_ptr<signet::Chats> chats_;      // outlives runtime_ (its chat resolver)
  std::unique_ptr<signet::ChatWatch> watch_;  // joins become chats; --watch streams
  // Convos join requests to our invites (signet/chats/convos_host.h).
  std::unique_ptr<signet::ConvosHost> convos_;
  std::unique_ptr<signet::seals::SealService> seals_;  // outlives runtime_ (its listeners)
  std::unique_ptr<signet::Runtime> runtime_;
  // What harness transports serve (signet/agent/agent_surface.h); stopped
  // after them, before the clients.
  std::unique_ptr<signet::agent::AgentPlane> agent_;
  std::unique_ptr<transport::AdminServer> server_;
  std::unique_ptr<transport::HttpApi> http_api_;  // outlives http_
  std::unique_ptr<transport::HttpServer> http_;
  // The harness transport ws://<ws.host>:<ws.port>/v1/agent over agent_.
  std::unique_ptr<transport::ws::WsServer> ws_;
  // The MCP server over agent_: <runtime>/mcp.sock, and /mcp on http_api_.
  std::unique_ptr<McpDaemon> mcp_;
  DaemonFacts facts_;
  UniqueFd wake_fd_;
  bool pid_file_written_ = false;
  bool handlers_installed_ = false;
  bool shut_down_ = false;
  struct sigaction old_term_ {};
  struct sigaction old_int_ {};
  struct sigaction old_pipe_ {};
  std::mutex mu_;
  std::string stop_reason_;
};

void Daemon::InstallSignalHandlers() {
  g_stop_signal = 0;
  g_stop_fd = wake_fd_.get();
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &action, &old_term_);
  ::sigaction(SIGINT, &action, &old_int_);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, &old_pipe_);
  handlers_installed_ = true;
}

void Daemon::RestoreSignalHandlers() {
  if (!handlers_installed_) return;
  ::sigaction(SIGTERM, &old_term_, nullptr);
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGPIPE, &old_pipe_, nullptr);
  g_stop_fd = -1;
  handlers_installed_ = false;
}

Status Daemon::StartNetwork() {
  if (options_.network) {
    network_ = options_.network;
    facts_.network_url = network_->Describe();
    facts_.network_state = "custom";
    return OkStatus();
  }
  std::string url;
  if (config_.signet.env == "local") {
    XS_TRY(LocalNetwork local,
           LocalNetwork::Attach(LocalNodeAddress(options_), config_.NodeDataDir()));
    local_.emplace(std::move(local));
    url = local_->url();
    facts_.embedded_node = local_->embedded();
    facts_.node_database = local_->database_path();
    facts_.network_state = local_->embedded() ? "embedded" : "connected";
    if (local_->embedded()) {
      log_->Info("node.embedded",
                 {{"address", local_->address()}, {"database", local_->database_path()}});
    } else {
      log_->Info("node.external", {{"address", local_->address()}});
    }
  } else {
    XS_TRY(url, signet::NodeUrlForEnv(config_.signet.env));
    facts_.network_state = "remote";
  }
  facts_.network_url = url;
  DaemonLog* log = log_.get();
  host_ = std::make_shared<signet::ClientHost>(signet::ClientHost::Options{
      .url = url,
      .env_name = config_.signet.env,
      .clock = clock_,
      .tls_ca_pem = {},
      .log = [log](std::string_view event, const nlohmann::json& fields) {
        log->Info(event, fields);
      }});
  network_ = host_;
  return OkStatus();
}

Status Daemon::StartClients() {
  if (!host_) return OkStatus();
  const std::string dir = config_.DataDir() + "/db/" + config_.signet.env;
  XS_RETURN_IF_ERROR(PreparePrivateDir(dir, "client store dir"));
  XS_TRY(crypto::Secret key, runtime_->ClientStoreKey());
  chats_ = std::make_unique<signet::Chats>(*runtime_, *host_);
  XS_RETURN_IF_ERROR(chats_->Install());
  // Subscribed before the clients stream: no message is missed.
  XS_RETURN_IF_ERROR(StartAgentPlane());
  // Subscribed before the clients stream: no join is missed.
  DaemonLog* log = log_.get();
  watch_ = std::make_unique<signet::ChatWatch>(
      *runtime_, *chats_, *host_,
      [log](std::string_view event, const nlohmann::json& fields) { log->Info(event, fields); });
  watch_->Start();
  convos_ = std::make_unique<signet::ConvosHost>(
      *runtime_, *chats_, *host_,
      [log](std::string_view event, const nlohmann::json& fields) { log->Info(event, fields); });
  convos_->Start();
  XS_RETURN_IF_ERROR(
      host_->Start(dir + "/" + kClientStoreFileName, key, signet::Chats::Inboxes(*runtime_)));
  auto joined = chats_->Reconcile();
  if (!joined.ok()) log_->Warn("chats.reconcile_failed", {{"error", joined.error().message()}});
  return OkStatus();
}

Status Daemon::StartSeals() {
  DaemonLog* log = log_.get();
  signet::seals::SealService::Options options;
  options.log = [log](std::string_view event, const nlohmann::json& fields) {
    if (event == "seal.published") {
      log->Debug(event, fields);
    } else {
      log->Info(event, fields);
    }
  };
  seals_ = std::make_unique<signet::seals::SealService>(*runtime_, chats_.get(), options);
  return seals_->Start();
}

Status Daemon::StartAgentPlane() {
  signet::agent::AgentPlaneOptions options;
  options.replay_buffer_size = static_cast<std::size_t>(config_.ws.replay_buffer_size);
  DaemonLog* log = log_.get();
  options.log = [log](std::string_view event, const nlohmann::json& fields) {
    log->Warn(event, fields);
  };
  agent_ = std::make_unique<signet::agent::AgentPlane>(*runtime_, chats_.get(), host_.get(),
                                                       std::move(options));
  return agent_->Start();
}

Status Daemon::Start() {
  facts_.pid = static_cast<int>(::getpid());
  facts_.started_ms = clock_->NowMs();
  facts_.version = XS_VERSION;
  wake_fd_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_fd_) return Error::Internal(std::string("eventfd: ") + std::strerror(errno));
  InstallSignalHandlers();
  RaiseOpenFileLimit();

  XS_RETURN_IF_ERROR(config_.Validate());
  const std::string data_dir = config_.DataDir();
  if (!signet::Runtime::IsInitialized(data_dir)) {
    return Error::Validation("dataDir", data_dir + " is not initialized; run `xs init` first");
  }
  XS_TRY(InstanceLock lock, InstanceLock::Acquire(config_.LockFilePath()));
  lock_.emplace(std::move(lock));
  XS_RETURN_IF_ERROR(PreparePrivateDir(config_.RuntimeDir(), "runtime dir"));
  XS_RETURN_IF_ERROR(signet::MakeDirs(config_.StateDir()));
  XS_TRY(LogLevel level, ParseLogLevel(config_.logging.level));
  XS_TRY(log_, DaemonLog::Open(config_.LogFilePath(), level, options_.foreground, clock_));
  log_->Info("daemon.starting", {{"pid", facts_.pid},
                                 {"version", facts_.version},
                                 {"env", config_.signet.env},
                                 {"dataDir", data_dir},
                                 {"configPath", config_.config_path}});

  auto fail = [this](Error error) {
    log_->Error("daemon.start_failed",
                {{"category", CategoryName(error.category())}, {"message", error.message()}});
    return error;
  };
  if (Status s = StartNetwork(); !s.ok()) return fail(s.error());

  signet::RuntimeOptions runtime_options = config_.ToRuntimeOptions();
  runtime_options.network = network_;
  runtime_options.clock = clock_;
  runtime_options.network_endpoint = facts_.network_url;
  if (options_.passphrase) runtime_options.passphrase = *options_.passphrase;
  auto runtime = signet::Runtime::Open(std::move(runtime_options));
  if (!runtime.ok()) return fail(runtime.error());
  runtime_ = std::move(runtime).value();
  credential_counts_.Attach(*runtime_);
  if (Status s = StartClients(); !s.ok()) return fail(s.error());
  if (!agent_) {
    if (Status s = StartAgentPlane(); !s.ok()) return fail(s.error());
  }
  // After the agent plane: the seals issued at start reach its event hook.
  if (Status s = StartSeals(); !s.ok()) return fail(s.error());
  // Before the admin socket, so `daemon start` and status report the bound port.
  {
    auto ws = StartWsServer(*agent_, config_);
    if (!ws.ok()) return fail(ws.error());
    ws_ = std::move(ws).value();
    facts_.ws_server = ws_.get();
  }
  {
    auto mcp = McpDaemon::Start(runtime_->registry(), *agent_, config_,
                                runtime_->admin_fingerprint(), facts_.version);
    if (!mcp.ok()) return fail(mcp.error());
    mcp_ = std::move(mcp).value();
    log_->Info("mcp.listening", {{"socket", mcp_->socket_path()}});
  }

  server_ = std::make_unique<transport::AdminServer>(
      runtime_.get(),
      transport::AdminServerOptions{.socket_path = config_.SocketPath(), .clock = clock_});
  RegisterDaemonMethods();
  if (watch_) RegisterWatchMethods(*server_, *watch_);
  if (log_->Enabled(LogLevel::kDebug)) {
    server_->SetRequestObserver([this](const transport::AdminRequestRecord& r) {
      log_->Debug("admin.request",
                  {{"method", r.method},
                   {"requestId", r.request_id},
                   {"ok", r.ok},
                   {"category", r.ok ? nlohmann::json() : nlohmann::json(r.category)},
                   {"durationMs", r.duration_ms}});
    });
  }
  // Before the admin socket: its daemon.status reads http_, which is then
  // set for good.
  if (config_.http.enabled) {
    if (Status s = StartHttp(); !s.ok()) return fail(s.error());
  }
  if (Status s = server_->Start(); !s.ok()) return fail(s.error());

  std::string pid_text = std::to_string(facts_.pid) + "\n";
  if (Status s = signet::WriteFileAtomic(config_.PidFilePath(), pid_text); !s.ok()) {
    return fail(s.error());
  }
  pid_file_written_ = true;
  (void)runtime_->audit().Append("daemon.started",
                                 {{"pid", facts_.pid}, {"env", config_.signet.env}});
  log_->Info("daemon.started", {{"pid", facts_.pid},
                                {"socket", config_.SocketPath()},
                                {"network", facts_.network_url},
                                {"embeddedNode", facts_.embedded_node}});
  return OkStatus();
}

nlohmann::json Daemon::StatusJson() {
  nlohmann::json status =
      BuildDaemonStatus(facts_, config_, *runtime_, *server_, credential_counts_, clock_->NowMs());
  if (host_) {
    nlohmann::json clients = host_->StatusJson();
    status["connectedInboxIds"] = clients["connectedInboxIds"];
    status["clients"] = clients["clients"];
    status["messagesStreamed"] = clients["messagesStreamed"];
    if (clients["networkState"] == "unreachable") {
      status["networkState"] = "unreachable";
      status["network"]["error"] = clients.value("networkError", "");
    }
  }
  status["httpPort"] = nullptr;
  if (http_ && http_->port() != 0) {
    status["httpPort"] = http_->port();
    status["http"]["port"] = http_->port();
    status["http"]["listening"] = true;
    status["connections"]["http"] = http_->connection_count();
  }
  status["signetId"] = runtime_->admin_fingerprint();
  if (mcp_) {
    status["mcp"] = {{"socketPath", mcp_->socket_path()},
                     {"http", http_ != nullptr},
                     {"httpSessions", mcp_->http_sessions()}};
    status["connections"]["mcp"] = mcp_->socket_connections();
  }
  return status;
}

Status Daemon::StartHttp() {
  http_api_ = std::make_unique<transport::HttpApi>(transport::BackendFor(
      *runtime_, [this] { return StatusJson(); }, clock_));
  if (mcp_) mcp_->AddHttpRoutes(*http_api_);
  if (log_->Enabled(LogLevel::kDebug)) {
    http_api_->SetRequestObserver([this](const transport::AdminRequestRecord& r) {
      log_->Debug("http.request",
                  {{"action", r.method},
                   {"requestId", r.request_id},
                   {"ok", r.ok},
                   {"category", r.ok ? nlohmann::json() : nlohmann::json(r.category)},
                   {"durationMs", r.duration_ms}});
    });
  }
  http_ = std::make_unique<transport::HttpServer>(
      http_api_.get(), transport::HttpServerOptions{.host = config_.http.host,
                                                    .port = static_cast<int>(config_.http.port)});
  XS_RETURN_IF_ERROR(http_->Start());
  log_->Info("http.listening", {{"host", config_.http.host}, {"port", http_->port()}});
  return OkStatus();
}

void Daemon::RegisterDaemonMethods() {
  server_->AddMethod(
      "daemon.status",
      [this](const nlohmann::json&, const signet::CallContext&) -> Result<nlohmann::json> {
        return StatusJson();
      });
  server_->AddMethod(
      "daemon.stop",
      [this](const nlohmann::json&, const signet::CallContext& ctx) -> Result<nlohmann::json> {
        log_->Info("daemon.stop_requested", {{"requestId", ctx.request_id}});
        RequestStop("daemon.stop");
        return nlohmann::json{{"stopping", true}, {"pid", facts_.pid}};
      });
}

void Daemon::Sweep() {
  if (host_) {
    host_->CheckNetwork();
    auto joined = chats_->Reconcile();
    if (!joined.ok()) {
      log_->Warn("chats.reconcile_failed", {{"error", joined.error().message()}});
    } else if (*joined > 0) {
      log_->Info("chats.joined", {{"count", *joined}});
    }
  }
  std::vector<signet::CredentialEvent> events = runtime_->Sweep();
  for (const auto& event : events) {
    log_->Info("sweep.event", {{"type", Name(event.type)},
                               {"credentialId", event.credential.id},
                               {"reason", event.reason}});
  }
  if (seals_) seals_->Sweep();
}

void Daemon::Run() {
  using Clock = std::chrono::steady_clock;
  auto next_sweep = Clock::now() + kSweepInterval;
  for (;;) {
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_sweep - Clock::now());
    pollfd p{wake_fd_.get(), POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(wait.count(), 0)));
    if (ready < 0 && errno != EINTR) break;
    if (ready > 0) {
      std::uint64_t value = 0;
      (void)!::read(wake_fd_.get(), &value, sizeof value);
      int signal_number = g_stop_signal.load();
      RequestStop(signal_number == SIGINT    ? "SIGINT"
                  : signal_number == SIGTERM ? "SIGTERM"
                                             : "daemon.stop");
      break;
    }
    if (Clock::now() >= next_sweep) {
      Sweep();
      next_sweep = Clock::now() + kSweepInterval;
    }
  }
}

void Daemon::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  std::string reason;
  {
    std::lock_guard lock(mu_);
    reason = stop_reason_.empty() ? "startup failed" : stop_reason_;
  }
  if (log_ && runtime_) log_->Info("daemon.stopping", {{"reason", reason}});
  // The HTTP API dispatches into the runtime: it stops first (and goes once
  // no admin request can read its status any more).
  if (http_) http_->Stop();
  // Harnesses get credential.expired {signet_shutdown} and a 1001 close while
  // the agent plane still runs.
  if (ws_) ws_->Stop();
  // MCP sessions detach from the agent plane while it runs.
  if (mcp_) mcp_->Stop();
  if (server_) server_->Stop();
  facts_.ws_server = nullptr;  // daemon.status no longer runs
  ws_.reset();
  if (agent_) agent_->Stop();
  http_.reset();
  http_api_.reset();
  mcp_.reset();  // after the routes that point at it
  if (watch_) watch_->Stop();
  if (convos_) convos_->Stop();
  if (seals_) seals_->Stop();  // before the clients it publishes through
  // Streams stop before the client store closes, and both before the runtime.
  if (host_) host_->Stop();
  if (runtime_) {
    (void)runtime_->audit().Append("daemon.stopped", {{"pid", facts_.pid}, {"reason", reason}});
    runtime_.reset();
  }
  agent_.reset();
  watch_.reset();
  convos_.reset();
  chats_.reset();
  network_.reset();
  host_.reset();
  if (local_) local_->Shutdown();
  if (pid_file_written_) {
    auto text = signet::ReadSmallFile(config_.PidFilePath(), 64);
    if (text.ok() && *text == std::to_string(facts_.pid) + "\n") {
      ::unlink(config_.PidFilePath().c_str());
    }
  }
  if (log_ && server_) {
    log_->Info("daemon.stopped", {{"pid", facts_.pid},
                                  {"uptimeSeconds", (clock_->NowMs() - facts_.started_ms) / 1000}});
  }
  server_.reset();
  RestoreSignalHandlers();
  wake_fd_.reset();
  lock_.reset();  // last: a new daemon may start from here on
}

}  // namespace

Status RunDaemon(const DaemonOptions& options) {
  ConfigureMalloc();
  // gRPC's absl::Mutex (the distribution's libabsl, built without NDEBUG)
  // records the order of every pair of mutexes held together and looks for
  // cycles (GraphCycles) on each lock: ~1% of the daemon's CPU per send. The
  // daemon's own locks are std:: mutexes; gRPC's lock order is gRPC's.
  // Before any thread starts.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  Daemon daemon(options);
  Status started = daemon.Start();
  if (options.on_started) options.on_started(started);
  if (!started.ok()) {
    daemon.Shutdown();
    return started;
  }
  daemon.Run();
  daemon.Shutdown();
  return OkStatus();
}

}  // namespace xs::daemon
