// DaemonLog: the daemon's structured log, one JSON object per line:
//   {"ts":"2026-…Z","level":"info","event":"daemon.started","pid":123,...}
// Callers pass event names and non-secret fields only (ids, paths, counts,
// error categories and messages — which never contain secrets by the error
// contract); request params and results are never logged.
//
// Thread contract: thread-safe; each line is one write(2) on an O_APPEND fd.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace xs::daemon {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

Result<LogLevel> ParseLogLevel(std::string_view text);
std::string_view LogLevelName(LogLevel level);

class DaemonLog {
 public:
  // Opens (creates 0600) `path` for appending; the directory must exist.
  // Lines are stamped with `clock` (null = the system clock).
  static Result<std::unique_ptr<DaemonLog>> Open(const std::string& path, LogLevel level,
                                                 bool echo_to_stderr, const Clock* clock = nullptr);
  ~DaemonLog() = default;
  DaemonLog(const DaemonLog&) = delete;
  DaemonLog& operator=(const DaemonLog&) = delete;

  void Log(LogLevel level, std::string_view event,
           const nlohmann::json& fields = nlohmann::json::object());
  void Debug(std::string_view event, const nlohmann::json& f = nlohmann::json::object()) {
    Log(LogLevel::kDebug, event, f);
  }
  void Info(std::string_view event, const nlohmann::json& f = nlohmann::json::object()) {
    Log(LogLevel::kInfo, event, f);
  }
  void Warn(std::string_view event, const nlohmann::json& f = nlohmann::json::object()) {
    Log(LogLevel::kWarn, event, f);
  }
  void Error(std::string_view event, const nlohmann::json& f = nlohmann::json::object()) {
    Log(LogLevel::kError, event, f);
  }
  bool Enabled(LogLevel level) const { return level >= level_; }
  const std::string& path() const { return path_; }

 private:
  DaemonLog(UniqueFd fd, std::string path, LogLevel level, bool echo, const Clock* clock)
      : fd_(std::move(fd)), path_(std::move(path)), level_(level), echo_(echo), clock_(clock) {}
  UniqueFd fd_;
  std::string path_;
  LogLevel level_;
  bool echo_;
  const Clock* clock_;
  std::mutex mu_;
};

}  // namespace xs::daemon
