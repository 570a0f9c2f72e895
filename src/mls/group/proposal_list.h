// The proposal list of a commit (RFC 9420 §12.2, §12.3): resolving
// ProposalOrRef entries against the proposals received this epoch, checking
// the list rules, and applying it to a copy of the tree and the group
// context extensions. Shared by the committer (commit.cpp) and the receivers
// (process.cpp) so that both sides accept exactly the same lists.
//
// Rules enforced (error kinds in group_error.h):
//   §12.1     each proposal valid on its own: Add KeyPackages (§10.1, §7.3,
//             required capabilities of the *new* extensions), Update leaf
//             nodes (§7.3, source update, new encryption key), Remove of a
//             non-blank leaf, GCE extensions supported by every member
//             (including the added ones), PSK nonce length
//   §12.2     no Update from the committer, no Remove of the committer, at
//             most one Update/Remove per leaf, no duplicate Adds (the same
//             signature key; also an Add of a current member that is not
//             removed in the same commit), at most one GCE, no duplicate
//             PSK ids, no ReInit with other proposals, no ExternalInit
//   profile   PSK (unless config.allow_psks), ReInit, ExternalInit and custom
//             proposal types (app_data_update, self_remove, ...) are
//             unsupported (§1.3)
//
// Thread contract: pure functions over the caller's state.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/result.h"
#include "mls/group/group_state.h"
#include "mls/messages/proposals.h"

namespace xs::mls {

struct ResolvedProposal {
  Proposal proposal;
  std::uint32_t sender = 0;  // member leaf index of the proposer
  Bytes ref;                 // ProposalRef when committed by reference, else empty
};

// Inline proposals get the committer as sender; references must be in the
// cache (kUnknownProposalRef).
Result<std::vector<ResolvedProposal>> ResolveProposals(const GroupState& state,
                                                       const Commit& commit,
                                                       std::uint32_t committer);

// The outcome of applying a list to copies of the tree and extensions.
struct AppliedProposals {
  PublicTree tree;
  std::vector<Extension> extensions;
  bool extensions_changed = false;
  std::vector<LeafIndex> updated;
  std::vector<LeafIndex> removed;
  std::vector<LeafIndex> added;            // in proposal order
  std::vector<KeyPackage> added_packages;  // same order
  std::vector<PreSharedKeyId> psks;        // in proposal order
  bool path_required = false;              // §12.4: empty list or path-required types
  bool removes_own_leaf = false;
  Bytes own_update_ref;  // our own Update proposal, when the list commits it
};

// §12.2 + §12.3 for a (non-external) commit by `committer`. `now` feeds the
// KeyPackage lifetime check when config.check_key_package_lifetime.
Result<AppliedProposals> ValidateAndApplyProposals(const GroupState& state,
                                                   const std::vector<ResolvedProposal>& proposals,
                                                   std::uint32_t committer, std::uint64_t now);

// §12.1.7 + profile §1.5/§1.6: `extensions` as a GroupContext extension list
// (no duplicates, allowed types) that every member of `tree` supports.
Status CheckGroupContextExtensions(const PublicTree& tree,
                                   const std::vector<Extension>& extensions);

// Profile §1.3 / §12.2: the proposal types a group accepts, whether they
// arrive alone or in a commit (Add, Update, Remove, GroupContextExtensions;
// PSK only when config.allow_psks).
Status CheckSupportedProposalType(const GroupState& state, const Proposal& proposal);

// Seconds since the Unix epoch on the group's clock (lifetime checks).
inline std::uint64_t NowSeconds(const GroupState& state) {
  return static_cast<std::uint64_t>(state.config.clock->NowSeconds());
}

}  // namespace xs::mls
