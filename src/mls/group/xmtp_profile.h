// The XMTP profile of MLS (shared/mls/xmtp-mls-profile.md): the cipher suite,
// the capabilities our leaves advertise, the required_capabilities every XMTP
// group carries, KeyPackage lifetimes and the basic credential XMTP uses
// (`identity` = protobuf xmtp.identity.MlsCredential{string inbox_id = 1}).
// Everything XMTP-specific the group state machine needs lives here, so the
// operations themselves read like RFC 9420.
//
// Thread contract: constants and pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "mls/messages/extensions.h"
#include "mls/messages/leaf.h"

namespace xs::mls {

// MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519 (profile §0).
inline constexpr std::uint16_t kXmtpCipherSuite = 3;

// OpenMLS default KeyPackage lifetime (profile §1.7): valid from one hour ago
// for 84 days; leaves whose lifetime spans more than 84 days + 1 hour are
// rejected by OpenMLS, so we reject them too.
inline constexpr std::uint64_t kKeyPackageNotBeforeSkewSeconds = 3600;
inline constexpr std::uint64_t kKeyPackageLifetimeSeconds = 7'257'600;
inline constexpr std::uint64_t kMaxLeafLifetimeRangeSeconds =
    kKeyPackageNotBeforeSkewSeconds + kKeyPackageLifetimeSeconds;

// Leaf capabilities of our KeyPackages and leaves (profile §1.4, the
// recommendation: libxmtp's KeyPackage list without app_data_dictionary,
// app_data_update and the X-Wing welcome-wrapper key).
Capabilities XmtpLeafCapabilities();

// The required_capabilities extension content of every XMTP group (§1.5).
RequiredCapabilities XmtpRequiredCapabilities();

// The group-context extensions libxmtp sets at creation, in its order
// (profile §2.3): 0xF000 immutable metadata (wrapped in Metadata{<V>}),
// 0xFF00 mutable metadata, 0xFF01 membership, 0xFF02 permissions (raw
// protobuf bytes each), then required_capabilities.
std::vector<Extension> MakeXmtpGroupContextExtensions(
    std::span<const std::uint8_t> immutable_metadata,
    std::span<const std::uint8_t> mutable_metadata, std::span<const std::uint8_t> membership,
    std::span<const std::uint8_t> permissions);

// `identity` of the basic credential: MlsCredential{inbox_id} as protobuf.
Bytes EncodeXmtpCredentialIdentity(std::string_view inbox_id);
Credential MakeXmtpCredential(std::string_view inbox_id);

// RFC 9420 §7.2 "default" extension types (1..5), which need not be listed in
// capabilities.
bool IsDefaultExtensionType(std::uint16_t type);
// RFC 9420 §7.2 default proposal types (1..7).
bool IsDefaultProposalType(std::uint16_t type);

}  // namespace xs::mls
