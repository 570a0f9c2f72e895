#include "mls/group/propose.h"

#include "mls/group/group_error.h"
#include "mls/group/proposal_list.h"
#include "mls/group/protect.h"
#include "mls/messages/extensions.h"
#include "mls/tree/tree_validation.h"

namespace xs::mls {
namespace {

Result<ProposalOutput> SendProposal(GroupState& state, Proposal proposal) {
  if (!state.active()) return MakeGroupError(GroupError::kInactive);
  const FramedContent content = MakeOwnContent(state, proposal);
  XS_TRY(FramedContentAuthData auth, SignOwnContent(state, content));
  XS_TRY(MlsMessage message, ProtectOwnContent(state, content, auth));
  Bytes ref = MakeProposalRef(state.suite(), WireFormat::kPrivateMessage, content, auth);
  state.proposals.push_back(CachedProposal{ref, std::move(proposal), state.own_leaf().value});
  return ProposalOutput{std::move(message), std::move(ref)};
}

}  // namespace

Result<ProposalOutput> ProposeAdd(GroupState& state, const KeyPackage& key_package) {
  XS_TRY(std::optional<RequiredCapabilities> required,
         RequiredCapabilitiesOf(state.context().extensions));
  KeyPackageValidationOptions options;
  options.cipher_suite = state.suite().id();
  if (state.config.check_key_package_lifetime) options.now = NowSeconds(state);
  options.max_lifetime_range = state.config.max_lifetime_range;
  options.required_capabilities = required ? &*required : nullptr;
  if (auto valid = ValidateKeyPackage(state.suite(), key_package, options); !valid.ok()) {
    return MakeGroupError(GroupError::kInvalidKeyPackage, valid.error().message());
  }
  return SendProposal(state, AddProposal{key_package});
}

Result<ProposalOutput> ProposeRemove(GroupState& state, LeafIndex removed) {
  if (state.tree().leaf(removed) == nullptr) {
    return MakeGroupError(GroupError::kInvalidProposal, "§12.1.3: Remove of a blank leaf");
  }
  return SendProposal(state, RemoveProposal{removed.value});
}

Result<ProposalOutput> ProposeUpdate(GroupState& state,
                                     const std::optional<LeafNodeOptions>& leaf_options) {
  const LeafNode* current = state.tree().leaf(state.own_leaf());
  if (current == nullptr) return MakeGroupError(GroupError::kInactive);
  crypto::HpkeKeyPair encryption = state.suite().GenerateHpkeKeyPair();
  LeafNode leaf = *current;
  if (leaf_options) {
    leaf.credential = leaf_options->credential;
    leaf.capabilities = leaf_options->capabilities;
    leaf.extensions = leaf_options->extensions;
  }
  leaf.encryption_key = encryption.public_key;
  leaf.source = LeafNodeSource::kUpdate;
  leaf.lifetime = {};
  leaf.parent_hash.clear();
  XS_RETURN_IF_ERROR(SignLeafNode(state.suite(), leaf, state.signature_private_key.bytes(),
                                  state.group_id(), state.own_leaf()));
  XS_TRY(ProposalOutput out, SendProposal(state, UpdateProposal{std::move(leaf)}));
  state.pending_updates.push_back(
      PendingUpdate{out.ref, std::move(encryption.private_key), encryption.public_key});
  return out;
}

Result<ProposalOutput> ProposeGroupContextExtensions(GroupState& state,
                                                     std::vector<Extension> extensions) {
  XS_RETURN_IF_ERROR(CheckGroupContextExtensions(state.tree(), extensions));
  return SendProposal(state, GroupContextExtensionsProposal{std::move(extensions)});
}

}  // namespace xs::mls
