#include "signet/keys/ed25519_key.h"

#include <sodium.h>

#include "signet/util/util.h"

namespace xs::signet {

Ed25519Key Ed25519Key::Generate() {
  return std::move(FromSeed(crypto::Secret::Random(crypto_sign_SEEDBYTES))).value();
}

Result<Ed25519Key> Ed25519Key::FromSeed(crypto::Secret seed) {
  if (seed.size() != crypto_sign_SEEDBYTES) return Error::Validation("seed", "must be 32 bytes");
  crypto::Secret sk(crypto_sign_SECRETKEYBYTES);
  PublicKey32 pub{};
  crypto_sign_seed_keypair(pub.data(), sk.mutable_bytes().data(), seed.data());
  return Ed25519Key(std::move(seed), std::move(sk), pub);
}

Signature64 Ed25519Key::Sign(std::span<const std::uint8_t> msg) const {
  Signature64 sig{};
  crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), sk_.data());
  return sig;
}

std::string Ed25519Key::fingerprint() const { return Sha256Fingerprint(pub_); }

bool Ed25519Key::Verify(const PublicKey32& pub, std::span<const std::uint8_t> msg,
                        const Signature64& sig) {
  return crypto_sign_verify_detached(sig.data(), msg.data(), msg.size(), pub.data()) == 0;
}

}  // namespace xs::signet
