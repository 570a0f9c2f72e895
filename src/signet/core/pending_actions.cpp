#include "signet/core/pending_actions.h"

#include "base/clock.h"

namespace xs::signet {

Json PendingAction::ToJson() const {
  return {{"actionId", action_id},
          {"credentialId", credential_id},
          {"actionType", action_type},
          {"payload", payload},
          {"createdAt", IsoTime(created_at_ms)},
          {"expiresAt", IsoTime(expires_at_ms)}};
}

PendingAction PendingActions::Add(const std::string& credential_id, const std::string& action_type,
                                  Json payload) {
  std::int64_t now = clock_->NowMs();
  PendingAction a{NewPrefixedId("action_"), credential_id, action_type,
                  std::move(payload),       now,           now + expiry_ms_};
  actions_[a.action_id] = a;
  return a;
}

Result<ConfirmOutcome> PendingActions::Confirm(const std::string& action_id,
                                               const std::string& credential_id, bool confirmed) {
  auto it = actions_.find(action_id);
  if (it == actions_.end()) return Error::NotFound("pending action not found: " + action_id);
  if (it->second.credential_id != credential_id) {
    return Error::Permission("pending action belongs to another credential");
  }
  PendingAction a = it->second;
  actions_.erase(it);
  if (clock_->NowMs() >= a.expires_at_ms) {
    (void)audit_->Append("pending-action.expired",
                         {{"actionId", a.action_id}, {"credentialId", a.credential_id}});
    return Error::Permission("pending action expired");
  }
  return ConfirmOutcome{!confirmed, std::move(a)};
}

std::vector<PendingAction> PendingActions::ListFor(const std::string& credential_id) const {
  std::vector<PendingAction> out;
  for (const auto& [id, a] : actions_) {
    if (a.credential_id == credential_id) out.push_back(a);
  }
  return out;
}

std::vector<PendingAction> PendingActions::All() const {
  std::vector<PendingAction> out;
  out.reserve(actions_.size());
  for (const auto& [id, a] : actions_) out.push_back(a);
  return out;
}

const PendingAction* PendingActions::Find(const std::string& action_id) const {
  auto it = actions_.find(action_id);
  return it == actions_.end() ? nullptr : &it->second;
}

std::vector<PendingAction> PendingActions::Sweep() {
  std::vector<PendingAction> out;
  std::int64_t now = clock_->NowMs();
  for (auto it = actions_.begin(); it != actions_.end();) {
    if (now >= it->second.expires_at_ms) {
      (void)audit_->Append("pending-action.expired", {{"actionId", it->second.action_id},
                                                      {"credentialId", it->second.credential_id}});
      out.push_back(it->second);
      it = actions_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

void PendingActions::DropCredential(const std::string& credential_id) {
  std::erase_if(actions_, [&](const auto& kv) { return kv.second.credential_id == credential_id; });
}

}  // namespace xs::signet
