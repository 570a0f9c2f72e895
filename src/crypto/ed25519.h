// Ed25519 (RFC 8032): pure Ed25519 and Ed25519ph with a context string
// (§5.1, dom2 with phflag 1, SHA-512 prehash), which XMTP uses for
// installation signatures ("IDENTITY UPDATE SIGNATURE"). Keys are 32-byte
// seeds held in Secret; public keys are 32 bytes.
//
// Thread contract: pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/result.h"
#include "crypto/secret.h"

namespace xs::crypto {

inline constexpr std::size_t kEd25519SeedSize = 32;
inline constexpr std::size_t kEd25519PublicKeySize = 32;
inline constexpr std::size_t kEd25519SignatureSize = 64;
inline constexpr std::size_t kEd25519MaxContextSize = 255;

using Ed25519PublicKey = std::array<std::uint8_t, kEd25519PublicKeySize>;
using Ed25519Signature = std::array<std::uint8_t, kEd25519SignatureSize>;

struct Ed25519KeyPair {
  Secret seed;
  Ed25519PublicKey public_key{};
};

Ed25519KeyPair Ed25519Generate();
// Validation error unless the seed is 32 bytes.
Result<Ed25519KeyPair> Ed25519FromSeed(std::span<const std::uint8_t> seed);

Result<Ed25519Signature> Ed25519Sign(std::span<const std::uint8_t> seed,
                                     std::span<const std::uint8_t> message);
// The same with the seed's public key given, which saves deriving it (a
// scalar multiplication, about the cost of the signature itself). Only for
// a public key that comes with the seed (an MLS member's own leaf): one
// that is not the seed's gives signatures that do not verify, and the same
// message signed under two public keys would reveal the key.
Result<Ed25519Signature> Ed25519Sign(std::span<const std::uint8_t> seed,
                                     std::span<const std::uint8_t> public_key,
                                     std::span<const std::uint8_t> message);
// False for any malformed key or signature; never throws or aborts.
bool Ed25519Verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> message,
                   std::span<const std::uint8_t> signature);

Result<Ed25519Signature> Ed25519phSign(std::span<const std::uint8_t> seed,
                                       std::span<const std::uint8_t> message,
                                       std::string_view context);
bool Ed25519phVerify(std::span<const std::uint8_t> public_key,
                     std::span<const std::uint8_t> message, std::span<const std::uint8_t> signature,
                     std::string_view context);

}  // namespace xs::crypto
