// Limits and error kinds of the Convos wire codecs. Every size a hostile
// sender controls is bounded here; every refusal is a Validation error whose
// kind is one of the kError* below, so callers (the host's join processing,
// `xs chat join`) branch on data and can answer with the right
// invite_join_error.
//
// Thread contract: constants only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace xs::xmtp::convos {

using Bytes = std::vector<std::uint8_t>;

// Longest invite input (URL or slug) we look at.
inline constexpr std::size_t kMaxInviteInputChars = 16 * 1024;
// Writers insert a '*' after every this many slug characters (iMessage).
inline constexpr std::size_t kSlugSeparatorEvery = 300;
// The compression frame: 0x1f, a big-endian uint32 original length, DEFLATE.
inline constexpr std::uint8_t kCompressionMarker = 0x1f;
inline constexpr std::size_t kFrameHeaderBytes = 5;
// Largest inflated frame, and the largest inflate ratio (iOS's bounds).
inline constexpr std::size_t kMaxInflatedBytes = std::size_t{1} << 20;
inline constexpr std::size_t kMaxInflateRatio = 100;
// Frames are only worth writing above this size (convos-cli, iOS).
inline constexpr std::size_t kCompressAboveBytes = 100;
// Group appData is limited to 8 KiB by the XMTP group metadata.
inline constexpr std::size_t kMaxAppDataChars = 8 * 1024;
// Invite tags: writers make 10 alphanumerics; readers accept up to 64 bytes.
inline constexpr std::size_t kInviteTagChars = 10;
inline constexpr std::size_t kMaxInviteTagBytes = 64;
inline constexpr std::size_t kSignatureBytes = 65;
// Conversation token: version, nonce, ciphertext of the packed id, tag.
inline constexpr std::uint8_t kTokenVersion = 0x01;
inline constexpr std::size_t kTokenNonceBytes = 12;
inline constexpr std::size_t kTokenTagBytes = 16;

// Error kinds (Error::kind()).
inline constexpr std::string_view kErrorMalformed = "convos.malformed";  // not an invite/appData
inline constexpr std::string_view kErrorTooLarge = "convos.too_large";   // a bound above
inline constexpr std::string_view kErrorDecompression = "convos.decompression";
inline constexpr std::string_view kErrorBadSignature = "convos.invite.bad_signature";
inline constexpr std::string_view kErrorExpired = "convos.invite.expired";
inline constexpr std::string_view kErrorConversationExpired = "convos.invite.conversation_expired";
inline constexpr std::string_view kErrorWrongSigner = "convos.invite.wrong_signer";
inline constexpr std::string_view kErrorWrongCreator = "convos.invite.wrong_creator";
inline constexpr std::string_view kErrorBadToken = "convos.invite.bad_token";
inline constexpr std::string_view kErrorRevoked = "convos.invite.revoked";
inline constexpr std::string_view kErrorOwnInvite = "convos.invite.own_invite";

}  // namespace xs::xmtp::convos
