// The welcome wrapper (protocol.md §4.4, profile §2.6): round trips, the
// exact HPKE info bytes, an independent open of both seals with crypto/hpke,
// and a typed error for every way a received welcome can be wrong.
#include "xmtp/envelope/welcome_wrapper.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/hex.h"
#include "codec/tls_reader.h"
#include "crypto/aead.h"
#include "crypto/cipher_suite.h"
#include "crypto/hpke.h"
#include "xmtp/envelope/envelope_error.h"
#include "xmtp/envelope/hpke_context.h"
#include "xmtp/mls/api/v1/mls.pb.h"

namespace xs::xmtp::envelope {
namespace {

Bytes Hex(std::string_view hex) { return codec::HexDecode(hex).value(); }
std::string ToHex(std::span<const std::uint8_t> bytes) { return codec::HexEncode(bytes); }

// 0x13 = 19 = len("MLS 1.0 MLS_WELCOME"), then the empty context.
constexpr const char* kInfoHex = "134d4c5320312e30204d4c535f57454c434f4d4500";

// Stand-ins: the wrapper treats the MLSMessage as opaque bytes.
const Bytes kInstallationKey(32, 0xAB);
const Bytes kWelcome = Hex("000100030102030405060708090a0b0c0d0e0f");

crypto::HpkeKeyPair KeyPair(std::uint8_t seed) {
  return crypto::HpkeDeriveKeyPair(Bytes(32, seed)).value();
}

template <typename T>
std::optional<EnvelopeError> KindOf(const Result<T>& result) {
  if (result.ok()) return std::nullopt;
  return EnvelopeErrorOf(result.error());
}

TEST(WelcomeWrapper, InfoIsEncryptContextOfMlsWelcome) {
  EXPECT_EQ(ToHex(WelcomeHpkeInfo()), kInfoHex);
}

TEST(WelcomeWrapper, RoundTrip) {
  const crypto::HpkeKeyPair recipient = KeyPair(1);
  auto wrapped = WrapWelcome(kInstallationKey, kWelcome, 4242, recipient.public_key);
  ASSERT_TRUE(wrapped.ok()) << wrapped.error().ToString();
  EXPECT_EQ(wrapped->installation_key, kInstallationKey);
  EXPECT_EQ(wrapped->hpke_public_key, recipient.public_key);
  EXPECT_EQ(wrapped->algorithm, WrapperAlgorithm::kCurve25519);

  auto unwrapped = UnwrapWelcome(*wrapped, recipient.private_key.bytes());
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.error().ToString();
  EXPECT_EQ(unwrapped->welcome_mls_message, kWelcome);
  EXPECT_EQ(unwrapped->message_cursor, 4242u);
}

TEST(WelcomeWrapper, CursorZeroIsStillAValue) {
  const crypto::HpkeKeyPair recipient = KeyPair(1);
  auto wrapped = WrapWelcome(kInstallationKey, kWelcome, 0, recipient.public_key).value();
  // An empty protobuf sealed: just the tag.
  EXPECT_EQ(wrapped.welcome_metadata.size(), crypto::kAeadTagSize);
  auto unwrapped = UnwrapWelcome(wrapped, recipient.private_key.bytes());
  ASSERT_TRUE(unwrapped.ok());
  EXPECT_EQ(unwrapped->message_cursor, 0u);
}

TEST(WelcomeWrapper, WireShapeOpensIndependently) {
  const crypto::HpkeKeyPair recipient = KeyPair(2);
  auto wrapped = WrapWelcome(kInstallationKey, kWelcome, 300, recipient.public_key).value();

  // data = TLS HPKECiphertext{kem_output<V>, ciphertext<V>}.
  codec::TlsReader in(wrapped.data);
  auto enc = in.ReadOpaque(64);
  ASSERT_TRUE(enc.ok());
  auto ciphertext = in.ReadOpaque(1024);
  ASSERT_TRUE(ciphertext.ok());
  EXPECT_TRUE(in.ExpectEnd().ok());
  EXPECT_EQ(enc->size(), 32u);
  EXPECT_EQ(ciphertext->size(), kWelcome.size() + crypto::kAeadTagSize);

  // Seal #0 is plain single-shot HPKE with the literal info bytes.
  auto opened =
      crypto::HpkeOpenBase(crypto::AeadAlgorithm::kChaCha20Poly1305, recipient.private_key.bytes(),
                           *enc, Hex(kInfoHex), {}, *ciphertext);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_EQ(*opened, kWelcome);

  // Seal #1 uses nonce base_nonce XOR 1 of the same context.
  auto shared = crypto::HpkeDecap(*enc, recipient.private_key.bytes());
  ASSERT_TRUE(shared.ok());
  auto context = crypto::HpkeKeyScheduleBase(crypto::AeadAlgorithm::kChaCha20Poly1305,
                                             shared->bytes(), Hex(kInfoHex));
  ASSERT_TRUE(context.ok());
  Bytes nonce(context->base_nonce.bytes().begin(), context->base_nonce.bytes().end());
  nonce.back() ^= 1;
  auto metadata = crypto::AeadOpen(crypto::AeadAlgorithm::kChaCha20Poly1305, context->key.bytes(),
                                   nonce, {}, wrapped.welcome_metadata);
  ASSERT_TRUE(metadata.ok()) << metadata.error().ToString();
  // WelcomeMetadata{message_cursor: 300} = 08 ac 02.
  EXPECT_EQ(ToHex(*metadata), "08ac02");
}

TEST(WelcomeWrapper, UnspecifiedAlgorithmIsAccepted) {
  const crypto::HpkeKeyPair recipient = KeyPair(3);
  auto wrapped = WrapWelcome(kInstallationKey, kWelcome, 7, recipient.public_key).value();
  wrapped.algorithm = WrapperAlgorithm::kUnspecified;
  auto unwrapped = UnwrapWelcome(wrapped, recipient.private_key.bytes());
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.error().ToString();
  EXPECT_EQ(unwrapped->welcome_mls_message, kWelcome);
}

TEST(WelcomeWrapper, OtherAlgorithmsAreUnsupported) {
  const crypto::HpkeKeyPair recipient = KeyPair(3);
  auto wrapped = WrapWelcome(kInstallationKey, kWelcome, 7, recipient.public_key).value();
  for (int algorithm : {2, 3, 4, -1}) {
    SCOPED_TRACE(algorithm);
    wrapped.algorithm = static_cast<WrapperAlgorithm>(algorithm);
    EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
              EnvelopeError::kUnsupported);
  }
}

TEST(WelcomeWrapper, EmptyMetadataIsAllowed) {
  const crypto::HpkeKeyPair recipient = KeyPair(4);
  auto wrapped = WrapWelcome(kInstallationKey, kWelcome, 9, recipient.public_key).value();
  wrapped.welcome_metadata.clear();
  auto unwrapped = UnwrapWelcome(wrapped, recipient.private_key.bytes());
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.error().ToString();
  EXPECT_EQ(unwrapped->welcome_mls_message, kWelcome);
  EXPECT_FALSE(unwrapped->message_cursor.has_value());
}

TEST(WelcomeWrapper, WrongKeyIsDecryptFailed) {
  const crypto::HpkeKeyPair recipient = KeyPair(5);
  const crypto::HpkeKeyPair other = KeyPair(6);
  auto wrapped = WrapWelcome(kInstallationKey, kWelcome, 1, recipient.public_key).value();
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, other.private_key.bytes())),
            EnvelopeError::kDecryptFailed);
}

TEST(WelcomeWrapper, MalformedKeysAreInvalidKey) {
  const crypto::HpkeKeyPair recipient = KeyPair(5);
  EXPECT_EQ(KindOf(WrapWelcome(kInstallationKey, kWelcome, 1, Bytes(31, 1))),
            EnvelopeError::kInvalidKey);
  EXPECT_EQ(KindOf(WrapWelcome(kInstallationKey, kWelcome, 1, Bytes(32, 0))),
            EnvelopeError::kInvalidKey);
  auto wrapped = WrapWelcome(kInstallationKey, kWelcome, 1, recipient.public_key).value();
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, Bytes(33, 1))), EnvelopeError::kInvalidKey);
}

TEST(WelcomeWrapper, TruncatedDataIsMalformed) {
  const crypto::HpkeKeyPair recipient = KeyPair(7);
  auto wrapped = WrapWelcome(kInstallationKey, kWelcome, 1, recipient.public_key).value();
  const Bytes data = wrapped.data;
  for (std::size_t size = 0; size < data.size(); ++size) {
    SCOPED_TRACE(size);
    wrapped.data.assign(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(size));
    EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
              EnvelopeError::kMalformed);
  }
}

TEST(WelcomeWrapper, GarbageDataIsTyped) {
  const crypto::HpkeKeyPair recipient = KeyPair(7);
  auto wrapped = WrapWelcome(kInstallationKey, kWelcome, 1, recipient.public_key).value();
  const Bytes data = wrapped.data;

  wrapped.data.push_back(0);  // trailing byte
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
            EnvelopeError::kMalformed);

  wrapped.data = Hex("10");  // kem_output of 16 bytes promised, none given
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
            EnvelopeError::kMalformed);

  // A well-framed kem_output of the wrong size.
  wrapped.data = Hex("0401020304");
  wrapped.data.push_back(0);
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
            EnvelopeError::kMalformed);

  // A ciphertext shorter than the AEAD tag.
  wrapped.data.assign(data.begin(), data.begin() + 33);
  wrapped.data.push_back(5);
  for (int i = 0; i < 5; ++i) wrapped.data.push_back(0);
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
            EnvelopeError::kMalformed);

  // A flipped ciphertext bit: framing fine, authentication fails.
  wrapped.data = data;
  wrapped.data.back() ^= 0x01;
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
            EnvelopeError::kDecryptFailed);

  // An all-zero (low-order) kem_output.
  wrapped.data = data;
  std::fill(wrapped.data.begin() + 1, wrapped.data.begin() + 33, 0);
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
            EnvelopeError::kDecryptFailed);
}

TEST(WelcomeWrapper, TamperedMetadataIsDecryptFailed) {
  const crypto::HpkeKeyPair recipient = KeyPair(8);
  auto wrapped = WrapWelcome(kInstallationKey, kWelcome, 77, recipient.public_key).value();
  const Bytes metadata = wrapped.welcome_metadata;

  wrapped.welcome_metadata[0] ^= 0x80;
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
            EnvelopeError::kDecryptFailed);

  wrapped.welcome_metadata.assign(metadata.begin(), metadata.end() - 1);
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
            EnvelopeError::kDecryptFailed);

  // Metadata of another wrap (another HPKE context) for the same recipient.
  auto other = WrapWelcome(kInstallationKey, kWelcome, 77, recipient.public_key).value();
  wrapped.welcome_metadata = other.welcome_metadata;
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
            EnvelopeError::kDecryptFailed);

  // Shorter than a tag.
  wrapped.welcome_metadata = Hex("0102");
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
            EnvelopeError::kMalformed);
}

TEST(WelcomeWrapper, MetadataThatIsNotProtobufIsMalformed) {
  const crypto::HpkeKeyPair recipient = KeyPair(9);
  auto sender = HpkeSenderContext::Create(crypto::AeadAlgorithm::kChaCha20Poly1305,
                                          recipient.public_key, WelcomeHpkeInfo())
                    .value();
  const Bytes welcome_ciphertext = sender.Seal({}, kWelcome).value();
  const Bytes metadata = sender.Seal({}, Hex("ffffffff")).value();  // field 31, bad wire type
  WrappedWelcome wrapped;
  wrapped.installation_key = kInstallationKey;
  wrapped.data.push_back(32);
  wrapped.data.insert(wrapped.data.end(), sender.enc().begin(), sender.enc().end());
  wrapped.data.push_back(static_cast<std::uint8_t>(welcome_ciphertext.size()));
  wrapped.data.insert(wrapped.data.end(), welcome_ciphertext.begin(), welcome_ciphertext.end());
  wrapped.hpke_public_key = recipient.public_key;
  wrapped.welcome_metadata = metadata;
  EXPECT_EQ(KindOf(UnwrapWelcome(wrapped, recipient.private_key.bytes())),
            EnvelopeError::kMalformed);

  wrapped.welcome_metadata.clear();
  EXPECT_TRUE(UnwrapWelcome(wrapped, recipient.private_key.bytes()).ok());
}

}  // namespace
}  // namespace xs::xmtp::envelope
