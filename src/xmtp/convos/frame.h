// The byte and text layers shared by invite slugs and group appData
// (shared/spec/convos-interop.md §1 "Slug encoding", §5):
//   text:  base64url without padding (padding accepted), '*' separators in slugs
//   frame: optional [0x1f][uint32 BE original length][DEFLATE]; readers try raw
//          DEFLATE (iOS, convos-cli >= 0.10) and then zlib (convos-cli 0.9.1)
//
// Thread contract: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "xmtp/convos/errors.h"

namespace xs::xmtp::convos {

enum class FrameFlavour { kPlain, kRawDeflate, kZlib };

struct Unframed {
  Bytes bytes;
  FrameFlavour flavour = FrameFlavour::kPlain;
};

// Inflates a frame (bounded by kMaxInflatedBytes and kMaxInflateRatio; the
// declared length must match); other bytes are returned as they are.
// kErrorDecompression, kErrorTooLarge or kErrorMalformed (a truncated header).
Result<Unframed> Unframe(std::span<const std::uint8_t> data);
// Raw-DEFLATE frame when `data` is above kCompressAboveBytes and the frame is
// smaller; otherwise the bytes unchanged.
Bytes FrameIfSmaller(std::span<const std::uint8_t> data);

// Slug text -> bytes: drops every '*', then base64url. kErrorMalformed for
// other characters.
Result<Bytes> SlugToBytes(std::string_view slug);
// Bytes -> base64url with a '*' after every kSlugSeparatorEvery characters.
std::string BytesToSlug(std::span<const std::uint8_t> bytes);

}  // namespace xs::xmtp::convos
