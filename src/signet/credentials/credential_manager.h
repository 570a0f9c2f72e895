// CredentialManager: issue, look up, verify, update, renew, revoke and expire
// credentials (concepts.md §4, decisions.md #4-#6).
//
// Issue order (decisions.md #4): an identical config (same operator, same
// dedupe hash over canonical {scopes, chatIds}, same confirm list) of an
// active credential returns that credential and its token; only a genuinely new credential
// counts against maxConcurrentPerOperator, evicting the oldest active ones
// with reason owner-initiated.
//
// Every lookup by id or token applies expiry; Sweep() (call every <= 5 s)
// persists expiry and revokes stale-heartbeat credentials. Listeners receive
// events after the store transaction committed; they run on the caller's
// thread under the runtime lock and must not call back into the runtime.
//
// Tokens: 32 random bytes, base64url without padding; stored only sealed
// (store secret blob) plus their SHA-256 in the token index.
//
// Thread contract: not thread-safe except VerifyToken(), which may be called
// from any thread at any time (it reads the TokenIndex only).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "signet/credentials/credential.h"
#include "signet/credentials/limits.h"
#include "signet/credentials/token_index.h"
#include "signet/store/store.h"

namespace xs::signet {

struct CredentialOptions {
  std::int64_t default_ttl_seconds = kDefaultCredentialTtlSeconds;
  std::size_t max_concurrent_per_operator = kDefaultMaxConcurrentPerOperator;
  std::int64_t renewal_window_seconds = kRenewalWindowSeconds;
};

struct IssueRequest {
  std::string operator_id;
  std::vector<std::string> chat_ids;
  std::string policy_id;
  ScopePair policy_scopes;  // resolved by the caller from policy_id
  ScopePair inline_scopes;
  std::optional<std::int64_t> ttl_seconds;
  std::string issued_by = "owner";
  std::vector<std::string> inbox_ids;
  bool per_chat = false;                   // per-chat operators cover exactly one chat
  std::vector<std::string> content_types;  // agent list (validated by the caller)
  std::vector<std::string> confirm;        // send-side scopes held for confirmation
};

struct IssueResult {
  std::string token;  // shown once; the same token on an idempotent re-issue
  Credential credential;
  bool reused = false;
  std::vector<std::string> evicted;  // credential ids revoked for the limit
};

struct UpdateRequest {
  std::string policy_id;                          // final policy id (may be unchanged or empty)
  ScopePair policy_scopes;                        // final policy scopes
  std::optional<std::vector<std::string>> allow;  // replaces inline allow when set
  std::optional<std::vector<std::string>> deny;   // replaces inline deny when set
  // Agent content-type list (validated by the caller); a change is material.
  std::optional<std::vector<std::string>> content_types;
  // Replaces the confirm list when set; a change is material.
  std::optional<std::vector<std::string>> confirm;
  bool via_admin = true;  // admin: escalation revokes; harness: escalation -> pending
};

struct UpdateResult {
  bool updated = false;
  bool material = false;
  bool reauthorization_required = false;
  ScopeDiff diff;
  Credential credential;
};

enum class CredentialEventType {
  kIssued,                   // credential.issued
  kRevoked,                  // credential.revoked
  kExpired,                  // credential.expired
  kReauthorizationRequired,  // credential.reauthorization_required
  kScopesUpdated,            // scopes.updated
  kRenewed,                  // credential.renewed
};
// The wire spelling (audit log action, daemon log field), as listed above.
std::string_view Name(CredentialEventType type);

struct CredentialEvent {
  CredentialEventType type;
  Credential credential;
  std::string reason;
};

class CredentialManager {
 public:
  CredentialManager(Store* store, const Clock* clock, CredentialOptions options);

  Status Load();
  Result<IssueResult> Issue(const IssueRequest& req);
  // Applies expiry; not_found for unknown ids.
  Result<Credential> Get(const std::string& id);
  // Active credentials only (after applying expiry), optionally of one operator.
  std::vector<Credential> List(const std::string& operator_id = {});
  std::vector<std::string> AllIds() const;
  // Idempotent on an already revoked credential.
  Result<Credential> Revoke(const std::string& id, std::string_view reason);
  Result<UpdateResult> UpdateScopes(const std::string& id, const UpdateRequest& req);
  Result<Credential> Renew(const std::string& id);
  Status Heartbeat(const std::string& id);

  // Fast path, thread-safe.
  Result<TokenCheck> VerifyToken(std::string_view token) const;
  // Verify + heartbeat staleness + the full record (runtime lock held).
  Result<Credential> Authenticate(std::string_view token);

  // Persists expiry and heartbeat timeouts; returns the events it caused.
  std::vector<CredentialEvent> Sweep();
  void AddListener(std::function<void(const CredentialEvent&)> fn);

  const TokenIndex& token_index() const { return index_; }
  const CredentialOptions& options() const { return options_; }

 private:
  Status Persist(const Credential& c, const crypto::Secret* token = nullptr);
  void Reindex(const Credential& c);
  Status ValidateIssue(const IssueRequest& req) const;
  Credential NewCredential(const IssueRequest& req, ScopePair merged, std::string hash,
                           std::vector<std::string> confirm, std::int64_t now);
  // Marks expired if due; returns true when it changed.
  bool ApplyExpiry(Credential& c);
  Status RevokeLocked(Credential& c, std::string_view reason);
  Result<std::string> TokenOf(const Credential& c);
  void Emit(CredentialEventType type, const Credential& c, std::string reason = {});
  std::vector<Credential*> ActiveOf(const std::string& operator_id);

  Store* store_;
  const Clock* clock_;
  CredentialOptions options_;
  std::map<std::string, Credential> creds_;
  // Per operator, the ids of credentials that were active or pending when
  // last seen. Status only moves from live to terminal, so ActiveOf prunes
  // lazily; issuing stays independent of how many credentials exist overall.
  std::unordered_map<std::string, std::vector<std::string>> live_by_operator_;
  TokenIndex index_;
  std::uint64_t next_seq_ = 1;
  std::vector<std::function<void(const CredentialEvent&)>> listeners_;
  std::vector<CredentialEvent> pending_events_;  // collected by Sweep()
};

}  // namespace xs::signet
