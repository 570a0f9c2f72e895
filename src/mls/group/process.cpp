#include "mls/group/process.h"

#include <algorithm>

#include "mls/group/epoch_transition.h"
#include "mls/group/group_error.h"
#include "mls/group/key_package.h"
#include "mls/group/proposal_list.h"
#include "mls/group/protect.h"
#include "mls/key_schedule.h"
#include "mls/messages/extensions.h"
#include "mls/transcript_hash.h"
#include "mls/tree/tree_validation.h"
#include "mls/tree/treekem.h"

namespace xs::mls {
namespace {

Error PathError(std::string_view rule, const Error& cause) {
  std::string detail(rule);
  detail += ": ";
  detail += cause.message();
  return MakeGroupError(GroupError::kInvalidPath, detail);
}

// §12.4.2: the UpdatePath's leaf is a valid commit-source leaf for the
// committer, and none of its public keys is already in the new tree.
Status CheckPath(const GroupState& state, const AppliedProposals& applied, LeafIndex committer,
                 const UpdatePath& path) {
  LeafNodeCheck check;
  check.expected_source = LeafNodeSource::kCommit;
  check.group_id = state.group_id();
  check.leaf_index = committer;
  check.replaces = committer;
  if (auto valid = ValidateLeafNode(applied.tree, path.leaf_node, check); !valid.ok()) {
    return PathError("§12.4.2: UpdatePath leaf node", valid.error());
  }
  XS_TRY(std::optional<RequiredCapabilities> required, RequiredCapabilitiesOf(applied.extensions));
  LeafProfileCheck profile{state.suite().id(), required ? &*required : nullptr,
                           state.config.max_lifetime_range};
  if (auto valid = CheckLeafNodeProfile(path.leaf_node, profile); !valid.ok()) {
    return PathError("§7.3: UpdatePath leaf node", valid.error());
  }
  const PublicTree& tree = applied.tree;
  for (const UpdatePathNode& node : path.nodes) {
    for (std::uint32_t i = 0; i < tree.node_width(); ++i) {
      const auto key = tree.EncryptionKey(NodeIndex(i));
      if (!key.empty() && std::equal(key.begin(), key.end(), node.encryption_key.begin(),
                                     node.encryption_key.end())) {
        return MakeGroupError(GroupError::kInvalidPath,
                              "§12.4.2: an UpdatePath key is already in the tree");
      }
    }
  }
  return OkStatus();
}

// Our own Update, committed by someone else: its leaf key is ours now.
Status AdoptOwnUpdate(const GroupState& state, const AppliedProposals& applied,
                      TreePrivateKeys& keys) {
  if (applied.own_update_ref.empty()) return OkStatus();
  for (const PendingUpdate& update : state.pending_updates) {
    if (update.ref == applied.own_update_ref) {
      keys.Set(state.own_leaf().node(), update.encryption_private_key.Clone(),
               update.encryption_key);
      return OkStatus();
    }
  }
  return MakeGroupError(GroupError::kInvalidProposal,
                        "§12.1.2: an Update in our name that we did not send");
}

StagedCommit RemovedStage(const GroupState& state, const AppliedProposals& applied,
                          std::uint32_t committer, bool has_path) {
  StagedCommit staged;
  staged.from_epoch = state.epoch();
  staged.group_id = state.group_id();
  staged.summary = CommitSummary{
      committer, applied.updated, applied.removed, applied.added, applied.extensions_changed,
      has_path};
  return staged;
}

}  // namespace

Result<StagedCommit> StageCommit(GroupState& state, WireFormat wire_format,
                                 const FramedContent& content, const FramedContentAuthData& auth) {
  const auto* commit = std::get_if<Commit>(&content.body);
  if (commit == nullptr) return Error::Validation("mls.Commit", "content is not a commit");
  const std::uint32_t committer = content.sender.index;
  XS_TRY(std::vector<ResolvedProposal> resolved, ResolveProposals(state, *commit, committer));
  XS_TRY(AppliedProposals applied,
         ValidateAndApplyProposals(state, resolved, committer, NowSeconds(state)));
  if (applied.path_required && !commit->path) {
    return MakeGroupError(GroupError::kPathRequired, "§12.4: path required by the proposals");
  }
  if (applied.removes_own_leaf) {
    // §12.4.2: the removed member cannot decrypt the new epoch.
    return RemovedStage(state, applied, committer, commit->path.has_value());
  }

  TreePrivateKeys keys = state.private_keys.Clone();
  XS_RETURN_IF_ERROR(AdoptOwnUpdate(state, applied, keys));
  crypto::Secret commit_secret = ZeroSecret(state.suite());
  Bytes tree_hash;
  if (commit->path) {
    XS_RETURN_IF_ERROR(CheckPath(state, applied, LeafIndex(committer), *commit->path));
    GroupContext provisional = state.context();
    provisional.epoch = state.epoch() + 1;
    provisional.extensions = applied.extensions;
    XS_TRY(AppliedUpdatePath path, ApplyUpdatePath(applied.tree, keys, LeafIndex(committer),
                                                   *commit->path, provisional, applied.added));
    commit_secret = std::move(path.commit_secret);
    tree_hash = std::move(path.tree_hash);
  } else {
    tree_hash = applied.tree.TreeHash();
  }
  keys.Prune(applied.tree);

  XS_TRY(crypto::Secret psk_secret, ComputePskSecret(state, applied.psks));
  XS_TRY(EpochTransition transition,
         AdvanceEpoch(state, applied, tree_hash, commit_secret, psk_secret, wire_format, content,
                      auth.signature));
  if (!VerifyConfirmationTag(state.suite(), transition.secrets.confirmation_key,
                             transition.context.confirmed_transcript_hash, auth.confirmation_tag)
           .ok()) {
    return MakeGroupError(GroupError::kConfirmationTagMismatch, "§12.4.2: commit tag");
  }

  StagedCommit staged;
  staged.from_epoch = state.epoch();
  staged.group_id = state.group_id();
  staged.summary = CommitSummary{committer,
                                 applied.updated,
                                 applied.removed,
                                 applied.added,
                                 applied.extensions_changed,
                                 commit->path.has_value()};
  staged.next = std::make_unique<GroupState>(
      BuildNextState(state, std::move(applied.tree), std::move(keys), std::move(transition)));
  return staged;
}

Result<ProcessedMessage> ProcessMessage(GroupState& state, const MlsMessage& message) {
  if (const auto* priv = std::get_if<PrivateMessage>(&message.body);
      priv != nullptr && priv->content_type == ContentType::kApplication) {
    if (message.version != kProtocolVersionMls10) {
      return MakeGroupError(GroupError::kUnsupportedVersion);
    }
    ProcessedMessage out;
    out.kind = ProcessedMessage::Kind::kApplication;
    XS_TRY(out.application, DecryptApplicationMessage(state, *priv));
    return out;
  }
  if (!state.active()) return MakeGroupError(GroupError::kInactive);
  XS_TRY(VerifiedContent verified, UnprotectHandshake(state, message));
  const FramedContent& content = verified.content;
  if (const auto* proposal = std::get_if<Proposal>(&content.body)) {
    XS_RETURN_IF_ERROR(CheckSupportedProposalType(state, *proposal));
    Bytes ref = MakeProposalRef(state.suite(), verified.wire_format, content, verified.auth);
    state.proposals.push_back(CachedProposal{ref, *proposal, content.sender.index});
    ProcessedMessage out;
    out.kind = ProcessedMessage::Kind::kProposal;
    out.proposal = ReceivedProposal{std::move(ref), *proposal, content.sender.index};
    return out;
  }
  if (std::holds_alternative<Commit>(content.body)) {
    ProcessedMessage out;
    out.kind = ProcessedMessage::Kind::kCommit;
    XS_TRY(out.commit, StageCommit(state, verified.wire_format, content, verified.auth));
    return out;
  }
  return MakeGroupError(GroupError::kUnsupportedWireFormat,
                        "§6.2: application data in a handshake message");
}

}  // namespace xs::mls
