// Plaintext envelopes and message ids (protocol.md §4.5, §5.1).
#include "xmtp/content/envelope.h"

#include <gtest/gtest.h>

#include <string_view>

#include "codec/hex.h"
#include "xmtp/content/codecs.h"

namespace xs::xmtp::content {
namespace {

std::span<const std::uint8_t> Bytes_(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(MessageId, MatchesAHandComputedSha256) {
  // sha256(b"group-1" + b"\t" + b"1700000000000000000" + b"\t" + b"\x0a\x01\x02"),
  // computed with Python's hashlib.
  const Bytes content = {0x0a, 0x01, 0x02};
  EXPECT_EQ(codec::HexEncode(MessageId(Bytes_("group-1"), "1700000000000000000", content)),
            "14b35df2e04120e8929f302b10fca21bc76798a3fc905599af50b006b7031e40");
  EXPECT_EQ(codec::HexEncode(MessageId({}, "", {})),
            "31609426297325bdb28c86ab3ceeed4a3c438966733fd61b8aea00ee8b23b7bc");
}

TEST(MessageId, EveryInputMatters) {
  const Bytes content = {1, 2, 3};
  const Bytes id = MessageId(Bytes_("g"), "1", content);
  EXPECT_NE(id, MessageId(Bytes_("h"), "1", content));
  EXPECT_NE(id, MessageId(Bytes_("g"), "2", content));
  EXPECT_NE(id, MessageId(Bytes_("g"), "1", Bytes{1, 2, 4}));
  // The separators keep the fields apart.
  EXPECT_NE(MessageId(Bytes_("g1"), "", content), MessageId(Bytes_("g"), "1", content));
}

TEST(PlaintextEnvelope, V1RoundTrip) {
  const Bytes content = SerializeEncodedContent(EncodeText("hi"));
  auto parsed = ParsePlaintextEnvelope(SerializePlaintextEnvelopeV1(content, "123"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->kind, PlaintextEnvelope::Kind::kV1);
  EXPECT_EQ(parsed->content, content);
  EXPECT_EQ(parsed->idempotency_key, "123");
}

TEST(PlaintextEnvelope, V2IsRecognisedAndIgnored) {
  // v2 { idempotency_key: "k", user_preference_update (5): bytes {0x01} }
  const Bytes v2 = {0x12, 0x06, 0x0a, 0x01, 'k', 0x2a, 0x01, 0x01};
  auto parsed = ParsePlaintextEnvelope(v2);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->kind, PlaintextEnvelope::Kind::kV2DeviceSync);
  EXPECT_EQ(parsed->idempotency_key, "k");
  EXPECT_TRUE(parsed->content.empty());
}

TEST(PlaintextEnvelope, RejectsEmptyAndGarbage) {
  EXPECT_EQ(ParsePlaintextEnvelope({}).error().kind(), kErrorMalformed);  // no version
  const Bytes garbage = {0x0a, 0x05, 0x01};
  EXPECT_EQ(ParsePlaintextEnvelope(garbage).error().kind(), kErrorMalformed);
  const Bytes bad_key = {0x0a, 0x04, 0x12, 0x02, 0xc3, 0x28};  // key not UTF-8
  EXPECT_EQ(ParsePlaintextEnvelope(bad_key).error().kind(), kErrorMalformed);
}

}  // namespace
}  // namespace xs::xmtp::content
