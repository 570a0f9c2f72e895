// Reveals (events-and-pipeline.md §4): a credential without read-messages
// sees a message only while a reveal of its own covers it. The store is per
// credential and in memory; it is wiped when the credential is revoked or
// expires.
//
// A reveal matches a message of its group (the conv_ id) when, by scope:
//   message       targetId == messageId
//   thread        targetId == threadId
//   sender        targetId == senderInboxId
//   content-type  targetId == contentType
//   time-window   targetId = "<startISO>|<endISO>" (split at the first |),
//                 start <= sentAt <= end; a date that does not parse (or
//                 names no real day, 2026-02-30) matches nothing
// Reveals whose expiresAt <= now are ignored, and ExpireStale removes them.
//
// Thread contract: RevealStore is thread-safe; the functions are pure.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "signet/agent/pipeline.h"

namespace xs::signet::agent {

enum class RevealScope { kMessage, kThread, kSender, kContentType, kTimeWindow };

// RevealRequest, parsed and checked.
struct RevealRequest {
  std::string reveal_id;
  std::string group_id;  // conv_ id once the caller resolved it
  RevealScope scope = RevealScope::kMessage;
  std::string target_id;
  std::string requested_by;
  std::optional<std::int64_t> expires_at_ms;  // nullopt = permanent
};

// RevealAccess.
struct RevealAccess {
  std::string reveal_id;
  std::int64_t granted_at_ms = 0;
  std::string granted_by;
  std::optional<std::int64_t> expires_at_ms;
};

// Bounds on what a harness may store (per credential).
inline constexpr std::size_t kMaxRevealsPerCredential = 1024;
inline constexpr std::size_t kMaxRevealFieldBytes = 512;

// Validation errors name the field (reveal.scope, reveal.expiresAt, ...).
Result<RevealRequest> ParseRevealRequest(const Json& reveal);
// {revealId, grantedAt, grantedBy, expiresAt|null}
Json RevealAccessJson(const RevealAccess& access);
// Scope and group only (expiry is the store's business).
bool Matches(const RevealRequest& reveal, const RawMessage& m);
// A strict "YYYY-MM-DDTHH:MM:SS[.fff](Z|+00:00)" that names a real instant.
std::optional<std::int64_t> ParseStrictIsoTime(std::string_view text);

class RevealStore {
 public:
  // Records (or replaces, by revealId) a reveal; validation error beyond
  // kMaxRevealsPerCredential live reveals.
  Result<RevealAccess> Grant(const std::string& credential_id, const RevealRequest& request,
                             std::int64_t now_ms);
  // The id of a live reveal of the credential that matches `m`, if any.
  std::optional<std::string> Match(const std::string& credential_id, const RawMessage& m,
                                   std::int64_t now_ms) const;
  bool IsRevealed(const std::string& credential_id, const RawMessage& m,
                  std::int64_t now_ms) const {
    return Match(credential_id, m, now_ms).has_value();
  }
  // The live reveals of a credential (RevealState.activeReveals), oldest first.
  std::vector<RevealAccess> Active(const std::string& credential_id, std::int64_t now_ms) const;
  // Removes every reveal whose expiresAt <= now.
  void ExpireStale(std::int64_t now_ms);
  // Revoked or expired credential: its reveals go.
  void Wipe(const std::string& credential_id);

 private:
  struct Entry {
    RevealRequest request;
    RevealAccess access;
  };
  static bool Live(const Entry& e, std::int64_t now_ms) {
    return !e.access.expires_at_ms || *e.access.expires_at_ms > now_ms;
  }
  mutable std::mutex mu_;
  // credential -> revealId -> entry
  std::unordered_map<std::string, std::map<std::string, Entry>> by_credential_;
};

}  // namespace xs::signet::agent
