#include "crypto/secp256k1.h"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <cstring>

#include "codec/hex.h"
#include "crypto/random.h"

namespace xs::crypto {
namespace {

constexpr std::size_t kCompactSignatureSize = 64;
constexpr std::size_t kAddressHexDigits = 40;
constexpr std::uint8_t kEthereumVOffset = 27;
constexpr std::string_view kEip191Prefix =
    "\x19"
    "Ethereum Signed Message:\n";

// One randomized context, created once; libsecp256k1 contexts are safe for
// concurrent read-only use.
const secp256k1_context* Context() {
  static secp256k1_context* ctx = [] {
    secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    std::uint8_t seed[32];
    RandomBytes(seed);
    // Randomization only hardens against side channels; failure is harmless.
    [[maybe_unused]] int randomized = secp256k1_context_randomize(c, seed);
    Wipe(seed);
    return c;
  }();
  return ctx;
}

Secp256k1PublicKey Serialize(const secp256k1_pubkey& key) {
  Secp256k1PublicKey out;
  std::size_t len = out.size();
  secp256k1_ec_pubkey_serialize(Context(), out.data(), &len, &key, SECP256K1_EC_UNCOMPRESSED);
  return out;
}

}  // namespace

Secret Secp256k1GeneratePrivateKey() {
  for (;;) {
    Secret key = Secret::Random(kSecp256k1PrivateKeySize);
    if (Secp256k1CheckPrivateKey(key.bytes()).ok()) return key;
  }
}

Status Secp256k1CheckPrivateKey(std::span<const std::uint8_t> private_key) {
  if (private_key.size() != kSecp256k1PrivateKeySize ||
      !secp256k1_ec_seckey_verify(Context(), private_key.data())) {
    return Error::Validation("privateKey", "not a valid secp256k1 private key");
  }
  return OkStatus();
}

Result<Secp256k1PublicKey> Secp256k1PublicKeyOf(std::span<const std::uint8_t> private_key) {
  XS_RETURN_IF_ERROR(Secp256k1CheckPrivateKey(private_key));
  secp256k1_pubkey key;
  if (!secp256k1_ec_pubkey_create(Context(), &key, private_key.data())) {
    return Error::Validation("privateKey", "not a valid secp256k1 private key");
  }
  return Serialize(key);
}

Result<RecoverableSignature> Secp256k1SignRecoverable(std::span<const std::uint8_t> private_key,
                                                      const Digest256& digest) {
  XS_RETURN_IF_ERROR(Secp256k1CheckPrivateKey(private_key));
  secp256k1_ecdsa_recoverable_signature sig;
  if (!secp256k1_ecdsa_sign_recoverable(Context(), &sig, digest.data(), private_key.data(), nullptr,
                                        nullptr)) {
    return Error::Internal("secp256k1 signing failed");
  }
  RecoverableSignature out;
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(Context(), out.data(), &recid, &sig);
  out[kCompactSignatureSize] = static_cast<std::uint8_t>(recid);
  return out;
}

Result<Secp256k1PublicKey> Secp256k1Recover(const Digest256& digest,
                                            std::span<const std::uint8_t> signature) {
  if (signature.size() != kRecoverableSignatureSize || signature[kCompactSignatureSize] > 3) {
    return Error::Validation("signature", "expected 65 bytes r || s || recovery id");
  }
  secp256k1_ecdsa_recoverable_signature sig;
  if (!secp256k1_ecdsa_recoverable_signature_parse_compact(Context(), &sig, signature.data(),
                                                           signature[kCompactSignatureSize])) {
    return Error::Validation("signature", "malformed secp256k1 signature");
  }
  secp256k1_pubkey key;
  if (!secp256k1_ecdsa_recover(Context(), &key, &sig, digest.data())) {
    return Error::Validation("signature", "no public key recovers from this signature");
  }
  return Serialize(key);
}

bool Secp256k1Verify(std::span<const std::uint8_t> public_key, const Digest256& digest,
                     std::span<const std::uint8_t> signature) {
  if (signature.size() != kCompactSignatureSize) return false;
  secp256k1_pubkey key;
  secp256k1_ecdsa_signature sig;
  if (!secp256k1_ec_pubkey_parse(Context(), &key, public_key.data(), public_key.size()) ||
      !secp256k1_ecdsa_signature_parse_compact(Context(), &sig, signature.data())) {
    return false;
  }
  return secp256k1_ecdsa_verify(Context(), &sig, digest.data(), &key) == 1;
}

Result<RecoverableSignature> Secp256k1NormalizeLowS(std::span<const std::uint8_t> signature) {
  if (signature.size() != kRecoverableSignatureSize || signature[kCompactSignatureSize] > 3) {
    return Error::Validation("signature", "expected 64 signature bytes and a recovery id 0..3");
  }
  secp256k1_ecdsa_signature sig;
  if (!secp256k1_ecdsa_signature_parse_compact(Context(), &sig, signature.data())) {
    return Error::Validation("signature", "r or s is out of range");
  }
  secp256k1_ecdsa_signature low;
  const bool was_high = secp256k1_ecdsa_signature_normalize(Context(), &low, &sig) == 1;
  RecoverableSignature out;
  secp256k1_ecdsa_signature_serialize_compact(Context(), out.data(), &low);
  out[kCompactSignatureSize] =
      static_cast<std::uint8_t>(signature[kCompactSignatureSize] ^ (was_high ? 1 : 0));
  return out;
}

std::string EthereumAddress(const Secp256k1PublicKey& public_key) {
  Digest256 h = Keccak256(std::span<const std::uint8_t>(public_key).subspan(1));
  return "0x" + codec::HexEncode(std::span<const std::uint8_t>(h).subspan(12));
}

bool IsEthereumAddress(std::string_view text) {
  if (text.size() != 2 + kAddressHexDigits || text.substr(0, 2) != "0x") return false;
  std::array<std::uint8_t, kAddressHexDigits / 2> bytes{};
  return codec::HexDecodeInto(text.substr(2), bytes).ok();
}

Digest256 Eip191Hash(std::span<const std::uint8_t> message) {
  std::string prefixed(kEip191Prefix);
  prefixed += std::to_string(message.size());
  prefixed.append(reinterpret_cast<const char*>(message.data()), message.size());
  return Keccak256(prefixed);
}

Result<RecoverableSignature> EthPersonalSign(std::span<const std::uint8_t> private_key,
                                             std::span<const std::uint8_t> message) {
  XS_TRY(RecoverableSignature sig, Secp256k1SignRecoverable(private_key, Eip191Hash(message)));
  sig[kCompactSignatureSize] += kEthereumVOffset;
  return sig;
}

Result<std::string> EthRecoverPersonalSigner(std::span<const std::uint8_t> message,
                                             std::span<const std::uint8_t> signature) {
  if (signature.size() != kRecoverableSignatureSize) {
    return Error::Validation("signature", "an Ethereum signature is 65 bytes");
  }
  RecoverableSignature sig;
  std::memcpy(sig.data(), signature.data(), sig.size());
  std::uint8_t& v = sig[kCompactSignatureSize];
  if (v >= kEthereumVOffset) v -= kEthereumVOffset;
  if (v > 1) return Error::Validation("signature", "recovery id must be 0, 1, 27 or 28");
  XS_TRY(Secp256k1PublicKey key, Secp256k1Recover(Eip191Hash(message), sig));
  return EthereumAddress(key);
}

}  // namespace xs::crypto
