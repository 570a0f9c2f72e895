// Typed failures of the MLS group state machine (RFC 9420 §6, §10-12 and the
// XMTP profile). Every failure is an Error::Validation whose field and
// Error::kind() are "mls.group.<kind>" (kind spelled by GroupErrorName), so a
// caller branches on GroupErrorOf(error) while logs still read naturally. Reasons name the
// rule (RFC section) that failed and never carry key or secret bytes.
//
// Errors of the layers below pass through unchanged: tree errors
// (TreeErrorOf), secret-tree errors (SecretTreeErrorOf), codec errors, and
// Auth errors for AEAD failures.
//
// Thread contract: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "base/error.h"

namespace xs::mls {

enum class GroupError {
  kUnsupportedVersion,       // MLSMessage.version other than mls10 (§6)
  kWrongGroup,               // message for another group id
  kWrongEpoch,               // handshake message not for the current epoch (§12.4.2)
  kEpochTooOld,              // application message older than the kept past epochs
  kUnsupportedWireFormat,    // PublicMessage handshake under the XMTP policy (profile §1.2)
  kUnsupportedSender,        // external / new_member_* senders (profile §1.3)
  kNonMemberSender,          // sender leaf blank or outside the tree (§6.3.2)
  kOwnMessage,               // a message we sent ourselves comes back
  kSignatureInvalid,         // FramedContent or GroupInfo signature (§6.1, §12.4.3)
  kMembershipTagInvalid,     // PublicMessage membership tag (§6.2)
  kConfirmationTagMismatch,  // §8.2, §12.4.2, §12.4.3.1
  kUnknownProposalRef,       // commit references a proposal we never saw (§12.4)
  kInvalidProposal,          // a proposal invalid on its own (§12.1)
  kInvalidProposalList,      // §12.2 list rules
  kUnsupportedProposal,      // PSK / ReInit / ExternalInit / custom types (profile §1.3)
  kPathRequired,             // §12.4: commit without path where one is required
  kInvalidPath,              // §12.4.2: UpdatePath leaf or keys not acceptable
  kPskNotAvailable,          // §8.4 / §12.4.3.1: PSK we do not hold
  kPendingProposals,         // §12.4: application data with uncommitted proposals
  kInactive,                 // we were removed from the group
  kInvalidKeyPackage,        // §10.1
  kKeyPackageNotInWelcome,   // §12.4.3.1: no EncryptedGroupSecrets for our KeyPackageRef
  kWelcomeInvalid,           // §12.4.3.1: suite mismatch, missing tree, our leaf absent...
  kStagedCommitMismatch,     // Merge of a commit staged for another epoch / group
  kStateCorrupt,             // stored state does not decode
};

std::string_view GroupErrorName(GroupError kind);
// Error::Validation("mls.group.<name>", detail or a default reason).
Error MakeGroupError(GroupError kind, std::string_view detail = {});
// The kind of an error made by MakeGroupError, nullopt for any other error.
std::optional<GroupError> GroupErrorOf(const Error& error);

}  // namespace xs::mls
