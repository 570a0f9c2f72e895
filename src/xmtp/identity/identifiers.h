// Member identifiers of an XMTP inbox (protocol.md §3.2): Ethereum addresses,
// installation Ed25519 keys and passkeys, in a canonical form that can be
// compared and used as a map key, plus conversion to and from the protobuf
// MemberIdentifier.
//
// Canonical values: an Ethereum address is "0x" + 40 lowercase hex digits
// (exactly 42 characters); installation and passkey identifiers hold the raw
// public key bytes.
//
// Thread contract: plain values; functions are pure.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "xmtp/identity/associations/association.pb.h"

namespace xs::xmtp::identity {

enum class MemberKind : std::uint8_t { kEthereum = 0, kInstallation = 1, kPasskey = 2 };

struct MemberId {
  MemberKind kind = MemberKind::kEthereum;
  // Ethereum: canonical address text; installation/passkey: raw key bytes.
  std::string value;

  static MemberId Ethereum(std::string canonical_address);
  static MemberId Installation(std::span<const std::uint8_t> public_key);
  static MemberId Passkey(std::span<const std::uint8_t> public_key);

  bool is_ethereum() const { return kind == MemberKind::kEthereum; }
  bool is_installation() const { return kind == MemberKind::kInstallation; }
  bool is_passkey() const { return kind == MemberKind::kPasskey; }

  // The form used in signature text and messages: the address, or the
  // lowercase hex of the key.
  std::string ToString() const;

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads defaulted <=>.
  auto operator<=>(const MemberId&) const = default;
};

// Lowercases and checks an Ethereum address: "0x" + 40 hex digits (any
// case), 42 characters exactly. `field` names the input in errors.
Result<std::string> NormalizeEthereumAddress(std::string_view address,
                                             std::string_view field = "address");

// Parses a protobuf MemberIdentifier; rejects an unset kind, a malformed
// address and keys of the wrong length.
Result<MemberId> MemberIdFromProto(const ::xmtp::identity::associations::MemberIdentifier& proto,
                                   std::string_view field);
::xmtp::identity::associations::MemberIdentifier MemberIdToProto(const MemberId& id);

// Parses a (string identifier, IdentifierKind) pair as used by CreateInbox
// and ChangeRecoveryAddress. UNSPECIFIED means Ethereum (old clients);
// a passkey identifier is the lowercase hex of the key.
Result<MemberId> MemberIdFromIdentifier(std::string_view identifier,
                                        ::xmtp::identity::associations::IdentifierKind kind,
                                        std::string_view field);
// The IdentifierKind for an addressable member (Ethereum or passkey).
::xmtp::identity::associations::IdentifierKind IdentifierKindOf(const MemberId& id);

}  // namespace xs::xmtp::identity
