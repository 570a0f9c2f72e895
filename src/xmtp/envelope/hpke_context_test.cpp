// Multi-message HPKE contexts against RFC 9180 Appendix A.2
// (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, base mode):
// sequence numbers 0, 1 and 2 of the published encryptions, which is what
// the welcome wrapper's second seal depends on.
#include "xmtp/envelope/hpke_context.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/hex.h"
#include "crypto/aead.h"

namespace xs::xmtp::envelope {
namespace {

Bytes Hex(std::string_view hex) { return codec::HexDecode(hex).value(); }
std::string ToHex(ByteSpan bytes) { return codec::HexEncode(bytes); }

constexpr crypto::AeadAlgorithm kAead = crypto::AeadAlgorithm::kChaCha20Poly1305;
constexpr const char* kSkE = "f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600";
constexpr const char* kPkE = "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a";
constexpr const char* kPkR = "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a";
constexpr const char* kSkR = "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb";
constexpr const char* kInfo = "4f6465206f6e2061204772656369616e2055726e";
constexpr const char* kPlaintext = "4265617574792069732074727574682c20747275746820626561757479";

struct Encryption {
  const char* aad;  // "Count-<seq>"
  const char* ciphertext;
};
// A.2.1.1, sequence numbers 0, 1, 2.
const Encryption kEncryptions[] = {
    {"436f756e742d30",
     "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28"},
    {"436f756e742d31",
     "6b53c051e4199c518de79594e1c4ab18b96f081549d45ce015be002090bb119e85285337cc95ba5f59992dc98c"},
    {"436f756e742d32",
     "71146bd6795ccc9c49ce25dda112a48f202ad220559502cef1f34271e0cb4b02b4f10ecac6f48c32f878fae86b"},
};

TEST(HpkeContextRfc9180, SenderSealsSequenceZeroOneTwo) {
  auto sender = HpkeSenderContext::CreateWithEphemeral(kAead, Hex(kSkE), Hex(kPkR), Hex(kInfo));
  ASSERT_TRUE(sender.ok()) << sender.error().ToString();
  EXPECT_EQ(ToHex(sender->enc()), kPkE);
  for (const Encryption& encryption : kEncryptions) {
    SCOPED_TRACE(encryption.aad);
    auto sealed = sender->Seal(Hex(encryption.aad), Hex(kPlaintext));
    ASSERT_TRUE(sealed.ok()) << sealed.error().ToString();
    EXPECT_EQ(ToHex(*sealed), encryption.ciphertext);
  }
  EXPECT_EQ(sender->sequence(), 3u);
}

TEST(HpkeContextRfc9180, ReceiverOpensSequenceZeroOneTwo) {
  auto receiver = HpkeReceiverContext::Create(kAead, Hex(kSkR), Hex(kPkE), Hex(kInfo));
  ASSERT_TRUE(receiver.ok()) << receiver.error().ToString();
  for (const Encryption& encryption : kEncryptions) {
    SCOPED_TRACE(encryption.aad);
    auto opened = receiver->Open(Hex(encryption.aad), Hex(encryption.ciphertext));
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    EXPECT_EQ(ToHex(*opened), kPlaintext);
  }
}

TEST(HpkeContext, OpenOutOfOrderFailsAndDoesNotAdvance) {
  auto receiver = HpkeReceiverContext::Create(kAead, Hex(kSkR), Hex(kPkE), Hex(kInfo));
  ASSERT_TRUE(receiver.ok());
  // Message 1 first: authenticated under nonce 1, opened under nonce 0.
  auto early = receiver->Open(Hex(kEncryptions[1].aad), Hex(kEncryptions[1].ciphertext));
  ASSERT_FALSE(early.ok());
  EXPECT_TRUE(early.error().IsAuth());
  EXPECT_EQ(receiver->sequence(), 0u);
  auto first = receiver->Open(Hex(kEncryptions[0].aad), Hex(kEncryptions[0].ciphertext));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(receiver->sequence(), 1u);
}

TEST(HpkeContext, FreshEphemeralRoundTrip) {
  auto sender = HpkeSenderContext::Create(kAead, Hex(kPkR), Hex(kInfo));
  ASSERT_TRUE(sender.ok());
  EXPECT_NE(ToHex(sender->enc()), kPkE);
  auto a = sender->Seal({}, Hex("01"));
  auto b = sender->Seal({}, Hex("0202"));
  ASSERT_TRUE(a.ok() && b.ok());
  auto receiver = HpkeReceiverContext::Create(kAead, Hex(kSkR), sender->enc(), Hex(kInfo));
  ASSERT_TRUE(receiver.ok());
  EXPECT_EQ(ToHex(receiver->Open({}, *a).value()), "01");
  EXPECT_EQ(ToHex(receiver->Open({}, *b).value()), "0202");
}

TEST(HpkeContext, RejectsMalformedKeys) {
  EXPECT_FALSE(HpkeSenderContext::Create(kAead, Hex("0102"), Hex(kInfo)).ok());
  // All-zero point: low order (RFC 9180 §7.1.4).
  EXPECT_FALSE(HpkeSenderContext::Create(kAead, Bytes(32, 0), Hex(kInfo)).ok());
  EXPECT_FALSE(HpkeReceiverContext::Create(kAead, Hex(kSkR), Hex("01"), Hex(kInfo)).ok());
}

}  // namespace
}  // namespace xs::xmtp::envelope
