// The plaintext an MLS application message carries (shared/xmtp/protocol.md
// §5.1) and the message id SDK users see (§4.5).
//
// PlaintextEnvelope.V1 wraps a user message: the serialized EncodedContent
// and the sender's idempotency key (its now_ns in decimal). V2 is device-sync
// group traffic between one inbox's installations; we parse it only to
// recognise and ignore it.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "xmtp/content/limits.h"

namespace xs::xmtp::content {

Bytes SerializePlaintextEnvelopeV1(std::span<const std::uint8_t> encoded_content,
                                   std::string_view idempotency_key);

struct PlaintextEnvelope {
  enum class Kind { kV1, kV2DeviceSync } kind = Kind::kV1;
  Bytes content;  // V1: the serialized EncodedContent; empty for V2
  std::string idempotency_key;
};

// Validation error (kind kErrorMalformed) for bytes that are not an envelope
// or carry neither version; kErrorTooLarge above kMaxEncodedContentBytes.
Result<PlaintextEnvelope> ParsePlaintextEnvelope(std::span<const std::uint8_t> bytes);

// sha256(group_id ‖ 0x09 ‖ idempotency_key ‖ 0x09 ‖ content_bytes), where
// content_bytes is the serialized EncodedContent of the V1 envelope.
Bytes MessageId(std::span<const std::uint8_t> group_id, std::string_view idempotency_key,
                std::span<const std::uint8_t> content_bytes);

}  // namespace xs::xmtp::content
