// Pending confirmations (scopes.md, "Confirmation-required actions"): actions
// a harness requested that wait for owner confirmation. Entries expire after
// credentials.actionExpirySeconds; expired entries are dropped by Sweep() and
// audited (decisions.md #6).
//
// Thread contract: not thread-safe; called under the runtime lock.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "signet/core/audit_log.h"

namespace xs::signet {

struct PendingAction {
  std::string action_id;
  std::string credential_id;
  // send_message, send_reply, send_reaction or send_read_receipt
  // (signet/chats executes them on confirmation).
  std::string action_type;
  Json payload;
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  Json ToJson() const;
};

struct ConfirmOutcome {
  bool denied = false;
  PendingAction action;  // removed from the store either way
};

class PendingActions {
 public:
  PendingActions(const Clock* clock, AuditLog* audit, std::int64_t expiry_seconds)
      : clock_(clock), audit_(audit), expiry_ms_(expiry_seconds * 1000) {}

  PendingAction Add(const std::string& credential_id, const std::string& action_type, Json payload);
  // unknown -> not_found; other credential -> permission; expired -> removed,
  // audited, permission "expired"; confirmed=false -> {denied:true}.
  Result<ConfirmOutcome> Confirm(const std::string& action_id, const std::string& credential_id,
                                 bool confirmed);
  std::vector<PendingAction> ListFor(const std::string& credential_id) const;
  std::vector<PendingAction> All() const;
  // The action (expired or not), or null.
  const PendingAction* Find(const std::string& action_id) const;
  // Drops expired actions; returns them.
  std::vector<PendingAction> Sweep();
  // Drops every action of a credential (revocation).
  void DropCredential(const std::string& credential_id);

 private:
  const Clock* clock_;
  AuditLog* audit_;
  std::int64_t expiry_ms_;
  std::map<std::string, PendingAction> actions_;
};

}  // namespace xs::signet
