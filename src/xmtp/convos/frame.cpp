#include "xmtp/convos/frame.h"

#include <zlib.h>

#include "codec/base64.h"

namespace xs::xmtp::convos {
namespace {

Error Kind(std::string_view kind, std::string_view field, std::string_view why) {
  return Error::Validation(field, why).WithKind(std::string(kind));
}

// window_bits -15: raw DEFLATE; 15: zlib. Exactly `expected` bytes or an error.
Result<Bytes> Inflate(std::span<const std::uint8_t> input, int window_bits, std::size_t expected) {
  z_stream stream{};
  if (inflateInit2(&stream, window_bits) != Z_OK) {
    return Error::Internal("inflateInit2 failed");
  }
  Bytes out(expected + 1);  // one spare byte detects a longer stream
  stream.next_in = const_cast<Bytef*>(input.data());
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&stream, Z_FINISH);
  const std::size_t produced = out.size() - stream.avail_out;
  inflateEnd(&stream);
  if (rc != Z_STREAM_END || produced != expected) {
    return Kind(kErrorDecompression, "compressed data", "does not inflate to its declared length");
  }
  out.resize(produced);
  return out;
}

}  // namespace

Result<Unframed> Unframe(std::span<const std::uint8_t> data) {
  if (data.empty() || data[0] != kCompressionMarker) {
    return Unframed{Bytes(data.begin(), data.end()), FrameFlavour::kPlain};
  }
  if (data.size() <= kFrameHeaderBytes) {
    return Kind(kErrorMalformed, "compressed data", "the frame header is truncated");
  }
  const std::size_t declared = (std::size_t{data[1]} << 24) | (std::size_t{data[2]} << 16) |
                               (std::size_t{data[3]} << 8) | std::size_t{data[4]};
  const auto body = data.subspan(kFrameHeaderBytes);
  if (declared == 0 || declared > kMaxInflatedBytes || declared > body.size() * kMaxInflateRatio) {
    return Kind(kErrorTooLarge, "compressed data",
                "declares more than 1 MiB or a ratio above 100:1");
  }
  auto raw = Inflate(body, -MAX_WBITS, declared);
  if (raw.ok()) return Unframed{*std::move(raw), FrameFlavour::kRawDeflate};
  XS_TRY(Bytes zlib, Inflate(body, MAX_WBITS, declared));
  return Unframed{std::move(zlib), FrameFlavour::kZlib};
}

Bytes FrameIfSmaller(std::span<const std::uint8_t> data) {
  Bytes plain(data.begin(), data.end());
  if (data.size() <= kCompressAboveBytes) return plain;
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return plain;
  }
  Bytes out(kFrameHeaderBytes + deflateBound(&stream, static_cast<uLong>(data.size())));
  stream.next_in = const_cast<Bytef*>(data.data());
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = out.data() + kFrameHeaderBytes;
  stream.avail_out = static_cast<uInt>(out.size() - kFrameHeaderBytes);
  const int rc = deflate(&stream, Z_FINISH);
  const std::size_t produced = out.size() - kFrameHeaderBytes - stream.avail_out;
  deflateEnd(&stream);
  if (rc != Z_STREAM_END || produced + kFrameHeaderBytes >= data.size()) return plain;
  out.resize(kFrameHeaderBytes + produced);
  const auto size = static_cast<std::uint32_t>(data.size());
  out[0] = kCompressionMarker;
  out[1] = static_cast<std::uint8_t>(size >> 24);
  out[2] = static_cast<std::uint8_t>(size >> 16);
  out[3] = static_cast<std::uint8_t>(size >> 8);
  out[4] = static_cast<std::uint8_t>(size);
  return out;
}

Result<Bytes> SlugToBytes(std::string_view slug) {
  std::string text;
  text.reserve(slug.size());
  for (const char c : slug) {
    if (c != '*') text.push_back(c);
  }
  if (text.empty()) return Kind(kErrorMalformed, "invite", "the slug is empty");
  auto bytes = codec::Base64UrlDecode(text);
  if (!bytes.ok()) return Kind(kErrorMalformed, "invite", "the slug is not base64url");
  return *std::move(bytes);
}

std::string BytesToSlug(std::span<const std::uint8_t> bytes) {
  const std::string text = codec::Base64UrlEncode(bytes);
  std::string out;
  out.reserve(text.size() + text.size() / kSlugSeparatorEvery);
  for (std::size_t i = 0; i < text.size(); i += kSlugSeparatorEvery) {
    if (i > 0) out.push_back('*');
    out.append(text, i, kSlugSeparatorEvery);
  }
  return out;
}

}  // namespace xs::xmtp::convos
