#include "xmtp/group/commit_validation.h"

#include <algorithm>
#include <map>
#include <utility>

#include "xmtp/group/constants.h"
#include "xmtp/group/group_error.h"
#include "xmtp/group/version.h"

namespace xs::xmtp::group {
namespace {

std::vector<std::string> Missing(const std::vector<std::string>& from,
                                 const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const std::string& inbox : from) {
    if (std::find(in.begin(), in.end(), inbox) == in.end()) out.push_back(inbox);
  }
  return out;
}

Error Denied(std::string_view policy, const std::string& actor, std::string_view what) {
  return MakeGroupRuleError(
      GroupRuleError::kPermissionDenied,
      std::string(policy) + " denies inbox " + actor + " " + std::string(what));
}

Status CheckDmMembers(const GroupExtensions& group) {
  if (group.metadata.conversation_type != ConversationType::kDm) return OkStatus();
  if (!group.metadata.dm_members) {
    return MakeGroupRuleError(GroupRuleError::kDmMembership, "DM without dm_members");
  }
  const DmMembers& pair = *group.metadata.dm_members;
  for (const auto& [inbox, sequence] : group.membership.members) {
    if (inbox != pair.member_one && inbox != pair.member_two) {
      return MakeGroupRuleError(GroupRuleError::kDmMembership,
                                "DM holds inbox " + inbox + " besides its two members");
    }
  }
  return OkStatus();
}

// Rule 5 (PolicySet::evaluate_commit in libxmtp), with roles and policies
// taken from the group before the commit.
Status CheckPermissions(const GroupExtensions& before, const ValidatedCommit& commit,
                        const std::vector<std::string>& all_removed,
                        std::size_t super_admins_after) {
  const PolicySet& policies = before.policies;
  const std::string& actor = commit.actor_inbox_id;
  Role role = RoleOf(before, actor);
  bool super_admin = role == Role::kSuperAdmin;

  // Adding the other member of a DM is always allowed.
  const std::optional<DmMembers>& dm = before.metadata.dm_members;
  bool dm_peer_add =
      dm && commit.added_inboxes.size() == 1 &&
      (commit.added_inboxes[0] == dm->member_one || commit.added_inboxes[0] == dm->member_two) &&
      commit.added_inboxes[0] != actor;
  if (!dm_peer_add) {
    for (const std::string& inbox : commit.added_inboxes) {
      if (!Allows(policies.add_member_policy, role)) {
        return Denied("add_member_policy", actor, "adding inbox " + inbox);
      }
    }
  }
  for (const std::string& inbox : all_removed) {
    if (!Allows(policies.remove_member_policy, role)) {
      return Denied("remove_member_policy", actor, "removing inbox " + inbox);
    }
    if (RoleOf(before, inbox) == Role::kSuperAdmin) {
      return MakeGroupRuleError(GroupRuleError::kPermissionDenied,
                                "super admin " + inbox + " cannot be removed");
    }
  }
  for (const MetadataFieldChange& change : commit.metadata_changes) {
    if (!Allows(MetadataPolicyFor(policies, change.field), role)) {
      return Denied("update_metadata_policy[" + change.field + "]", actor,
                    "changing " + change.field);
    }
  }
  if (!commit.added_admins.empty() && !Allows(policies.add_admin_policy, role)) {
    return Denied("add_admin_policy", actor, "adding admin " + commit.added_admins[0]);
  }
  if (!commit.removed_admins.empty() && !Allows(policies.remove_admin_policy, role)) {
    return Denied("remove_admin_policy", actor, "removing admin " + commit.removed_admins[0]);
  }
  if (!commit.added_super_admins.empty() && !super_admin) {
    return Denied("the super-admin rule", actor,
                  "adding super admin " + commit.added_super_admins[0]);
  }
  if (!commit.removed_super_admins.empty() && !super_admin) {
    return Denied("the super-admin rule", actor,
                  "removing super admin " + commit.removed_super_admins[0]);
  }
  if (!commit.removed_super_admins.empty() && super_admins_after == 0) {
    return MakeGroupRuleError(GroupRuleError::kPermissionDenied,
                              "the last super admin cannot be removed");
  }
  if (commit.permissions_changed && !super_admin) {
    return Denied("the super-admin rule", actor, "changing the permissions");
  }
  return OkStatus();
}

}  // namespace

std::vector<MetadataFieldChange> MetadataChanges(const MutableMetadata& before,
                                                 const MutableMetadata& after) {
  std::map<std::string, MetadataFieldChange> changes;
  for (const auto& [key, value] : before.attributes) {
    auto it = after.attributes.find(key);
    if (it == after.attributes.end()) {
      changes[key] = {key, value, std::nullopt};
    } else if (it->second != value) {
      changes[key] = {key, value, it->second};
    }
  }
  for (const auto& [key, value] : after.attributes) {
    if (!before.attributes.contains(key)) changes[key] = {key, std::nullopt, value};
  }
  std::vector<MetadataFieldChange> out;
  for (auto& [key, change] : changes) out.push_back(std::move(change));
  return out;
}

Result<ValidatedCommit> CheckChange(const GroupExtensions& before, const GroupExtensions& after,
                                    std::string_view actor_inbox_id) {
  if (after.metadata != before.metadata) {
    return MakeGroupRuleError(GroupRuleError::kImmutableMetadataChanged,
                              "the commit changes the immutable metadata (0xF000)");
  }
  ValidatedCommit commit;
  commit.actor_inbox_id = std::string(actor_inbox_id);
  commit.metadata_changes = MetadataChanges(before.mutable_metadata, after.mutable_metadata);
  for (const MetadataFieldChange& change : commit.metadata_changes) {  // rule 8
    if (change.new_value) XS_RETURN_IF_ERROR(CheckAttributeLength(change.field, *change.new_value));
  }
  XS_TRY(MembershipDiff diff, DiffMembership(before.membership, after.membership));  // rule 2
  XS_RETURN_IF_ERROR(CheckDmMembers(after));

  commit.added_inboxes = diff.added;
  commit.removed_inboxes = diff.removed;
  const MutableMetadata& old_meta = before.mutable_metadata;
  const MutableMetadata& new_meta = after.mutable_metadata;
  commit.added_admins = Missing(new_meta.admins, old_meta.admins);
  commit.removed_admins = Missing(old_meta.admins, new_meta.admins);
  commit.added_super_admins = Missing(new_meta.super_admins, old_meta.super_admins);
  commit.removed_super_admins = Missing(old_meta.super_admins, new_meta.super_admins);
  commit.permissions_changed = after.policies != before.policies;
  auto floor = new_meta.attributes.find(std::string(kMinimumSupportedProtocolVersion));
  if (floor != new_meta.attributes.end()) commit.minimum_supported_protocol_version = floor->second;

  XS_RETURN_IF_ERROR(  // rule 5
      CheckPermissions(before, commit, diff.removed, new_meta.super_admins.size()));
  if (commit.minimum_supported_protocol_version) {
    // libxmtp rejects the commit when the floor is not a version.
    XS_RETURN_IF_ERROR(ParseSemVer(*commit.minimum_supported_protocol_version));
  }
  return commit;
}

Result<ValidatedCommit> ValidateCommit(const GroupExtensions& before, const GroupExtensions& after,
                                       const CommitFacts& facts,
                                       const InstallationResolver& resolve) {
  if (!before.membership.members.contains(facts.committer.inbox_id)) {  // rule 1
    return MakeGroupRuleError(
        GroupRuleError::kNotMember,
        "committer inbox " + facts.committer.inbox_id + " is not a member of the group");
  }
  if (facts.has_psk) {  // rule 6
    return MakeGroupRuleError(GroupRuleError::kPskNotAllowed, "the commit carries a PSK proposal");
  }
  XS_TRY(ValidatedCommit commit, CheckChange(before, after, facts.committer.inbox_id));

  XS_TRY(MembershipDiff diff, DiffMembership(before.membership, after.membership));
  XS_TRY(ExpectedInstallations expected,
         ExpectInstallations(before.membership, after.membership, diff, resolve));
  bool super_admin = RoleOf(before, facts.committer.inbox_id) == Role::kSuperAdmin;
  XS_TRY(commit.readded_installations,  // rules 3 and 7
         MatchInstallations(expected, facts.added, facts.removed,
                            after.membership.failed_installations, super_admin));
  commit.installations_changed = !facts.added.empty() || !facts.removed.empty();

  XS_RETURN_IF_ERROR(CheckLeafCredential(facts.committer, after.membership, resolve));  // rule 4
  for (const LeafIdentity& leaf : facts.updated) {
    XS_RETURN_IF_ERROR(CheckLeafCredential(leaf, after.membership, resolve));
  }
  return commit;
}

void MarkLeftInboxes(ValidatedCommit& commit, const std::set<std::string>& pending_removals) {
  auto leaving = std::stable_partition(
      commit.removed_inboxes.begin(), commit.removed_inboxes.end(),
      [&](const std::string& inbox) { return !pending_removals.contains(inbox); });
  commit.left_inboxes.insert(commit.left_inboxes.end(), leaving, commit.removed_inboxes.end());
  commit.removed_inboxes.erase(leaving, commit.removed_inboxes.end());
}

Status ValidateWelcomeMembership(const GroupExtensions& group,
                                 const std::vector<LeafIdentity>& tree_leaves,
                                 const InstallationResolver& resolve) {
  XS_RETURN_IF_ERROR(CheckDmMembers(group));
  return CheckWelcomeMembership(group.membership, tree_leaves, resolve);
}

Status ValidateDmGroup(const GroupExtensions& group, std::string_view added_by_inbox_id,
                       std::string_view own_inbox_id) {
  auto invalid = [](std::string_view why) {
    return MakeGroupRuleError(GroupRuleError::kDmMembership, why);
  };
  if (group.metadata.conversation_type != ConversationType::kDm) {
    return invalid("conversation type is not DM");
  }
  if (!group.metadata.dm_members) return invalid("DM without dm_members");
  const DmMembers& pair = *group.metadata.dm_members;
  if (added_by_inbox_id == own_inbox_id) {
    if (pair.member_one != own_inbox_id && pair.member_two != own_inbox_id) {
      return invalid("our inbox is not one of the DM members");
    }
    return OkStatus();
  }
  bool expected_pair = (pair.member_one == added_by_inbox_id && pair.member_two == own_inbox_id) ||
                       (pair.member_one == own_inbox_id && pair.member_two == added_by_inbox_id);
  if (!expected_pair) return invalid("DM members are not us and the inbox that added us");
  if (!group.mutable_metadata.admins.empty() || !group.mutable_metadata.super_admins.empty()) {
    return invalid("a DM has admins");
  }
  PolicySet dm = DmPolicies();
  const PolicySet& p = group.policies;
  if (p.add_member_policy != dm.add_member_policy &&
      p.remove_member_policy != dm.remove_member_policy &&
      p.add_admin_policy != dm.add_admin_policy &&
      p.remove_admin_policy != dm.remove_admin_policy &&
      p.update_permissions_policy != dm.update_permissions_policy) {
    return invalid("DM permissions are not the DM policies");
  }
  return OkStatus();
}

}  // namespace xs::xmtp::group
