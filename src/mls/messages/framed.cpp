#include "mls/messages/framed.h"

#include "mls/messages/tls_util.h"

namespace xs::mls {

using codec::TlsReader;
using codec::TlsWriter;
using detail::Malformed;
using detail::ReadBytes;
using detail::WriteBytes;

namespace {

Result<ContentType> ReadContentType(TlsReader& r, std::string_view field) {
  XS_TRY(std::uint8_t type, r.ReadU8());
  if (type < static_cast<std::uint8_t>(ContentType::kApplication) ||
      type > static_cast<std::uint8_t>(ContentType::kCommit)) {
    return Malformed(field, "unknown content type");
  }
  return static_cast<ContentType>(type);
}

void EncodeBody(TlsWriter& w, const ContentBody& body) {
  if (const auto* data = std::get_if<Bytes>(&body)) {
    WriteBytes(w, *data);
  } else if (const auto* proposal = std::get_if<Proposal>(&body)) {
    Encode(w, *proposal);
  } else {
    Encode(w, std::get<Commit>(body));
  }
}

Status DecodeBody(TlsReader& r, ContentType type, ContentBody& out) {
  switch (type) {
    case ContentType::kApplication: {
      Bytes data;
      XS_RETURN_IF_ERROR(ReadBytes(r, kMaxApplicationDataSize, data));
      out = std::move(data);
      return OkStatus();
    }
    case ContentType::kProposal: {
      Proposal proposal;
      XS_RETURN_IF_ERROR(Decode(r, proposal));
      out = std::move(proposal);
      return OkStatus();
    }
    case ContentType::kCommit: {
      Commit commit;
      XS_RETURN_IF_ERROR(Decode(r, commit));
      out = std::move(commit);
      return OkStatus();
    }
  }
  return Malformed("FramedContent.content_type", "unknown content type");
}

bool SenderHasContext(SenderType type) {
  return type == SenderType::kMember || type == SenderType::kNewMemberCommit;
}

void EncodeGroupPrefix(TlsWriter& w, const PrivateMessage& m) {
  WriteBytes(w, m.group_id);
  w.WriteU64(m.epoch);
  w.WriteU8(static_cast<std::uint8_t>(m.content_type));
}

}  // namespace

ContentType ContentTypeOf(const ContentBody& body) {
  if (std::holds_alternative<Bytes>(body)) return ContentType::kApplication;
  if (std::holds_alternative<Proposal>(body)) return ContentType::kProposal;
  return ContentType::kCommit;
}

WireFormat MlsMessage::wire_format() const {
  return static_cast<WireFormat>(body.index() + 1);  // variant order follows WireFormat
}

void Encode(TlsWriter& w, const Sender& v) {
  w.WriteU8(static_cast<std::uint8_t>(v.sender_type));
  if (v.sender_type == SenderType::kMember || v.sender_type == SenderType::kExternal) {
    w.WriteU32(v.index);
  }
}

Status Decode(TlsReader& r, Sender& out) {
  XS_TRY(std::uint8_t type, r.ReadU8());
  out.index = 0;
  switch (type) {
    case static_cast<std::uint8_t>(SenderType::kMember):
    case static_cast<std::uint8_t>(SenderType::kExternal): {
      XS_TRY(out.index, r.ReadU32());
      break;
    }
    case static_cast<std::uint8_t>(SenderType::kNewMemberProposal):
    case static_cast<std::uint8_t>(SenderType::kNewMemberCommit):
      break;
    default:
      return Malformed("Sender.sender_type", "unknown sender type");
  }
  out.sender_type = static_cast<SenderType>(type);
  return OkStatus();
}

void Encode(TlsWriter& w, const FramedContent& v) {
  WriteBytes(w, v.group_id);
  w.WriteU64(v.epoch);
  Encode(w, v.sender);
  WriteBytes(w, v.authenticated_data);
  w.WriteU8(static_cast<std::uint8_t>(v.content_type()));
  EncodeBody(w, v.body);
}

Status Decode(TlsReader& r, FramedContent& out) {
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxGroupIdSize, out.group_id));
  XS_TRY(out.epoch, r.ReadU64());
  XS_RETURN_IF_ERROR(Decode(r, out.sender));
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxAuthenticatedDataSize, out.authenticated_data));
  XS_TRY(ContentType type, ReadContentType(r, "FramedContent.content_type"));
  return DecodeBody(r, type, out.body);
}

void EncodeAuthData(TlsWriter& w, const FramedContentAuthData& v, ContentType type) {
  WriteBytes(w, v.signature);
  if (type == ContentType::kCommit) WriteBytes(w, v.confirmation_tag);
}

Status DecodeAuthData(TlsReader& r, ContentType type, FramedContentAuthData& out) {
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxSignatureSize, out.signature));
  out.confirmation_tag.clear();
  if (type == ContentType::kCommit) {
    XS_RETURN_IF_ERROR(ReadBytes(r, kMaxHashSize, out.confirmation_tag));
  }
  return OkStatus();
}

void Encode(TlsWriter& w, const PublicMessage& v) {
  Encode(w, v.content);
  EncodeAuthData(w, v.auth, v.content.content_type());
  if (v.content.sender.sender_type == SenderType::kMember) WriteBytes(w, v.membership_tag);
}

Status Decode(TlsReader& r, PublicMessage& out) {
  XS_RETURN_IF_ERROR(Decode(r, out.content));
  XS_RETURN_IF_ERROR(DecodeAuthData(r, out.content.content_type(), out.auth));
  out.membership_tag.clear();
  if (out.content.sender.sender_type == SenderType::kMember) {
    XS_RETURN_IF_ERROR(ReadBytes(r, kMaxHashSize, out.membership_tag));
  }
  return OkStatus();
}

void Encode(TlsWriter& w, const PrivateMessage& v) {
  EncodeGroupPrefix(w, v);
  WriteBytes(w, v.authenticated_data);
  WriteBytes(w, v.encrypted_sender_data);
  WriteBytes(w, v.ciphertext);
}

Status Decode(TlsReader& r, PrivateMessage& out) {
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxGroupIdSize, out.group_id));
  XS_TRY(out.epoch, r.ReadU64());
  XS_TRY(out.content_type, ReadContentType(r, "PrivateMessage.content_type"));
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxAuthenticatedDataSize, out.authenticated_data));
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxEncryptedSenderDataSize, out.encrypted_sender_data));
  return ReadBytes(r, kMaxCiphertextSize, out.ciphertext);
}

void Encode(TlsWriter& w, const SenderData& v) {
  w.WriteU32(v.leaf_index);
  w.WriteU32(v.generation);
  w.WriteFixed(v.reuse_guard);
}

Status Decode(TlsReader& r, SenderData& out) {
  XS_TRY(out.leaf_index, r.ReadU32());
  XS_TRY(out.generation, r.ReadU32());
  XS_TRY(auto guard, r.ReadFixed(kReuseGuardSize));
  std::copy(guard.begin(), guard.end(), out.reuse_guard.begin());
  return OkStatus();
}

void Encode(TlsWriter& w, const MlsMessage& v) {
  w.WriteU16(v.version);
  w.WriteU16(static_cast<std::uint16_t>(v.wire_format()));
  std::visit([&](const auto& body) { Encode(w, body); }, v.body);
}

namespace {

template <typename T>
Status DecodeMessageBody(TlsReader& r, MlsMessageBody& out) {
  T body{};
  XS_RETURN_IF_ERROR(Decode(r, body));
  out = std::move(body);
  return OkStatus();
}

}  // namespace

Status Decode(TlsReader& r, MlsMessage& out) {
  XS_TRY(out.version, r.ReadU16());
  if (out.version != kProtocolVersionMls10) {
    return Malformed("MLSMessage.version", "unsupported protocol version");
  }
  XS_TRY(std::uint16_t wire_format, r.ReadU16());
  switch (wire_format) {
    case static_cast<std::uint16_t>(WireFormat::kPublicMessage):
      return DecodeMessageBody<PublicMessage>(r, out.body);
    case static_cast<std::uint16_t>(WireFormat::kPrivateMessage):
      return DecodeMessageBody<PrivateMessage>(r, out.body);
    case static_cast<std::uint16_t>(WireFormat::kWelcome):
      return DecodeMessageBody<Welcome>(r, out.body);
    case static_cast<std::uint16_t>(WireFormat::kGroupInfo):
      return DecodeMessageBody<GroupInfo>(r, out.body);
    case static_cast<std::uint16_t>(WireFormat::kKeyPackage):
      return DecodeMessageBody<KeyPackage>(r, out.body);
    default:
      return Malformed("MLSMessage.wire_format", "unknown wire format");
  }
}

Bytes EncodeFramedContentTbs(WireFormat wire_format, const FramedContent& content,
                             std::span<const std::uint8_t> serialized_context) {
  TlsWriter w;
  w.WriteU16(kProtocolVersionMls10);
  w.WriteU16(static_cast<std::uint16_t>(wire_format));
  Encode(w, content);
  if (SenderHasContext(content.sender.sender_type)) w.WriteFixed(serialized_context);
  return std::move(w).Take();
}

Bytes EncodeAuthenticatedContent(WireFormat wire_format, const FramedContent& content,
                                 const FramedContentAuthData& auth) {
  TlsWriter w;
  w.WriteU16(static_cast<std::uint16_t>(wire_format));
  Encode(w, content);
  EncodeAuthData(w, auth, content.content_type());
  return std::move(w).Take();
}

Bytes EncodePrivateMessageContent(const ContentBody& body, const FramedContentAuthData& auth,
                                  std::size_t padding_size) {
  TlsWriter w;
  EncodeBody(w, body);
  EncodeAuthData(w, auth, ContentTypeOf(body));
  Bytes out = std::move(w).Take();
  out.resize(out.size() + padding_size, 0);
  return out;
}

Status DecodePrivateMessageContent(std::span<const std::uint8_t> plaintext, ContentType type,
                                   ContentBody& body, FramedContentAuthData& auth) {
  TlsReader r(plaintext);
  XS_RETURN_IF_ERROR(DecodeBody(r, type, body));
  XS_RETURN_IF_ERROR(DecodeAuthData(r, type, auth));
  XS_TRY(auto padding, r.ReadFixed(r.remaining()));
  std::uint8_t any = 0;
  for (std::uint8_t b : padding) any |= b;
  if (any != 0) return Malformed("PrivateMessageContent.padding", "padding is not all zeros");
  return OkStatus();
}

Bytes EncodePrivateContentAad(const PrivateMessage& m) {
  TlsWriter w;
  EncodeGroupPrefix(w, m);
  WriteBytes(w, m.authenticated_data);
  return std::move(w).Take();
}

Bytes EncodeSenderDataAad(const PrivateMessage& m) {
  TlsWriter w;
  EncodeGroupPrefix(w, m);
  return std::move(w).Take();
}

}  // namespace xs::mls
