// Group permission policies: the PolicySet of extension 0xFF02
// (GroupMutablePermissionsV1, xmtp-mls-profile.md §2.3, protocol.md §6), the
// presets libxmtp creates groups and DMs with, and their evaluation against
// the actor's role. Enum values equal the protobuf values.
//
// Thread contract: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace xs::xmtp::group {

// The actor's standing in a group (from 0xFF00's admin and super-admin lists).
enum class Role { kMember, kAdmin, kSuperAdmin };

enum class MembershipBase : std::uint8_t {
  kAllow = 1,
  kDeny = 2,
  kAllowIfAdminOrSuperAdmin = 3,
  kAllowIfSuperAdmin = 4,
};
enum class MetadataBase : std::uint8_t {
  kAllow = 1,
  kDeny = 2,
  kAllowIfAdmin = 3,  // admin or super admin
  kAllowIfSuperAdmin = 4,
};
enum class PermissionsBase : std::uint8_t {
  kDeny = 1,
  kAllowIfAdmin = 2,  // admin or super admin
  kAllowIfSuperAdmin = 3,
};

enum class Combinator : std::uint8_t { kBase, kAnd, kAny };

// One policy: a base policy, or all (kAnd) / any (kAny) of `policies`.
template <typename Base>
struct Policy {
  Combinator combinator = Combinator::kBase;
  Base base{};
  std::vector<Policy> policies;

  static Policy Of(Base b) { return Policy{Combinator::kBase, b, {}}; }
  static Policy And(std::vector<Policy> all) {
    return Policy{Combinator::kAnd, Base{}, std::move(all)};
  }
  static Policy Any(std::vector<Policy> any) {
    return Policy{Combinator::kAny, Base{}, std::move(any)};
  }
  bool operator==(const Policy&) const = default;
};

using MembershipPolicy = Policy<MembershipBase>;
using MetadataPolicy = Policy<MetadataBase>;
using PermissionsPolicy = Policy<PermissionsBase>;

struct PolicySet {
  MembershipPolicy add_member_policy;
  MembershipPolicy remove_member_policy;
  // Keyed by mutable-metadata attribute (constants.h).
  std::map<std::string, MetadataPolicy> update_metadata_policy;
  PermissionsPolicy add_admin_policy;
  PermissionsPolicy remove_admin_policy;
  PermissionsPolicy update_permissions_policy;
  bool operator==(const PolicySet&) const = default;
};

// libxmtp's "all members" preset (createGroup without options): anyone adds,
// admins remove, metadata open except the disappearing-message keys (admins)
// and minimum_supported_protocol_version (super admins); admin lists and
// permissions belong to super admins.
PolicySet DefaultPolicies();
// libxmtp's "admins only" preset: as above with adds and every metadata key
// (but minimum_supported_protocol_version) restricted to admins.
PolicySet AdminOnlyPolicies();
// What libxmtp puts in DMs: no membership, admin or permission changes,
// every metadata key open.
PolicySet DmPolicies();

// Which preset a policy set is, as libxmtp reports it to apps: the fixed
// policies must match, and every metadata policy present must be the one
// the preset gives that key (keys may be missing: older groups have fewer).
enum class PolicyPreset { kDefault, kAdminOnly, kCustom };
PolicyPreset PresetOf(const PolicySet& set);

// The metadata keys libxmtp's presets give a policy (its supported fields).
const std::vector<std::string_view>& SupportedMetadataFields();

bool Allows(const MembershipPolicy& policy, Role actor);
bool Allows(const MetadataPolicy& policy, Role actor);
bool Allows(const PermissionsPolicy& policy, Role actor);

// The policy governing attribute `field`: its own entry, otherwise
// super-admin-only for keys starting with "_" and admin-only for the rest
// (libxmtp's fallback).
MetadataPolicy MetadataPolicyFor(const PolicySet& set, std::string_view field);

// GroupMutablePermissionsV1 protobuf bytes (deterministic: map keys sorted).
std::string EncodePermissions(const PolicySet& set);
// Decodes GroupMutablePermissionsV1. As libxmtp: the policy set and its five
// fixed policies must be present, base values must be known (UNSPECIFIED is
// invalid) and and/any conditions non-empty.
Result<PolicySet> DecodePermissions(std::string_view bytes);

}  // namespace xs::xmtp::group
