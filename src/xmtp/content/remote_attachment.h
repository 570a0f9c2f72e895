// Remote attachments (shared/xmtp/protocol.md §5.2,
// xmtp.org/remoteStaticAttachment:1.0): an attachment encrypted for upload to
// a URL the recipient downloads from. Plaintext = the serialized attachment
// EncodedContent; key = HKDF-SHA256(salt, secret, info = empty, 32);
// ciphertext = AES-256-GCM(key, nonce, plaintext, no AAD); contentDigest =
// hex SHA-256 of the ciphertext, checked before decryption.
//
// This layer never fetches the URL: it is opaque data the caller uploads to
// and downloads from. The secret (sent inside the E2E-encrypted message) is
// key material and lives in a crypto::Secret.
//
// Thread contract: pure functions (EncryptAttachment draws randomness).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "base/result.h"
#include "crypto/secret.h"
#include "xmtp/content/codecs.h"

namespace xs::xmtp::content {

inline constexpr std::string_view kRemoteAttachmentScheme = "https://";

struct RemoteAttachment {
  std::string url;
  std::string content_digest;  // lowercase hex SHA-256 of the ciphertext
  crypto::Secret secret;       // 32 bytes
  Bytes salt;                  // 32 bytes
  Bytes nonce;                 // 12 bytes
  std::string scheme = std::string(kRemoteAttachmentScheme);
  std::uint64_t content_length = 0;  // ciphertext bytes
  std::optional<std::string> filename;
};

// The ciphertext to upload and the metadata to send (url left empty).
struct EncryptedAttachment {
  Bytes payload;
  RemoteAttachment remote;
};

// Fresh random secret, salt and nonce.
Result<EncryptedAttachment> EncryptAttachment(const Attachment& attachment);
// Caller-chosen key material (tests, known answers); sizes are checked.
Result<EncryptedAttachment> EncryptAttachmentWith(const Attachment& attachment,
                                                  std::span<const std::uint8_t> secret,
                                                  std::span<const std::uint8_t> salt,
                                                  std::span<const std::uint8_t> nonce);
// Validation error of kind kErrorDigestMismatch when the payload's SHA-256 is
// not contentDigest; Auth error when AES-GCM does not verify; the decoder's
// errors when the plaintext is not an attachment.
Result<Attachment> DecryptAttachment(std::span<const std::uint8_t> payload,
                                     const RemoteAttachment& remote);

EncodedContent EncodeRemoteAttachment(const RemoteAttachment& remote);
// Checks the hex sizes of digest, secret, salt and nonce and contentLength.
Result<RemoteAttachment> DecodeRemoteAttachment(const EncodedContent& encoded);

}  // namespace xs::xmtp::content
