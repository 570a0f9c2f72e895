#include "signet/credentials/credential_manager.h"

#include <sodium.h>

#include <algorithm>

#include "base/clock.h"
#include "base/ids.h"
#include "signet/util/enum_names.h"

namespace xs::signet {

namespace {

constexpr std::string_view kKind = "credential";

std::string NewToken(crypto::Secret* raw_out) {
  crypto::Secret raw = crypto::Secret::Random(kCredentialTokenBytes);
  char buf[sodium_base64_ENCODED_LEN(kCredentialTokenBytes,
                                     sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(buf, sizeof buf, raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string token(buf);
  sodium_memzero(buf, sizeof buf);
  *raw_out = crypto::Secret::Copy(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(token.data()), token.size()));
  return token;
}

}  // namespace

CredentialManager::CredentialManager(Store* store, const Clock* clock, CredentialOptions options)
    : store_(store), clock_(clock), options_(options) {}

Status CredentialManager::Load() {
  XS_TRY(auto rows, store_->List(kKind));
  for (const auto& row : rows) {
    XS_TRY(Credential c, CredentialFromStored(row.body));
    Reindex(c);
    next_seq_ = std::max(next_seq_, c.seq + 1);
    if (c.status == CredentialStatus::kActive || c.status == CredentialStatus::kPending) {
      live_by_operator_[c.operator_id].push_back(c.id);
    }
    creds_[c.id] = std::move(c);
  }
  return OkStatus();
}

void CredentialManager::Reindex(const Credential& c) {
  auto h = FromHex(c.token_hash_hex);
  if (!h.ok() || h->size() != sizeof(TokenHash)) return;
  TokenHash th;
  std::copy(h->begin(), h->end(), th.begin());
  index_.Upsert(th, c);
}

Status CredentialManager::Persist(const Credential& c, const crypto::Secret* token) {
  if (token != nullptr) return store_->Put(kKind, c.id, CredentialToStored(c), token);
  return store_->UpdateBody(kKind, c.id, CredentialToStored(c));
}

std::string_view Name(CredentialEventType type) {
  static constexpr EnumName<CredentialEventType> kNames[] = {
      {CredentialEventType::kIssued, "credential.issued"},
      {CredentialEventType::kRevoked, "credential.revoked"},
      {CredentialEventType::kExpired, "credential.expired"},
      {CredentialEventType::kReauthorizationRequired, "credential.reauthorization_required"},
      {CredentialEventType::kScopesUpdated, "scopes.updated"},
      {CredentialEventType::kRenewed, "credential.renewed"}};
  return NameIn(kNames, type);
}

void CredentialManager::AddListener(std::function<void(const CredentialEvent&)> fn) {
  listeners_.push_back(std::move(fn));
}

void CredentialManager::Emit(CredentialEventType type, const Credential& c, std::string reason) {
  CredentialEvent ev{type, c, std::move(reason)};
  for (const auto& fn : listeners_) fn(ev);
  pending_events_.push_back(std::move(ev));
}

Status CredentialManager::ValidateIssue(const IssueRequest& req) const {
  if (!IsValidId(IdType::kOperator, req.operator_id)) {
    return Error::Validation("operatorId", "must be an op_ id");
  }
  if (req.chat_ids.empty()) return Error::Validation("chatIds", "at least one chat is required");
  if (req.chat_ids.size() > kMaxChatsPerCredential) {
    return Error::Validation("chatIds", "too many chats");
  }
  for (const auto& chat : req.chat_ids) {
    if (!IsValidId(IdType::kConversation, chat)) {
      return Error::Validation("chatIds", "'" + chat + "' is not a conv_ id");
    }
  }
  if (req.per_chat && req.chat_ids.size() != 1) {
    return Error::Validation("chatIds", "a per-chat operator's credential covers exactly one chat");
  }
  if (req.ttl_seconds && (*req.ttl_seconds <= 0 || *req.ttl_seconds > kMaxCredentialTtlSeconds)) {
    return Error::Validation("ttlSeconds", "must be a positive integer of at most one year");
  }
  if (req.inline_scopes.allow.size() > kMaxScopesPerList ||
      req.inline_scopes.deny.size() > kMaxScopesPerList) {
    return Error::Validation("allow", "too many scopes");
  }
  XS_RETURN_IF_ERROR(ValidateScopes(req.inline_scopes.allow, "allow"));
  XS_RETURN_IF_ERROR(ValidateScopes(req.inline_scopes.deny, "deny"));
  return OkStatus();
}

std::vector<Credential*> CredentialManager::ActiveOf(const std::string& operator_id) {
  std::vector<Credential*> out;
  auto live = live_by_operator_.find(operator_id);
  if (live == live_by_operator_.end()) return out;
  std::erase_if(live->second, [&](const std::string& id) {
    auto it = creds_.find(id);
    if (it == creds_.end()) return true;
    Credential& c = it->second;
    ApplyExpiry(c);
    if (c.status == CredentialStatus::kActive) out.push_back(&c);
    return c.status != CredentialStatus::kActive && c.status != CredentialStatus::kPending;
  });
  std::sort(out.begin(), out.end(), [](const Credential* a, const Credential* b) {
    return a->issued_at_ms != b->issued_at_ms ? a->issued_at_ms < b->issued_at_ms : a->seq < b->seq;
  });
  return out;
}

Result<std::string> CredentialManager::TokenOf(const Credential& c) {
  XS_TRY(auto row, store_->Get(kKind, c.id));
  if (!row) return Error::Internal("credential row missing");
  XS_TRY(crypto::Secret raw, store_->OpenSecret(*row));
  return std::string(reinterpret_cast<const char*>(raw.data()), raw.size());
}

Credential CredentialManager::NewCredential(const IssueRequest& req, ScopePair merged,
                                            std::string hash, std::vector<std::string> confirm,
                                            std::int64_t now) {
  Credential c;
  c.id = NewId(IdType::kCredential);
  c.operator_id = req.operator_id;
  c.chat_ids = req.chat_ids;
  c.inbox_ids = req.inbox_ids;
  c.policy_id = req.policy_id;
  c.inline_scopes = req.inline_scopes;
  c.effective = std::move(merged);
  c.content_types = req.content_types;
  c.confirm = std::move(confirm);
  c.ttl_seconds_config = req.ttl_seconds;
  c.ttl_seconds = req.ttl_seconds.value_or(options_.default_ttl_seconds);
  c.status = CredentialStatus::kActive;
  c.issued_at_ms = now;
  c.expires_at_ms = now + c.ttl_seconds * 1000;
  c.issued_by = req.issued_by;
  c.policy_hash = std::move(hash);
  c.seq = next_seq_++;
  return c;
}

Result<IssueResult> CredentialManager::Issue(const IssueRequest& req) {
  XS_RETURN_IF_ERROR(ValidateIssue(req));
  XS_TRY(std::vector<std::string> confirm, ValidateConfirmScopes(req.confirm));
  ScopePair merged = MergeScopes(req.policy_scopes, req.inline_scopes);
  std::string hash = PolicyHash(merged, req.chat_ids);
  std::vector<Credential*> active = ActiveOf(req.operator_id);
  // decisions.md #4: idempotent issue first.
  for (Credential* c : active) {
    if (c->policy_hash == hash && c->confirm == confirm) {
      XS_TRY(std::string token, TokenOf(*c));
      return IssueResult{std::move(token), *c, true, {}};
    }
  }
  std::int64_t now = clock_->NowMs();
  Credential c = NewCredential(req, std::move(merged), std::move(hash), std::move(confirm), now);
  crypto::Secret raw;
  std::string token = NewToken(&raw);
  c.token_hash_hex = ToHex(HashToken(token));

  // Evict the oldest until the new one fits (the limit may have shrunk).
  std::vector<Credential> evicted;
  std::size_t limit = std::max<std::size_t>(options_.max_concurrent_per_operator, 1);
  for (std::size_t i = 0; active.size() - i >= limit && i < active.size(); ++i) {
    Credential e = *active[i];
    e.status = CredentialStatus::kRevoked;
    e.revoked_at_ms = now;
    e.revocation_reason = std::string(kReasonOwnerInitiated);
    evicted.push_back(std::move(e));
  }
  Status s = store_->Transaction([&]() -> Status {
    for (const auto& e : evicted) XS_RETURN_IF_ERROR(Persist(e));
    return Persist(c, &raw);
  });
  if (!s.ok()) return s.error();
  IssueResult out{token, c, false, {}};
  for (auto& e : evicted) {
    creds_[e.id] = e;
    Reindex(e);
    out.evicted.push_back(e.id);
    Emit(CredentialEventType::kRevoked, e, std::string(kReasonOwnerInitiated));
  }
  index_.Upsert(HashToken(token), c);
  live_by_operator_[c.operator_id].push_back(c.id);
  creds_[c.id] = c;
  Emit(CredentialEventType::kIssued, c);
  return out;
}

bool CredentialManager::ApplyExpiry(Credential& c) {
  if ((c.status != CredentialStatus::kActive && c.status != CredentialStatus::kPending) ||
      clock_->NowMs() < c.expires_at_ms) {
    return false;
  }
  c.status = CredentialStatus::kExpired;
  (void)Persist(c);  // if this write fails, Load() re-applies expiry after restart
  Reindex(c);
  Emit(CredentialEventType::kExpired, c, std::string(kReasonExpired));
  return true;
}

Result<Credential> CredentialManager::Get(const std::string& id) {
  auto it = creds_.find(id);
  if (it == creds_.end()) return Error::NotFound("credential not found: " + id);
  ApplyExpiry(it->second);
  return it->second;
}

std::vector<Credential> CredentialManager::List(const std::string& operator_id) {
  std::vector<Credential> out;
  for (auto& [id, c] : creds_) {
    ApplyExpiry(c);
    if (c.status != CredentialStatus::kActive) continue;
    if (!operator_id.empty() && c.operator_id != operator_id) continue;
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> CredentialManager::AllIds() const {
  std::vector<std::string> out;
  for (const auto& [id, c] : creds_) out.push_back(id);
  return out;
}

Status CredentialManager::RevokeLocked(Credential& c, std::string_view reason) {
  Credential next = c;
  next.status = CredentialStatus::kRevoked;
  next.revoked_at_ms = clock_->NowMs();
  next.revocation_reason = std::string(reason);
  XS_RETURN_IF_ERROR(Persist(next));
  c = next;
  Reindex(c);
  Emit(CredentialEventType::kRevoked, c, std::string(reason));
  return OkStatus();
}

Result<Credential> CredentialManager::Revoke(const std::string& id, std::string_view reason) {
  if (!IsRevocationReason(reason)) {
    return Error::Validation("reason", "unknown revocation reason");
  }
  auto it = creds_.find(id);
  if (it == creds_.end()) return Error::NotFound("credential not found: " + id);
  Credential& c = it->second;
  ApplyExpiry(c);
  if (c.status == CredentialStatus::kRevoked || c.status == CredentialStatus::kExpired) return c;
  XS_RETURN_IF_ERROR(RevokeLocked(c, reason));
  return c;
}

}  // namespace xs::signet
