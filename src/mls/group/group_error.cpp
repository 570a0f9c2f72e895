#include "mls/group/group_error.h"

#include "mls/error_kind.h"

namespace xs::mls {
namespace {

constexpr ErrorKindInfo<GroupError> kKindInfos[] = {
    {GroupError::kUnsupportedVersion, "unsupported_version", "unsupported protocol version"},
    {GroupError::kWrongGroup, "wrong_group", "message is for another group"},
    {GroupError::kWrongEpoch, "wrong_epoch", "message is not for the current epoch"},
    {GroupError::kEpochTooOld, "epoch_too_old", "message epoch is no longer kept"},
    {GroupError::kUnsupportedWireFormat, "unsupported_wire_format",
     "wire format is not accepted by this group's policy"},
    {GroupError::kUnsupportedSender, "unsupported_sender", "only members may send to this group"},
    {GroupError::kNonMemberSender, "non_member_sender", "sender is not a member"},
    {GroupError::kOwnMessage, "own_message", "message was sent by this member"},
    {GroupError::kSignatureInvalid, "signature_invalid", "signature is invalid"},
    {GroupError::kMembershipTagInvalid, "membership_tag_invalid", "membership tag is invalid"},
    {GroupError::kConfirmationTagMismatch, "confirmation_tag_mismatch",
     "confirmation tag does not match"},
    {GroupError::kUnknownProposalRef, "unknown_proposal_ref",
     "commit references an unknown proposal"},
    {GroupError::kInvalidProposal, "invalid_proposal", "proposal is invalid"},
    {GroupError::kInvalidProposalList, "invalid_proposal_list", "proposal list is invalid"},
    {GroupError::kUnsupportedProposal, "unsupported_proposal", "proposal type is not supported"},
    {GroupError::kPathRequired, "path_required", "commit needs an update path"},
    {GroupError::kInvalidPath, "invalid_path", "update path is invalid"},
    {GroupError::kPskNotAvailable, "psk_not_available", "pre-shared key is not available"},
    {GroupError::kPendingProposals, "pending_proposals",
     "proposals of this epoch must be committed first"},
    {GroupError::kInactive, "inactive", "this member was removed from the group"},
    {GroupError::kInvalidKeyPackage, "invalid_key_package", "key package is invalid"},
    {GroupError::kKeyPackageNotInWelcome, "key_package_not_in_welcome",
     "welcome is not for this key package"},
    {GroupError::kWelcomeInvalid, "welcome_invalid", "welcome is invalid"},
    {GroupError::kStagedCommitMismatch, "staged_commit_mismatch",
     "staged commit does not belong to this group state"},
    {GroupError::kStateCorrupt, "state_corrupt", "stored group state is corrupt"},
};

constexpr ErrorKinds<GroupError> kKinds("mls.group.", kKindInfos);

}  // namespace

std::string_view GroupErrorName(GroupError kind) { return kKinds.Name(kind); }

Error MakeGroupError(GroupError kind, std::string_view detail) { return kKinds.Make(kind, detail); }

std::optional<GroupError> GroupErrorOf(const Error& error) { return kKinds.Of(error); }

}  // namespace xs::mls
