// Builds and signs identity updates the way libxmtp does: actions are listed
// first, the whole update's signature text is rendered once, and each member
// that must sign does so once over that text (so a wallet that both creates
// the inbox and adds an installation contributes the same signature bytes to
// both actions, as observed from the SDK).
//
//   UpdateBuilder b(inbox_id, clock.NowNs());
//   b.CreateInbox(wallet.identity(), 1).AddAssociation(inst.identity(), wallet.identity());
//   XS_TRY(auto update, b.Sign({&wallet, &inst}));
//
// Thread contract: a builder is a single-threaded value.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "base/result.h"
#include "xmtp/identity/associations/association.pb.h"
#include "xmtp/identity/identifiers.h"
#include "xmtp/identity/signer.h"

namespace xs::xmtp::identity {

class UpdateBuilder {
 public:
  UpdateBuilder(std::string inbox_id, std::uint64_t client_timestamp_ns);

  UpdateBuilder& CreateInbox(MemberId owner, std::uint64_t nonce);
  UpdateBuilder& AddAssociation(MemberId new_member, MemberId existing_member);
  UpdateBuilder& RevokeAssociation(const MemberId& member, MemberId recovery_identifier);
  UpdateBuilder& ChangeRecoveryAddress(const MemberId& new_recovery, MemberId recovery_identifier);

  // The text every signer signs.
  std::string SignatureText() const;

  // Signs with the given signers (each member named by an action must be
  // among them) and returns the finished update.
  Result<::xmtp::identity::associations::IdentityUpdate> Sign(
      std::initializer_list<const IdentitySigner*> signers) const;

 private:
  struct Pending {
    ::xmtp::identity::associations::IdentityAction action;
    std::string text;
    // Who fills each signature slot, in slot order (see .cpp).
    std::vector<MemberId> signers;
  };
  std::string inbox_id_;
  std::uint64_t client_timestamp_ns_;
  std::vector<Pending> actions_;
};

// The update `Client.create` publishes (protocol.md §2): CreateInbox(wallet,
// nonce) + AddAssociation(installation, signed by wallet and installation).
Result<::xmtp::identity::associations::IdentityUpdate> BuildRegistrationUpdate(
    const WalletKey& wallet, const InstallationKey& installation, std::uint64_t nonce,
    std::uint64_t client_timestamp_ns);

}  // namespace xs::xmtp::identity
