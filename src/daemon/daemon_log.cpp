#include "daemon/daemon_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/clock.h"
#include "signet/util/util.h"

namespace xs::daemon {

Result<LogLevel> ParseLogLevel(std::string_view text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "warn") return LogLevel::kWarn;
  if (text == "error") return LogLevel::kError;
  return xs::Error::Validation("logging.level", "must be one of debug, info, warn, error");
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

Result<std::unique_ptr<DaemonLog>> DaemonLog::Open(const std::string& path, LogLevel level,
                                                   bool echo_to_stderr, const Clock* clock) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!fd) {
    return xs::Error::Internal("cannot open the daemon log " + path + ": " + std::strerror(errno));
  }
  ::fchmod(fd.get(), 0600);
  return std::unique_ptr<DaemonLog>(new DaemonLog(std::move(fd), path, level, echo_to_stderr,
                                                  clock != nullptr ? clock : SystemClock::Get()));
}

void DaemonLog::Log(LogLevel level, std::string_view event, const nlohmann::json& fields) {
  if (!Enabled(level)) return;
  nlohmann::json line = {
      {"ts", IsoTime(clock_->NowMs())}, {"level", LogLevelName(level)}, {"event", event}};
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  }
  std::string text = signet::SafeDump(line);
  text.push_back('\n');
  std::lock_guard lock(mu_);
  // A full disk must not stop the daemon; the line is dropped.
  (void)!::write(fd_.get(), text.data(), text.size());
  if (echo_) (void)!::write(STDERR_FILENO, text.data(), text.size());
}

}  // namespace xs::daemon
