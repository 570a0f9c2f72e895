// Client: consent, stored in the store's consent table (owner: our
// installation). A group is keyed by its id in lowercase hex, as libxmtp keys
// its ConversationId records.
//
// Defaults are derived, not written: a conversation with no record of its
// own (nor, for a DM, on its thread) is allowed when our inbox created it
// and unknown otherwise — libxmtp's rule for groups it creates and for
// Welcomes (created_by us -> allowed). Deriving it keeps one rule for
// creation, Welcomes, restarts and duplicate DMs. Written implicitly only:
// allowed by Send, unknown by the Welcome that brings us back after leaving.
#include "codec/hex.h"
#include "mls/messages/limits.h"
#include "xmtp/client/client.h"
#include "xmtp/client/client_internal.h"
#include "xmtp/identity/inbox_id.h"

namespace xs::xmtp::client {

namespace {

Status CheckState(ConsentState state) {
  switch (state) {
    case ConsentState::kUnknown:
    case ConsentState::kAllowed:
    case ConsentState::kDenied:
      return OkStatus();
  }
  return Error::Validation("consent", "state must be unknown, allowed or denied");
}

Status CheckInboxId(const std::string& inbox_id) {
  if (identity::IsValidInboxId(inbox_id)) return OkStatus();
  return Error::Validation("inbox_id", "not an inbox id (64 lowercase hex digits)");
}

Status CheckGroupId(const Bytes& group_id) {
  if (!group_id.empty() && group_id.size() <= mls::kMaxGroupIdSize) return OkStatus();
  return Error::Validation("group_id",
                           "must be 1 to " + std::to_string(mls::kMaxGroupIdSize) + " bytes");
}

}  // namespace

Status Client::SetInboxConsent(const std::string& inbox_id, ConsentState state) {
  XS_RETURN_IF_ERROR(CheckInboxId(inbox_id));
  XS_RETURN_IF_ERROR(CheckState(state));
  XS_STORE_WRITE(ctx_.store(), ([&](store::Transaction& tx) {
                   return tx.SetConsent(installation_key_, store::ConsentEntity::kInboxId, inbox_id,
                                        state);
                 }));
  return OkStatus();
}

Result<ConsentState> Client::InboxConsent(const std::string& inbox_id) const {
  XS_RETURN_IF_ERROR(CheckInboxId(inbox_id));
  XS_TRY(store::ConsentRecord record,
         ctx_.store().GetConsent(installation_key_, store::ConsentEntity::kInboxId, inbox_id));
  return record.state;
}

Status Client::SetGroupConsent(const Bytes& group_id, ConsentState state) {
  XS_RETURN_IF_ERROR(CheckGroupId(group_id));
  XS_RETURN_IF_ERROR(CheckState(state));
  const std::string entity = codec::HexEncode(group_id);
  XS_STORE_WRITE(ctx_.store(), ([&](store::Transaction& tx) {
                   return tx.SetConsent(installation_key_, store::ConsentEntity::kGroupId, entity,
                                        state);
                 }));
  return OkStatus();
}

Result<ConsentState> Client::GroupConsent(const Bytes& group_id) const {
  XS_RETURN_IF_ERROR(CheckGroupId(group_id));
  std::lock_guard lock(mu_);
  // The newest record on the thread (a group's thread is the group alone).
  store::ConsentRecord newest;
  bool ours = false;
  for (const auto& id : ThreadOf(group_id)) {
    XS_TRY(store::ConsentRecord record,
           ctx_.store().GetConsent(installation_key_, store::ConsentEntity::kGroupId,
                                   codec::HexEncode(id)));
    if (record.updated_ns != 0 && record.updated_ns >= newest.updated_ns) newest = record;
    auto it = groups_.find(id);
    ours = ours || (it != groups_.end() && it->second->ext.metadata.creator_inbox_id == inbox_id_);
  }
  if (newest.updated_ns != 0) return newest.state;
  return ours ? ConsentState::kAllowed : ConsentState::kUnknown;
}

Status Client::ConsentOnWelcome(store::Transaction& tx, const GroupRecord& joined) {
  if (joined.ext.metadata.creator_inbox_id == inbox_id_) return OkStatus();  // allowed
  const Bytes& group_id = joined.state.group_id();
  // Read before the Welcome's row replaces it (same thread as tx).
  auto before = ctx_.store().GetGroup(installation_key_, group_id);
  if (!before.ok()) return before.error().IsNotFound() ? OkStatus() : Status(before.error());
  if (before->membership != store::MembershipState::kLeft) return OkStatus();
  return tx.SetConsent(installation_key_, store::ConsentEntity::kGroupId,
                       codec::HexEncode(group_id), ConsentState::kUnknown);
}

}  // namespace xs::xmtp::client
