#include "crypto/ed25519.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "crypto/random.h"

namespace xs::crypto {
namespace {

constexpr std::size_t kSha512Size = 64;
constexpr std::size_t kScalarSize = 32;
// dom2 prefix of RFC 8032 §2.
constexpr std::string_view kDom2Prefix = "SigEd25519 no Ed25519 collisions";

Status CheckSeed(std::span<const std::uint8_t> seed) {
  if (seed.size() != kEd25519SeedSize) {
    return Error::Validation("seed", "an Ed25519 seed is 32 bytes");
  }
  return OkStatus();
}

// SHA-512(dom2(1, context) || parts...) reduced mod L.
void HashToScalar(std::string_view context,
                  std::initializer_list<std::span<const std::uint8_t>> parts,
                  std::uint8_t out[kScalarSize]) {
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  const std::uint8_t flag_and_len[2] = {1, static_cast<std::uint8_t>(context.size())};
  crypto_hash_sha512_update(&st, reinterpret_cast<const std::uint8_t*>(kDom2Prefix.data()),
                            kDom2Prefix.size());
  crypto_hash_sha512_update(&st, flag_and_len, sizeof flag_and_len);
  crypto_hash_sha512_update(&st, reinterpret_cast<const std::uint8_t*>(context.data()),
                            context.size());
  for (auto part : parts) crypto_hash_sha512_update(&st, part.data(), part.size());
  std::uint8_t digest[kSha512Size];
  crypto_hash_sha512_final(&st, digest);
  crypto_core_ed25519_scalar_reduce(out, digest);
  sodium_memzero(digest, sizeof digest);
}

}  // namespace

Ed25519KeyPair Ed25519Generate() {
  Secret seed = Secret::Random(kEd25519SeedSize);
  return std::move(Ed25519FromSeed(seed.bytes()).value());
}

Result<Ed25519KeyPair> Ed25519FromSeed(std::span<const std::uint8_t> seed) {
  XS_RETURN_IF_ERROR(CheckSeed(seed));
  Ed25519KeyPair pair;
  pair.seed = Secret::Copy(seed);
  std::uint8_t sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pair.public_key.data(), sk, seed.data());
  sodium_memzero(sk, sizeof sk);
  return pair;
}

Result<Ed25519Signature> Ed25519Sign(std::span<const std::uint8_t> seed,
                                     std::span<const std::uint8_t> message) {
  XS_RETURN_IF_ERROR(CheckSeed(seed));
  std::uint8_t pk[crypto_sign_PUBLICKEYBYTES];
  std::uint8_t sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, seed.data());
  Ed25519Signature sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk);
  sodium_memzero(sk, sizeof sk);
  return sig;
}

Result<Ed25519Signature> Ed25519Sign(std::span<const std::uint8_t> seed,
                                     std::span<const std::uint8_t> public_key,
                                     std::span<const std::uint8_t> message) {
  XS_RETURN_IF_ERROR(CheckSeed(seed));
  if (public_key.size() != kEd25519PublicKeySize) {
    return Error::Validation("public_key", "an Ed25519 public key is 32 bytes");
  }
  // libsodium's secret key is the seed followed by its public key.
  std::uint8_t sk[crypto_sign_SECRETKEYBYTES];
  std::copy(seed.begin(), seed.end(), sk);
  std::copy(public_key.begin(), public_key.end(), sk + crypto_sign_SEEDBYTES);
  Ed25519Signature sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk);
  sodium_memzero(sk, sizeof sk);
  return sig;
}

bool Ed25519Verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> message,
                   std::span<const std::uint8_t> signature) {
  if (public_key.size() != kEd25519PublicKeySize || signature.size() != kEd25519SignatureSize) {
    return false;
  }
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

// RFC 8032 §5.1.6 with PH = SHA-512 and dom2(1, context).
Result<Ed25519Signature> Ed25519phSign(std::span<const std::uint8_t> seed,
                                       std::span<const std::uint8_t> message,
                                       std::string_view context) {
  XS_RETURN_IF_ERROR(CheckSeed(seed));
  if (context.size() > kEd25519MaxContextSize) {
    return Error::Validation("context", "longer than 255 bytes");
  }
  std::uint8_t expanded[kSha512Size];
  crypto_hash_sha512(expanded, seed.data(), seed.size());
  expanded[0] &= 248;
  expanded[31] &= 127;
  expanded[31] |= 64;
  std::uint8_t wide[kSha512Size] = {};
  std::memcpy(wide, expanded, kScalarSize);
  std::uint8_t s[kScalarSize];
  crypto_core_ed25519_scalar_reduce(s, wide);

  std::uint8_t public_key[kEd25519PublicKeySize];
  crypto_scalarmult_ed25519_base_noclamp(public_key, s);
  std::uint8_t prehash[kSha512Size];
  crypto_hash_sha512(prehash, message.data(), message.size());

  std::uint8_t r[kScalarSize];
  HashToScalar(context,
               {std::span<const std::uint8_t>(expanded + kScalarSize, kScalarSize), prehash}, r);
  Ed25519Signature sig;
  Status status = OkStatus();
  if (crypto_scalarmult_ed25519_base_noclamp(sig.data(), r) != 0) {
    status = Error::Internal("Ed25519ph: degenerate nonce");
  } else {
    std::uint8_t k[kScalarSize];
    HashToScalar(context,
                 {std::span<const std::uint8_t>(sig.data(), kScalarSize), public_key, prehash}, k);
    std::uint8_t ks[kScalarSize];
    crypto_core_ed25519_scalar_mul(ks, k, s);
    crypto_core_ed25519_scalar_add(sig.data() + kScalarSize, r, ks);
    sodium_memzero(ks, sizeof ks);
  }
  sodium_memzero(expanded, sizeof expanded);
  sodium_memzero(wide, sizeof wide);
  sodium_memzero(s, sizeof s);
  sodium_memzero(r, sizeof r);
  if (!status.ok()) return status.error();
  return sig;
}

bool Ed25519phVerify(std::span<const std::uint8_t> public_key,
                     std::span<const std::uint8_t> message, std::span<const std::uint8_t> signature,
                     std::string_view context) {
  if (public_key.size() != kEd25519PublicKeySize || signature.size() != kEd25519SignatureSize ||
      context.size() > kEd25519MaxContextSize) {
    return false;
  }
  const std::uint8_t* r_point = signature.data();
  const std::uint8_t* s = signature.data() + kScalarSize;
  // S must be canonical (< L).
  std::uint8_t wide[kSha512Size] = {};
  std::memcpy(wide, s, kScalarSize);
  std::uint8_t s_reduced[kScalarSize];
  crypto_core_ed25519_scalar_reduce(s_reduced, wide);
  if (sodium_memcmp(s_reduced, s, kScalarSize) != 0) return false;
  if (!crypto_core_ed25519_is_valid_point(public_key.data()) ||
      !crypto_core_ed25519_is_valid_point(r_point)) {
    return false;
  }
  std::uint8_t prehash[kSha512Size];
  crypto_hash_sha512(prehash, message.data(), message.size());
  std::uint8_t k[kScalarSize];
  HashToScalar(context, {std::span<const std::uint8_t>(r_point, kScalarSize), public_key, prehash},
               k);
  // Check [S]B == R + [k]A.
  std::uint8_t sb[32], ka[32], rhs[32];
  if (crypto_scalarmult_ed25519_base_noclamp(sb, s) != 0) return false;
  if (crypto_scalarmult_ed25519_noclamp(ka, k, public_key.data()) != 0) return false;
  if (crypto_core_ed25519_add(rhs, r_point, ka) != 0) return false;
  return sodium_memcmp(sb, rhs, sizeof sb) == 0;
}

}  // namespace xs::crypto
