#include "xmtp/envelope/sender_hmac.h"

#include <algorithm>

#include "crypto/hash.h"
#include "xmtp/envelope/limits.h"

namespace xs::xmtp::envelope {

std::int64_t SenderHmacEpoch(std::uint64_t unix_seconds) {
  return static_cast<std::int64_t>(unix_seconds / kSenderHmacEpochSeconds);
}

crypto::Secret SenderHmacKeyForEpoch(std::span<const std::uint8_t> ikm,
                                     std::span<const std::uint8_t> group_id, std::int64_t epoch) {
  crypto::Secret input(ikm.size() + group_id.size());
  std::copy(group_id.begin(), group_id.end(),
            std::copy(ikm.begin(), ikm.end(), input.mutable_bytes().begin()));
  const crypto::Secret prk = crypto::HkdfExtract(crypto::AsBytes(kSenderHmacSalt), input.bytes());

  std::vector<std::uint8_t> info(group_id.begin(), group_id.end());
  const auto epoch_bits = static_cast<std::uint64_t>(epoch);
  for (int i = 0; i < 8; ++i) info.push_back(static_cast<std::uint8_t>(epoch_bits >> (8 * i)));
  // 42 <= 255 * 32, so the expansion cannot fail.
  return crypto::HkdfExpand(prk.bytes(), info, kSenderHmacKeyBytes).value();
}

crypto::Secret SenderHmacKey(std::span<const std::uint8_t> ikm,
                             std::span<const std::uint8_t> group_id, std::uint64_t unix_seconds) {
  return SenderHmacKeyForEpoch(ikm, group_id, SenderHmacEpoch(unix_seconds));
}

std::vector<std::uint8_t> SenderHmac(const crypto::Secret& key,
                                     std::span<const std::uint8_t> data) {
  const crypto::Digest256 mac = crypto::HmacSha256(key.bytes(), data);
  return std::vector<std::uint8_t>(mac.begin(), mac.end());
}

}  // namespace xs::xmtp::envelope
