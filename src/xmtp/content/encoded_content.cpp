#include "xmtp/content/encoded_content.h"

#include <zlib.h>

#include <charconv>
#include <string>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "xmtp/mls/message_contents/content.pb.h"

namespace xs::xmtp::content {
namespace {

namespace pb = ::xmtp::mls::message_contents;

Error Malformed(std::string_view field, std::string_view why) {
  return Error::Validation(field, why).WithKind(std::string(kErrorMalformed));
}

Result<std::uint32_t> ParseVersion(std::string_view digits) {
  std::uint32_t value = 0;
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || ec != std::errc() || ptr != end) {
    return Malformed("content type", "version is not a decimal number");
  }
  return value;
}

Error TooLarge() {
  return Error::Validation("content", "decompressed content exceeds kMaxDecompressedBytes (" +
                                          std::to_string(kMaxDecompressedBytes) + " bytes)")
      .WithKind(std::string(kErrorTooLarge));
}

Error Corrupt(std::string_view why) {
  return Error::Validation("content", why).WithKind(std::string(kErrorDecompression));
}

// zlib header (DEFLATE) or gzip header (GZIP).
int WindowBits(Compression compression) {
  return compression == Compression::kGzip ? MAX_WBITS + 16 : MAX_WBITS;
}

Result<Bytes> Inflate(std::span<const std::uint8_t> input, Compression compression) {
  z_stream stream{};
  if (inflateInit2(&stream, WindowBits(compression)) != Z_OK) {
    return Error::Internal("zlib inflateInit failed");
  }
  Bytes out;
  std::uint8_t chunk[16384];
  // zlib's avail_in is 32-bit; input is bounded by kMaxEncodedContentBytes.
  stream.next_in = const_cast<Bytef*>(input.data());
  stream.avail_in = static_cast<uInt>(input.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = chunk;
    stream.avail_out = sizeof(chunk);
    rc = inflate(&stream, Z_NO_FLUSH);
    const std::size_t produced = sizeof(chunk) - stream.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    if (out.size() + produced > kMaxDecompressedBytes) {
      inflateEnd(&stream);
      return TooLarge();
    }
    out.insert(out.end(), chunk, chunk + produced);
    if (rc == Z_OK && produced == 0 && stream.avail_in == 0) break;  // truncated
  }
  const bool trailing = stream.avail_in != 0;
  inflateEnd(&stream);
  if (rc != Z_STREAM_END) return Corrupt("corrupt or truncated compressed content");
  if (trailing) return Corrupt("bytes after the end of the compressed content");
  return out;
}

Result<Bytes> Deflate(std::span<const std::uint8_t> input, Compression compression) {
  if (input.size() > kMaxDecompressedBytes) return TooLarge();
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, WindowBits(compression), 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return Error::Internal("zlib deflateInit failed");
  }
  Bytes out(deflateBound(&stream, static_cast<uLong>(input.size())));
  stream.next_in = const_cast<Bytef*>(input.data());
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&stream, Z_FINISH);
  out.resize(out.size() - stream.avail_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) return Error::Internal("zlib deflate failed");
  return out;
}

}  // namespace

std::string ContentTypeId::ToString() const {
  return authority_id + "/" + type_id + ":" + std::to_string(version_major) + "." +
         std::to_string(version_minor);
}

Result<ContentTypeId> ContentTypeId::Parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto colon = text.rfind(':');
  if (slash == std::string_view::npos || colon == std::string_view::npos || colon < slash ||
      slash == 0 || colon == slash + 1) {
    return Malformed("content type", "expected authority/type:major.minor");
  }
  const std::string_view version = text.substr(colon + 1);
  const auto dot = version.find('.');
  if (dot == std::string_view::npos) {
    return Malformed("content type", "expected authority/type:major.minor");
  }
  ContentTypeId id;
  id.authority_id = std::string(text.substr(0, slash));
  id.type_id = std::string(text.substr(slash + 1, colon - slash - 1));
  XS_TRY(id.version_major, ParseVersion(version.substr(0, dot)));
  XS_TRY(id.version_minor, ParseVersion(version.substr(dot + 1)));
  return id;
}

bool ContentTypeId::SameType(const ContentTypeId& other) const {
  return authority_id == other.authority_id && type_id == other.type_id &&
         version_major == other.version_major;
}

Bytes SerializeEncodedContent(const EncodedContent& encoded) {
  pb::EncodedContent message;
  auto* type = message.mutable_type();
  type->set_authority_id(encoded.type.authority_id);
  type->set_type_id(encoded.type.type_id);
  type->set_version_major(encoded.type.version_major);
  type->set_version_minor(encoded.type.version_minor);
  for (const auto& [key, value] : encoded.parameters) (*message.mutable_parameters())[key] = value;
  if (encoded.fallback) message.set_fallback(*encoded.fallback);
  message.set_content(encoded.content.data(), encoded.content.size());
  if (encoded.compression) {
    message.set_compression(static_cast<pb::Compression>(*encoded.compression));
  }
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return Bytes(out.begin(), out.end());
}

Result<EncodedContent> ParseEncodedContent(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxEncodedContentBytes) {
    return Error::Validation("encoded content", "longer than kMaxEncodedContentBytes")
        .WithKind(std::string(kErrorTooLarge));
  }
  pb::EncodedContent message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Malformed("encoded content", "not a protobuf EncodedContent");
  }
  EncodedContent encoded;
  encoded.type.authority_id = message.type().authority_id();
  encoded.type.type_id = message.type().type_id();
  encoded.type.version_major = message.type().version_major();
  encoded.type.version_minor = message.type().version_minor();
  for (const auto& [key, value] : message.parameters()) encoded.parameters.emplace(key, value);
  if (message.has_fallback()) encoded.fallback = message.fallback();
  encoded.content.assign(message.content().begin(), message.content().end());
  if (message.has_compression()) {
    switch (message.compression()) {
      case pb::COMPRESSION_DEFLATE:
        encoded.compression = Compression::kDeflate;
        break;
      case pb::COMPRESSION_GZIP:
        encoded.compression = Compression::kGzip;
        break;
      default:
        return Malformed("compression", "unknown compression algorithm");
    }
  }
  return Decompress(std::move(encoded));
}

Result<EncodedContent> Compress(EncodedContent encoded, Compression compression) {
  if (encoded.compression) {
    return Error::Validation("compression", "content is already compressed");
  }
  XS_TRY(encoded.content, Deflate(encoded.content, compression));
  encoded.compression = compression;
  return encoded;
}

Result<EncodedContent> Decompress(EncodedContent encoded) {
  if (!encoded.compression) return encoded;
  if (encoded.content.size() > kMaxEncodedContentBytes) return TooLarge();
  XS_TRY(encoded.content, Inflate(encoded.content, *encoded.compression));
  encoded.compression.reset();
  return encoded;
}

}  // namespace xs::xmtp::content
