// Ed25519 key pair held as a 32-byte seed in crypto::Secret (libsodium). Used for
// the root key, the admin key and the per-identity operational keys.
//
// Thread contract: const methods are safe to call concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"
#include "crypto/secret.h"

namespace xs::signet {

using PublicKey32 = std::array<std::uint8_t, 32>;
using Signature64 = std::array<std::uint8_t, 64>;

class Ed25519Key {
 public:
  static Ed25519Key Generate();
  static Result<Ed25519Key> FromSeed(crypto::Secret seed);

  Signature64 Sign(std::span<const std::uint8_t> msg) const;
  const PublicKey32& public_key() const { return pub_; }
  const crypto::Secret& seed() const { return seed_; }
  // "sha256:" + hex SHA-256 of the raw public key.
  std::string fingerprint() const;

  static bool Verify(const PublicKey32& pub, std::span<const std::uint8_t> msg,
                     const Signature64& sig);

 private:
  Ed25519Key(crypto::Secret seed, crypto::Secret sk, PublicKey32 pub)
      : seed_(std::move(seed)), sk_(std::move(sk)), pub_(pub) {}
  crypto::Secret seed_;
  crypto::Secret sk_;  // libsodium 64-byte secret key (seed || public)
  PublicKey32 pub_;
};

}  // namespace xs::signet
