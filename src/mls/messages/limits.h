// Wire constants and size limits of the MLS message codec (RFC 9420 §§5-12).
// Every variable-length field the codec reads is bounded by one of the named
// maximums below (in bytes of the encoded vector); anything larger is a
// Validation error before any allocation. The limits are generous for XMTP
// (groups of at most 250 installations) while bounding a hostile peer.
//
// Thread contract: constants only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace xs::mls {

using Bytes = std::vector<std::uint8_t>;

// ---- Enumerations (wire values) ----
inline constexpr std::uint16_t kProtocolVersionMls10 = 0x0001;

enum class WireFormat : std::uint16_t {
  kPublicMessage = 1,
  kPrivateMessage = 2,
  kWelcome = 3,
  kGroupInfo = 4,
  kKeyPackage = 5,
};

enum class ContentType : std::uint8_t { kApplication = 1, kProposal = 2, kCommit = 3 };

enum class SenderType : std::uint8_t {
  kMember = 1,
  kExternal = 2,
  kNewMemberProposal = 3,
  kNewMemberCommit = 4,
};

enum class LeafNodeSource : std::uint8_t { kKeyPackage = 1, kUpdate = 2, kCommit = 3 };
enum class NodeType : std::uint8_t { kLeaf = 1, kParent = 2 };
enum class ProposalOrRefType : std::uint8_t { kProposal = 1, kReference = 2 };
enum class PskType : std::uint8_t { kExternal = 1, kResumption = 2 };

inline constexpr std::uint16_t kCredentialTypeBasic = 1;
inline constexpr std::uint16_t kCredentialTypeX509 = 2;

inline constexpr std::uint16_t kProposalTypeAdd = 1;
inline constexpr std::uint16_t kProposalTypeUpdate = 2;
inline constexpr std::uint16_t kProposalTypeRemove = 3;
inline constexpr std::uint16_t kProposalTypePsk = 4;
inline constexpr std::uint16_t kProposalTypeReInit = 5;
inline constexpr std::uint16_t kProposalTypeExternalInit = 6;
inline constexpr std::uint16_t kProposalTypeGroupContextExtensions = 7;
// Draft MLS-extensions / XMTP-fork proposal types; carried as opaque payloads.
inline constexpr std::uint16_t kProposalTypeAppDataUpdate = 8;
inline constexpr std::uint16_t kProposalTypeSelfRemove = 10;

inline constexpr std::uint16_t kExtensionApplicationId = 0x0001;
inline constexpr std::uint16_t kExtensionRatchetTree = 0x0002;
inline constexpr std::uint16_t kExtensionRequiredCapabilities = 0x0003;
inline constexpr std::uint16_t kExtensionExternalPub = 0x0004;
inline constexpr std::uint16_t kExtensionExternalSenders = 0x0005;
inline constexpr std::uint16_t kExtensionAppDataDictionary = 0x0006;
inline constexpr std::uint16_t kExtensionLastResort = 0x000A;
// XMTP extensions (shared/mls/xmtp-mls-profile.md §2.3, §2.6).
inline constexpr std::uint16_t kExtensionXmtpImmutableMetadata = 0xF000;
inline constexpr std::uint16_t kExtensionXmtpMutableMetadata = 0xFF00;
inline constexpr std::uint16_t kExtensionXmtpGroupMembership = 0xFF01;
inline constexpr std::uint16_t kExtensionXmtpMutablePermissions = 0xFF02;
inline constexpr std::uint16_t kExtensionXmtpWelcomeWrapperKey = 0xFF03;
inline constexpr std::uint16_t kExtensionXmtpWelcomePointeeAead = 0xFF04;

// ---- Size limits (encoded bytes) ----
inline constexpr std::size_t kMaxGroupIdSize = 1024;
inline constexpr std::size_t kMaxPublicKeySize = 4096;  // room for PQ KEM keys
inline constexpr std::size_t kMaxSignatureSize = 1024;
inline constexpr std::size_t kMaxHashSize = 64;  // tree/transcript/parent hashes, MACs, refs
inline constexpr std::size_t kMaxSecretSize = 64;
inline constexpr std::size_t kMaxCredentialIdentitySize = 16 * 1024;
inline constexpr std::size_t kMaxCertificatesSize = 64 * 1024;
inline constexpr std::size_t kMaxCapabilityListSize = 1024;
inline constexpr std::size_t kMaxExtensionDataSize = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxExtensionListSize = 8 * 1024 * 1024;
inline constexpr std::size_t kMaxUnmergedLeavesSize = 64 * 1024;
inline constexpr std::size_t kMaxRatchetTreeSize = 8 * 1024 * 1024;
inline constexpr std::size_t kMaxHpkeKemOutputSize = 4096;
inline constexpr std::size_t kMaxHpkeCiphertextSize = 64 * 1024;
inline constexpr std::size_t kMaxUpdatePathNodesSize = 1024 * 1024;
inline constexpr std::size_t kMaxPathSecretCiphertextsSize = 1024 * 1024;
inline constexpr std::size_t kMaxPskIdSize = 1024;
inline constexpr std::size_t kMaxPskListSize = 64 * 1024;
inline constexpr std::size_t kMaxProposalPayloadSize = 1024 * 1024;
inline constexpr std::size_t kMaxProposalListSize = 8 * 1024 * 1024;
inline constexpr std::size_t kMaxWelcomeSecretsSize = 1024 * 1024;
inline constexpr std::size_t kMaxEncryptedGroupInfoSize = 16 * 1024 * 1024;
inline constexpr std::size_t kMaxAuthenticatedDataSize = 64 * 1024;
inline constexpr std::size_t kMaxApplicationDataSize = 8 * 1024 * 1024;
inline constexpr std::size_t kMaxCiphertextSize = 16 * 1024 * 1024;
inline constexpr std::size_t kMaxEncryptedSenderDataSize = 256;

}  // namespace xs::mls
