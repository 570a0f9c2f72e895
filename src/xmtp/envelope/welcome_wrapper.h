// The XMTP welcome wrapper (protocol.md §4.4 and Addendum; profile §2.6): an
// MLS Welcome travels to each new installation HPKE-sealed to the init key of
// the KeyPackage it was added with. One HPKE base-mode context
// (DHKEM(X25519), HKDF-SHA256, ChaCha20-Poly1305; info = EncryptContext{
// "MLS 1.0 MLS_WELCOME", ""}, aad empty) seals two plaintexts in order:
//   #0 the TLS MLSMessage(Welcome)   -> data = TLS HPKECiphertext{kem_output<V>, ciphertext<V>}
//   #1 protobuf WelcomeMetadata      -> welcome_metadata = the raw ciphertext
// We always send CURVE25519 (hpke_public_key = the 32-byte init key) and never
// advertise the X-Wing (0xFF03) or pointee (0xFF04) key-package extensions, so
// X-Wing, symmetric-key and welcome-pointer forms are refused as unsupported.
//
// Failures are typed (envelope_error.h): malformed bytes, unsupported forms,
// decryption failures and bad keys.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"

namespace xs::xmtp::envelope {

using Bytes = std::vector<std::uint8_t>;

// xmtp.mls.message_contents.WelcomeWrapperAlgorithm (wire values).
enum class WrapperAlgorithm : int {
  kUnspecified = 0,
  kCurve25519 = 1,
  kXwingMlkem768Draft6 = 2,
  kSymmetricKey = 3,
};

// WelcomeMessageInput.V1 / WelcomeMessage.V1 without the node's id and time.
struct WrappedWelcome {
  Bytes installation_key;  // recipient installation (Ed25519 public key): the topic
  Bytes data;              // TLS HPKECiphertext of the MLSMessage(Welcome)
  Bytes hpke_public_key;   // the recipient key it was sealed to
  WrapperAlgorithm algorithm = WrapperAlgorithm::kCurve25519;
  Bytes welcome_metadata;  // sealed WelcomeMetadata; may be empty
  bool operator==(const WrappedWelcome&) const = default;
};

struct UnwrappedWelcome {
  Bytes welcome_mls_message;                    // TLS MLSMessage, not yet decoded
  std::optional<std::uint64_t> message_cursor;  // nullopt when no metadata came
};

// The HPKE info: TLS EncryptContext{label<V>, context<V>} =
// 13 "MLS 1.0 MLS_WELCOME" 00.
Bytes WelcomeHpkeInfo();

// Seals `welcome_mls_message` and WelcomeMetadata{message_cursor} to
// `recipient_init_key` (32-byte X25519). kInvalidKey for a malformed key,
// kMalformed for an oversized welcome.
Result<WrappedWelcome> WrapWelcome(std::span<const std::uint8_t> installation_key,
                                   std::span<const std::uint8_t> welcome_mls_message,
                                   std::uint64_t message_cursor,
                                   std::span<const std::uint8_t> recipient_init_key);

// Opens a wrapped welcome with the init private key (32-byte X25519 scalar).
// kUnspecified and kCurve25519 are accepted; other algorithms are
// kUnsupported; kMalformed for undecodable bytes; kDecryptFailed for a wrong
// key or tampered data or metadata; kInvalidKey for a malformed private key.
Result<UnwrappedWelcome> UnwrapWelcome(const WrappedWelcome& wrapped,
                                       std::span<const std::uint8_t> init_private_key);

}  // namespace xs::xmtp::envelope
