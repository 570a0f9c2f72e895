// WrappedWelcome <-> WelcomeMessageInput / WelcomeMessage (protocol.md §1.2):
// the exact field numbers of both forms (they differ), round trips through
// serialized bytes, and typed errors for pointers, missing versions and
// garbage.
#include "xmtp/envelope/welcome_proto.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/hex.h"
#include "crypto/hpke.h"
#include "xmtp/envelope/envelope_error.h"

namespace xs::xmtp::envelope {
namespace {

namespace pb = ::xmtp::mls::api::v1;

std::string ToHex(std::string_view bytes) { return codec::HexEncode(bytes); }

WrappedWelcome Small() {
  WrappedWelcome welcome;
  welcome.installation_key = {0x01};
  welcome.data = {0x02};
  welcome.hpke_public_key = {0x03};
  welcome.algorithm = WrapperAlgorithm::kCurve25519;
  welcome.welcome_metadata = {0x04};
  return welcome;
}

TEST(WelcomeProto, InputUsesInputFieldNumbers) {
  // v1 (1) { installation_key 1, data 2, hpke_public_key 3, wrapper_algorithm 4,
  // welcome_metadata 7 }.
  EXPECT_EQ(ToHex(ToWelcomeMessageInput(Small()).SerializeAsString()),
            "0a0e"
            "0a0101"
            "120102"
            "1a0103"
            "2001"
            "3a0104");
}

TEST(WelcomeProto, StoredFormUsesShiftedFieldNumbers) {
  // v1 (1) { id 1, created_ns 2, installation_key 3, data 4, hpke_public_key 5,
  // wrapper_algorithm 6, welcome_metadata 7 }.
  const ReceivedWelcome received{5, 6, Small()};
  EXPECT_EQ(ToHex(ToWelcomeMessage(received).SerializeAsString()),
            "0a12"
            "0805"
            "1006"
            "1a0101"
            "220102"
            "2a0103"
            "3001"
            "3a0104");
}

TEST(WelcomeProto, InputRoundTrip) {
  const WrappedWelcome welcome = Small();
  pb::WelcomeMessageInput parsed;
  ASSERT_TRUE(parsed.ParseFromString(ToWelcomeMessageInput(welcome).SerializeAsString()));
  auto back = FromWelcomeMessageInput(parsed);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, welcome);
}

TEST(WelcomeProto, StoredWelcomeParsesAndUnwraps) {
  const crypto::HpkeKeyPair recipient = crypto::HpkeDeriveKeyPair(Bytes(32, 9)).value();
  const Bytes mls_welcome = {0x00, 0x01, 0x00, 0x03, 0xaa};
  auto wrapped = WrapWelcome(Bytes(32, 0x11), mls_welcome, 12, recipient.public_key).value();
  const std::string bytes =
      ToWelcomeMessage({40, 1700000000000000000ull, wrapped}).SerializeAsString();
  auto received = ParseWelcomeMessage(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  ASSERT_TRUE(received.ok()) << received.error().ToString();
  EXPECT_EQ(received->id, 40u);
  EXPECT_EQ(received->created_ns, 1700000000000000000ull);
  EXPECT_EQ(received->welcome, wrapped);
  auto unwrapped = UnwrapWelcome(received->welcome, recipient.private_key.bytes());
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.error().ToString();
  EXPECT_EQ(unwrapped->welcome_mls_message, mls_welcome);
  EXPECT_EQ(unwrapped->message_cursor, 12u);
}

TEST(WelcomeProto, WelcomePointersAreUnsupported) {
  pb::WelcomeMessage message;
  message.mutable_welcome_pointer()->set_id(1);
  auto received = FromWelcomeMessage(message);
  ASSERT_FALSE(received.ok());
  EXPECT_EQ(EnvelopeErrorOf(received.error()), EnvelopeError::kUnsupported);

  pb::WelcomeMessageInput input;
  input.mutable_welcome_pointer()->set_installation_key("k");
  auto wrapped = FromWelcomeMessageInput(input);
  ASSERT_FALSE(wrapped.ok());
  EXPECT_EQ(EnvelopeErrorOf(wrapped.error()), EnvelopeError::kUnsupported);
}

TEST(WelcomeProto, NoVersionIsMalformed) {
  auto received = FromWelcomeMessage(pb::WelcomeMessage());
  ASSERT_FALSE(received.ok());
  EXPECT_EQ(EnvelopeErrorOf(received.error()), EnvelopeError::kMalformed);
  auto wrapped = FromWelcomeMessageInput(pb::WelcomeMessageInput());
  ASSERT_FALSE(wrapped.ok());
  EXPECT_EQ(EnvelopeErrorOf(wrapped.error()), EnvelopeError::kMalformed);
}

TEST(WelcomeProto, GarbageIsMalformed) {
  const Bytes garbage = {0xff, 0xff, 0xff, 0xff};
  auto received = ParseWelcomeMessage(garbage);
  ASSERT_FALSE(received.ok());
  EXPECT_EQ(EnvelopeErrorOf(received.error()), EnvelopeError::kMalformed);
  // A v1 whose length runs past the end.
  const Bytes truncated = {0x0a, 0x10, 0x08, 0x01};
  received = ParseWelcomeMessage(truncated);
  ASSERT_FALSE(received.ok());
  EXPECT_EQ(EnvelopeErrorOf(received.error()), EnvelopeError::kMalformed);
}

TEST(WelcomeProto, OversizedFieldsAreMalformed) {
  pb::WelcomeMessage message;
  message.mutable_v1()->set_installation_key(std::string(4096, 'k'));
  auto received = FromWelcomeMessage(message);
  ASSERT_FALSE(received.ok());
  EXPECT_EQ(EnvelopeErrorOf(received.error()), EnvelopeError::kMalformed);
}

}  // namespace
}  // namespace xs::xmtp::envelope
