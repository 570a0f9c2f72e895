// attachment (shared/xmtp/protocol.md §5.2): raw bytes with mimeType and an
// optional filename; fallback as libxmtp 1.9 writes it.
#include "xmtp/content/codec_util.h"
#include "xmtp/content/codecs.h"

namespace xs::xmtp::content {
namespace {

constexpr std::string_view kMimeTypeKey = "mimeType";
constexpr std::string_view kFilenameKey = "filename";

}  // namespace

EncodedContent EncodeAttachment(const Attachment& attachment) {
  EncodedContent encoded;
  encoded.type = AttachmentType();
  encoded.parameters.emplace(kMimeTypeKey, attachment.mime_type);
  if (attachment.filename) encoded.parameters.emplace(kFilenameKey, *attachment.filename);
  encoded.fallback = "Can't display " + attachment.filename.value_or("this content") +
                     ". This app doesn't support attachments.";
  encoded.content = attachment.data;
  return encoded;
}

Result<Attachment> DecodeAttachment(const EncodedContent& encoded) {
  XS_RETURN_IF_ERROR(internal::CheckType(encoded, AttachmentType()));
  Attachment attachment;
  XS_TRY(attachment.mime_type, internal::RequiredParameter(encoded, kMimeTypeKey));
  attachment.filename = internal::Parameter(encoded, kFilenameKey);
  attachment.data = encoded.content;
  return attachment;
}

}  // namespace xs::xmtp::content
