// The membership half of libxmtp's commit and welcome checks
// (xmtp-mls-profile.md §2.4 rules 2, 3, 4 and 7, and the Welcome check):
// which installations a change of GroupMembership (0xFF01) must add and
// remove, given each inbox's installation set at the sequence ids the
// membership records, and whether a commit's Add/Remove proposals or a
// Welcome's ratchet tree match.
//
// Installation sets come from an InstallationResolver: the installation
// keys of `inbox_id` in its association state after applying its identity
// updates up to `sequence_id` (XMTP identity, protocol.md §3.5). Sequence id
// 0 is libxmtp's creation placeholder: resolve it to the latest state known.
// Resolver errors pass through unchanged (they may be retryable network
// errors).
//
// Thread contract: pure functions; the resolver is called synchronously.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "mls/messages/leaf.h"
#include "xmtp/group/metadata.h"

namespace xs::xmtp::group {

// Who a leaf is: the inbox id of its credential and its signature key.
struct LeafIdentity {
  std::string inbox_id;
  Bytes installation_key;
  bool operator==(const LeafIdentity&) const = default;
};

// The identity of an MLS leaf: its basic credential's `identity` decoded as
// xmtp.identity.MlsCredential{inbox_id}, and its signature key. A credential
// that is not basic or does not decode is an invalid_credential error.
Result<LeafIdentity> LeafIdentityOf(const mls::LeafNode& leaf);

using InstallationResolver =
    std::function<Result<std::set<Bytes>>(const std::string& inbox_id, std::uint64_t sequence_id)>;

// Inboxes added, removed and re-resolved (sequence id changed) between two
// memberships, each sorted.
struct MembershipDiff {
  std::vector<std::string> added, removed, updated;
};

// Rule 2: the diff, or sequence_id_decreased when an inbox's sequence id went
// down, or invalid_sequence_id when an inbox is added at the placeholder 0.
Result<MembershipDiff> DiffMembership(const Membership& before, const Membership& after);

// Rule 3: the installations the commit must add (per inbox) and remove.
struct ExpectedInstallations {
  std::map<std::string, std::set<Bytes>> added_by_inbox;
  std::set<Bytes> removed;
};
Result<ExpectedInstallations> ExpectInstallations(const Membership& before, const Membership& after,
                                                  const MembershipDiff& diff,
                                                  const InstallationResolver& resolve);

// Rules 3 and 7: every added leaf must be an expected installation of the
// inbox its credential names (expected ones may be missing), and the removed
// installations must be exactly the expected ones minus `failed`
// (after.failed_installations). A super-admin committer may re-add
// (remove + add) installations; those are taken out of both sides first and
// returned. Errors: unexpected_installation, installation_removal_mismatch.
Result<std::set<Bytes>> MatchInstallations(const ExpectedInstallations& expected,
                                           const std::vector<LeafIdentity>& added,
                                           const std::vector<LeafIdentity>& removed,
                                           const std::vector<Bytes>& failed,
                                           bool committer_is_super_admin);

// Rule 4: the leaf's installation is in its inbox's state at the sequence id
// `after` records (not_member if the inbox is not in `after`,
// credential_mismatch if the installation is not its).
Status CheckLeafCredential(const LeafIdentity& leaf, const Membership& after,
                           const InstallationResolver& resolve);

// The Welcome check: every leaf of the tree is an installation of an inbox
// of `membership` at its recorded sequence id, and every such installation
// is in the tree or in failed_installations (welcome_membership otherwise).
Status CheckWelcomeMembership(const Membership& membership,
                              const std::vector<LeafIdentity>& tree_leaves,
                              const InstallationResolver& resolve);

}  // namespace xs::xmtp::group
