#include "xmtp/client/identity_cache.h"

#include <algorithm>

namespace xs::xmtp::client {

namespace idv1 = ::xmtp::identity::api::v1;

std::uint64_t IdentityCache::NewestSequenceId(const std::string& inbox_id) {
  std::lock_guard lock(mu_);
  auto it = logs_.find(inbox_id);
  if (it == logs_.end() || it->second.sequence_ids.empty()) return 0;
  return it->second.sequence_ids.back();
}

Status IdentityCache::Append(
    const std::string& inbox_id,
    const google::protobuf::RepeatedPtrField<idv1::GetIdentityUpdatesResponse::IdentityUpdateLog>&
        updates) {
  std::lock_guard lock(mu_);
  Log& log = logs_[inbox_id];
  for (const auto& entry : updates) {
    std::uint64_t seq = entry.sequence_id();
    // Another thread may have appended the same updates meanwhile.
    if (!log.sequence_ids.empty() && seq <= log.sequence_ids.back()) continue;
    std::optional<identity::AssociationState> prior;
    if (!log.states.empty()) prior = log.states.back();
    XS_TRY(identity::AssociationState next, identity::ApplyUpdate(prior, entry.update()));
    if (next.inbox_id() != inbox_id) {
      return Error::Validation("identity_updates", "an update of another inbox was returned");
    }
    log.sequence_ids.push_back(seq);
    log.states.push_back(std::move(next));
    log.updates.push_back(entry.update());
  }
  return OkStatus();
}

Status IdentityCache::Refresh(const std::vector<std::string>& inbox_ids) {
  if (inbox_ids.empty()) return OkStatus();
  idv1::GetIdentityUpdatesRequest req;
  for (const auto& inbox : inbox_ids) {
    auto* r = req.add_requests();
    r->set_inbox_id(inbox);
    r->set_sequence_id(NewestSequenceId(inbox));
  }
  XS_TRY(idv1::GetIdentityUpdatesResponse resp, api_.GetIdentityUpdates(req));
  for (int i = 0; i < resp.responses_size(); ++i) {
    XS_RETURN_IF_ERROR(Append(inbox_ids[static_cast<std::size_t>(i)], resp.responses(i).updates()));
  }
  return OkStatus();
}

Result<ResolvedInbox> IdentityCache::Latest(const std::string& inbox_id) {
  XS_RETURN_IF_ERROR(Refresh({inbox_id}));
  std::lock_guard lock(mu_);
  auto it = logs_.find(inbox_id);
  if (it == logs_.end() || it->second.states.empty()) {
    return Error::NotFound("inbox " + inbox_id + " has no identity updates");
  }
  return ResolvedInbox{it->second.sequence_ids.back(), it->second.states.back()};
}

Result<std::set<Bytes>> IdentityCache::InstallationsAt(const std::string& inbox_id,
                                                       std::uint64_t sequence_id) {
  if (sequence_id == 0) {  // "the newest state" (libxmtp's placeholder)
    XS_TRY(ResolvedInbox latest, Latest(inbox_id));
    std::set<Bytes> keys;
    for (auto& key : latest.state.InstallationKeys()) keys.insert(std::move(key));
    return keys;
  }
  if (NewestSequenceId(inbox_id) < sequence_id) XS_RETURN_IF_ERROR(Refresh({inbox_id}));
  std::lock_guard lock(mu_);
  auto it = logs_.find(inbox_id);
  if (it == logs_.end() || it->second.sequence_ids.empty() ||
      it->second.sequence_ids.front() > sequence_id) {
    return Error::Validation("group_membership", "inbox " + inbox_id +
                                                     " has no identity update at sequence id " +
                                                     std::to_string(sequence_id));
  }
  if (it->second.sequence_ids.back() < sequence_id) {
    return Error::Validation("group_membership", "sequence id " + std::to_string(sequence_id) +
                                                     " of inbox " + inbox_id +
                                                     " is beyond the network's identity log");
  }
  // The state after the last update at or before `sequence_id` (libxmtp:
  // association state "as of" a sequence id; ids are global, not per inbox).
  const Log& log = it->second;
  auto pos = std::upper_bound(log.sequence_ids.begin(), log.sequence_ids.end(), sequence_id);
  const auto& state = log.states[static_cast<std::size_t>(pos - log.sequence_ids.begin()) - 1];
  std::set<Bytes> keys;
  for (auto& key : state.InstallationKeys()) keys.insert(std::move(key));
  return keys;
}

}  // namespace xs::xmtp::client
