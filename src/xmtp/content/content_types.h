// The content types this layer knows (shared/xmtp/protocol.md §5.2,
// shared/spec/seals.md §6), by id.
//
// Thread contract: pure functions.
#pragma once

#include "xmtp/content/encoded_content.h"

namespace xs::xmtp::content {

ContentTypeId TextType();              // xmtp.org/text:1.0
ContentTypeId MarkdownType();          // xmtp.org/markdown:1.0
ContentTypeId ReplyType();             // xmtp.org/reply:1.0
ContentTypeId ReactionV1Type();        // xmtp.org/reaction:1.0 (JSON)
ContentTypeId ReactionV2Type();        // xmtp.org/reaction:2.0 (protobuf)
ContentTypeId ReadReceiptType();       // xmtp.org/readReceipt:1.0
ContentTypeId GroupUpdatedType();      // xmtp.org/group_updated:1.0
ContentTypeId LeaveRequestType();      // xmtp.org/leave_request:1.0
ContentTypeId AttachmentType();        // xmtp.org/attachment:1.0
ContentTypeId RemoteAttachmentType();  // xmtp.org/remoteStaticAttachment:1.0
ContentTypeId AgentSealType();         // xmtp.org/agentSeal:1.0
ContentTypeId AgentRevocationType();   // xmtp.org/agentRevocation:1.0
ContentTypeId AgentLivenessType();     // xmtp.org/agentLiveness:1.0

}  // namespace xs::xmtp::content
