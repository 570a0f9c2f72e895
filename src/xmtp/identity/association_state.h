// The association state of an XMTP inbox (protocol.md §3.5): which wallets,
// installations and passkeys currently belong to it, who may recover it, and
// which signatures it has already consumed. It is computed by replaying the
// inbox's identity updates in sequence order; every update is fully verified
// (signatures, signer roles, replays) and either applies as a whole or is
// rejected with an Error::Validation naming the offending field.
//
// Thread contract: AssociationState is an immutable-after-construction value;
// ApplyUpdate and ComputeState are pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "xmtp/identity/associations/association.pb.h"
#include "xmtp/identity/identifiers.h"

namespace xs::xmtp::identity {

struct Member {
  MemberId id;
  // The member whose signature added this one; absent for the creator.
  std::optional<MemberId> added_by;
  std::optional<std::uint64_t> client_timestamp_ns;
  // Chain id of a smart-contract-wallet member.
  std::optional<std::uint64_t> added_on_chain_id;
};

class AssociationState {
 public:
  // A fresh inbox with its creator as the single member and recovery identifier.
  AssociationState(std::string inbox_id, Member creator);

  const std::string& inbox_id() const { return inbox_id_; }
  const MemberId& recovery_identifier() const { return recovery_; }
  const std::map<MemberId, Member>& members() const { return members_; }
  const std::set<std::string>& seen_signatures() const { return seen_signatures_; }

  const Member* FindMember(const MemberId& id) const;
  bool HasMember(const MemberId& id) const { return FindMember(id) != nullptr; }
  bool HasInstallation(std::span<const std::uint8_t> key) const;
  bool HasEthereumAddress(std::string_view address) const;  // any case
  bool HasSeenSignature(std::span<const std::uint8_t> signature) const;

  // Lowercase 0x… addresses of the current Ethereum members, sorted.
  std::vector<std::string> EthereumAddresses() const;
  // 32-byte keys of the current installations, sorted.
  std::vector<std::vector<std::uint8_t>> InstallationKeys() const;

  // The protobuf form (xmtp.identity.associations.AssociationState).
  ::xmtp::identity::associations::AssociationState ToProto() const;

  // Mutators used while applying an update (association_rules.cpp).
  void AddMember(Member member);
  void RemoveMember(const MemberId& id);
  void SetRecovery(MemberId id) { recovery_ = std::move(id); }
  void AddSeenSignature(std::string signature) { seen_signatures_.insert(std::move(signature)); }

 private:
  std::string inbox_id_;
  std::map<MemberId, Member> members_;
  MemberId recovery_;
  std::set<std::string> seen_signatures_;
};

// Members added and removed between two states (for the node's address index).
struct AssociationStateDiff {
  std::vector<MemberId> new_members;
  std::vector<MemberId> removed_members;
};
AssociationStateDiff Diff(const std::optional<AssociationState>& before,
                          const AssociationState& after);

// Validates `update` on top of `prior` (nullopt: the inbox does not exist
// yet) and returns the new state. Errors are Error::Validation with the field
// path ("identity_update.actions[1].add.new_member_signature") and a reason;
// a signature seen in an earlier update is rejected as "signature replayed".
Result<AssociationState> ApplyUpdate(const std::optional<AssociationState>& prior,
                                     const ::xmtp::identity::associations::IdentityUpdate& update);

// Replays a whole log (ascending sequence ids); fails on the first bad update.
Result<AssociationState> ComputeState(
    std::span<const ::xmtp::identity::associations::IdentityUpdate> updates);

}  // namespace xs::xmtp::identity
