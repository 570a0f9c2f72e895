// The XMTP group state carried in MLS group-context extensions
// (xmtp-mls-profile.md §2.3, protocol.md §6) as plain values, with their
// protobuf codecs:
//   0xF000 GroupMetadataV1        immutable: conversation type, creator, DM pair
//   0xFF00 GroupMutableMetadataV1 attributes, admin and super-admin lists
//   0xFF01 GroupMembership        inbox id -> identity sequence id, failed installs
// Decoders accept what libxmtp accepts and reject what it rejects; maps may
// arrive in any order. Encoders are deterministic (map keys sorted).
//
// Thread contract: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace xs::xmtp::group {

using Bytes = std::vector<std::uint8_t>;

enum class ConversationType { kUnspecified = 0, kGroup = 1, kDm = 2, kSync = 3, kOneshot = 4 };

struct DmMembers {
  std::string member_one, member_two;
  bool operator==(const DmMembers&) const = default;
};

struct GroupMetadata {
  ConversationType conversation_type = ConversationType::kGroup;
  std::string creator_inbox_id;
  std::optional<DmMembers> dm_members;
  // Encoded OneshotMessage of a oneshot conversation, kept opaque.
  std::optional<Bytes> oneshot_message;
  bool operator==(const GroupMetadata&) const = default;
};

struct MutableMetadata {
  std::map<std::string, std::string> attributes;
  std::vector<std::string> admins, super_admins;
  bool operator==(const MutableMetadata&) const = default;
};

struct Membership {
  std::map<std::string, std::uint64_t> members;
  std::vector<Bytes> failed_installations;
  bool operator==(const Membership&) const = default;
};

std::string EncodeGroupMetadata(const GroupMetadata& metadata);
// Rejects conversation types other than 1..4 and a DmMembers missing a member.
Result<GroupMetadata> DecodeGroupMetadata(std::string_view bytes);

std::string EncodeMutableMetadata(const MutableMetadata& metadata);
// Rejects a message without admin_list or super_admin_list (libxmtp does).
Result<MutableMetadata> DecodeMutableMetadata(std::string_view bytes);

std::string EncodeMembership(const Membership& membership);
Result<Membership> DecodeMembership(std::string_view bytes);

// The byte limit libxmtp enforces on attribute `key`, nullopt for none.
std::optional<std::size_t> AttributeLimit(std::string_view key);
// Checks one attribute value against its limit (metadata_too_long error).
Status CheckAttributeLength(std::string_view key, std::string_view value);
// Checks every attribute of `metadata`.
Status CheckMetadataLimits(const MutableMetadata& metadata);
// libxmtp's sender-side limit: at most kMaxGroupSizeCount inboxes.
Status CheckGroupSize(const Membership& membership);

}  // namespace xs::xmtp::group
