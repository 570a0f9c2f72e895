#include "mls/group/application.h"

#include "mls/group/group_error.h"
#include "mls/group/protect.h"

namespace xs::mls {

Result<MlsMessage> EncryptApplicationMessage(GroupState& state,
                                             std::span<const std::uint8_t> plaintext,
                                             std::span<const std::uint8_t> authenticated_data) {
  if (!state.active()) return MakeGroupError(GroupError::kInactive);
  if (!state.proposals.empty()) {
    return MakeGroupError(GroupError::kPendingProposals,
                          "§12.4: commit the proposals of this epoch before sending");
  }
  const FramedContent content =
      MakeOwnContent(state, Bytes(plaintext.begin(), plaintext.end()), authenticated_data);
  XS_TRY(FramedContentAuthData auth, SignOwnContent(state, content));
  return ProtectOwnContent(state, content, auth);
}

Result<ApplicationMessage> DecryptApplicationMessage(GroupState& state,
                                                     const PrivateMessage& message) {
  XS_TRY(VerifiedContent verified, UnprotectApplication(state, message));
  ApplicationMessage out;
  out.sender = verified.content.sender.index;
  out.epoch = verified.content.epoch;
  out.data = std::move(std::get<Bytes>(verified.content.body));
  out.authenticated_data = std::move(verified.content.authenticated_data);
  return out;
}

}  // namespace xs::mls
