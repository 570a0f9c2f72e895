// CredentialManager: scope updates, renewal, heartbeats, token
// authentication and the expiry sweep (split from credential_manager.cpp).
#include <algorithm>

#include "signet/credentials/credential_manager.h"

namespace xs::signet {

namespace {
Status UsableForUpdate(const Credential& c) {
  if (c.status == CredentialStatus::kRevoked) {
    return Error::Auth("credential revoked")
        .WithContext("{\"credentialId\":\"" + c.id + "\",\"status\":\"revoked\"}");
  }
  if (c.status == CredentialStatus::kExpired) return Error::CredentialExpired(c.id);
  return OkStatus();
}
}  // namespace

Result<UpdateResult> CredentialManager::UpdateScopes(const std::string& id,
                                                     const UpdateRequest& req) {
  auto it = creds_.find(id);
  if (it == creds_.end()) return Error::NotFound("credential not found: " + id);
  Credential& c = it->second;
  ApplyExpiry(c);
  XS_RETURN_IF_ERROR(UsableForUpdate(c));
  ScopePair inline_scopes = c.inline_scopes;
  if (req.allow) {
    XS_RETURN_IF_ERROR(ValidateScopes(*req.allow, "allow"));
    inline_scopes.allow = *req.allow;
  }
  if (req.deny) {
    XS_RETURN_IF_ERROR(ValidateScopes(*req.deny, "deny"));
    inline_scopes.deny = *req.deny;
  }
  std::optional<std::vector<std::string>> confirm;
  if (req.confirm) {
    XS_TRY(confirm, ValidateConfirmScopes(*req.confirm));
  }
  ScopePair merged = MergeScopes(req.policy_scopes, inline_scopes);
  UpdateResult out;
  out.diff = DiffScopes(c.effective, merged);
  bool types_changed = req.content_types && *req.content_types != c.content_types;
  bool confirm_changed = confirm && *confirm != c.confirm;
  out.material = out.diff.material() || types_changed || confirm_changed;
  out.reauthorization_required = out.diff.requires_reauthorization();
  if (out.reauthorization_required) {
    if (req.via_admin) {
      // Admin path: an escalation revokes; the admin issues a new credential.
      XS_RETURN_IF_ERROR(RevokeLocked(c, kReasonReauthorization));
    } else {
      Credential next = c;
      next.status = CredentialStatus::kPending;
      next.pending_reason = out.diff.reason();
      XS_RETURN_IF_ERROR(Persist(next));
      c = next;
      Reindex(c);
      Emit(CredentialEventType::kReauthorizationRequired, c, out.diff.reason());
    }
    out.credential = c;
    return out;
  }
  Credential next = c;
  next.policy_id = req.policy_id;
  next.inline_scopes = inline_scopes;
  next.effective = merged;
  next.policy_hash = PolicyHash(merged, next.chat_ids);
  if (req.content_types) next.content_types = *req.content_types;
  if (confirm) next.confirm = *confirm;
  XS_RETURN_IF_ERROR(Persist(next));
  c = next;
  out.updated = true;
  if (out.material) {
    std::string reason = types_changed         ? "contentTypes changed"
                         : out.diff.material() ? out.diff.reason()
                                               : "confirm changed";
    Emit(CredentialEventType::kScopesUpdated, c, std::move(reason));
  }
  out.credential = c;
  return out;
}

Result<Credential> CredentialManager::Renew(const std::string& id) {
  auto it = creds_.find(id);
  if (it == creds_.end()) return Error::NotFound("credential not found: " + id);
  Credential& c = it->second;
  ApplyExpiry(c);
  XS_RETURN_IF_ERROR(UsableForUpdate(c));
  if (c.status != CredentialStatus::kActive) return Error::Auth("credential is not active");
  std::int64_t now = clock_->NowMs();
  if (c.expires_at_ms - now > options_.renewal_window_seconds * 1000) {
    return Error::Auth("not in renewal window");
  }
  Credential next = c;
  next.expires_at_ms = now + c.ttl_seconds * 1000;
  XS_RETURN_IF_ERROR(Persist(next));
  c = next;
  Reindex(c);
  Emit(CredentialEventType::kRenewed, c);
  return c;
}

Status CredentialManager::Heartbeat(const std::string& id) {
  auto it = creds_.find(id);
  if (it == creds_.end()) return Error::NotFound("credential not found: " + id);
  ApplyExpiry(it->second);
  XS_RETURN_IF_ERROR(UsableForUpdate(it->second));
  it->second.last_heartbeat_ms = clock_->NowMs();
  return OkStatus();
}

Result<TokenCheck> CredentialManager::VerifyToken(std::string_view token) const {
  return index_.Verify(token, clock_->NowMs());
}

Result<Credential> CredentialManager::Authenticate(std::string_view token) {
  XS_TRY(TokenCheck check, VerifyToken(token));
  XS_TRY(Credential c, Get(check.credential_id));
  if (c.status != CredentialStatus::kActive) return Error::CredentialExpired(c.id);
  if (c.last_heartbeat_ms != 0 &&
      clock_->NowMs() >=
          c.last_heartbeat_ms + (kHeartbeatIntervalSeconds + kHeartbeatGraceSeconds) * 1000) {
    return Error::Auth("credential heartbeat is stale");
  }
  return c;
}

std::vector<CredentialEvent> CredentialManager::Sweep() {
  pending_events_.clear();
  std::int64_t now = clock_->NowMs();
  for (auto& [id, c] : creds_) {
    if (ApplyExpiry(c)) continue;
    if (c.status == CredentialStatus::kActive && c.last_heartbeat_ms != 0 &&
        now >= c.last_heartbeat_ms + (kHeartbeatIntervalSeconds + kHeartbeatGraceSeconds) * 1000) {
      (void)RevokeLocked(c, kReasonHeartbeatTimeout);
    }
  }
  std::vector<CredentialEvent> out;
  out.swap(pending_events_);
  return out;
}

}  // namespace xs::signet
