// The complete XMTP group-context extension set of a group
// (xmtp-mls-profile.md §2.3): building it for a new group or DM, encoding it
// as the MLS extension list libxmtp writes ([0xF000 (Metadata{<V>} around the
// protobuf), 0xFF00, 0xFF01, 0xFF02, required_capabilities]) and parsing a
// received list back, whatever its order.
//
// Thread contract: plain values and pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "mls/messages/leaf.h"
#include "xmtp/group/metadata.h"
#include "xmtp/group/policies.h"

namespace xs::xmtp::group {

struct GroupExtensions {
  GroupMetadata metadata;
  MutableMetadata mutable_metadata;
  Membership membership;
  PolicySet policies;
  bool operator==(const GroupExtensions&) const = default;
};

// The group-context extensions in libxmtp's order, required_capabilities last.
std::vector<mls::Extension> BuildGroupContextExtensions(const GroupExtensions& group);
// Parses the four XMTP extensions out of a group context's list (any order;
// other extensions are ignored). Errors: missing_extension,
// malformed_extension (also for a duplicated type), invalid_policy.
Result<GroupExtensions> ParseGroupContextExtensions(const std::vector<mls::Extension>& extensions);

// A new group as libxmtp creates it: conversation type GROUP, the creator
// the only super admin and the only member (at the creation placeholder
// sequence id 0), attributes group_name, description,
// group_image_url_square and app_data defaulting to "" and overridden or
// extended by `attributes`. libxmtp also writes a random _commit_log_signer;
// callers that publish a commit log add it to `attributes`.
GroupExtensions NewGroup(std::string_view creator_inbox_id, PolicySet policies,
                         const std::map<std::string, std::string>& attributes = {});
// A new DM as libxmtp creates it: conversation type DM, dm_members
// {creator, peer}, no admins, DmPolicies(), empty name, description and
// image url, the creator the only member at sequence id 0 (libxmtp also
// writes a random _commit_log_signer, as for groups).
GroupExtensions NewDm(std::string_view creator_inbox_id, std::string_view peer_inbox_id);

// libxmtp's local DM de-duplication key: "dm:" + both inbox ids lowercased,
// sorted and joined by ":".
std::string DmId(std::string_view a, std::string_view b);

// Super admin if listed as one, else admin if listed as one, else member.
Role RoleOf(const GroupExtensions& group, std::string_view inbox_id);

}  // namespace xs::xmtp::group
