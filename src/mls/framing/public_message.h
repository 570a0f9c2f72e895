// PublicMessage protection (RFC 9420 §6.1, §6.2): signing and verifying the
// FramedContentTBS with SignWithLabel("FramedContentTBS"), and the
// membership tag, MAC(membership_key, AuthenticatedContentTBM).
//
// XMTP sends every handshake message as a PrivateMessage (profile §1.2);
// PublicMessage is kept for the test vectors and for completeness.
// Application data is never allowed in a PublicMessage.
//
// Thread contract: pure functions.
#pragma once

#include <span>

#include "base/result.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "mls/messages/framed.h"

namespace xs::mls {

// Signs `content` as sent in `wire_format`: returns its FramedContentAuthData
// (signature, plus `confirmation_tag` for commits). `group_context` is the
// serialized GroupContext of the epoch (used for member and
// new_member_commit senders). `signature_public_key`, when given, is the
// private key's (our own leaf's): it spares deriving it.
Result<FramedContentAuthData> SignFramedContent(
    const crypto::CipherSuite& suite, WireFormat wire_format, const FramedContent& content,
    std::span<const std::uint8_t> group_context,
    std::span<const std::uint8_t> signature_private_key,
    std::span<const std::uint8_t> confirmation_tag,
    std::span<const std::uint8_t> signature_public_key = {});

// Auth error unless `auth.signature` is valid for `content` under
// `signature_public_key`.
Status VerifyFramedContent(const crypto::CipherSuite& suite, WireFormat wire_format,
                           const FramedContent& content, const FramedContentAuthData& auth,
                           std::span<const std::uint8_t> group_context,
                           std::span<const std::uint8_t> signature_public_key);

// Builds the PublicMessage, adding the membership tag for member senders.
// Application content is refused (Validation error).
Result<PublicMessage> ProtectPublicMessage(const crypto::CipherSuite& suite,
                                           const FramedContent& content,
                                           const FramedContentAuthData& auth,
                                           std::span<const std::uint8_t> group_context,
                                           const crypto::Secret& membership_key);

// Checks the content type and, for member senders, the membership tag (Auth
// error when wrong). The signature is checked separately with
// VerifyFramedContent, by a caller that knows the sender's key.
Status UnprotectPublicMessage(const crypto::CipherSuite& suite, const PublicMessage& message,
                              std::span<const std::uint8_t> group_context,
                              const crypto::Secret& membership_key);

}  // namespace xs::mls
