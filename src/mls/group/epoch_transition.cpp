#include "mls/group/epoch_transition.h"

#include "mls/group/group_error.h"
#include "mls/key_schedule.h"
#include "mls/messages/serialize.h"
#include "mls/psk.h"
#include "mls/transcript_hash.h"

namespace xs::mls {
namespace {

// ResumptionPSKUsage application (§8.6).
constexpr std::uint8_t kResumptionUsageApplication = 1;

Result<crypto::Secret> LookupPsk(const GroupState& state, const PreSharedKeyId& id) {
  if (id.psk_type == PskType::kExternal) {
    auto found = state.external_psks.find(id.psk_id);
    if (found == state.external_psks.end()) {
      return MakeGroupError(GroupError::kPskNotAvailable, "§8.4: unknown external PSK");
    }
    return found->second.Clone();
  }
  if (id.usage != kResumptionUsageApplication || id.psk_group_id != state.group_id()) {
    return MakeGroupError(GroupError::kPskNotAvailable, "§8.6: resumption PSK of another group");
  }
  if (id.psk_epoch == state.epoch()) return state.secrets.resumption_psk.Clone();
  auto found = state.resumption_psks.find(id.psk_epoch);
  if (found == state.resumption_psks.end()) {
    return MakeGroupError(GroupError::kPskNotAvailable, "§8.6: resumption PSK epoch not kept");
  }
  return found->second.Clone();
}

}  // namespace

Result<crypto::Secret> ComputePskSecret(const GroupState& state,
                                        const std::vector<PreSharedKeyId>& psks) {
  if (psks.empty()) return ZeroSecret(state.suite());
  if (!state.config.allow_psks) {
    return MakeGroupError(GroupError::kUnsupportedProposal, "profile §1.3: PSKs");
  }
  std::vector<PskWithSecret> with_secrets;
  with_secrets.reserve(psks.size());
  for (const PreSharedKeyId& id : psks) {
    XS_TRY(crypto::Secret psk, LookupPsk(state, id));
    with_secrets.push_back(PskWithSecret{id, std::move(psk)});
  }
  return DerivePskSecret(state.suite(), with_secrets);
}

Result<EpochTransition> AdvanceEpoch(const GroupState& state, const AppliedProposals& applied,
                                     std::span<const std::uint8_t> tree_hash,
                                     const crypto::Secret& commit_secret,
                                     const crypto::Secret& psk_secret, WireFormat wire_format,
                                     const FramedContent& content,
                                     std::span<const std::uint8_t> signature) {
  const crypto::CipherSuite& suite = state.suite();
  EpochTransition out;
  out.context = state.context();
  out.context.epoch = state.epoch() + 1;
  out.context.tree_hash.assign(tree_hash.begin(), tree_hash.end());
  out.context.extensions = applied.extensions;
  XS_TRY(out.context.confirmed_transcript_hash,
         ComputeConfirmedTranscriptHash(suite, state.interim_transcript_hash, wire_format, content,
                                        signature));
  XS_TRY(out.secrets, DeriveEpochSecrets(suite, state.secrets.init_secret, commit_secret,
                                         psk_secret, Serialize(out.context)));
  XS_TRY(out.confirmation_tag, ComputeConfirmationTag(suite, out.secrets.confirmation_key,
                                                      out.context.confirmed_transcript_hash));
  out.interim_transcript_hash = ComputeInterimTranscriptHash(
      suite, out.context.confirmed_transcript_hash, out.confirmation_tag);
  return out;
}

GroupState BuildNextState(const GroupState& current, PublicTree tree, TreePrivateKeys keys,
                          EpochTransition transition) {
  const std::uint32_t leaf_count = tree.leaf_count();
  SecretTree secret_tree(current.suite(), std::move(transition.secrets.encryption_secret),
                         leaf_count, current.config.ratchet_window);
  GroupState next(current.suite(), std::move(tree), std::move(keys), std::move(secret_tree));
  next.config = current.config;
  next.group_context = std::move(transition.context);
  next.own_leaf_index = current.own_leaf();
  next.signature_private_key = current.signature_private_key.Clone();
  next.secrets = std::move(transition.secrets);
  // Only needed to build the Welcome, which happens before this.
  next.secrets.joiner_secret = crypto::Secret();
  next.secrets.welcome_secret = crypto::Secret();
  next.interim_transcript_hash = std::move(transition.interim_transcript_hash);
  return next;
}

}  // namespace xs::mls
