// Verification of the signatures inside an identity update (protocol.md §3.4).
// A verified signature names its signer (recovered from an ERC-191 signature,
// or the installation key that made an Ed25519ph signature) and carries the
// bytes used for replay protection.
//
// Supported: ERC-191 (EOA wallets) and installation keys, which is all
// libxmtp sends for EOA wallets. Smart contract wallet (ERC-1271/6492),
// passkey and legacy delegated signatures are decoded and rejected with
// Error::Validation "... not supported".
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "xmtp/identity/associations/signature.pb.h"
#include "xmtp/identity/identifiers.h"

namespace xs::xmtp::identity {

enum class SignatureKind : std::uint8_t {
  kErc191,
  kErc1271,
  kInstallationKey,
  kLegacyDelegated,
  kP256,
};

std::string_view SignatureKindName(SignatureKind kind);

struct VerifiedSignature {
  MemberId signer;
  SignatureKind kind = SignatureKind::kErc191;
  // ERC-191: r || low-s || v as libxmtp records it; installation: the 64
  // signature bytes.
  std::string raw_bytes;
  std::optional<std::uint64_t> chain_id;
};

// Verifies `signature` over `text`. `field` names the signature in errors.
Result<VerifiedSignature> VerifySignature(
    const ::xmtp::identity::associations::Signature& signature, std::string_view text,
    std::string_view field);

}  // namespace xs::xmtp::identity
