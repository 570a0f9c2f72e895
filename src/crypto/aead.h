// AEAD primitives (RFC 9180 §7.3 ids): AES-128-GCM (0x0001) and
// ChaCha20-Poly1305 (0x0003) for the MLS cipher suites, AES-256-GCM (0x0002)
// for XMTP remote attachments; all with 12-byte nonces and 16-byte tags
// appended to the ciphertext. MLS code goes through crypto/cipher_suite.h.
//
// Thread contract: pure functions (the OpenSSL cipher objects are fetched
// once and shared read-only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"

namespace xs::crypto {

enum class AeadAlgorithm : std::uint16_t {
  kAes128Gcm = 0x0001,
  kAes256Gcm = 0x0002,
  kChaCha20Poly1305 = 0x0003,
};

inline constexpr std::size_t kAeadNonceSize = 12;
inline constexpr std::size_t kAeadTagSize = 16;

std::size_t AeadKeySize(AeadAlgorithm algorithm);

// Validation error for a wrong key or nonce size.
Result<std::vector<std::uint8_t>> AeadSeal(AeadAlgorithm algorithm,
                                           std::span<const std::uint8_t> key,
                                           std::span<const std::uint8_t> nonce,
                                           std::span<const std::uint8_t> aad,
                                           std::span<const std::uint8_t> plaintext);
// Validation error for a wrong key or nonce size or a ciphertext shorter than
// the tag; Auth error when the tag does not verify.
Result<std::vector<std::uint8_t>> AeadOpen(AeadAlgorithm algorithm,
                                           std::span<const std::uint8_t> key,
                                           std::span<const std::uint8_t> nonce,
                                           std::span<const std::uint8_t> aad,
                                           std::span<const std::uint8_t> ciphertext);

}  // namespace xs::crypto
