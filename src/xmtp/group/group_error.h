// Typed failures of the XMTP group layer: extension decoding and the commit
// and welcome checks libxmtp applies on top of MLS (xmtp-mls-profile.md §2.4).
// A permission failure (a policy of 0xFF02 or a super-admin rule denies the
// actor) is an Error::Permission; every other failure is an
// Error::Validation. Either way Error::kind() is "xmtp.group.<name>", so a
// caller branches on GroupRuleErrorOf(error) and logs read the message, which
// names the rule ("add_member_policy denies inbox ...").
//
// Thread contract: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "base/error.h"

namespace xs::xmtp::group {

enum class GroupRuleError {
  kMissingExtension,             // an XMTP group-context extension is absent
  kMalformedExtension,           // extension bytes or a required field do not decode
  kInvalidPolicy,                // unknown base policy, empty and/any, missing policy
  kNotMember,                    // rule 1: committer or subject is not a current member
  kSequenceIdDecreased,          // rule 2
  kInvalidSequenceId,            // an inbox added at the creation placeholder 0
  kUnexpectedInstallation,       // rule 3: an Add the expected diff does not contain
  kInstallationRemovalMismatch,  // rule 3: Removes differ from the expected diff
  kCredentialMismatch,           // rule 4: installation not in the inbox's state
  kPermissionDenied,             // rule 5 (an Error::Permission)
  kPskNotAllowed,                // rule 6
  kMetadataTooLong,              // rule 8
  kImmutableMetadataChanged,     // 0xF000 differs after the commit
  kDmMembership,                 // a DM holding an inbox other than its two members
  kWelcomeMembership,            // initial membership of a Welcome does not match
  kInvalidVersion,               // minimum_supported_protocol_version is not semver
  kGroupTooLarge,                // more inboxes than kMaxGroupSizeCount
  kInvalidCredential,            // a leaf credential is not basic(MlsCredential)
};

std::string_view GroupRuleErrorName(GroupRuleError kind);
// The error of `kind` with message `detail`.
Error MakeGroupRuleError(GroupRuleError kind, std::string_view detail);
// The kind of an error made by MakeGroupRuleError, nullopt for any other.
std::optional<GroupRuleError> GroupRuleErrorOf(const Error& error);

}  // namespace xs::xmtp::group
