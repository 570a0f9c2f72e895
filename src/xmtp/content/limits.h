// Limits and wire constants of the XMTP content layer (shared/xmtp/protocol.md
// §5). Every size a hostile sender controls is bounded here; decoders reject
// anything larger with a Validation error whose kind is listed below.
//
// Thread contract: constants only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace xs::xmtp::content {

using Bytes = std::vector<std::uint8_t>;

// Largest content a compressed EncodedContent may inflate to. libxmtp 1.9 has
// no documented bound of its own; 25 MiB is above any attachment an XMTP SDK
// sends inline and keeps a decompression bomb to a bounded allocation.
inline constexpr std::size_t kMaxDecompressedBytes = std::size_t{25} << 20;
// Largest serialized EncodedContent (or envelope) we parse at all.
inline constexpr std::size_t kMaxEncodedContentBytes =
    kMaxDecompressedBytes + (std::size_t{1} << 20);

// Remote attachment key material (protocol.md §5.2).
inline constexpr std::size_t kRemoteAttachmentSecretBytes = 32;
inline constexpr std::size_t kRemoteAttachmentSaltBytes = 32;
inline constexpr std::size_t kRemoteAttachmentNonceBytes = 12;

// Error kinds (Error::kind()) the layer produces.
inline constexpr std::string_view kErrorMalformed = "xmtp.content.malformed";
inline constexpr std::string_view kErrorTooLarge = "xmtp.content.too_large";
inline constexpr std::string_view kErrorDecompression = "xmtp.content.decompression";
inline constexpr std::string_view kErrorWrongType = "xmtp.content.wrong_type";
inline constexpr std::string_view kErrorDigestMismatch = "xmtp.content.digest_mismatch";

}  // namespace xs::xmtp::content
