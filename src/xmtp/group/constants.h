// Protocol constants of XMTP groups (shared/mls/xmtp-mls-profile.md §2.3,
// protocol.md §6): the mutable-metadata attribute keys, their length limits
// and the group size limits, with libxmtp's values.
//
// Thread contract: constants only.
#pragma once

#include <cstddef>
#include <string_view>

namespace xs::xmtp::group {

// Keys of GroupMutableMetadataV1.attributes.
inline constexpr std::string_view kGroupName = "group_name";
inline constexpr std::string_view kDescription = "description";
inline constexpr std::string_view kImageUrl = "group_image_url_square";
inline constexpr std::string_view kMessageDisappearFromNs = "message_disappear_from_ns";
inline constexpr std::string_view kMessageDisappearInNs = "message_disappear_in_ns";
inline constexpr std::string_view kMinimumSupportedProtocolVersion =
    "minimum_supported_protocol_version";
inline constexpr std::string_view kCommitLogSigner = "_commit_log_signer";
inline constexpr std::string_view kAppData = "app_data";

// An attribute whose key starts with this prefix and which has no policy of
// its own may only be changed by a super admin.
inline constexpr std::string_view kSuperAdminPrefix = "_";

// Length limits (bytes) libxmtp checks on every commit that changes the field.
inline constexpr std::size_t kMaxGroupNameBytes = 100;
inline constexpr std::size_t kMaxDescriptionBytes = 1000;
inline constexpr std::size_t kMaxImageUrlBytes = 2048;
inline constexpr std::size_t kMaxAppDataBytes = 8192;

// libxmtp's client-side group limits (senders check them).
inline constexpr std::size_t kMaxGroupSizeCount = 250;
inline constexpr std::size_t kMaxInstallationsPerInboxCount = 10;

}  // namespace xs::xmtp::group
