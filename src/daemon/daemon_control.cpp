// Controlling a daemon from another process: background start, stop, status.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <thread>

#include "base/unique_fd.h"
#include "daemon/daemon.h"
#include "daemon/instance_lock.h"
#include "transport/admin/admin_client.h"
#include "transport/admin/admin_protocol.h"

namespace xs::daemon {

namespace {

// How long a background start may take: vault unseal with Argon2id, the
// embedded node's database, the runtime's load.
constexpr std::chrono::seconds kStartupTimeout{60};
constexpr std::chrono::milliseconds kStopPollInterval{20};

void WriteAll(int fd, const std::string& text) {
  std::size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

// Reads what the daemon reports on the readiness pipe (one JSON line), until
// EOF or the deadline.
Result<std::string> ReadReport(int fd, std::chrono::milliseconds timeout) {
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Error::Timeout("the daemon did not report readiness in time");
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return text;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.find('\n') != std::string::npos) return text;
  }
}

void RedirectStdioToDevNull() {
  int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) return;
  ::dup2(null_fd, STDIN_FILENO);
  ::dup2(null_fd, STDOUT_FILENO);
  ::dup2(null_fd, STDERR_FILENO);
  if (null_fd > STDERR_FILENO) ::close(null_fd);
}

bool WaitForExit(const signet::Config& config, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (InstanceLock::Holder(config.LockFilePath()).has_value()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kStopPollInterval);
  }
  return true;
}

Error NotRunning(const signet::Config& config) {
  return Error::Network(config.SocketPath(),
                        "daemon is not running; start it with `xs daemon start`");
}

}  // namespace

std::optional<int> RunningDaemonPid(const signet::Config& config) {
  return InstanceLock::Holder(config.LockFilePath());
}

Result<int> StartDaemonInBackground(const DaemonOptions& options) {
  if (auto pid = RunningDaemonPid(options.config); pid.has_value()) {
    return Error::Validation("daemon", *pid > 0
                                           ? "already running (pid " + std::to_string(*pid) + ")"
                                           : std::string("already running"));
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Error::Internal(std::string("pipe: ") + std::strerror(errno));
  }
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);
  pid_t child = ::fork();
  if (child < 0) return Error::Internal(std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    // Intermediate: new session, then fork again so the daemon is not a
    // session leader and is reparented away from the caller (no zombie).
    read_end.reset();
    ::setsid();
    pid_t daemon_pid = ::fork();
    if (daemon_pid != 0) ::_exit(daemon_pid < 0 ? 1 : 0);
    RedirectStdioToDevNull();
    auto report_fd = std::make_shared<UniqueFd>(std::move(write_end));
    DaemonOptions daemon_options = options;
    daemon_options.foreground = false;
    daemon_options.on_started = [report_fd](const Status& status) {
      nlohmann::json report =
          status.ok()
              ? nlohmann::json{{"ok", true}, {"pid", ::getpid()}}
              : nlohmann::json{{"ok", false}, {"error", transport::ErrorObject(status.error())}};
      WriteAll(report_fd->get(), transport::DumpLine(report) + "\n");
      report_fd->reset();
    };
    Status status = RunDaemon(daemon_options);
    ::_exit(status.ok() ? 0 : 1);
  }
  write_end.reset();
  int wait_status = 0;
  while (::waitpid(child, &wait_status, 0) < 0 && errno == EINTR) {
  }
  auto report = ReadReport(read_end.get(), kStartupTimeout);
  read_end.reset();
  if (!report.ok()) return report.error();
  nlohmann::json parsed = nlohmann::json::parse(*report, nullptr, false);
  if (!parsed.is_object()) {
    return Error::Internal("the daemon exited during start-up; see " +
                           options.config.LogFilePath());
  }
  if (!parsed.value("ok", false))
    return transport::ErrorFromObject(parsed.value("error", nlohmann::json()));
  return parsed.value("pid", 0);
}

Status StopDaemon(const signet::Config& config, std::chrono::milliseconds timeout) {
  std::optional<int> pid = RunningDaemonPid(config);
  if (!pid) return NotRunning(config);
  // The polite way first: the daemon finishes in-flight requests.
  if (auto client = transport::AdminClient::Connect(config.SocketPath(), config.DataDir());
      client.ok()) {
    client->set_timeout(timeout);
    (void)client->Call("daemon.stop");
  }
  if (WaitForExit(config, timeout)) return OkStatus();
  std::optional<int> still = RunningDaemonPid(config);
  if (!still) return OkStatus();
  if (*still > 0) ::kill(*still, SIGTERM);
  if (WaitForExit(config, timeout)) return OkStatus();
  return Error::Timeout("the daemon (pid " + std::to_string(*still) + ") did not stop within " +
                        std::to_string(timeout.count() * 2) + " ms")
      .WithContext(
          nlohmann::json{{"operation", "daemon stop"}, {"timeoutMs", timeout.count() * 2}}.dump());
}

Result<nlohmann::json> DaemonStatus(const signet::Config& config) {
  XS_TRY(transport::AdminClient client,
         transport::AdminClient::Connect(config.SocketPath(), config.DataDir()));
  return client.Call("daemon.status");
}

}  // namespace xs::daemon
