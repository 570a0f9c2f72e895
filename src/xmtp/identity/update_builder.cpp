#include "xmtp/identity/update_builder.h"

#include <map>

#include "xmtp/identity/inbox_id.h"
#include "xmtp/identity/signature_text.h"

namespace xs::xmtp::identity {
namespace {

namespace pb = ::xmtp::identity::associations;

std::string IdentifierString(const MemberId& id) { return id.ToString(); }

// The signature slots of an action, in the order Pending::signers lists them.
std::vector<pb::Signature*> Slots(pb::IdentityAction& action) {
  switch (action.kind_case()) {
    case pb::IdentityAction::kCreateInbox:
      return {action.mutable_create_inbox()->mutable_initial_identifier_signature()};
    case pb::IdentityAction::kAdd:
      return {action.mutable_add()->mutable_existing_member_signature(),
              action.mutable_add()->mutable_new_member_signature()};
    case pb::IdentityAction::kRevoke:
      return {action.mutable_revoke()->mutable_recovery_identifier_signature()};
    case pb::IdentityAction::kChangeRecoveryAddress:
      return {action.mutable_change_recovery_address()
                  ->mutable_existing_recovery_identifier_signature()};
    case pb::IdentityAction::KIND_NOT_SET:
      break;
  }
  return {};
}

}  // namespace

UpdateBuilder::UpdateBuilder(std::string inbox_id, std::uint64_t client_timestamp_ns)
    : inbox_id_(std::move(inbox_id)), client_timestamp_ns_(client_timestamp_ns) {}

UpdateBuilder& UpdateBuilder::CreateInbox(MemberId owner, std::uint64_t nonce) {
  Pending p;
  auto* c = p.action.mutable_create_inbox();
  c->set_initial_identifier(IdentifierString(owner));
  c->set_nonce(nonce);
  c->set_initial_identifier_kind(IdentifierKindOf(owner));
  p.text = CreateInboxText(owner);
  p.signers = {std::move(owner)};
  actions_.push_back(std::move(p));
  return *this;
}

UpdateBuilder& UpdateBuilder::AddAssociation(MemberId new_member, MemberId existing_member) {
  Pending p;
  *p.action.mutable_add()->mutable_new_member_identifier() = MemberIdToProto(new_member);
  p.text = AddAssociationText(new_member);
  p.signers = {std::move(existing_member), std::move(new_member)};
  actions_.push_back(std::move(p));
  return *this;
}

UpdateBuilder& UpdateBuilder::RevokeAssociation(const MemberId& member,
                                                MemberId recovery_identifier) {
  Pending p;
  *p.action.mutable_revoke()->mutable_member_to_revoke() = MemberIdToProto(member);
  p.text = RevokeAssociationText(member);
  p.signers = {std::move(recovery_identifier)};
  actions_.push_back(std::move(p));
  return *this;
}

UpdateBuilder& UpdateBuilder::ChangeRecoveryAddress(const MemberId& new_recovery,
                                                    MemberId recovery_identifier) {
  Pending p;
  auto* c = p.action.mutable_change_recovery_address();
  c->set_new_recovery_identifier(IdentifierString(new_recovery));
  c->set_new_recovery_identifier_kind(IdentifierKindOf(new_recovery));
  p.text = ChangeRecoveryText(new_recovery);
  p.signers = {std::move(recovery_identifier)};
  actions_.push_back(std::move(p));
  return *this;
}

std::string UpdateBuilder::SignatureText() const {
  std::vector<std::string> texts;
  texts.reserve(actions_.size());
  for (const auto& p : actions_) texts.push_back(p.text);
  return AssembleSignatureText(inbox_id_, client_timestamp_ns_, texts);
}

Result<pb::IdentityUpdate> UpdateBuilder::Sign(
    std::initializer_list<const IdentitySigner*> signers) const {
  const std::string text = SignatureText();
  std::map<MemberId, pb::Signature> made;  // one signature per signer
  pb::IdentityUpdate update;
  update.set_inbox_id(inbox_id_);
  update.set_client_timestamp_ns(client_timestamp_ns_);
  for (const auto& p : actions_) {
    pb::IdentityAction action = p.action;
    std::vector<pb::Signature*> slots = Slots(action);
    for (std::size_t i = 0; i < slots.size() && i < p.signers.size(); ++i) {
      const MemberId& who = p.signers[i];
      auto it = made.find(who);
      if (it == made.end()) {
        const IdentitySigner* signer = nullptr;
        for (const IdentitySigner* s : signers) {
          if (s != nullptr && s->identity() == who) signer = s;
        }
        if (signer == nullptr) {
          return Error::Validation("signers", "no signer for member " + who.ToString());
        }
        XS_TRY(pb::Signature sig, signer->Sign(text));
        it = made.emplace(who, std::move(sig)).first;
      }
      *slots[i] = it->second;
    }
    *update.add_actions() = std::move(action);
  }
  return update;
}

Result<pb::IdentityUpdate> BuildRegistrationUpdate(const WalletKey& wallet,
                                                   const InstallationKey& installation,
                                                   std::uint64_t nonce,
                                                   std::uint64_t client_timestamp_ns) {
  XS_TRY(std::string inbox_id, DeriveInboxId(wallet.identity(), nonce));
  UpdateBuilder builder(std::move(inbox_id), client_timestamp_ns);
  builder.CreateInbox(wallet.identity(), nonce)
      .AddAssociation(installation.identity(), wallet.identity());
  return builder.Sign({&wallet, &installation});
}

}  // namespace xs::xmtp::identity
