#include "mls/framing/public_message.h"

#include <string>

#include "crypto/hash.h"

namespace xs::mls {
namespace {

constexpr char kFramedContentTbsLabel[] = "FramedContentTBS";

// AuthenticatedContentTBM (§6.2) = FramedContentTBS || FramedContentAuthData.
Bytes EncodeAuthenticatedContentTbm(const FramedContent& content, const FramedContentAuthData& auth,
                                    std::span<const std::uint8_t> group_context) {
  Bytes tbm = EncodeFramedContentTbs(WireFormat::kPublicMessage, content, group_context);
  codec::TlsWriter w;
  EncodeAuthData(w, auth, content.content_type());
  const auto tail = w.bytes();
  tbm.insert(tbm.end(), tail.begin(), tail.end());
  return tbm;
}

}  // namespace

Result<FramedContentAuthData> SignFramedContent(
    const crypto::CipherSuite& suite, WireFormat wire_format, const FramedContent& content,
    std::span<const std::uint8_t> group_context,
    std::span<const std::uint8_t> signature_private_key,
    std::span<const std::uint8_t> confirmation_tag,
    std::span<const std::uint8_t> signature_public_key) {
  const Bytes tbs = EncodeFramedContentTbs(wire_format, content, group_context);
  FramedContentAuthData auth;
  if (signature_public_key.empty()) {
    XS_TRY(auth.signature, suite.SignWithLabel(signature_private_key, kFramedContentTbsLabel, tbs));
  } else {
    XS_TRY(auth.signature, suite.SignWithLabel(signature_private_key, signature_public_key,
                                               kFramedContentTbsLabel, tbs));
  }
  if (content.content_type() == ContentType::kCommit) {
    auth.confirmation_tag.assign(confirmation_tag.begin(), confirmation_tag.end());
  }
  return auth;
}

Status VerifyFramedContent(const crypto::CipherSuite& suite, WireFormat wire_format,
                           const FramedContent& content, const FramedContentAuthData& auth,
                           std::span<const std::uint8_t> group_context,
                           std::span<const std::uint8_t> signature_public_key) {
  const Bytes tbs = EncodeFramedContentTbs(wire_format, content, group_context);
  if (!suite.VerifyWithLabel(signature_public_key, kFramedContentTbsLabel, tbs, auth.signature)) {
    return Error::Auth("mls: FramedContent signature is invalid");
  }
  return OkStatus();
}

Result<PublicMessage> ProtectPublicMessage(const crypto::CipherSuite& suite,
                                           const FramedContent& content,
                                           const FramedContentAuthData& auth,
                                           std::span<const std::uint8_t> group_context,
                                           const crypto::Secret& membership_key) {
  if (content.content_type() == ContentType::kApplication) {
    return Error::Validation("mls.PublicMessage.content_type",
                             "application data must be sent as a PrivateMessage");
  }
  PublicMessage message{content, auth, {}};
  if (content.sender.sender_type == SenderType::kMember) {
    const Bytes tbm = EncodeAuthenticatedContentTbm(content, auth, group_context);
    XS_TRY(message.membership_tag, suite.Mac(membership_key.bytes(), tbm));
  }
  return message;
}

Status UnprotectPublicMessage(const crypto::CipherSuite& suite, const PublicMessage& message,
                              std::span<const std::uint8_t> group_context,
                              const crypto::Secret& membership_key) {
  if (message.content.content_type() == ContentType::kApplication) {
    return Error::Validation("mls.PublicMessage.content_type",
                             "application data in a PublicMessage is not allowed");
  }
  if (message.content.sender.sender_type != SenderType::kMember) return OkStatus();
  const Bytes tbm = EncodeAuthenticatedContentTbm(message.content, message.auth, group_context);
  XS_TRY(Bytes expected, suite.Mac(membership_key.bytes(), tbm));
  if (!crypto::ConstantTimeEquals(expected, message.membership_tag)) {
    return Error::Auth("mls: PublicMessage membership tag is invalid");
  }
  return OkStatus();
}

}  // namespace xs::mls
