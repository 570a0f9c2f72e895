// Remote attachments: encryption round trip, the digest check, tampering and
// the decoder's parameter checks.
#include "xmtp/content/remote_attachment.h"

#include <gtest/gtest.h>

#include "codec/hex.h"
#include "crypto/aead.h"
#include "crypto/hash.h"

namespace xs::xmtp::content {
namespace {

const Attachment kAttachment{"doc.pdf", "application/pdf", Bytes{'%', 'P', 'D', 'F', 0, 1, 2}};

EncryptedAttachment Encrypt() {
  auto encrypted = EncryptAttachment(kAttachment);
  EXPECT_TRUE(encrypted.ok());
  encrypted->remote.url = "https://example.test/blob";
  return *std::move(encrypted);
}

TEST(RemoteAttachment, EncryptDecryptRoundTripThroughTheContentType) {
  const EncryptedAttachment encrypted = Encrypt();
  EXPECT_EQ(encrypted.remote.content_length, encrypted.payload.size());
  EXPECT_EQ(encrypted.remote.secret.size(), kRemoteAttachmentSecretBytes);
  const EncodedContent encoded = EncodeRemoteAttachment(encrypted.remote);
  EXPECT_EQ(encoded.type.ToString(), "xmtp.org/remoteStaticAttachment:1.0");
  EXPECT_EQ(encoded.fallback,
            "Can't display doc.pdf. This app doesn't support remote attachments.");
  auto remote = DecodeRemoteAttachment(encoded);
  ASSERT_TRUE(remote.ok()) << remote.error().ToString();
  EXPECT_EQ(remote->url, "https://example.test/blob");
  auto attachment = DecryptAttachment(encrypted.payload, *remote);
  ASSERT_TRUE(attachment.ok()) << attachment.error().ToString();
  EXPECT_EQ(*attachment, kAttachment);
}

TEST(RemoteAttachment, FreshKeyMaterialEachTime) {
  const EncryptedAttachment a = Encrypt();
  const EncryptedAttachment b = Encrypt();
  EXPECT_NE(a.payload, b.payload);
  EXPECT_NE(a.remote.salt, b.remote.salt);
  EXPECT_NE(a.remote.nonce, b.remote.nonce);
}

TEST(RemoteAttachment, BadDigestIsATypedErrorBeforeDecryption) {
  const EncryptedAttachment encrypted = Encrypt();
  Bytes tampered = encrypted.payload;
  tampered[0] ^= 1;
  auto result = DecryptAttachment(tampered, encrypted.remote);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind(), kErrorDigestMismatch);
  EXPECT_TRUE(result.error().IsValidation());
}

TEST(RemoteAttachment, TamperedCiphertextWithMatchingDigestFailsAuthentication) {
  EncryptedAttachment encrypted = Encrypt();
  encrypted.payload.back() ^= 1;
  encrypted.remote.content_digest = codec::HexEncode(crypto::Sha256(encrypted.payload));
  auto result = DecryptAttachment(encrypted.payload, encrypted.remote);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().IsAuth());
}

TEST(RemoteAttachment, WrongKeySizesAreRejected) {
  const Bytes k32(32, 1), k12(12, 1), k31(31, 1);
  EXPECT_FALSE(EncryptAttachmentWith(kAttachment, k31, k32, k12).ok());
  EXPECT_FALSE(EncryptAttachmentWith(kAttachment, k32, k31, k12).ok());
  EXPECT_FALSE(EncryptAttachmentWith(kAttachment, k32, k32, k32).ok());
  EXPECT_TRUE(EncryptAttachmentWith(kAttachment, k32, k32, k12).ok());
}

TEST(RemoteAttachment, DecoderChecksEveryParameter) {
  const EncodedContent good = EncodeRemoteAttachment(Encrypt().remote);
  ASSERT_TRUE(DecodeRemoteAttachment(good).ok());
  const std::string not_hex(64, 'z');
  const std::pair<const char*, const char*> bad_params[] = {
      {"contentDigest", "abcd"},   {"contentDigest", ""},    {"secret", "00"},
      {"secret", not_hex.c_str()}, {"salt", "11"},           {"nonce", "22"},
      {"contentLength", "-1"},     {"contentLength", "12x"}, {"contentLength", ""},
  };
  for (const auto& [key, value] : bad_params) {
    EncodedContent bad = good;
    bad.parameters[key] = value;
    auto decoded = DecodeRemoteAttachment(bad);
    ASSERT_FALSE(decoded.ok()) << key << "=" << value;
    EXPECT_EQ(decoded.error().kind(), kErrorMalformed) << key;
  }
  for (const char* key : {"contentDigest", "secret", "salt", "nonce", "contentLength"}) {
    EncodedContent missing = good;
    missing.parameters.erase(key);
    EXPECT_FALSE(DecodeRemoteAttachment(missing).ok()) << key;
  }
  EncodedContent no_url = good;
  no_url.content.clear();
  EXPECT_FALSE(DecodeRemoteAttachment(no_url).ok());
  EXPECT_EQ(DecodeRemoteAttachment(EncodeText("x")).error().kind(), kErrorWrongType);
}

TEST(RemoteAttachment, PlaintextThatIsNotAnAttachmentIsRejected) {
  // Encrypt a text message as if it were the attachment payload.
  const Bytes secret(32, 7), salt(32, 8), nonce(12, 9);
  auto encrypted = EncryptAttachmentWith(kAttachment, secret, salt, nonce);
  ASSERT_TRUE(encrypted.ok());
  const Bytes text = SerializeEncodedContent(EncodeText("not an attachment"));
  auto key_prk = crypto::HkdfExtract(salt, secret);
  auto key = crypto::HkdfExpand(key_prk.bytes(), {}, 32).value();
  auto payload =
      crypto::AeadSeal(crypto::AeadAlgorithm::kAes256Gcm, key.bytes(), nonce, {}, text).value();
  encrypted->remote.content_digest = codec::HexEncode(crypto::Sha256(payload));
  auto result = DecryptAttachment(payload, encrypted->remote);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind(), kErrorWrongType);
}

}  // namespace
}  // namespace xs::xmtp::content
