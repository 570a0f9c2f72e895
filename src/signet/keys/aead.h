// At-rest encryption: XChaCha20-Poly1305 (libsodium IETF construction) with a
// random 24-byte nonce prepended to the ciphertext. Associated data binds a
// ciphertext to its row ("kind/id") so a blob cannot be swapped between rows.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/secret.h"

namespace xs::signet {

inline constexpr std::size_t kDataKeyBytes = 32;

// nonce || ciphertext || tag.
std::vector<std::uint8_t> AeadSeal(const crypto::Secret& key, std::span<const std::uint8_t> plain,
                                   std::string_view associated_data);
// Auth error when the key is wrong or the blob was tampered with.
Result<crypto::Secret> AeadOpen(const crypto::Secret& key, std::span<const std::uint8_t> sealed,
                                std::string_view associated_data);

}  // namespace xs::signet
