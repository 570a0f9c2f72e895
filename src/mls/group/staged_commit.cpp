#include "mls/group/staged_commit.h"

#include "mls/group/group_error.h"

namespace xs::mls {
namespace {

// The current epoch as a PastEpoch (its secret tree is moved out).
PastEpoch RetireCurrentEpoch(GroupState& state) {
  PastEpoch past{state.epoch(),
                 std::move(state.secrets.sender_data_secret),
                 std::move(state.secret_tree),
                 state.ContextBytes(),
                 {}};
  past.signature_keys.resize(state.tree().leaf_count());
  state.tree().ForEachLeaf([&](LeafIndex index, const LeafNode& leaf) {
    past.signature_keys[index.value] = leaf.signature_key;
  });
  return past;
}

void KeepResumptionPsk(GroupState& state) {
  if (state.config.resumption_psks_kept == 0) return;
  state.resumption_psks[state.epoch()] = state.secrets.resumption_psk.Clone();
  while (state.resumption_psks.size() > state.config.resumption_psks_kept) {
    state.resumption_psks.erase(state.resumption_psks.begin());
  }
}

}  // namespace

Status Merge(GroupState& state, StagedCommit staged) {
  if (!state.active() || staged.group_id != state.group_id() ||
      staged.from_epoch != state.epoch()) {
    return MakeGroupError(GroupError::kStagedCommitMismatch);
  }
  KeepResumptionPsk(state);
  if (state.config.max_past_epochs > 0) {
    state.past_epochs.push_front(RetireCurrentEpoch(state));
    while (state.past_epochs.size() > state.config.max_past_epochs) state.past_epochs.pop_back();
  }
  state.proposals.clear();
  state.pending_updates.clear();

  if (!staged.next) {
    state.is_active = false;
    return OkStatus();
  }
  GroupState& next = *staged.next;
  state.group_context = std::move(next.group_context);
  state.public_tree = std::move(next.public_tree);
  state.private_keys = std::move(next.private_keys);
  state.secrets = std::move(next.secrets);
  state.secret_tree = std::move(next.secret_tree);
  state.interim_transcript_hash = std::move(next.interim_transcript_hash);
  return OkStatus();
}

}  // namespace xs::mls
