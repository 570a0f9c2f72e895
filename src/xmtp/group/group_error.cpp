#include "xmtp/group/group_error.h"

#include <array>
#include <string>
#include <utility>

namespace xs::xmtp::group {
namespace {

constexpr std::string_view kPrefix = "xmtp.group.";

struct KindName {
  GroupRuleError kind;
  std::string_view name;
};

constexpr std::array<KindName, 18> kNames{{
    {GroupRuleError::kMissingExtension, "missing_extension"},
    {GroupRuleError::kMalformedExtension, "malformed_extension"},
    {GroupRuleError::kInvalidPolicy, "invalid_policy"},
    {GroupRuleError::kNotMember, "not_member"},
    {GroupRuleError::kSequenceIdDecreased, "sequence_id_decreased"},
    {GroupRuleError::kInvalidSequenceId, "invalid_sequence_id"},
    {GroupRuleError::kUnexpectedInstallation, "unexpected_installation"},
    {GroupRuleError::kInstallationRemovalMismatch, "installation_removal_mismatch"},
    {GroupRuleError::kCredentialMismatch, "credential_mismatch"},
    {GroupRuleError::kPermissionDenied, "permission_denied"},
    {GroupRuleError::kPskNotAllowed, "psk_not_allowed"},
    {GroupRuleError::kMetadataTooLong, "metadata_too_long"},
    {GroupRuleError::kImmutableMetadataChanged, "immutable_metadata_changed"},
    {GroupRuleError::kDmMembership, "dm_membership"},
    {GroupRuleError::kWelcomeMembership, "welcome_membership"},
    {GroupRuleError::kInvalidVersion, "invalid_version"},
    {GroupRuleError::kGroupTooLarge, "group_too_large"},
    {GroupRuleError::kInvalidCredential, "invalid_credential"},
}};

}  // namespace

std::string_view GroupRuleErrorName(GroupRuleError kind) {
  for (const KindName& entry : kNames) {
    if (entry.kind == kind) return entry.name;
  }
  return "unknown";
}

Error MakeGroupRuleError(GroupRuleError kind, std::string_view detail) {
  std::string name(kPrefix);
  name += GroupRuleErrorName(kind);
  Error error = kind == GroupRuleError::kPermissionDenied ? Error::Permission(detail)
                                                          : Error::Validation(name, detail);
  return std::move(error).WithKind(std::move(name));
}

std::optional<GroupRuleError> GroupRuleErrorOf(const Error& error) {
  std::string_view name = error.kind();
  if (!name.starts_with(kPrefix)) return std::nullopt;
  name.remove_prefix(kPrefix.size());
  for (const KindName& entry : kNames) {
    if (entry.name == name) return entry.kind;
  }
  return std::nullopt;
}

}  // namespace xs::xmtp::group
