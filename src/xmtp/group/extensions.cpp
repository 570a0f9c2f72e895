#include "xmtp/group/extensions.h"

#include <algorithm>
#include <cctype>
#include <span>
#include <utility>

#include "mls/group/xmtp_profile.h"
#include "mls/messages/extensions.h"
#include "xmtp/group/constants.h"
#include "xmtp/group/group_error.h"

namespace xs::xmtp::group {
namespace {

std::span<const std::uint8_t> AsSpan(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string_view AsView(const Bytes& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string TypeName(std::uint16_t type) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(type >> shift) & 0xF];
  return out;
}

// The one extension of `type`; missing_extension when absent,
// malformed_extension when present twice.
Result<const mls::Extension*> FindOne(const std::vector<mls::Extension>& list, std::uint16_t type) {
  const mls::Extension* found = nullptr;
  for (const mls::Extension& ext : list) {
    if (ext.extension_type != type) continue;
    if (found != nullptr) {
      return MakeGroupRuleError(GroupRuleError::kMalformedExtension,
                                "extension " + TypeName(type) + " appears twice");
    }
    found = &ext;
  }
  if (found == nullptr) {
    return MakeGroupRuleError(GroupRuleError::kMissingExtension,
                              "group context lacks extension " + TypeName(type));
  }
  return found;
}

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::vector<mls::Extension> BuildGroupContextExtensions(const GroupExtensions& group) {
  std::string metadata = EncodeGroupMetadata(group.metadata);
  std::string mutable_metadata = EncodeMutableMetadata(group.mutable_metadata);
  std::string membership = EncodeMembership(group.membership);
  std::string permissions = EncodePermissions(group.policies);
  return mls::MakeXmtpGroupContextExtensions(AsSpan(metadata), AsSpan(mutable_metadata),
                                             AsSpan(membership), AsSpan(permissions));
}

Result<GroupExtensions> ParseGroupContextExtensions(const std::vector<mls::Extension>& extensions) {
  GroupExtensions out;
  XS_TRY(const mls::Extension* immutable,
         FindOne(extensions, mls::kExtensionXmtpImmutableMetadata));
  auto metadata_bytes = mls::ParseImmutableMetadataExtension(*immutable);
  if (!metadata_bytes.ok()) {
    return MakeGroupRuleError(GroupRuleError::kMalformedExtension,
                              "0xf000: " + metadata_bytes.error().message());
  }
  XS_TRY(out.metadata, DecodeGroupMetadata(AsView(*metadata_bytes)));

  XS_TRY(const mls::Extension* mutable_ext,
         FindOne(extensions, mls::kExtensionXmtpMutableMetadata));
  XS_TRY(out.mutable_metadata, DecodeMutableMetadata(AsView(mutable_ext->extension_data)));

  XS_TRY(const mls::Extension* membership, FindOne(extensions, mls::kExtensionXmtpGroupMembership));
  XS_TRY(out.membership, DecodeMembership(AsView(membership->extension_data)));

  XS_TRY(const mls::Extension* permissions,
         FindOne(extensions, mls::kExtensionXmtpMutablePermissions));
  XS_TRY(out.policies, DecodePermissions(AsView(permissions->extension_data)));
  return out;
}

GroupExtensions NewGroup(std::string_view creator_inbox_id, PolicySet policies,
                         const std::map<std::string, std::string>& attributes) {
  GroupExtensions group;
  group.metadata.conversation_type = ConversationType::kGroup;
  group.metadata.creator_inbox_id = std::string(creator_inbox_id);
  for (std::string_view key : {kGroupName, kDescription, kImageUrl, kAppData}) {
    group.mutable_metadata.attributes[std::string(key)] = "";
  }
  for (const auto& [key, value] : attributes) group.mutable_metadata.attributes[key] = value;
  group.mutable_metadata.super_admins.emplace_back(creator_inbox_id);
  group.membership.members.emplace(std::string(creator_inbox_id), 0);
  group.policies = std::move(policies);
  return group;
}

GroupExtensions NewDm(std::string_view creator_inbox_id, std::string_view peer_inbox_id) {
  GroupExtensions group;
  group.metadata.conversation_type = ConversationType::kDm;
  group.metadata.creator_inbox_id = std::string(creator_inbox_id);
  group.metadata.dm_members = DmMembers{std::string(creator_inbox_id), std::string(peer_inbox_id)};
  for (std::string_view key : {kGroupName, kDescription, kImageUrl}) {
    group.mutable_metadata.attributes[std::string(key)] = "";
  }
  group.membership.members.emplace(std::string(creator_inbox_id), 0);
  group.policies = DmPolicies();
  return group;
}

std::string DmId(std::string_view a, std::string_view b) {
  std::string first = Lowercase(a);
  std::string second = Lowercase(b);
  if (second < first) std::swap(first, second);
  return "dm:" + first + ":" + second;
}

Role RoleOf(const GroupExtensions& group, std::string_view inbox_id) {
  if (Contains(group.mutable_metadata.super_admins, inbox_id)) return Role::kSuperAdmin;
  if (Contains(group.mutable_metadata.admins, inbox_id)) return Role::kAdmin;
  return Role::kMember;
}

}  // namespace xs::xmtp::group
