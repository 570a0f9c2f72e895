// Client: leaving a group the way libxmtp 1.9 does (leave_group, XIP-75). A
// member cannot commit its own removal, so it sends a LeaveRequest message
// (xmtp.org/leave_request:1.0); every member notes the sender as a pending
// removal, and a super admin removes the pending members with an ordinary
// commit, whose GroupUpdated lists them as left_inboxes instead of
// removed_inboxes. The pending list is not on the wire: each member derives
// it from the group's messages (and rebuilds it from its store on Open).
#include <algorithm>

#include "codec/hex.h"
#include "xmtp/client/client.h"
#include "xmtp/client/client_internal.h"
#include "xmtp/content/content_types.h"

namespace xs::xmtp::client {

namespace {

bool IsSuperAdmin(const group::GroupExtensions& ext, const std::string& inbox_id) {
  const auto& list = ext.mutable_metadata.super_admins;
  return std::find(list.begin(), list.end(), inbox_id) != list.end();
}

}  // namespace

Status Client::Leave(const Bytes& group_id) {
  std::lock_guard lock(mu_);
  XS_TRY(GroupRecord * g, Find(group_id));
  XS_RETURN_IF_ERROR(Catchup(*g));
  if (!g->active) return Error::Permission("not a member of this conversation");
  if (g->ext.metadata.conversation_type == group::ConversationType::kDm) {
    return Error::Validation("group_id", "a DM cannot be left");
  }
  if (g->ext.membership.members.size() <= 1) {
    return Error::Validation("group_id",
                             "the only member cannot leave; there is nobody to remove it");
  }
  if (IsSuperAdmin(g->ext, inbox_id_)) {
    // Super admins cannot remove super admins, so libxmtp lets none leave
    // until demoted. With another super admin left we demote ourselves.
    if (g->ext.mutable_metadata.super_admins.size() == 1) {
      return Error::Permission(
          "the only super admin cannot leave: nobody could remove it; make another member "
          "super admin first");
    }
    XS_RETURN_IF_ERROR(UpdateAdmins(group_id, AdminChange::kRemoveSuperAdmin, inbox_id_));
    if (!g->active) return Error::Permission("not a member of this conversation");
  }
  if (g->pending_removals.contains(inbox_id_)) return OkStatus();  // asked already
  XS_TRY(Bytes id, Send(group_id, content::EncodeLeaveRequest()));
  (void)id;
  g->pending_removals.insert(inbox_id_);
  return OkStatus();
}

Result<bool> Client::PendingRemoval(const Bytes& group_id) const {
  std::lock_guard lock(mu_);
  XS_TRY(const GroupRecord* g, Find(group_id));
  return g->active && g->pending_removals.contains(inbox_id_);
}

void Client::NoteLeaveRequest(GroupRecord& group, const Message& message) {
  if (!message.content.type.SameType(content::LeaveRequestType())) return;
  if (!group.ext.membership.members.contains(message.sender_inbox_id)) return;
  group.pending_removals.insert(message.sender_inbox_id);
}

void Client::NoteRemovals(GroupRecord& group, group::ValidatedCommit& change) {
  group::MarkLeftInboxes(change, group.pending_removals);
  for (const auto& inbox : change.removed_inboxes) group.pending_removals.erase(inbox);
  for (const auto& inbox : change.left_inboxes) group.pending_removals.erase(inbox);
}

Status Client::LoadPendingRemovals(GroupRecord& group) {
  const Bytes& group_id = group.state.group_id();
  const std::string leave_type = content::LeaveRequestType().ToString();
  store::MessageQuery query;
  // Most groups never saw a LeaveRequest: then there is nothing to replay,
  // and Open reads (and unseals) none of their messages.
  query.content_type = leave_type;
  query.limit = 1;
  XS_TRY(auto any, ctx_.store().ListMessages(installation_key_, group_id, query));
  if (any.empty()) return OkStatus();
  query.content_type.reset();
  query.limit = store::kMaxMessagePage;
  while (true) {
    XS_TRY(auto page, ctx_.store().ListMessages(installation_key_, group_id, query));
    for (const auto& stored : page) {
      if (stored.content_type == leave_type) {
        group.pending_removals.insert(stored.sender_inbox_id);
      } else if (stored.kind == store::MessageKind::kMembershipChange) {
        XS_TRY(Message m, FromStored(stored));
        auto update = content::DecodeGroupUpdated(m.content);
        if (!update.ok()) continue;
        for (const auto& inbox : update->removed_inboxes) group.pending_removals.erase(inbox);
        for (const auto& inbox : update->left_inboxes) group.pending_removals.erase(inbox);
      }
    }
    if (page.size() < query.limit) break;
    query.sent_after_ns = page.back().sent_ns;
  }
  std::erase_if(group.pending_removals, [&](const std::string& inbox) {
    return !group.ext.membership.members.contains(inbox);
  });
  return OkStatus();
}

void Client::RemoveLeavers(GroupRecord& group) {
  // libxmtp leaves this to super admins (its pending-self-remove worker),
  // and not to one that asked to leave itself.
  if (!group.active || !IsSuperAdmin(group.ext, inbox_id_) ||
      group.pending_removals.contains(inbox_id_)) {
    return;
  }
  // A super admin cannot be removed (it must step down first, as ours does).
  std::vector<std::string> leavers;
  for (const auto& inbox : group.pending_removals) {
    if (group.ext.membership.members.contains(inbox) && !IsSuperAdmin(group.ext, inbox)) {
      leavers.push_back(inbox);
    }
  }
  if (leavers.empty()) return;
  Bytes group_id = group.state.group_id();
  if (Status s = RemoveMembers(group_id, leavers); !s.ok()) {
    ctx_.Log("group " + codec::HexEncode(group_id) +
             ": removing members that asked to leave failed: " + s.error().ToString());
  }
}

}  // namespace xs::xmtp::client
