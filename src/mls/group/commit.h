// Creating a commit (RFC 9420 §12.4.1) and the Welcome for the members it
// adds (§12.4.3.1).
//
//   CommitOptions options;
//   options.proposals = {AddProposal{kp}, GroupContextExtensionsProposal{...}};  // inline
//   XS_TRY(CommitOutput out, CreateCommit(group, options));
//   publish out.commit; deliver out.welcome to the new members;
//   once the server has accepted the commit:  Merge(group, std::move(out.staged));
//
// The commit carries our inline proposals plus, by reference, the proposals
// received this epoch (except our own Updates, which a committer may not
// commit, §12.2, and Removes of ourselves). It is sent as a PrivateMessage
// under the current epoch's keys. XMTP always sends a path (profile §1.3),
// hence force_path defaults to true. The Welcome's GroupInfo carries the
// ratchet_tree extension (profile §0) and is signed by us.
//
// The group does not change epoch here: the caller merges `staged` when the
// commit is accepted, or drops it if another commit won the epoch. The
// handshake key used for the commit is consumed either way.
//
// Thread contract: mutates the GroupState (secret tree).
#pragma once

#include <optional>
#include <vector>

#include "base/result.h"
#include "mls/group/group_state.h"
#include "mls/group/key_package.h"
#include "mls/group/staged_commit.h"

namespace xs::mls {

struct CommitOptions {
  std::vector<Proposal> proposals;  // inline, proposed by us
  bool include_pending_proposals = true;
  bool force_path = true;
  // Changes to our leaf carried by the path (credential, capabilities,
  // extensions); the current ones when unset.
  std::optional<LeafNodeOptions> leaf;
};

struct CommitOutput {
  MlsMessage commit;
  std::optional<MlsMessage> welcome;  // when the commit adds members
  GroupInfo group_info;               // the new epoch's, signed, with ratchet_tree
  StagedCommit staged;
};

Result<CommitOutput> CreateCommit(GroupState& state, const CommitOptions& options = {});

}  // namespace xs::mls
