// MLS framing structures (RFC 9420 §6): Sender, FramedContent,
// FramedContentTBS, FramedContentAuthData, AuthenticatedContent(TBM),
// PublicMessage, PrivateMessage, PrivateMessageContent, SenderData, the AAD
// structs of PrivateMessage, and MLSMessage with every wire format.
//
// The cryptographic protection of these messages lives in mls/framing/.
// Thread contract: plain values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "mls/messages/group.h"

namespace xs::mls {

struct Sender {
  SenderType sender_type = SenderType::kMember;
  std::uint32_t index = 0;  // leaf_index (member) or sender_index (external)
  bool operator==(const Sender&) const = default;
};

// The content body: application_data, a Proposal or a Commit.
using ContentBody = std::variant<Bytes, Proposal, Commit>;
ContentType ContentTypeOf(const ContentBody& body);

struct FramedContent {
  Bytes group_id;
  std::uint64_t epoch = 0;
  Sender sender;
  Bytes authenticated_data;
  ContentBody body;
  ContentType content_type() const { return ContentTypeOf(body); }
  bool operator==(const FramedContent&) const = default;
};

struct FramedContentAuthData {
  Bytes signature;
  Bytes confirmation_tag;  // only encoded for commits
  bool operator==(const FramedContentAuthData&) const = default;
};

struct PublicMessage {
  FramedContent content;
  FramedContentAuthData auth;
  Bytes membership_tag;  // only encoded for member senders
  bool operator==(const PublicMessage&) const = default;
};

struct PrivateMessage {
  Bytes group_id;
  std::uint64_t epoch = 0;
  ContentType content_type = ContentType::kApplication;
  Bytes authenticated_data;
  Bytes encrypted_sender_data;
  Bytes ciphertext;
  bool operator==(const PrivateMessage&) const = default;
};

inline constexpr std::size_t kReuseGuardSize = 4;

struct SenderData {
  std::uint32_t leaf_index = 0;
  std::uint32_t generation = 0;
  std::array<std::uint8_t, kReuseGuardSize> reuse_guard{};
  bool operator==(const SenderData&) const = default;
};

// MLSMessage { version; wire_format; select body }.
using MlsMessageBody = std::variant<PublicMessage, PrivateMessage, Welcome, GroupInfo, KeyPackage>;
struct MlsMessage {
  std::uint16_t version = kProtocolVersionMls10;
  MlsMessageBody body;
  WireFormat wire_format() const;
  bool operator==(const MlsMessage&) const = default;
};

void Encode(codec::TlsWriter& w, const Sender& v);
void Encode(codec::TlsWriter& w, const FramedContent& v);
// FramedContentAuthData; the confirmation tag is written for commits only.
void EncodeAuthData(codec::TlsWriter& w, const FramedContentAuthData& v, ContentType type);
void Encode(codec::TlsWriter& w, const PublicMessage& v);
void Encode(codec::TlsWriter& w, const PrivateMessage& v);
void Encode(codec::TlsWriter& w, const SenderData& v);
void Encode(codec::TlsWriter& w, const MlsMessage& v);

Status Decode(codec::TlsReader& r, Sender& out);
Status Decode(codec::TlsReader& r, FramedContent& out);
Status DecodeAuthData(codec::TlsReader& r, ContentType type, FramedContentAuthData& out);
Status Decode(codec::TlsReader& r, PublicMessage& out);
Status Decode(codec::TlsReader& r, PrivateMessage& out);
Status Decode(codec::TlsReader& r, SenderData& out);
Status Decode(codec::TlsReader& r, MlsMessage& out);

// FramedContentTBS (§6.1): version, wire_format, content and, for member and
// new_member_commit senders, the serialized GroupContext.
Bytes EncodeFramedContentTbs(WireFormat wire_format, const FramedContent& content,
                             std::span<const std::uint8_t> serialized_context);
// AuthenticatedContent (§6.1): wire_format || content || auth.
Bytes EncodeAuthenticatedContent(WireFormat wire_format, const FramedContent& content,
                                 const FramedContentAuthData& auth);
// PrivateMessageContent (§6.3.1): body without its type, auth data, then
// `padding_size` zero bytes.
Bytes EncodePrivateMessageContent(const ContentBody& body, const FramedContentAuthData& auth,
                                  std::size_t padding_size);
// Decodes PrivateMessageContent of the given type; the padding after the
// auth data must be all zeros.
Status DecodePrivateMessageContent(std::span<const std::uint8_t> plaintext, ContentType type,
                                   ContentBody& body, FramedContentAuthData& auth);
// PrivateContentAAD (§6.3.1) and SenderDataAAD (§6.3.2).
Bytes EncodePrivateContentAad(const PrivateMessage& m);
Bytes EncodeSenderDataAad(const PrivateMessage& m);

}  // namespace xs::mls
