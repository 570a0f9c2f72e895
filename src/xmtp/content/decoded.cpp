#include "xmtp/content/decoded.h"

namespace xs::xmtp::content {
namespace {

// `encoded` is taken by reference so that it is moved from only after the
// decoder in the argument list has read it.
template <typename T>
Result<Decoded> Wrap(Decoded::Kind kind, Result<T> value, EncodedContent&& encoded) {
  if (!value.ok()) return std::move(value).error();
  Decoded out;
  out.kind = kind;
  out.value = *std::move(value);
  out.encoded = std::move(encoded);
  return out;
}

}  // namespace

Result<Decoded> Decode(EncodedContent encoded) {
  using Kind = Decoded::Kind;
  const ContentTypeId& type = encoded.type;
  if (type.SameType(TextType())) return Wrap(Kind::kText, DecodeText(encoded), std::move(encoded));
  if (type.SameType(MarkdownType())) {
    return Wrap(Kind::kMarkdown, DecodeMarkdown(encoded), std::move(encoded));
  }
  if (type.SameType(ReplyType())) {
    return Wrap(Kind::kReply, DecodeReply(encoded), std::move(encoded));
  }
  if (type.SameType(ReactionV1Type()) || type.SameType(ReactionV2Type())) {
    return Wrap(Kind::kReaction, DecodeReaction(encoded), std::move(encoded));
  }
  if (type.SameType(GroupUpdatedType())) {
    return Wrap(Kind::kGroupUpdated, DecodeGroupUpdated(encoded), std::move(encoded));
  }
  if (type.SameType(AttachmentType())) {
    return Wrap(Kind::kAttachment, DecodeAttachment(encoded), std::move(encoded));
  }
  if (type.SameType(RemoteAttachmentType())) {
    return Wrap(Kind::kRemoteAttachment, DecodeRemoteAttachment(encoded), std::move(encoded));
  }
  if (IsAgentPayloadType(type)) {
    return Wrap(Kind::kAgentPayload, DecodeAgentPayload(encoded), std::move(encoded));
  }
  Decoded out;
  if (type.SameType(ReadReceiptType())) {
    XS_RETURN_IF_ERROR(DecodeReadReceipt(encoded));
    out.kind = Kind::kReadReceipt;
  }
  out.encoded = std::move(encoded);
  return out;
}

Result<Decoded> DecodeBytes(std::span<const std::uint8_t> bytes) {
  XS_TRY(EncodedContent encoded, ParseEncodedContent(bytes));
  return Decode(std::move(encoded));
}

}  // namespace xs::xmtp::content
