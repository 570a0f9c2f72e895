// text, markdown and read receipt (shared/xmtp/protocol.md §5.2).
#include "xmtp/content/codec_util.h"
#include "xmtp/content/codecs.h"

namespace xs::xmtp::content {
namespace {

using internal::CheckType;
using internal::Malformed;

constexpr std::string_view kEncodingKey = "encoding";
constexpr std::string_view kUtf8 = "UTF-8";

EncodedContent EncodeUtf8(ContentTypeId type, std::string_view text) {
  EncodedContent encoded;
  encoded.type = std::move(type);
  encoded.parameters.emplace(kEncodingKey, kUtf8);
  encoded.content = internal::ToBytes(text);
  return encoded;
}

// As libxmtp: an absent encoding means UTF-8; any other encoding is refused.
Result<std::string> DecodeUtf8(const EncodedContent& encoded, const ContentTypeId& type) {
  XS_RETURN_IF_ERROR(CheckType(encoded, type));
  const auto encoding = internal::Parameter(encoded, kEncodingKey);
  if (encoding && *encoding != kUtf8) return Malformed("encoding", "unsupported text encoding");
  return internal::ContentAsUtf8(encoded, type.type_id);
}

}  // namespace

EncodedContent EncodeText(std::string_view text) { return EncodeUtf8(TextType(), text); }

Result<std::string> DecodeText(const EncodedContent& encoded) {
  return DecodeUtf8(encoded, TextType());
}

EncodedContent EncodeMarkdown(std::string_view markdown) {
  return EncodeUtf8(MarkdownType(), markdown);
}

Result<std::string> DecodeMarkdown(const EncodedContent& encoded) {
  return DecodeUtf8(encoded, MarkdownType());
}

EncodedContent EncodeReadReceipt() {
  EncodedContent encoded;
  encoded.type = ReadReceiptType();
  return encoded;
}

Status DecodeReadReceipt(const EncodedContent& encoded) {
  return CheckType(encoded, ReadReceiptType());
}

}  // namespace xs::xmtp::content
