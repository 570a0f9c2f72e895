#include "mls/group/xmtp_profile.h"

namespace xs::mls {

Capabilities XmtpLeafCapabilities() {
  Capabilities caps;
  caps.versions = {kProtocolVersionMls10};
  caps.cipher_suites = {kXmtpCipherSuite};
  caps.extensions = {kExtensionLastResort,
                     kExtensionApplicationId,
                     kExtensionXmtpImmutableMetadata,
                     kExtensionXmtpMutablePermissions,
                     kExtensionXmtpMutableMetadata,
                     kExtensionXmtpGroupMembership,
                     kExtensionXmtpWelcomePointeeAead};
  caps.proposals = {kProposalTypeGroupContextExtensions};
  caps.credentials = {kCredentialTypeBasic};
  return caps;
}

RequiredCapabilities XmtpRequiredCapabilities() {
  RequiredCapabilities required;
  required.extension_types = {kExtensionXmtpGroupMembership,
                              kExtensionXmtpMutableMetadata,
                              kExtensionXmtpMutablePermissions,
                              kExtensionXmtpImmutableMetadata,
                              kExtensionLastResort,
                              kExtensionApplicationId};
  required.proposal_types = {kProposalTypeGroupContextExtensions};
  required.credential_types = {kCredentialTypeBasic};
  return required;
}

std::vector<Extension> MakeXmtpGroupContextExtensions(
    std::span<const std::uint8_t> immutable_metadata,
    std::span<const std::uint8_t> mutable_metadata, std::span<const std::uint8_t> membership,
    std::span<const std::uint8_t> permissions) {
  return {
      MakeImmutableMetadataExtension(immutable_metadata),
      Extension{kExtensionXmtpMutableMetadata,
                Bytes(mutable_metadata.begin(), mutable_metadata.end())},
      Extension{kExtensionXmtpGroupMembership, Bytes(membership.begin(), membership.end())},
      Extension{kExtensionXmtpMutablePermissions, Bytes(permissions.begin(), permissions.end())},
      MakeRequiredCapabilitiesExtension(XmtpRequiredCapabilities())};
}

Bytes EncodeXmtpCredentialIdentity(std::string_view inbox_id) {
  // Field 1, wire type 2 (length-delimited), then a base-128 varint length.
  Bytes out{0x0A};
  std::uint64_t length = inbox_id.size();
  while (length >= 0x80) {
    out.push_back(static_cast<std::uint8_t>((length & 0x7F) | 0x80));
    length >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(length));
  out.insert(out.end(), inbox_id.begin(), inbox_id.end());
  return out;
}

Credential MakeXmtpCredential(std::string_view inbox_id) {
  Credential credential;
  credential.credential_type = kCredentialTypeBasic;
  credential.identity = EncodeXmtpCredentialIdentity(inbox_id);
  return credential;
}

bool IsDefaultExtensionType(std::uint16_t type) {
  return type >= kExtensionApplicationId && type <= kExtensionExternalSenders;
}

bool IsDefaultProposalType(std::uint16_t type) {
  return type >= kProposalTypeAdd && type <= kProposalTypeGroupContextExtensions;
}

}  // namespace xs::mls
