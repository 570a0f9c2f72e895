// Sender HMAC (protocol.md §4.3) against values computed independently with
// Python's hmac/hashlib (HKDF written out per RFC 5869):
//   ikm = 00..1f, gid = 00112233445566778899aabbccddeeff,
//   unix 1764547200 -> epoch 680, data = 0001000268656c6c6f.
#include "xmtp/envelope/sender_hmac.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/hex.h"

namespace xs::xmtp::envelope {
namespace {

std::vector<std::uint8_t> Hex(std::string_view hex) { return codec::HexDecode(hex).value(); }
std::string ToHex(std::span<const std::uint8_t> bytes) { return codec::HexEncode(bytes); }

std::vector<std::uint8_t> Ikm() {
  std::vector<std::uint8_t> ikm(32);
  for (std::size_t i = 0; i < ikm.size(); ++i) ikm[i] = static_cast<std::uint8_t>(i);
  return ikm;
}

constexpr const char* kGroupId = "00112233445566778899aabbccddeeff";
constexpr const char* kKeyEpoch680 =
    "4d4021b46b297871d28b9c125bca6c2c2a06a2f26f5c855b7d846650d1d7380c17c7b3a87e536d8a7fd9";
constexpr const char* kKeyEpoch681 =
    "928533fd67d59f7b682304acd07db71c17314c0d1492bea5a0cb3bc3be0712f9dce45b971acbfd81c4bb";

TEST(SenderHmac, EpochIsThirtyDayPeriods) {
  EXPECT_EQ(SenderHmacEpoch(0), 0);
  EXPECT_EQ(SenderHmacEpoch(1764547200), 680);
  EXPECT_EQ(SenderHmacEpoch(681ull * 2592000 - 1), 680);
  EXPECT_EQ(SenderHmacEpoch(681ull * 2592000), 681);
}

TEST(SenderHmac, KeyMatchesIndependentDerivation) {
  const crypto::Secret key = SenderHmacKey(Ikm(), Hex(kGroupId), 1764547200);
  EXPECT_EQ(ToHex(key.bytes()), kKeyEpoch680);
  EXPECT_EQ(ToHex(SenderHmacKeyForEpoch(Ikm(), Hex(kGroupId), 681).bytes()), kKeyEpoch681);
}

TEST(SenderHmac, KeyChangesAtTheEpochBoundary) {
  EXPECT_EQ(ToHex(SenderHmacKey(Ikm(), Hex(kGroupId), 681ull * 2592000 - 1).bytes()), kKeyEpoch680);
  EXPECT_EQ(ToHex(SenderHmacKey(Ikm(), Hex(kGroupId), 681ull * 2592000).bytes()), kKeyEpoch681);
}

TEST(SenderHmac, KeyDependsOnGroup) {
  EXPECT_NE(
      ToHex(SenderHmacKey(Ikm(), Hex("00112233445566778899aabbccddeefe"), 1764547200).bytes()),
      kKeyEpoch680);
}

TEST(SenderHmac, HmacOverData) {
  const crypto::Secret key = SenderHmacKey(Ikm(), Hex(kGroupId), 1764547200);
  EXPECT_EQ(ToHex(SenderHmac(key, Hex("0001000268656c6c6f"))),
            "58a366e7c50c970cda98f9037a210392dcd564abf4faa961f754d23156e3570c");
}

}  // namespace
}  // namespace xs::xmtp::envelope
