#include "xmtp/identity/update_codec.h"

#include "xmtp/identity/constants.h"

namespace xs::xmtp::identity {

namespace pb = ::xmtp::identity::associations;

Status CheckIdentityUpdateLimits(const pb::IdentityUpdate& update) {
  if (update.ByteSizeLong() > kMaxIdentityUpdateBytes) {
    return Error::Validation("identity_update", "update is too large");
  }
  if (static_cast<std::size_t>(update.actions_size()) > kMaxActionsPerUpdate) {
    return Error::Validation("identity_update.actions", "too many actions");
  }
  return OkStatus();
}

Result<pb::IdentityUpdate> DecodeIdentityUpdate(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxIdentityUpdateBytes) {
    return Error::Validation("identity_update", "update is too large");
  }
  pb::IdentityUpdate update;
  if (!update.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Error::Validation("identity_update", "not a valid IdentityUpdate protobuf");
  }
  XS_RETURN_IF_ERROR(CheckIdentityUpdateLimits(update));
  return update;
}

}  // namespace xs::xmtp::identity
