// PrivateMessage protection (RFC 9420 §6.3): content encryption with the
// sender's per-generation key/nonce from the secret tree (nonce XOR reuse
// guard on its first 4 bytes), sender-data encryption under keys derived
// from sender_data_secret and the ciphertext sample, and zero padding that
// the receiver checks.
//
// The signature inside the content is produced/checked with
// SignFramedContent / VerifyFramedContent (wire format private) by the
// caller, who knows the sender's signature key.
//
// Thread contract: pure functions except for the SecretTree argument, which
// is advanced (keys are consumed); callers serialize access to it.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/result.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "mls/messages/framed.h"
#include "mls/secret_tree.h"

namespace xs::mls {

// XMTP (OpenMLS default) adds no padding.
inline constexpr std::size_t kDefaultPaddingSize = 0;
inline constexpr std::size_t kMaxPaddingSize = 64 * 1024;

// Encrypts `content` (sender must be a member) with `auth`. Uses the next
// generation of the sender's handshake (proposal/commit) or application
// ratchet in `tree`.
Result<PrivateMessage> ProtectPrivateMessage(const crypto::CipherSuite& suite,
                                             const FramedContent& content,
                                             const FramedContentAuthData& auth, SecretTree& tree,
                                             const crypto::Secret& sender_data_secret,
                                             std::size_t padding_size = kDefaultPaddingSize);

struct UnprotectedContent {
  FramedContent content;
  FramedContentAuthData auth;
};

// Error::kind() of the Auth error for content that does not decrypt under
// the key its (decrypted) sender data names.
inline constexpr std::string_view kContentUndecryptableKind = "mls.framing.content_undecryptable";

// Decrypts the sender data, then the content with the key of that sender and
// generation from `tree`. Auth error when either AEAD fails (the content's
// with kind kContentUndecryptableKind); Validation error for malformed
// plaintexts or non-zero padding.
Result<UnprotectedContent> UnprotectPrivateMessage(const crypto::CipherSuite& suite,
                                                   const PrivateMessage& message, SecretTree& tree,
                                                   const crypto::Secret& sender_data_secret);

}  // namespace xs::mls
