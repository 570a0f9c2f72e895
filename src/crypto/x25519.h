// X25519 (RFC 7748) through OpenSSL's EVP_PKEY, for DHKEM(X25519) in HPKE.
// Private keys are raw 32-byte scalars (clamped by the primitive, stored
// unclamped, as RFC 9180 SerializePrivateKey does); public keys are 32 bytes.
// An implementation detail of HPKE; other layers use crypto/cipher_suite.h.
//
// Thread contract: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"
#include "crypto/secret.h"

namespace xs::crypto {

inline constexpr std::size_t kX25519KeySize = 32;

// Validation error unless the private key is 32 bytes.
Result<std::vector<std::uint8_t>> X25519PublicKeyOf(std::span<const std::uint8_t> private_key);

// DH(sk, pk) and pk(sk) together: importing the private key already costs a
// base-point multiplication, so HPKE's Encap/Decap get their own public key
// for free instead of paying a third multiplication.
struct X25519Agreement {
  Secret shared_secret;
  std::vector<std::uint8_t> public_key;  // of `private_key`
};

// Validation error for wrong sizes and for an all-zero result (a low-order
// peer point), which RFC 9180 §7.1.4 requires to be rejected.
Result<X25519Agreement> X25519Agree(std::span<const std::uint8_t> private_key,
                                    std::span<const std::uint8_t> peer_public_key);

}  // namespace xs::crypto
