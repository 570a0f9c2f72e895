// Processing a received message (RFC 9420 §6, §12.1, §12.4.2):
//
//   XS_TRY(ProcessedMessage processed, ProcessMessage(group, message));
//   switch (processed.kind) {
//     case ProcessedMessage::Kind::kApplication: deliver processed.application; break;
//     case ProcessedMessage::Kind::kProposal: break;  // cached for a later commit
//     case ProcessedMessage::Kind::kCommit:  // persist, then
//       XS_RETURN_IF_ERROR(Merge(group, std::move(processed.commit)));
//   }
//
// Handshake messages must be PrivateMessages of the current epoch (profile
// §1.2; PublicMessages only with config.accept_public_messages) from a member
// other than us. Proposals are cached by ProposalRef. Commits are validated
// completely (§12.2 list rules, path required, UpdatePath leaf and keys,
// confirmation tag) into a StagedCommit; the group's epoch does not change
// until Merge. Application messages are decrypted with the current or a
// kept past epoch's keys.
//
// Thread contract: mutates the GroupState (secret trees, proposal cache).
#pragma once

#include <cstdint>

#include "base/result.h"
#include "mls/group/application.h"
#include "mls/group/group_state.h"
#include "mls/group/staged_commit.h"

namespace xs::mls {

struct ReceivedProposal {
  Bytes ref;
  Proposal proposal;
  std::uint32_t sender = 0;
};

// One of three outcomes, by `kind` (a struct rather than a variant: g++ 12
// reports false maybe-uninitialized warnings for Result<variant<...>>).
struct ProcessedMessage {
  enum class Kind { kApplication, kProposal, kCommit };
  Kind kind = Kind::kApplication;
  ApplicationMessage application;  // kApplication
  ReceivedProposal proposal;       // kProposal
  StagedCommit commit;             // kCommit
};

Result<ProcessedMessage> ProcessMessage(GroupState& state, const MlsMessage& message);

// The commit half alone, for a commit already unprotected and verified.
Result<StagedCommit> StageCommit(GroupState& state, WireFormat wire_format,
                                 const FramedContent& content, const FramedContentAuthData& auth);

}  // namespace xs::mls
