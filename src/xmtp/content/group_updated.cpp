// group updated (shared/xmtp/protocol.md §5.2): the GroupUpdated protobuf,
// no parameters, no fallback (libxmtp synthesizes it and never sends it).
#include "xmtp/content/codec_util.h"
#include "xmtp/content/codecs.h"
#include "xmtp/mls/message_contents/transcript_messages.pb.h"

namespace xs::xmtp::content {
namespace {

namespace pb = ::xmtp::mls::message_contents;
using InboxList = google::protobuf::RepeatedPtrField<pb::GroupUpdated::Inbox>;

void AddInboxes(const std::vector<std::string>& ids, InboxList* out) {
  for (const auto& id : ids) out->Add()->set_inbox_id(id);
}

std::vector<std::string> Inboxes(const InboxList& list) {
  std::vector<std::string> ids;
  ids.reserve(static_cast<std::size_t>(list.size()));
  for (const auto& inbox : list) ids.push_back(inbox.inbox_id());
  return ids;
}

}  // namespace

EncodedContent EncodeGroupUpdated(const GroupUpdated& update) {
  pb::GroupUpdated message;
  message.set_initiated_by_inbox_id(update.initiated_by_inbox_id);
  AddInboxes(update.added_inboxes, message.mutable_added_inboxes());
  AddInboxes(update.removed_inboxes, message.mutable_removed_inboxes());
  for (const auto& change : update.metadata_field_changes) {
    auto* out = message.add_metadata_field_changes();
    out->set_field_name(change.field_name);
    if (change.old_value) out->set_old_value(*change.old_value);
    if (change.new_value) out->set_new_value(*change.new_value);
  }
  AddInboxes(update.left_inboxes, message.mutable_left_inboxes());
  AddInboxes(update.added_admin_inboxes, message.mutable_added_admin_inboxes());
  AddInboxes(update.removed_admin_inboxes, message.mutable_removed_admin_inboxes());
  AddInboxes(update.added_super_admin_inboxes, message.mutable_added_super_admin_inboxes());
  AddInboxes(update.removed_super_admin_inboxes, message.mutable_removed_super_admin_inboxes());
  EncodedContent encoded;
  encoded.type = GroupUpdatedType();
  const std::string bytes = message.SerializeAsString();
  encoded.content.assign(bytes.begin(), bytes.end());
  return encoded;
}

Result<GroupUpdated> DecodeGroupUpdated(const EncodedContent& encoded) {
  XS_RETURN_IF_ERROR(internal::CheckType(encoded, GroupUpdatedType()));
  pb::GroupUpdated message;
  if (!message.ParseFromArray(encoded.content.data(), static_cast<int>(encoded.content.size()))) {
    return internal::Malformed("group updated", "not a protobuf GroupUpdated");
  }
  GroupUpdated update;
  update.initiated_by_inbox_id = message.initiated_by_inbox_id();
  update.added_inboxes = Inboxes(message.added_inboxes());
  update.removed_inboxes = Inboxes(message.removed_inboxes());
  for (const auto& change : message.metadata_field_changes()) {
    GroupUpdated::MetadataFieldChange out;
    out.field_name = change.field_name();
    if (change.has_old_value()) out.old_value = change.old_value();
    if (change.has_new_value()) out.new_value = change.new_value();
    update.metadata_field_changes.push_back(std::move(out));
  }
  update.left_inboxes = Inboxes(message.left_inboxes());
  update.added_admin_inboxes = Inboxes(message.added_admin_inboxes());
  update.removed_admin_inboxes = Inboxes(message.removed_admin_inboxes());
  update.added_super_admin_inboxes = Inboxes(message.added_super_admin_inboxes());
  update.removed_super_admin_inboxes = Inboxes(message.removed_super_admin_inboxes());
  return update;
}

}  // namespace xs::xmtp::content
