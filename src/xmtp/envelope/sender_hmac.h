// The sender HMAC of group messages (protocol.md §4.3): push servers use it to
// spot an inbox's own messages; the node stores it opaquely. For the inbox's
// random secret `ikm`, group id `gid` and HMAC epoch e = floor(unix_seconds /
// 30 days):
//   key  = HKDF-SHA256(salt "libXMTP HKDF salt!", ikm || gid, info gid || int64_le(e), L 42)
//   hmac = HMAC-SHA256(key, GroupMessageInput.V1.data)
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/secret.h"

namespace xs::xmtp::envelope {

// The 30-day HMAC epoch containing `unix_seconds`.
std::int64_t SenderHmacEpoch(std::uint64_t unix_seconds);

// The 42-byte key of one epoch (receivers try the epochs around theirs).
crypto::Secret SenderHmacKeyForEpoch(std::span<const std::uint8_t> ikm,
                                     std::span<const std::uint8_t> group_id, std::int64_t epoch);
// The key of the epoch containing `unix_seconds`.
crypto::Secret SenderHmacKey(std::span<const std::uint8_t> ikm,
                             std::span<const std::uint8_t> group_id, std::uint64_t unix_seconds);

// HMAC-SHA256(key, data): 32 bytes.
std::vector<std::uint8_t> SenderHmac(const crypto::Secret& key, std::span<const std::uint8_t> data);

}  // namespace xs::xmtp::envelope
