// AuditLog: append-only JSONL (concepts.md §13). One object per line with
// `timestamp` (ISO-8601), `action` and action-specific fields. Every admin
// action and every read elevation is appended; Append() reports failure so
// callers can roll back what could not be audited (decisions.md #12).
// Secrets are never passed in: callers log ids and fingerprints only.
//
// Thread contract: thread-safe (internal mutex).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "signet/core/limits.h"
#include "signet/util/util.h"

namespace xs::signet {

class AuditLog {
 public:
  AuditLog(std::string path, const Clock* clock) : path_(std::move(path)), clock_(clock) {}

  // Appends {timestamp, action, ...fields}; fields must be a JSON object.
  Status Append(std::string_view action, const Json& fields = Json::object());
  // Entries with timestamp >= since (if given), the last `limit` of them.
  Result<std::vector<Json>> Read(std::optional<std::int64_t> since_ms, std::size_t limit) const;
  // The whole log as NDJSON text.
  Result<std::string> Export() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const Clock* clock_;
  mutable std::mutex mu_;
};

}  // namespace xs::signet
