// Protocol constants and resource limits of the XMTP identity layer
// (protocol.md §3). Every bound applied to untrusted identity updates lives
// here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace xs::xmtp::identity {

// "0x" + 40 hex digits (protocol.md §3.1).
inline constexpr std::size_t kEthereumAddressLength = 42;
inline constexpr std::size_t kEthereumAddressBytes = 20;
// Ed25519 installation keys and signatures (RFC 8032 §5.1).
inline constexpr std::size_t kInstallationKeyLength = 32;
inline constexpr std::size_t kEd25519SignatureLength = 64;
// r || s || v.
inline constexpr std::size_t kRecoverableEcdsaSignatureLength = 65;
// Uncompressed (65) or compressed (33) SEC1 P-256 point.
inline constexpr std::size_t kMaxPasskeyKeyLength = 65;

// RFC 8032 §5.1 Ed25519ph context of installation-key signatures over the
// identity update signature text (25 bytes).
inline constexpr std::string_view kInstallationSignatureContext = "IDENTITY UPDATE SIGNATURE";

// Default inbox nonce used by the SDKs.
inline constexpr std::uint64_t kDefaultInboxNonce = 1;

// Signature text pieces (protocol.md §3.4).
inline constexpr std::string_view kSignatureTextHeader = "XMTP : Authenticate to inbox";
inline constexpr std::string_view kSignatureTextFooter =
    "For more info: https://xmtp.org/signatures";

// Limits on untrusted updates. libxmtp batches one action per revoked
// installation, so an update may carry many actions, but never thousands.
inline constexpr std::size_t kMaxIdentityUpdateBytes = 256 * 1024;
inline constexpr std::size_t kMaxActionsPerUpdate = 256;
// Members of one inbox (wallets + installations + passkeys).
inline constexpr std::size_t kMaxMembersPerInbox = 4096;
// Updates replayed by ComputeState.
inline constexpr std::size_t kMaxUpdatesPerInbox = 100000;
// Free-form strings (relying party, CAIP-10 account id).
inline constexpr std::size_t kMaxIdentifierStringLength = 512;
// Any single signature blob (SCW signatures can be long, ERC-6492 wraps
// deployment calldata).
inline constexpr std::size_t kMaxSignatureBytes = 16 * 1024;
inline constexpr std::size_t kMaxPasskeyClientDataBytes = 4096;

}  // namespace xs::xmtp::identity
