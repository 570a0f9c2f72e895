// Convos invites (shared/spec/convos-interop.md §1, §3; convos-scheme.md):
//
//   link  https://popup.convos.org/v2?i=<slug> (dev and local: dev.convos.org)
//   slug  base64url( [frame] SignedInvite{ payload = InvitePayload, signature } )
//         with a '*' after every 300 characters
//   signature  secp256k1 ECDSA over SHA-256(payload), r || s || recovery id,
//              by the creator inbox's wallet key
//   conversationToken  [0x01][12 nonce][ChaCha20-Poly1305(packed id)][16 tag],
//              key = HKDF-SHA256(wallet key, "ConvosInviteV1",
//              "inbox:<creator inbox id>"), AAD = the creator inbox id
//
//   Invite invite = ParseInvite(url_or_slug).value();        // joiner and host
//   CheckInviteUsable(invite, now_ms);                        // expiry
//   auto group = VerifyInviteForHost(invite, our_inbox, wallet_key, now_ms);
//
// We write invites without the compression frame (every reader accepts plain
// protobuf, and a signed invite barely compresses); we read both flavours.
//
// Every refusal is a Validation error with a kind from errors.h.
//
// Thread contract: pure functions over plain values (CreateInviteSlug and
// EncryptConversationToken draw random nonces from the CSPRNG).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/secp256k1.h"
#include "xmtp/convos/errors.h"

namespace xs::xmtp::convos {

// Where an invite link points. Local nodes use the dev host, as convos-cli does.
enum class InviteEnv { kProduction, kDev };
inline constexpr std::string_view kProductionInviteBase = "https://popup.convos.org/v2?i=";
inline constexpr std::string_view kDevInviteBase = "https://dev.convos.org/v2?i=";

struct InviteDetails {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> image_url;
  std::optional<std::string> emoji;
  std::optional<std::int64_t> expires_at_unix;               // seconds; never 0
  std::optional<std::int64_t> conversation_expires_at_unix;  // seconds; never 0
  bool expires_after_use = false;  // informational; hosts do not enforce it

  bool operator==(const InviteDetails&) const = default;
};

struct Invite {
  std::string tag;               // non-empty, at most kMaxInviteTagBytes
  std::string creator_inbox_id;  // lowercase hex
  Bytes conversation_token;      // opaque to everyone but the creator
  InviteDetails details;
  Bytes payload;    // the signed InvitePayload bytes, as carried
  Bytes signature;  // kSignatureBytes: r || s || recovery id (0..3)

  bool operator==(const Invite&) const = default;
};

// The slug inside any form a Convos parser accepts, trimmed: an https (or
// http) URL with query `i` or legacy `code`, or a path `.../i/<slug>`, or
// (the reference's fallback) its last path segment; `convos://join/<slug>`,
// `convos://invite/<slug>` and other `convos-*` schemes; a bare slug.
// Percent-escapes are decoded. kErrorMalformed or kErrorTooLarge.
Result<std::string> ExtractInviteSlug(std::string_view input);

// ExtractInviteSlug, then the slug layers and both protobufs. Checks the
// structure (a tag, a creator, a token, a 65-byte signature with recovery id
// 0..3) but not the signature itself, nor expiry.
Result<Invite> ParseInvite(std::string_view input);

// The uncompressed public key the signature recovers to (kErrorBadSignature).
// A joiner can only check that one recovers; the host compares it with its own.
Result<crypto::Secp256k1PublicKey> RecoverInviteSigner(const Invite& invite);

// kErrorExpired / kErrorConversationExpired when either expiry is at or
// before `now_ms`, and kErrorBadSignature unless a key recovers. What a
// joiner checks before it sends a join request.
Status CheckInviteUsable(const Invite& invite, std::int64_t now_ms);

// The host's checks (spec §3 steps 2-5), in order: usable (above), signed by
// `wallet_key` (kErrorWrongSigner), created by `our_inbox_id`
// (kErrorWrongCreator), token decrypts (kErrorBadToken). Returns the
// conversation id the token carries. The tag check against the group's
// appData is the caller's (appdata.h CheckInviteTag).
Result<std::string> VerifyInviteForHost(const Invite& invite, std::string_view our_inbox_id,
                                        std::span<const std::uint8_t> wallet_key,
                                        std::int64_t now_ms);

// A new signed invite slug (no compression frame). `creator_inbox_id` must be
// hex, `tag` non-empty and at most kMaxInviteTagBytes, `wallet_key` a valid
// secp256k1 private key; expiries of 0 are treated as unset.
Result<std::string> CreateInviteSlug(std::string_view conversation_id,
                                     std::string_view creator_inbox_id, std::string_view tag,
                                     std::span<const std::uint8_t> wallet_key,
                                     const InviteDetails& details = {});
// The slug of a parsed invite, re-encoded (what a joiner sends as text).
std::string InviteToSlug(const Invite& invite);
// The https link, with the slug percent-encoded as a query component.
std::string InviteUrl(std::string_view slug, InviteEnv env);

// The conversation token alone. `nonce` (12 bytes) is for test vectors; the
// other overload draws a random one.
Result<Bytes> EncryptConversationToken(std::string_view conversation_id,
                                       std::string_view creator_inbox_id,
                                       std::span<const std::uint8_t> wallet_key);
Result<Bytes> EncryptConversationToken(std::string_view conversation_id,
                                       std::string_view creator_inbox_id,
                                       std::span<const std::uint8_t> wallet_key,
                                       std::span<const std::uint8_t> nonce);
// kErrorBadToken for a wrong key, a tampered token or a bad packing.
Result<std::string> DecryptConversationToken(std::span<const std::uint8_t> token,
                                             std::string_view creator_inbox_id,
                                             std::span<const std::uint8_t> wallet_key);

// A fresh random tag of kInviteTagChars alphanumerics.
std::string NewInviteTag();

}  // namespace xs::xmtp::convos
