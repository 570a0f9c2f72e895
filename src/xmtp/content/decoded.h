// Decode: any EncodedContent to a typed value. Known types are decoded and
// validated; unknown types are kept whole (kind kUnknown) so that the caller
// can store them and show their fallback, never dropped.
//
// Thread contract: pure functions.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "base/result.h"
#include "xmtp/content/agent_payload.h"
#include "xmtp/content/codecs.h"
#include "xmtp/content/remote_attachment.h"

namespace xs::xmtp::content {

struct Decoded {
  enum class Kind {
    kText,
    kMarkdown,
    kReply,
    kReaction,
    kReadReceipt,
    kGroupUpdated,
    kAttachment,
    kRemoteAttachment,
    kAgentPayload,
    kUnknown,
  };
  Kind kind = Kind::kUnknown;
  // kText/kMarkdown: std::string; kReadReceipt and kUnknown: monostate.
  std::variant<std::monostate, std::string, Reply, Reaction, GroupUpdated, Attachment,
               RemoteAttachment, AgentPayload>
      value;
  EncodedContent encoded;  // always kept (fallback, parameters, raw content)
};

// An error only when a known type's payload is invalid (the decoder's error);
// unknown types succeed with kind kUnknown.
Result<Decoded> Decode(EncodedContent encoded);

// ParseEncodedContent then Decode.
Result<Decoded> DecodeBytes(std::span<const std::uint8_t> bytes);

}  // namespace xs::xmtp::content
