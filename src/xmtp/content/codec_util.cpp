#include "xmtp/content/codec_util.h"

#include "xmtp/content/content_types.h"

namespace xs::xmtp::content {
namespace {

ContentTypeId Xmtp(std::string type_id, std::uint32_t major) {
  return ContentTypeId{"xmtp.org", std::move(type_id), major, 0};
}

}  // namespace

ContentTypeId TextType() { return Xmtp("text", 1); }
ContentTypeId MarkdownType() { return Xmtp("markdown", 1); }
ContentTypeId ReplyType() { return Xmtp("reply", 1); }
ContentTypeId ReactionV1Type() { return Xmtp("reaction", 1); }
ContentTypeId ReactionV2Type() { return Xmtp("reaction", 2); }
ContentTypeId ReadReceiptType() { return Xmtp("readReceipt", 1); }
ContentTypeId GroupUpdatedType() { return Xmtp("group_updated", 1); }
ContentTypeId LeaveRequestType() { return Xmtp("leave_request", 1); }
ContentTypeId AttachmentType() { return Xmtp("attachment", 1); }
ContentTypeId RemoteAttachmentType() { return Xmtp("remoteStaticAttachment", 1); }
ContentTypeId AgentSealType() { return Xmtp("agentSeal", 1); }
ContentTypeId AgentRevocationType() { return Xmtp("agentRevocation", 1); }
ContentTypeId AgentLivenessType() { return Xmtp("agentLiveness", 1); }

namespace internal {

Error Malformed(std::string_view field, std::string_view why) {
  return Error::Validation(field, why).WithKind(std::string(kErrorMalformed));
}

Status CheckType(const EncodedContent& encoded, const ContentTypeId& expected) {
  if (!encoded.type.SameType(expected)) {
    return Error::Validation("content type",
                             "expected " + expected.ToString() + ", got " + encoded.type.ToString())
        .WithKind(std::string(kErrorWrongType));
  }
  return OkStatus();
}

bool IsValidUtf8(std::span<const std::uint8_t> bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::uint8_t lead = bytes[i];
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    std::uint32_t minimum = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if ((lead & 0xE0) == 0xC0) {
      length = 2, code_point = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code_point = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code_point = lead & 0x07, minimum = 0x10000;
    } else {
      return false;
    }
    if (bytes.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const std::uint8_t next = bytes[i + k];
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    if (code_point < minimum || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

bool IsValidUtf8(std::string_view text) {
  return IsValidUtf8(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

Result<std::string> ContentAsUtf8(const EncodedContent& encoded, std::string_view field) {
  if (!IsValidUtf8(encoded.content)) return Malformed(field, "content is not valid UTF-8");
  return std::string(encoded.content.begin(), encoded.content.end());
}

std::optional<std::string> Parameter(const EncodedContent& encoded, std::string_view key) {
  const auto it = encoded.parameters.find(std::string(key));
  if (it == encoded.parameters.end()) return std::nullopt;
  return it->second;
}

Result<std::string> RequiredParameter(const EncodedContent& encoded, std::string_view key) {
  auto value = Parameter(encoded, key);
  if (!value || value->empty()) return Malformed(key, "required parameter is missing");
  return *std::move(value);
}

Bytes ToBytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

}  // namespace internal
}  // namespace xs::xmtp::content
