// The signet's own content types (shared/spec/seals.md §6):
// xmtp.org/agentSeal:1.0, agentRevocation:1.0 and agentLiveness:1.0. The
// content is the UTF-8 bytes of a JSON object whose "contentType" member
// names the type; what the object means (seal envelope, revocation, liveness)
// is the signet layer's business. Here only the framing is checked.
//
// Thread contract: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "xmtp/content/encoded_content.h"

namespace xs::xmtp::content {

struct AgentPayload {
  ContentTypeId type;  // one of AgentSealType(), AgentRevocationType(), AgentLivenessType()
  std::string json;    // the JSON object, as sent

  bool operator==(const AgentPayload&) const = default;
};

// True for the three agent content types.
bool IsAgentPayloadType(const ContentTypeId& type);

// `json` must be a JSON object whose "contentType" is `type`'s string form.
// The fallback says what the message is for apps without the codec.
Result<EncodedContent> EncodeAgentPayload(const ContentTypeId& type, std::string_view json);
// kErrorWrongType for another type; kErrorMalformed unless the content is a
// UTF-8 JSON object whose "contentType" matches the content type.
Result<AgentPayload> DecodeAgentPayload(const EncodedContent& encoded);

}  // namespace xs::xmtp::content
