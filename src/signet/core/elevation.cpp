#include "signet/core/elevation.h"

#include "base/clock.h"

namespace xs::signet {

Json AdminReadElevation::ToJson() const {
  return {{"approvalId", approval_id},
          {"scope", {{"chatIds", chat_ids}}},
          {"approvedAt", IsoTime(approved_at_ms)},
          {"expiresAt", IsoTime(expires_at_ms)},
          {"approvalKeyFingerprint", approval_key_fingerprint},
          {"reused", reused}};
}

ElevationManager::ElevationManager(const Clock* clock, AuditLog* audit, const Vault* vault,
                                   bool gate_enabled, std::int64_t ttl_seconds)
    : clock_(clock),
      audit_(audit),
      vault_(vault),
      gate_enabled_(gate_enabled),
      ttl_ms_(ttl_seconds * 1000) {}

void ElevationManager::AddListener(std::function<void(const ElevationEvent&)> fn) {
  listeners_.push_back(std::move(fn));
}

bool ElevationManager::IsElevated(const std::string& admin_fingerprint,
                                  const std::string& chat_id) const {
  auto it = grants_.find({admin_fingerprint, chat_id});
  return it != grants_.end() && clock_->NowMs() < it->second.expires_at_ms;
}

Result<AdminReadElevation> ElevationManager::Authorize(
    const CallContext& ctx, const std::vector<std::string>& chat_ids,
    std::optional<std::string_view> owner_passphrase) {
  if (ctx.caller != CallContext::Caller::kAdmin) {
    return Error::Permission("read elevation is for admin callers only");
  }
  if (!ctx.dangerously_allow_message_read) {
    return Error::Permission(
        "admins cannot read message content; pass --dangerously-allow-message-read");
  }
  // Invalid parameters are rejected before any approval is requested.
  if (chat_ids.empty()) return Error::Validation("chatIds", "at least one chat is required");
  for (const auto& chat : chat_ids) {
    if (!IsValidId(IdType::kConversation, chat)) {
      return Error::Validation("chatId", "'" + chat + "' is not a conv_ id");
    }
  }
  if (ctx.admin_key_fingerprint.empty()) return Error::Auth("no admin identity on the request");
  std::int64_t now = clock_->NowMs();
  std::vector<std::string> need;
  for (const auto& chat : chat_ids) {
    if (!IsElevated(ctx.admin_key_fingerprint, chat)) need.push_back(chat);
  }
  Json audit_base = {{"adminFingerprint", ctx.admin_key_fingerprint},
                     {"requestId", ctx.request_id}};
  if (need.empty()) {
    const Grant& g = grants_.at({ctx.admin_key_fingerprint, chat_ids.front()});
    Json f = audit_base;
    f["chatIds"] = chat_ids;
    f["approvalId"] = g.approval_id;
    XS_RETURN_IF_ERROR(audit_->Append("admin.read-elevation.reused", f));
    return AdminReadElevation{g.approval_id,
                              chat_ids,
                              g.approved_at_ms,
                              g.expires_at_ms,
                              vault_->root_key().fingerprint(),
                              true};
  }
  if (gate_enabled_) {
    Status ok = owner_passphrase
                    ? vault_->VerifyOwner(*owner_passphrase)
                    : Status(Error::Permission(
                          "owner approval required: pass --passphrase-file <file> or set "
                          "XMTP_SIGNET_OWNER_PASSPHRASE_FILE"));
    if (!ok.ok()) {
      Json f = audit_base;
      f["chatIds"] = need;
      f["reason"] = ok.error().message();
      (void)audit_->Append("admin.read-elevation.denied", f);
      return ok.error();
    }
  }
  AdminReadElevation e{NewPrefixedId("approval_"),       chat_ids, now, now + ttl_ms_,
                       vault_->root_key().fingerprint(), false};
  for (const auto& chat : need) {
    grants_[{ctx.admin_key_fingerprint, chat}] = Grant{e.approval_id, now, e.expires_at_ms};
  }
  Json f = audit_base;
  f["chatIds"] = need;
  f["approvalId"] = e.approval_id;
  f["expiresAt"] = IsoTime(e.expires_at_ms);
  f["gate"] = gate_enabled_ ? "owner-passphrase" : "disabled";
  Status audited = audit_->Append("admin.read-elevation.approved", f);
  if (!audited.ok()) {
    for (const auto& chat : need) grants_.erase({ctx.admin_key_fingerprint, chat});
    return Error::Internal("read elevation rolled back: cannot write the audit log");
  }
  for (const auto& chat : need) {
    for (const auto& fn : listeners_) fn({ElevationEventType::kApproved, chat, e.expires_at_ms});
  }
  return e;
}

void ElevationManager::Sweep() {
  std::int64_t now = clock_->NowMs();
  for (auto it = grants_.begin(); it != grants_.end();) {
    if (now < it->second.expires_at_ms) {
      ++it;
      continue;
    }
    (void)audit_->Append("admin.read-elevation.expired", {{"adminFingerprint", it->first.first},
                                                          {"chatId", it->first.second},
                                                          {"approvalId", it->second.approval_id}});
    for (const auto& fn : listeners_)
      fn({ElevationEventType::kExpired, it->first.second, it->second.expires_at_ms});
    it = grants_.erase(it);
  }
}

}  // namespace xs::signet
