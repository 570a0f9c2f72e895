// The rules of protocol.md §3.5, action by action, following libxmtp's
// association log semantics: signatures are verified first, every action is
// checked against the state produced by the previous action of the same
// update, and the update's signatures join the seen set only once the whole
// update applied (so one update may reuse a signature across actions, as the
// SDK's create flow does, but no later update may).
#include <string>
#include <vector>

#include "xmtp/identity/association_state.h"
#include "xmtp/identity/constants.h"
#include "xmtp/identity/inbox_id.h"
#include "xmtp/identity/signature_text.h"
#include "xmtp/identity/signature_verifier.h"

namespace xs::xmtp::identity {
namespace {

namespace pb = ::xmtp::identity::associations;

struct Context {
  const std::string& text;
  std::uint64_t client_timestamp_ns;
  std::string field;  // "identity_update.actions[i]"
  // Raw bytes of every verified signature of the update so far.
  std::vector<std::string>* signatures;
};

void Record(const Context& ctx, const VerifiedSignature& sig) {
  ctx.signatures->push_back(sig.raw_bytes);
}

std::string Sub(const Context& ctx, std::string_view rest) {
  return ctx.field + "." + std::string(rest);
}

Status AllowedSignatureForKind(const MemberId& role, SignatureKind kind, const std::string& field) {
  bool ok = false;
  switch (role.kind) {
    case MemberKind::kEthereum:
      ok = kind == SignatureKind::kErc191 || kind == SignatureKind::kErc1271 ||
           kind == SignatureKind::kLegacyDelegated;
      break;
    case MemberKind::kInstallation:
      ok = kind == SignatureKind::kInstallationKey;
      break;
    case MemberKind::kPasskey:
      ok = kind == SignatureKind::kP256;
      break;
  }
  if (ok) return OkStatus();
  return Error::Validation(field, std::string(SignatureKindName(kind)) +
                                      " signature not allowed for member " + role.ToString());
}

Status ReplayCheck(const AssociationState& state,
                   std::initializer_list<const VerifiedSignature*> sigs, const std::string& field) {
  for (const VerifiedSignature* sig : sigs) {
    if (state.seen_signatures().count(sig->raw_bytes) != 0) {
      return Error::Validation(field, "signature replayed");
    }
  }
  return OkStatus();
}

Status ChainIdMatches(const AssociationState& state, const VerifiedSignature& sig,
                      const std::string& field) {
  const Member* member = state.FindMember(sig.signer);
  if (member == nullptr || member->added_on_chain_id == sig.chain_id) return OkStatus();
  return Error::Validation(field, "signature chain id does not match the member's chain id");
}

Result<AssociationState> ApplyCreate(const std::optional<AssociationState>& prior,
                                     const pb::CreateInbox& create, const Context& ctx) {
  const std::string base = Sub(ctx, "create_inbox");
  if (prior) return Error::Validation(base, "inbox already exists");
  XS_TRY(MemberId owner,
         MemberIdFromIdentifier(create.initial_identifier(), create.initial_identifier_kind(),
                                base + ".initial_identifier"));
  const std::string sig_field = base + ".initial_identifier_signature";
  XS_TRY(VerifiedSignature sig,
         VerifySignature(create.initial_identifier_signature(), ctx.text, sig_field));
  Record(ctx, sig);
  if (sig.signer != owner) {
    return Error::Validation(sig_field, "signer " + sig.signer.ToString() +
                                            " does not match initial identifier " +
                                            owner.ToString());
  }
  XS_RETURN_IF_ERROR(AllowedSignatureForKind(owner, sig.kind, sig_field));
  if (sig.kind == SignatureKind::kLegacyDelegated && create.nonce() != 0) {
    return Error::Validation(sig_field, "legacy delegated signature requires nonce 0");
  }
  XS_TRY(std::string inbox_id, DeriveInboxId(owner, create.nonce()));
  return AssociationState(std::move(inbox_id),
                          Member{owner, std::nullopt, std::nullopt, sig.chain_id});
}

Status CheckAddSigners(const AssociationState& state, const VerifiedSignature& existing,
                       const VerifiedSignature& added, const MemberId& new_member,
                       const std::string& base) {
  if (added.signer != new_member) {
    return Error::Validation(base + ".new_member_signature", "signer " + added.signer.ToString() +
                                                                 " does not match new member " +
                                                                 new_member.ToString());
  }
  if (added.signer == existing.signer) {
    return Error::Validation(base + ".existing_member_signature", "a member cannot add itself");
  }
  const bool legacy = existing.kind == SignatureKind::kLegacyDelegated ||
                      added.kind == SignatureKind::kLegacyDelegated;
  if (legacy && existing.signer.kind != MemberKind::kInstallation) {
    auto nonce0 = DeriveInboxId(existing.signer, 0);
    if (!nonce0.ok() || *nonce0 != state.inbox_id()) {
      return Error::Validation(base,
                               "legacy delegated signature only allowed on the nonce-0 inbox");
    }
  }
  return AllowedSignatureForKind(new_member, added.kind, base + ".new_member_signature");
}

Result<AssociationState> ApplyAdd(const std::optional<AssociationState>& prior,
                                  const pb::AddAssociation& add, const Context& ctx) {
  const std::string base = Sub(ctx, "add");
  if (!prior) return Error::Validation(base, "inbox does not exist yet");
  XS_TRY(MemberId new_member,
         MemberIdFromProto(add.new_member_identifier(), base + ".new_member_identifier"));
  const std::string existing_field = base + ".existing_member_signature";
  XS_TRY(VerifiedSignature added,
         VerifySignature(add.new_member_signature(), ctx.text, base + ".new_member_signature"));
  XS_TRY(VerifiedSignature existing,
         VerifySignature(add.existing_member_signature(), ctx.text, existing_field));
  Record(ctx, existing);
  Record(ctx, added);
  const AssociationState& state = *prior;
  XS_RETURN_IF_ERROR(ReplayCheck(state, {&existing, &added}, base));
  XS_RETURN_IF_ERROR(CheckAddSigners(state, existing, added, new_member, base));

  const Member* existing_member = state.FindMember(existing.signer);
  MemberId existing_id = existing.signer;
  if (existing_member != nullptr) {
    XS_RETURN_IF_ERROR(ChainIdMatches(state, existing, existing_field));
  } else {
    // Not a member: only the recovery identifier may add, with a real signature.
    if (existing.signer != state.recovery_identifier()) {
      return Error::Validation(existing_field, "signer " + existing.signer.ToString() +
                                                   " is neither a member nor the recovery "
                                                   "identifier");
    }
    if (existing.kind == SignatureKind::kLegacyDelegated) {
      return Error::Validation(existing_field, "recovery identifier cannot use a legacy signature");
    }
  }
  XS_RETURN_IF_ERROR(AllowedSignatureForKind(existing_id, existing.kind, existing_field));
  if (existing.signer.is_installation() && new_member.is_installation()) {
    return Error::Validation(existing_field, "an installation cannot add another installation");
  }
  AssociationState next = state;
  next.AddMember(Member{new_member, existing_id, ctx.client_timestamp_ns, added.chain_id});
  return next;
}

// Signature checks shared by revoke and change-recovery: only the current
// recovery identifier, never via a legacy key.
Status CheckRecoverySigner(const AssociationState& state, const VerifiedSignature& sig,
                           const std::string& field) {
  XS_RETURN_IF_ERROR(ReplayCheck(state, {&sig}, field));
  XS_RETURN_IF_ERROR(ChainIdMatches(state, sig, field));
  if (sig.kind == SignatureKind::kLegacyDelegated) {
    return Error::Validation(field, "legacy delegated signature not allowed here");
  }
  if (sig.signer != state.recovery_identifier()) {
    return Error::Validation(field, "signer " + sig.signer.ToString() +
                                        " is not the recovery identifier " +
                                        state.recovery_identifier().ToString());
  }
  return OkStatus();
}

Result<AssociationState> ApplyRevoke(const std::optional<AssociationState>& prior,
                                     const pb::RevokeAssociation& revoke, const Context& ctx) {
  const std::string base = Sub(ctx, "revoke");
  if (!prior) return Error::Validation(base, "inbox does not exist yet");
  XS_TRY(MemberId target, MemberIdFromProto(revoke.member_to_revoke(), base + ".member_to_revoke"));
  const std::string sig_field = base + ".recovery_identifier_signature";
  XS_TRY(VerifiedSignature sig,
         VerifySignature(revoke.recovery_identifier_signature(), ctx.text, sig_field));
  Record(ctx, sig);
  XS_RETURN_IF_ERROR(CheckRecoverySigner(*prior, sig, sig_field));
  AssociationState next = *prior;
  next.RemoveMember(target);
  // Installations the revoked member added go with it; wallets it added stay.
  for (const auto& [id, member] : prior->members()) {
    if (id.is_installation() && member.added_by == target) next.RemoveMember(id);
  }
  return next;
}

Result<AssociationState> ApplyChangeRecovery(const std::optional<AssociationState>& prior,
                                             const pb::ChangeRecoveryAddress& change,
                                             const Context& ctx) {
  const std::string base = Sub(ctx, "change_recovery_address");
  if (!prior) return Error::Validation(base, "inbox does not exist yet");
  XS_TRY(MemberId recovery, MemberIdFromIdentifier(change.new_recovery_identifier(),
                                                   change.new_recovery_identifier_kind(),
                                                   base + ".new_recovery_identifier"));
  const std::string sig_field = base + ".existing_recovery_identifier_signature";
  XS_TRY(VerifiedSignature sig,
         VerifySignature(change.existing_recovery_identifier_signature(), ctx.text, sig_field));
  Record(ctx, sig);
  XS_RETURN_IF_ERROR(CheckRecoverySigner(*prior, sig, sig_field));
  AssociationState next = *prior;
  next.SetRecovery(std::move(recovery));
  return next;
}

Result<AssociationState> ApplyAction(const std::optional<AssociationState>& prior,
                                     const pb::IdentityAction& action, const Context& ctx) {
  switch (action.kind_case()) {
    case pb::IdentityAction::kCreateInbox:
      return ApplyCreate(prior, action.create_inbox(), ctx);
    case pb::IdentityAction::kAdd:
      return ApplyAdd(prior, action.add(), ctx);
    case pb::IdentityAction::kRevoke:
      return ApplyRevoke(prior, action.revoke(), ctx);
    case pb::IdentityAction::kChangeRecoveryAddress:
      return ApplyChangeRecovery(prior, action.change_recovery_address(), ctx);
    case pb::IdentityAction::KIND_NOT_SET:
      break;
  }
  return Error::Validation(ctx.field, "action kind is not set");
}

}  // namespace

Result<AssociationState> ApplyUpdate(const std::optional<AssociationState>& prior,
                                     const pb::IdentityUpdate& update) {
  if (update.actions_size() == 0) {
    return Error::Validation("identity_update.actions", "update has no actions");
  }
  XS_TRY(std::string text, SignatureText(update));
  std::optional<AssociationState> state = prior;
  std::vector<std::string> signatures;
  for (int i = 0; i < update.actions_size(); ++i) {
    Context ctx{text, update.client_timestamp_ns(),
                "identity_update.actions[" + std::to_string(i) + "]", &signatures};
    XS_TRY(AssociationState next, ApplyAction(state, update.actions(i), ctx));
    state = std::move(next);
  }
  if (state->inbox_id() != update.inbox_id()) {
    return Error::Validation("identity_update.inbox_id",
                             "inbox id does not match the inbox (" + state->inbox_id() + ")");
  }
  if (state->members().size() > kMaxMembersPerInbox) {
    return Error::Validation("identity_update", "inbox has too many members");
  }
  for (auto& sig : signatures) state->AddSeenSignature(std::move(sig));
  return std::move(*state);
}

Result<AssociationState> ComputeState(std::span<const pb::IdentityUpdate> updates) {
  if (updates.empty()) return Error::Validation("identity_updates", "no updates");
  if (updates.size() > kMaxUpdatesPerInbox) {
    return Error::Validation("identity_updates", "too many updates");
  }
  std::optional<AssociationState> state;
  for (std::size_t i = 0; i < updates.size(); ++i) {
    auto next = ApplyUpdate(state, updates[i]);
    if (!next.ok()) {
      return std::move(next).error().Within("identity update " + std::to_string(i));
    }
    state = std::move(next).value();
  }
  return std::move(*state);
}

}  // namespace xs::xmtp::identity
