// leave request (shared/xmtp/protocol.md §5.2): the LeaveRequest protobuf,
// no parameters, no fallback (libxmtp 1.9 leave_group sends it without a
// note; its members list the sender as pending removal).
#include "xmtp/content/codec_util.h"
#include "xmtp/content/codecs.h"
#include "xmtp/mls/message_contents/content_types/leave_request.pb.h"

namespace xs::xmtp::content {

namespace pb = ::xmtp::mls::message_contents::content_types;

EncodedContent EncodeLeaveRequest(const LeaveRequest& request) {
  pb::LeaveRequest message;
  if (request.authenticated_note) {
    message.set_authenticated_note(request.authenticated_note->data(),
                                   request.authenticated_note->size());
  }
  EncodedContent encoded;
  encoded.type = LeaveRequestType();
  const std::string bytes = message.SerializeAsString();
  encoded.content.assign(bytes.begin(), bytes.end());
  return encoded;
}

Result<LeaveRequest> DecodeLeaveRequest(const EncodedContent& encoded) {
  XS_RETURN_IF_ERROR(internal::CheckType(encoded, LeaveRequestType()));
  pb::LeaveRequest message;
  if (!message.ParseFromArray(encoded.content.data(), static_cast<int>(encoded.content.size()))) {
    return internal::Malformed("leave request", "not a protobuf LeaveRequest");
  }
  LeaveRequest request;
  if (message.has_authenticated_note()) {
    request.authenticated_note =
        Bytes(message.authenticated_note().begin(), message.authenticated_note().end());
  }
  return request;
}

}  // namespace xs::xmtp::content
