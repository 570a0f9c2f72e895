// The checks libxmtp applies to every commit on top of MLS
// (xmtp-mls-profile.md §2.4, validated_commit.rs rules 1-8) and to a
// Welcome's initial membership, as pure functions over the group-context
// extensions before and after the commit plus the commit's facts (who
// committed; which leaves it adds, removes and updates). A receiver that
// rejects what libxmtp rejects and accepts what it accepts stays in the
// same group state as libxmtp members; a sender checks its own commits the
// same way before publishing.
//
// Rules: (1) the committer is a current member; (2) sequence ids only grow;
// (3, 7) Adds/Removes match the installation diff the membership change
// implies; (4) the committer and every updated leaf are installations of
// their inbox; (5) the PolicySet of `before` allows the committer every
// change (membership, metadata fields, admin lists, permissions); (6) no
// PSK proposals; (8) attribute length limits. Also: 0xF000 never changes,
// and a DM holds only its two inboxes.
//
// Permissions are evaluated against the committer (XMTP commits carry their
// proposals inline). A commit that breaks rule 5 fails with an
// Error::Permission (kind xmtp.group.permission_denied); any other broken
// rule with an Error::Validation (group_error.h).
//
// Thread contract: pure functions; the resolver is called synchronously.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "xmtp/group/extensions.h"
#include "xmtp/group/membership_checks.h"

namespace xs::xmtp::group {

struct CommitFacts {
  LeafIdentity committer;
  // Leaves of Add proposals, leaves removed by Remove proposals, and new
  // leaves of Update proposals.
  std::vector<LeafIdentity> added, removed, updated;
  bool has_psk = false;
  // Informational: libxmtp verifies the committer's credential (rule 4)
  // whether or not the commit carries a path.
  bool committer_path = true;
};

struct MetadataFieldChange {
  std::string field;
  std::optional<std::string> old_value, new_value;
  bool operator==(const MetadataFieldChange&) const = default;
};

// What a valid commit did, as libxmtp's GroupUpdated message reports it.
struct ValidatedCommit {
  std::string actor_inbox_id;
  // left_inboxes stays empty until MarkLeftInboxes moves leavers there.
  std::vector<std::string> added_inboxes, removed_inboxes, left_inboxes;
  std::vector<MetadataFieldChange> metadata_changes;
  std::vector<std::string> added_admins, removed_admins, added_super_admins, removed_super_admins;
  bool permissions_changed = false;
  bool installations_changed = false;
  // Installations a super admin removed and added back (fork recovery).
  std::set<Bytes> readded_installations;
  // The group's minimum_supported_protocol_version after the commit (a
  // valid semver; see version.h): a client older than it pauses the group
  // rather than applying the commit.
  std::optional<std::string> minimum_supported_protocol_version;
};

// The part of ValidateCommit that needs no identity lookups: what changes
// between `before` and `after`, and whether `actor_inbox_id` may make those
// changes (rules 2, 5 and 8, unchanged 0xF000, DM membership, a floor that
// parses). Senders call it on the extensions they are about to propose.
// installations_changed and readded_installations stay empty.
Result<ValidatedCommit> CheckChange(const GroupExtensions& before, const GroupExtensions& after,
                                    std::string_view actor_inbox_id);

// All rules, for a received commit (or our own before publishing).
Result<ValidatedCommit> ValidateCommit(const GroupExtensions& before, const GroupExtensions& after,
                                       const CommitFacts& facts,
                                       const InstallationResolver& resolve);

// Attribute changes between two metadata values (keys sorted).
std::vector<MetadataFieldChange> MetadataChanges(const MutableMetadata& before,
                                                 const MutableMetadata& after);

// The "leaving" case of libxmtp's GroupUpdated: moves from removed_inboxes
// to left_inboxes every inbox that asked to leave (`pending_removals`: the
// senders of LeaveRequest messages). A member cannot commit its own
// removal (rule 4 needs the committer in the new membership, as in
// libxmtp); it asks to leave, and an admin's commit removes it.
void MarkLeftInboxes(ValidatedCommit& commit, const std::set<std::string>& pending_removals);

// The Welcome check (profile §2.4, last paragraph) over the group's
// extensions and the leaves of the Welcome's ratchet tree; a DM must also
// hold only its two inboxes.
Status ValidateWelcomeMembership(const GroupExtensions& group,
                                 const std::vector<LeafIdentity>& tree_leaves,
                                 const InstallationResolver& resolve);

// libxmtp's DM check on joining (validate_dm_group): conversation type DM
// with dm_members set; our inbox is one of them and the adder the other (or
// we added ourselves); no admins or super admins; the permissions are not
// wholly different from DmPolicies() (libxmtp rejects only when all five
// fixed policies differ, and so do we).
Status ValidateDmGroup(const GroupExtensions& group, std::string_view added_by_inbox_id,
                       std::string_view own_inbox_id);

}  // namespace xs::xmtp::group
