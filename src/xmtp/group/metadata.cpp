#include "xmtp/group/metadata.h"

#include <string>

#include "xmtp/group/constants.h"
#include "xmtp/group/group_error.h"
#include "xmtp/group/proto_bytes.h"
#include "xmtp/mls/message_contents/group_membership.pb.h"
#include "xmtp/mls/message_contents/group_metadata.pb.h"
#include "xmtp/mls/message_contents/group_mutable_metadata.pb.h"

namespace xs::xmtp::group {
namespace pb = ::xmtp::mls::message_contents;
namespace {

Error Malformed(std::string_view what) {
  return MakeGroupRuleError(GroupRuleError::kMalformedExtension, what);
}

template <typename Message>
bool Parse(Message& message, std::string_view bytes) {
  return message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace

std::string EncodeGroupMetadata(const GroupMetadata& metadata) {
  pb::GroupMetadataV1 message;
  message.set_conversation_type(static_cast<pb::ConversationType>(metadata.conversation_type));
  message.set_creator_inbox_id(metadata.creator_inbox_id);
  if (metadata.dm_members) {
    pb::DmMembers* dm = message.mutable_dm_members();
    dm->mutable_dm_member_one()->set_inbox_id(metadata.dm_members->member_one);
    dm->mutable_dm_member_two()->set_inbox_id(metadata.dm_members->member_two);
  }
  if (metadata.oneshot_message) {
    message.set_oneshot_message(
        std::string(metadata.oneshot_message->begin(), metadata.oneshot_message->end()));
  }
  return SerializeDeterministic(message);
}

Result<GroupMetadata> DecodeGroupMetadata(std::string_view bytes) {
  pb::GroupMetadataV1 message;
  if (!Parse(message, bytes)) return Malformed("GroupMetadataV1 does not decode");
  int type = static_cast<int>(message.conversation_type());
  if (type < 1 || type > 4) {
    return Malformed("GroupMetadataV1.conversation_type " + std::to_string(type) + " is not 1..4");
  }
  GroupMetadata out;
  out.conversation_type = static_cast<ConversationType>(type);
  out.creator_inbox_id = message.creator_inbox_id();
  if (message.has_dm_members()) {
    const pb::DmMembers& dm = message.dm_members();
    if (!dm.has_dm_member_one() || !dm.has_dm_member_two()) {
      return Malformed("GroupMetadataV1.dm_members lacks a member");
    }
    out.dm_members = DmMembers{dm.dm_member_one().inbox_id(), dm.dm_member_two().inbox_id()};
  }
  if (message.has_oneshot_message()) {
    const std::string& raw = message.oneshot_message();
    out.oneshot_message = Bytes(raw.begin(), raw.end());
  }
  return out;
}

std::string EncodeMutableMetadata(const MutableMetadata& metadata) {
  pb::GroupMutableMetadataV1 message;
  for (const auto& [key, value] : metadata.attributes) {
    (*message.mutable_attributes())[key] = value;
  }
  // Both lists are always written, even empty: libxmtp rejects their absence.
  pb::Inboxes* admins = message.mutable_admin_list();
  for (const std::string& inbox : metadata.admins) admins->add_inbox_ids(inbox);
  pb::Inboxes* super_admins = message.mutable_super_admin_list();
  for (const std::string& inbox : metadata.super_admins) super_admins->add_inbox_ids(inbox);
  return SerializeDeterministic(message);
}

Result<MutableMetadata> DecodeMutableMetadata(std::string_view bytes) {
  pb::GroupMutableMetadataV1 message;
  if (!Parse(message, bytes)) return Malformed("GroupMutableMetadataV1 does not decode");
  if (!message.has_admin_list() || !message.has_super_admin_list()) {
    return Malformed("GroupMutableMetadataV1 lacks admin_list or super_admin_list");
  }
  MutableMetadata out;
  out.attributes.insert(message.attributes().begin(), message.attributes().end());
  out.admins.assign(message.admin_list().inbox_ids().begin(),
                    message.admin_list().inbox_ids().end());
  out.super_admins.assign(message.super_admin_list().inbox_ids().begin(),
                          message.super_admin_list().inbox_ids().end());
  return out;
}

std::string EncodeMembership(const Membership& membership) {
  pb::GroupMembership message;
  for (const auto& [inbox, sequence_id] : membership.members) {
    (*message.mutable_members())[inbox] = sequence_id;
  }
  for (const Bytes& installation : membership.failed_installations) {
    message.add_failed_installations(std::string(installation.begin(), installation.end()));
  }
  return SerializeDeterministic(message);
}

Result<Membership> DecodeMembership(std::string_view bytes) {
  pb::GroupMembership message;
  if (!Parse(message, bytes)) return Malformed("GroupMembership does not decode");
  Membership out;
  out.members.insert(message.members().begin(), message.members().end());
  for (const std::string& installation : message.failed_installations()) {
    out.failed_installations.emplace_back(installation.begin(), installation.end());
  }
  return out;
}

std::optional<std::size_t> AttributeLimit(std::string_view key) {
  if (key == kGroupName) return kMaxGroupNameBytes;
  if (key == kDescription) return kMaxDescriptionBytes;
  if (key == kImageUrl) return kMaxImageUrlBytes;
  if (key == kAppData) return kMaxAppDataBytes;
  return std::nullopt;
}

Status CheckAttributeLength(std::string_view key, std::string_view value) {
  std::optional<std::size_t> limit = AttributeLimit(key);
  if (limit && value.size() > *limit) {
    return MakeGroupRuleError(GroupRuleError::kMetadataTooLong,
                              std::string(key) + " is " + std::to_string(value.size()) +
                                  " bytes, more than " + std::to_string(*limit));
  }
  return OkStatus();
}

Status CheckMetadataLimits(const MutableMetadata& metadata) {
  for (const auto& [key, value] : metadata.attributes) {
    XS_RETURN_IF_ERROR(CheckAttributeLength(key, value));
  }
  return OkStatus();
}

Status CheckGroupSize(const Membership& membership) {
  if (membership.members.size() > kMaxGroupSizeCount) {
    return MakeGroupRuleError(GroupRuleError::kGroupTooLarge,
                              std::to_string(membership.members.size()) + " inboxes, more than " +
                                  std::to_string(kMaxGroupSizeCount));
  }
  return OkStatus();
}

}  // namespace xs::xmtp::group
