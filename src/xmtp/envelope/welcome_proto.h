// WrappedWelcome <-> the MlsApi protobufs (protocol.md §1.2): what a client
// sends (WelcomeMessageInput.V1: installation_key 1, data 2, hpke_public_key 3,
// wrapper_algorithm 4, welcome_metadata 7) and what the node returns
// (WelcomeMessage.V1: id 1, created_ns 2, installation_key 3, data 4,
// hpke_public_key 5, wrapper_algorithm 6, welcome_metadata 7). The field
// numbers differ, so each form is built field by field. Welcome pointers are
// refused as kUnsupported (we never advertise 0xFF04).
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <span>

#include "base/result.h"
#include "xmtp/envelope/welcome_wrapper.h"
#include "xmtp/mls/api/v1/mls.pb.h"

namespace xs::xmtp::envelope {

// A welcome as the node stored it.
struct ReceivedWelcome {
  std::uint64_t id = 0;          // node sequence id (the welcome cursor)
  std::uint64_t created_ns = 0;  // node insertion time
  WrappedWelcome welcome;
};

::xmtp::mls::api::v1::WelcomeMessageInput ToWelcomeMessageInput(const WrappedWelcome& welcome);
// kUnsupported for a welcome pointer, kMalformed for no version or oversized fields.
Result<WrappedWelcome> FromWelcomeMessageInput(
    const ::xmtp::mls::api::v1::WelcomeMessageInput& input);

// The node's form (for fakes and tests; the node builds its own).
::xmtp::mls::api::v1::WelcomeMessage ToWelcomeMessage(const ReceivedWelcome& received);
// kUnsupported for a welcome pointer, kMalformed for no version or oversized fields.
Result<ReceivedWelcome> FromWelcomeMessage(const ::xmtp::mls::api::v1::WelcomeMessage& message);
// Parses serialized WelcomeMessage bytes, then FromWelcomeMessage.
Result<ReceivedWelcome> ParseWelcomeMessage(std::span<const std::uint8_t> bytes);

}  // namespace xs::xmtp::envelope
