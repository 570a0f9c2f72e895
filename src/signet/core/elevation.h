// Admin read elevation (concepts.md §10, decisions.md #12): an admin that
// passes dangerouslyAllowMessageRead gets, after owner approval, a 60 s
// elevation bound to (admin key fingerprint, chat). Within the window the
// same admin + chat reuses it (audited as reuse). Approvals, denials, reuse
// and expiry are audited; an approval that cannot be audited is rolled back.
// Not persisted across restarts. Listeners (seal engine) are told on approval
// and expiry so the chat's seal can disclose adminAccess {operatorId:"owner"}.
//
// Thread contract: not thread-safe; called under the runtime lock.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "signet/core/action.h"
#include "signet/core/audit_log.h"
#include "signet/keys/vault.h"

namespace xs::signet {

struct AdminReadElevation {
  std::string approval_id;
  std::vector<std::string> chat_ids;
  std::int64_t approved_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::string approval_key_fingerprint;
  bool reused = false;
  Json ToJson() const;
};

enum class ElevationEventType { kApproved, kExpired };

struct ElevationEvent {
  ElevationEventType type;
  std::string chat_id;
  std::int64_t expires_at_ms = 0;
};

class ElevationManager {
 public:
  ElevationManager(const Clock* clock, AuditLog* audit, const Vault* vault, bool gate_enabled,
                   std::int64_t ttl_seconds);

  // Validates, then reuses or requests owner approval for every chat.
  // owner_passphrase is the Linux owner confirmation (decisions.md #13).
  Result<AdminReadElevation> Authorize(const CallContext& ctx,
                                       const std::vector<std::string>& chat_ids,
                                       std::optional<std::string_view> owner_passphrase);
  // Whether (admin, chat) currently holds an unexpired elevation.
  bool IsElevated(const std::string& admin_fingerprint, const std::string& chat_id) const;
  // Drops expired elevations (audited) and notifies listeners.
  void Sweep();
  void AddListener(std::function<void(const ElevationEvent&)> fn);

 private:
  struct Grant {
    std::string approval_id;
    std::int64_t approved_at_ms;
    std::int64_t expires_at_ms;
  };
  using Key = std::pair<std::string, std::string>;  // (admin fingerprint, chat)

  const Clock* clock_;
  AuditLog* audit_;
  const Vault* vault_;
  bool gate_enabled_;
  std::int64_t ttl_ms_;
  std::map<Key, Grant> grants_;
  std::vector<std::function<void(const ElevationEvent&)>> listeners_;
};

}  // namespace xs::signet
