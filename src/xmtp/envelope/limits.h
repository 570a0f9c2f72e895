// Size limits and protocol constants of the XMTP envelope layer (protocol.md
// §1.2, §4.3, §4.4). Every variable-length input field is checked against one
// of these before it is decoded or decrypted.
//
// Thread contract: constants only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace xs::xmtp::envelope {

// A wrapped welcome (`data`): libxmtp's gRPC payload limit (25 MiB).
inline constexpr std::size_t kMaxWelcomeBytes = 25 * 1024 * 1024;
// The sealed WelcomeMetadata (observed: 18 bytes).
inline constexpr std::size_t kMaxWelcomeMetadataBytes = 64 * 1024;
// Installation keys are 32-byte Ed25519 keys; wrapper keys are 32-byte
// X25519 keys, or 1216-byte X-Wing keys that we accept and do not use.
inline constexpr std::size_t kMaxInstallationKeyBytes = 256;
inline constexpr std::size_t kMaxHpkePublicKeyBytes = 4096;
// DHKEM(X25519): public keys, private keys and `enc` are 32 bytes.
inline constexpr std::size_t kX25519KeyBytes = 32;

// libxmtp's WELCOME_HPKE_LABEL; EncryptWithLabel prefixes "MLS 1.0 " (RFC 9420 §5.1.3).
inline constexpr std::string_view kWelcomeHpkeLabel = "MLS 1.0 MLS_WELCOME";

// Sender HMAC (§4.3).
inline constexpr std::string_view kSenderHmacSalt = "libXMTP HKDF salt!";
inline constexpr std::uint64_t kSenderHmacEpochSeconds = 30ull * 24 * 60 * 60;
inline constexpr std::size_t kSenderHmacKeyBytes = 42;

}  // namespace xs::xmtp::envelope
