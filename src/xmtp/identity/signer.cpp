#include "xmtp/identity/signer.h"

#include <algorithm>

#include "codec/hex.h"
#include "crypto/ed25519.h"
#include "crypto/hash.h"
#include "crypto/secp256k1.h"

namespace xs::xmtp::identity {
namespace {

std::vector<std::uint8_t> ToVector(std::span<const std::uint8_t> bytes) {
  return {bytes.begin(), bytes.end()};
}

}  // namespace

Result<WalletKey> WalletKey::Generate() {
  crypto::Secret key = crypto::Secp256k1GeneratePrivateKey();
  XS_TRY(crypto::Secp256k1PublicKey pub, crypto::Secp256k1PublicKeyOf(key.bytes()));
  return WalletKey(std::move(key), crypto::EthereumAddress(pub));
}

Result<WalletKey> WalletKey::FromPrivateKeyHex(std::string_view hex) {
  hex = codec::StripHexPrefix(hex);
  // The error never repeats the input: it is a private key.
  const auto invalid = [] {
    return Error::Validation("private_key", "expected 64 hex digits of a secp256k1 private key");
  };
  if (hex.size() != 2 * crypto::kSecp256k1PrivateKeySize) return invalid();
  crypto::Secret key(crypto::kSecp256k1PrivateKeySize);
  if (!codec::HexDecodeInto(hex, key.mutable_bytes()).ok()) return invalid();
  return FromPrivateKey(key.bytes());
}

Result<WalletKey> WalletKey::FromPrivateKey(std::span<const std::uint8_t> key) {
  if (key.size() != crypto::kSecp256k1PrivateKeySize ||
      !crypto::Secp256k1CheckPrivateKey(key).ok()) {
    return Error::Validation("private_key",
                             "not a valid secp256k1 private key (32 bytes, "
                             "nonzero and below the group order)");
  }
  XS_TRY(crypto::Secp256k1PublicKey pub, crypto::Secp256k1PublicKeyOf(key));
  return WalletKey(crypto::Secret::Copy(key), crypto::EthereumAddress(pub));
}

Result<std::vector<std::uint8_t>> WalletKey::SignPersonalMessage(std::string_view text) const {
  XS_TRY(crypto::RecoverableSignature sig,
         crypto::EthPersonalSign(key_.bytes(), crypto::AsBytes(text)));
  return ToVector(sig);
}

Result<::xmtp::identity::associations::Signature> WalletKey::Sign(std::string_view text) const {
  XS_TRY(std::vector<std::uint8_t> sig, SignPersonalMessage(text));
  ::xmtp::identity::associations::Signature out;
  out.mutable_erc_191()->set_bytes(sig.data(), sig.size());
  return out;
}

std::string WalletKey::ExportPrivateKeyHex() const { return codec::HexEncode(key_.bytes()); }

Result<InstallationKey> InstallationKey::Generate() {
  crypto::Ed25519KeyPair pair = crypto::Ed25519Generate();
  return InstallationKey(std::move(pair.seed), pair.public_key);
}

Result<InstallationKey> InstallationKey::FromSeed(std::span<const std::uint8_t> seed) {
  if (seed.size() != crypto::kEd25519SeedSize) {
    return Error::Validation("installation_key", "an Ed25519 seed is 32 bytes");
  }
  XS_TRY(crypto::Ed25519KeyPair pair, crypto::Ed25519FromSeed(seed));
  return InstallationKey(std::move(pair.seed), pair.public_key);
}

Result<std::vector<std::uint8_t>> InstallationKey::SignText(std::string_view text) const {
  return SignTextWithContext(text, kInstallationSignatureContext);
}

Result<std::vector<std::uint8_t>> InstallationKey::SignTextWithContext(
    std::string_view text, std::string_view context) const {
  XS_TRY(crypto::Ed25519Signature sig,
         crypto::Ed25519phSign(seed_.bytes(), crypto::AsBytes(text), context));
  return ToVector(sig);
}

Result<::xmtp::identity::associations::Signature> InstallationKey::Sign(
    std::string_view text) const {
  XS_TRY(std::vector<std::uint8_t> sig, SignText(text));
  ::xmtp::identity::associations::Signature out;
  auto* inst = out.mutable_installation_key();
  inst->set_bytes(sig.data(), sig.size());
  inst->set_public_key(public_key_.data(), public_key_.size());
  return out;
}

}  // namespace xs::xmtp::identity
