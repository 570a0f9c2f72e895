#include "xmtp/content/remote_attachment.h"

#include <charconv>

#include "codec/hex.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "xmtp/content/codec_util.h"

namespace xs::xmtp::content {
namespace {

using internal::Malformed;

constexpr std::size_t kKeyBytes = 32;

Result<crypto::Secret> DeriveKey(std::span<const std::uint8_t> secret,
                                 std::span<const std::uint8_t> salt) {
  const crypto::Secret prk = crypto::HkdfExtract(salt, secret);
  return crypto::HkdfExpand(prk.bytes(), {}, kKeyBytes);
}

Status CheckKeySizes(std::span<const std::uint8_t> secret, std::span<const std::uint8_t> salt,
                     std::span<const std::uint8_t> nonce) {
  if (secret.size() != kRemoteAttachmentSecretBytes) {
    return Malformed("secret", "a remote attachment secret is 32 bytes");
  }
  if (salt.size() != kRemoteAttachmentSaltBytes) {
    return Malformed("salt", "a remote attachment salt is 32 bytes");
  }
  if (nonce.size() != kRemoteAttachmentNonceBytes) {
    return Malformed("nonce", "a remote attachment nonce is 12 bytes");
  }
  return OkStatus();
}

Result<Bytes> HexParameter(const EncodedContent& encoded, std::string_view key, std::size_t size) {
  XS_TRY(std::string hex, internal::RequiredParameter(encoded, key));
  auto bytes = codec::HexDecode(hex);
  if (!bytes.ok() || bytes->size() != size) {
    return Malformed(key, "expected " + std::to_string(size) + " bytes in hex");
  }
  return *std::move(bytes);
}

}  // namespace

Result<EncryptedAttachment> EncryptAttachment(const Attachment& attachment) {
  const crypto::Secret secret = crypto::Secret::Random(kRemoteAttachmentSecretBytes);
  const Bytes salt = crypto::RandomVector(kRemoteAttachmentSaltBytes);
  const Bytes nonce = crypto::RandomVector(kRemoteAttachmentNonceBytes);
  return EncryptAttachmentWith(attachment, secret.bytes(), salt, nonce);
}

Result<EncryptedAttachment> EncryptAttachmentWith(const Attachment& attachment,
                                                  std::span<const std::uint8_t> secret,
                                                  std::span<const std::uint8_t> salt,
                                                  std::span<const std::uint8_t> nonce) {
  XS_RETURN_IF_ERROR(CheckKeySizes(secret, salt, nonce));
  const Bytes plaintext = SerializeEncodedContent(EncodeAttachment(attachment));
  XS_TRY(crypto::Secret key, DeriveKey(secret, salt));
  EncryptedAttachment out;
  XS_TRY(out.payload,
         crypto::AeadSeal(crypto::AeadAlgorithm::kAes256Gcm, key.bytes(), nonce, {}, plaintext));
  out.remote.content_digest = codec::HexEncode(crypto::Sha256(out.payload));
  out.remote.secret = crypto::Secret::Copy(secret);
  out.remote.salt.assign(salt.begin(), salt.end());
  out.remote.nonce.assign(nonce.begin(), nonce.end());
  out.remote.content_length = out.payload.size();
  out.remote.filename = attachment.filename;
  return out;
}

Result<Attachment> DecryptAttachment(std::span<const std::uint8_t> payload,
                                     const RemoteAttachment& remote) {
  XS_RETURN_IF_ERROR(CheckKeySizes(remote.secret.bytes(), remote.salt, remote.nonce));
  auto expected = codec::HexDecode(remote.content_digest);
  const crypto::Digest256 actual = crypto::Sha256(payload);
  if (!expected.ok() || !crypto::ConstantTimeEquals(*expected, actual)) {
    return Error::Validation("contentDigest", "the downloaded payload does not match the digest")
        .WithKind(std::string(kErrorDigestMismatch));
  }
  XS_TRY(crypto::Secret key, DeriveKey(remote.secret.bytes(), remote.salt));
  XS_TRY(Bytes plaintext, crypto::AeadOpen(crypto::AeadAlgorithm::kAes256Gcm, key.bytes(),
                                           remote.nonce, {}, payload));
  XS_TRY(EncodedContent encoded, ParseEncodedContent(plaintext));
  return DecodeAttachment(encoded);
}

EncodedContent EncodeRemoteAttachment(const RemoteAttachment& remote) {
  EncodedContent encoded;
  encoded.type = RemoteAttachmentType();
  encoded.parameters.emplace("contentDigest", remote.content_digest);
  encoded.parameters.emplace("salt", codec::HexEncode(remote.salt));
  encoded.parameters.emplace("nonce", codec::HexEncode(remote.nonce));
  encoded.parameters.emplace("secret", codec::HexEncode(remote.secret.bytes()));
  encoded.parameters.emplace("scheme", remote.scheme);
  encoded.parameters.emplace("contentLength", std::to_string(remote.content_length));
  if (remote.filename) encoded.parameters.emplace("filename", *remote.filename);
  encoded.fallback = "Can't display " + remote.filename.value_or("this content") +
                     ". This app doesn't support remote attachments.";
  encoded.content = internal::ToBytes(remote.url);
  return encoded;
}

Result<RemoteAttachment> DecodeRemoteAttachment(const EncodedContent& encoded) {
  XS_RETURN_IF_ERROR(internal::CheckType(encoded, RemoteAttachmentType()));
  RemoteAttachment remote;
  XS_TRY(remote.url, internal::ContentAsUtf8(encoded, "url"));
  if (remote.url.empty()) return Malformed("url", "a remote attachment needs a URL");
  XS_TRY(Bytes digest, HexParameter(encoded, "contentDigest", crypto::kSha256Size));
  remote.content_digest = codec::HexEncode(digest);
  XS_TRY(Bytes secret, HexParameter(encoded, "secret", kRemoteAttachmentSecretBytes));
  remote.secret = crypto::Secret::Copy(secret);
  crypto::Wipe(secret);
  XS_TRY(remote.salt, HexParameter(encoded, "salt", kRemoteAttachmentSaltBytes));
  XS_TRY(remote.nonce, HexParameter(encoded, "nonce", kRemoteAttachmentNonceBytes));
  remote.scheme = internal::Parameter(encoded, "scheme").value_or("");
  XS_TRY(std::string length, internal::RequiredParameter(encoded, "contentLength"));
  const char* end = length.data() + length.size();
  auto [ptr, ec] = std::from_chars(length.data(), end, remote.content_length);
  if (ec != std::errc() || ptr != end) {
    return Malformed("contentLength", "not a decimal byte count");
  }
  remote.filename = internal::Parameter(encoded, "filename");
  return remote;
}

}  // namespace xs::xmtp::content
