#include "xmtp/identity/signature_verifier.h"

#include <string>

#include "crypto/ed25519.h"
#include "crypto/hash.h"
#include "crypto/secp256k1.h"
#include "xmtp/identity/constants.h"

namespace xs::xmtp::identity {
namespace {

namespace pb = ::xmtp::identity::associations;

constexpr std::uint8_t kEthereumVOffset = 27;

Result<VerifiedSignature> VerifyErc191(const pb::RecoverableEcdsaSignature& sig,
                                       std::string_view text, std::string_view field) {
  const std::string& bytes = sig.bytes();
  if (bytes.size() != kRecoverableEcdsaSignatureLength) {
    return Error::Validation(field, "an ERC-191 signature is 65 bytes (r || s || v)");
  }
  crypto::RecoverableSignature compact;
  std::copy(bytes.begin(), bytes.end(), compact.begin());
  std::uint8_t& v = compact[64];
  if (v >= kEthereumVOffset) v = static_cast<std::uint8_t>(v - kEthereumVOffset);
  if (v > 1) return Error::Validation(field, "recovery id v must be 0, 1, 27 or 28");
  // Recovery accepts either s (the low-s twin recovers the same signer with
  // the parity flipped); the recorded bytes use the low-s form so the
  // malleated twin of a signature is recognised as a replay.
  XS_TRY(crypto::RecoverableSignature low, crypto::Secp256k1NormalizeLowS(compact));
  auto address = crypto::EthRecoverPersonalSigner(crypto::AsBytes(text), low);
  if (!address.ok()) return Error::Validation(field, "ERC-191 signature does not recover a signer");
  VerifiedSignature out;
  out.signer = MemberId::Ethereum(std::move(*address));
  out.kind = SignatureKind::kErc191;
  // libxmtp records r || low-s || the v byte exactly as sent.
  out.raw_bytes.assign(low.begin(), low.begin() + 64);
  out.raw_bytes.push_back(static_cast<char>(bytes[64]));
  return out;
}

Result<VerifiedSignature> VerifyInstallation(const pb::RecoverableEd25519Signature& sig,
                                             std::string_view text, std::string_view field) {
  const std::string& key = sig.public_key();
  const std::string& bytes = sig.bytes();
  if (key.size() != kInstallationKeyLength) {
    return Error::Validation(field, "an installation public key is 32 bytes");
  }
  if (bytes.size() != kEd25519SignatureLength) {
    return Error::Validation(field, "an installation signature is 64 bytes");
  }
  const auto* key_bytes = reinterpret_cast<const std::uint8_t*>(key.data());
  if (!crypto::Ed25519phVerify({key_bytes, key.size()}, crypto::AsBytes(text),
                               crypto::AsBytes(bytes), kInstallationSignatureContext)) {
    return Error::Validation(field, "installation signature does not verify");
  }
  VerifiedSignature out;
  out.signer = MemberId::Installation({key_bytes, key.size()});
  out.kind = SignatureKind::kInstallationKey;
  out.raw_bytes = bytes;
  return out;
}

// `variant` names the oneof member, so the error says which field it was.
Error Unsupported(std::string_view field, std::string_view variant, SignatureKind kind) {
  std::string where(field);
  where += '.';
  where += variant;
  return Error::Validation(
      where, std::string(SignatureKindName(kind)) + " signatures are not supported by this node");
}

}  // namespace

std::string_view SignatureKindName(SignatureKind kind) {
  switch (kind) {
    case SignatureKind::kErc191:
      return "ERC-191";
    case SignatureKind::kErc1271:
      return "smart contract wallet (ERC-1271)";
    case SignatureKind::kInstallationKey:
      return "installation key";
    case SignatureKind::kLegacyDelegated:
      return "legacy delegated";
    case SignatureKind::kP256:
      return "passkey (P-256)";
  }
  return "unknown";
}

Result<VerifiedSignature> VerifySignature(const pb::Signature& signature, std::string_view text,
                                          std::string_view field) {
  switch (signature.signature_case()) {
    case pb::Signature::kErc191:
      return VerifyErc191(signature.erc_191(), text, field);
    case pb::Signature::kInstallationKey:
      return VerifyInstallation(signature.installation_key(), text, field);
    case pb::Signature::kErc6492:
      return Unsupported(field, "erc_6492", SignatureKind::kErc1271);
    case pb::Signature::kDelegatedErc191:
      return Unsupported(field, "delegated_erc_191", SignatureKind::kLegacyDelegated);
    case pb::Signature::kPasskey:
      return Unsupported(field, "passkey", SignatureKind::kP256);
    case pb::Signature::SIGNATURE_NOT_SET:
      break;
  }
  return Error::Validation(field, "signature is not set");
}

}  // namespace xs::xmtp::identity
