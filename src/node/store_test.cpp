// The store's dedup key: SHA-256 over length-prefixed parts. Rows already on
// disk carry these hashes, so the function must never change its output.
#include <gtest/gtest.h>

#include <string>

#include "codec/hex.h"
#include "node/store_internal.h"

namespace xs::node {
namespace {

TEST(DedupHash, IsSha256OverBigEndianLengthPrefixedParts) {
  // sha256(00 00 00 00 00 00 00 03 "abc")
  EXPECT_EQ(codec::HexEncode(DedupHash({"abc"})),
            "c3494ca1a2cf8eeb8a11ded316fb55b83c3bbbedb6313cd50415251e5d09e12f");
  // sha256(00..02 "v1" 00..00): an empty part still contributes its length.
  EXPECT_EQ(codec::HexEncode(DedupHash({"v1", ""})),
            "74442291e36ef587f3aa5d6bfb23c704c29633f7a56f76530f91afe00ec55e17");
}

TEST(DedupHash, DifferentSplitsNeverCollide) {
  EXPECT_NE(DedupHash({"ab", "c"}), DedupHash({"a", "bc"}));
  EXPECT_NE(DedupHash({"abc"}), DedupHash({"abc", ""}));
}

}  // namespace
}  // namespace xs::node
