// Stage, then merge (the OpenMLS model, design/style.md): a commit, whether
// created by us (CreateCommit) or received (ProcessMessage), is fully
// validated into a StagedCommit without changing the group's epoch. The
// caller persists what it needs (the commit's effects, the message that
// carried it), then calls Merge, so the epoch change and the stored message
// commit atomically. A StagedCommit that is never merged costs nothing: the
// group stays in its epoch (XMTP: our own commit lost the race to another
// one, profile §4.2 item 8).
//
// Merge moves the current epoch's message keys into the past-epoch window
// (config.max_past_epochs) so late application messages still decrypt, then
// installs the new epoch and drops this epoch's proposals.
//
// Thread contract: StagedCommit is a move-only value.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/result.h"
#include "mls/group/group_state.h"

namespace xs::mls {

// What a commit changed, for the caller (XMTP validates membership changes).
struct CommitSummary {
  std::uint32_t committer = 0;
  std::vector<LeafIndex> updated;
  std::vector<LeafIndex> removed;
  std::vector<LeafIndex> added;
  bool extensions_changed = false;
  bool has_path = false;
};

struct StagedCommit {
  std::uint64_t from_epoch = 0;
  Bytes group_id;
  CommitSummary summary;
  // The group in the new epoch; absent when the commit removes us (the
  // removed member cannot follow the new epoch, §12.4.2).
  std::unique_ptr<GroupState> next;

  bool removes_self() const { return next == nullptr; }
  std::uint64_t new_epoch() const { return from_epoch + 1; }
};

// kStagedCommitMismatch unless `staged` was made from `state` in its current
// epoch. When the commit removes us, the state becomes inactive.
Status Merge(GroupState& state, StagedCommit staged);

}  // namespace xs::mls
