// Application messages (RFC 9420 §6.3, §12.4): always PrivateMessages with
// the sender's application ratchet, empty authenticated_data for XMTP
// (profile §0). Decryption accepts the current epoch and the kept past
// epochs (config.max_past_epochs, XMTP 3), within the sender-ratchet window
// (out of order 5, forward 1000).
//
// Thread contract: mutate the GroupState (secret trees).
#pragma once

#include <cstdint>
#include <span>

#include "base/result.h"
#include "mls/group/group_state.h"

namespace xs::mls {

struct ApplicationMessage {
  std::uint32_t sender = 0;  // leaf index in `epoch`
  std::uint64_t epoch = 0;
  Bytes data;
  Bytes authenticated_data;
};

// §12.4: kPendingProposals while proposals of this epoch are uncommitted.
Result<MlsMessage> EncryptApplicationMessage(GroupState& state,
                                             std::span<const std::uint8_t> plaintext,
                                             std::span<const std::uint8_t> authenticated_data = {});

Result<ApplicationMessage> DecryptApplicationMessage(GroupState& state,
                                                     const PrivateMessage& message);

}  // namespace xs::mls
