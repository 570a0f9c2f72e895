// EncodedContent and ContentTypeId (shared/xmtp/protocol.md §5.2): the typed,
// optionally compressed payload every XMTP message carries, serialized as the
// protobuf xmtp.mls.message_contents.EncodedContent.
//
// Parsing decompresses: the EncodedContent a caller gets back holds the plain
// content and no compression, and inflating beyond kMaxDecompressedBytes is a
// Validation error of kind kErrorTooLarge that names the limit.
//
// Thread contract: pure functions over plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "xmtp/content/limits.h"

namespace xs::xmtp::content {

struct ContentTypeId {
  std::string authority_id;
  std::string type_id;
  std::uint32_t version_major = 0;
  std::uint32_t version_minor = 0;

  // "xmtp.org/text:1.0"
  std::string ToString() const;
  // Parses "authority/type:major.minor"; a validation error otherwise.
  static Result<ContentTypeId> Parse(std::string_view text);
  // Same authority, type and major version (minor versions are compatible).
  bool SameType(const ContentTypeId& other) const;

  bool operator==(const ContentTypeId&) const = default;
};

enum class Compression { kDeflate = 0, kGzip = 1 };

struct EncodedContent {
  ContentTypeId type;
  std::map<std::string, std::string> parameters;
  std::optional<std::string> fallback;
  Bytes content;
  std::optional<Compression> compression;

  bool operator==(const EncodedContent&) const = default;
};

// Deterministic protobuf (map entries sorted by key).
Bytes SerializeEncodedContent(const EncodedContent& encoded);
// Validation error (kind kErrorMalformed) for bytes that are not an
// EncodedContent (including strings that are not UTF-8), kErrorTooLarge above
// kMaxEncodedContentBytes or when inflating exceeds kMaxDecompressedBytes,
// kErrorDecompression for a corrupt compressed stream.
Result<EncodedContent> ParseEncodedContent(std::span<const std::uint8_t> bytes);

// Compresses the content (DEFLATE is the zlib format, GZIP the gzip format,
// as the XMTP SDKs write them). An error if it is already compressed.
Result<EncodedContent> Compress(EncodedContent encoded, Compression compression);
// Inflates compressed content, bounded by kMaxDecompressedBytes; a no-op
// when there is no compression.
Result<EncodedContent> Decompress(EncodedContent encoded);

}  // namespace xs::xmtp::content
