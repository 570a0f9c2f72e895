// Decoding identity updates from untrusted bytes (a PublishIdentityUpdate
// payload, a stored log row): bounded size, bounded action count, no
// exceptions. Signature checks happen later, in ApplyUpdate.
#pragma once

#include <cstdint>
#include <span>

#include "base/result.h"
#include "xmtp/identity/associations/association.pb.h"

namespace xs::xmtp::identity {

Result<::xmtp::identity::associations::IdentityUpdate> DecodeIdentityUpdate(
    std::span<const std::uint8_t> bytes);

// Checks the bounds DecodeIdentityUpdate applies on an already parsed update
// (e.g. one that arrived inside a gRPC request).
Status CheckIdentityUpdateLimits(const ::xmtp::identity::associations::IdentityUpdate& update);

}  // namespace xs::xmtp::identity
