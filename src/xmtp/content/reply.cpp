// reply (shared/xmtp/protocol.md §5.2): the inner EncodedContent serialized
// as the content; fallback as libxmtp 1.9 writes it.
#include "xmtp/content/codec_util.h"
#include "xmtp/content/codecs.h"

namespace xs::xmtp::content {
namespace {

using internal::Malformed;

constexpr std::string_view kReferenceKey = "reference";
constexpr std::string_view kReferenceInboxIdKey = "referenceInboxId";
constexpr std::string_view kContentTypeKey = "contentType";

std::string ReplyFallback(const EncodedContent& inner) {
  if (inner.type.type_id == TextType().type_id) {
    auto text = DecodeText(inner);
    if (text.ok()) return "Replied with \"" + *text + "\" to an earlier message";
  }
  return "Replied to an earlier message";
}

}  // namespace

EncodedContent EncodeReply(const Reply& reply) {
  EncodedContent encoded;
  encoded.type = ReplyType();
  encoded.parameters.emplace(kReferenceKey, reply.reference);
  encoded.parameters.emplace(kContentTypeKey, reply.content.type.ToString());
  if (reply.reference_inbox_id) {
    encoded.parameters.emplace(kReferenceInboxIdKey, *reply.reference_inbox_id);
  }
  encoded.fallback = ReplyFallback(reply.content);
  encoded.content = SerializeEncodedContent(reply.content);
  return encoded;
}

Result<Reply> DecodeReply(const EncodedContent& encoded) {
  XS_RETURN_IF_ERROR(internal::CheckType(encoded, ReplyType()));
  Reply reply;
  XS_TRY(reply.reference, internal::RequiredParameter(encoded, kReferenceKey));
  reply.reference_inbox_id = internal::Parameter(encoded, kReferenceInboxIdKey);
  auto inner = ParseEncodedContent(encoded.content);
  if (!inner.ok()) return std::move(inner).error().Within("reply content");
  reply.content = *std::move(inner);
  if (reply.content.type.type_id.empty()) {
    return Malformed("reply content", "inner content has no content type");
  }
  // The parameter is informational (older SDKs read it); when present it
  // must agree with the inner content.
  // Compared as text: an authority may itself contain '/'.
  if (auto declared = internal::Parameter(encoded, kContentTypeKey)) {
    if (*declared != reply.content.type.ToString()) {
      return Malformed(kContentTypeKey, "does not match the inner content type");
    }
  }
  return reply;
}

}  // namespace xs::xmtp::content
