// EncodedContent: content type ids, serialization round trips, compression
// and its bound, and rejection of hostile bytes.
#include "xmtp/content/encoded_content.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "xmtp/content/codecs.h"

namespace xs::xmtp::content {
namespace {

Bytes Zlib(const Bytes& plain, int window_bits) {
  z_stream stream{};
  EXPECT_EQ(
      deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY),
      Z_OK);
  Bytes out(deflateBound(&stream, plain.size()));
  stream.next_in = const_cast<Bytef*>(plain.data());
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(out.size() - stream.avail_out);
  deflateEnd(&stream);
  return out;
}

EncodedContent Compressed(Compression compression, Bytes content) {
  EncodedContent encoded = EncodeText("");
  encoded.compression = compression;
  encoded.content = std::move(content);
  return encoded;
}

TEST(ContentTypeId, ToStringAndParse) {
  const ContentTypeId id{"xmtp.org", "text", 1, 0};
  EXPECT_EQ(id.ToString(), "xmtp.org/text:1.0");
  EXPECT_EQ(ContentTypeId::Parse("xmtp.org/text:1.0").value(), id);
  EXPECT_EQ(ContentTypeId::Parse("coinbase.com/actions:12.3").value(),
            (ContentTypeId{"coinbase.com", "actions", 12, 3}));
  for (const char* bad : {"", "xmtp.org/text", "xmtp.org/text:1", "xmtp.org:1.0", "/text:1.0",
                          "xmtp.org/:1.0", "xmtp.org/text:a.0", "xmtp.org/text:1.-1",
                          "xmtp.org/text:99999999999.0", "xmtp.org/text:1.0x"}) {
    auto parsed = ContentTypeId::Parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().kind(), kErrorMalformed) << bad;
  }
}

TEST(ContentTypeId, SameTypeIgnoresOnlyTheMinorVersion) {
  const ContentTypeId text{"xmtp.org", "text", 1, 0};
  EXPECT_TRUE(text.SameType({"xmtp.org", "text", 1, 7}));
  EXPECT_FALSE(text.SameType({"xmtp.org", "text", 2, 0}));
  EXPECT_FALSE(text.SameType({"example.com", "text", 1, 0}));
  EXPECT_FALSE(text.SameType({"xmtp.org", "markdown", 1, 0}));
}

TEST(EncodedContent, RoundTripKeepsEveryField) {
  EncodedContent encoded;
  encoded.type = {"example.com", "custom", 3, 2};
  encoded.parameters = {{"b", "2"}, {"a", "1"}, {"empty", ""}};
  encoded.fallback = "fallback text";
  encoded.content = {0, 1, 2, 255};
  auto parsed = ParseEncodedContent(SerializeEncodedContent(encoded));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, encoded);
}

TEST(EncodedContent, AbsentAndEmptyFallbackDiffer) {
  EncodedContent encoded = EncodeText("x");
  EXPECT_FALSE(ParseEncodedContent(SerializeEncodedContent(encoded))->fallback.has_value());
  encoded.fallback = "";
  EXPECT_EQ(ParseEncodedContent(SerializeEncodedContent(encoded))->fallback, "");
}

TEST(EncodedContent, SerializationIsDeterministic) {
  EncodedContent a = EncodeText("x");
  a.parameters = {{"z", "1"}, {"a", "2"}, {"m", "3"}};
  EXPECT_EQ(SerializeEncodedContent(a), SerializeEncodedContent(a));
}

TEST(Compression, DeflateAndGzipRoundTrip) {
  const EncodedContent plain = EncodeText(std::string(5000, 'a') + "tail");
  for (const Compression c : {Compression::kDeflate, Compression::kGzip}) {
    auto compressed = Compress(plain, c);
    ASSERT_TRUE(compressed.ok());
    EXPECT_EQ(compressed->compression, c);
    EXPECT_LT(compressed->content.size(), plain.content.size());
    auto parsed = ParseEncodedContent(SerializeEncodedContent(*compressed));
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    EXPECT_EQ(*parsed, plain);
  }
  // Each format is read only as itself.
  auto deflated = Compress(plain, Compression::kDeflate).value();
  deflated.compression = Compression::kGzip;
  EXPECT_EQ(Decompress(deflated).error().kind(), kErrorDecompression);
  EXPECT_FALSE(Compress(Compress(plain, Compression::kGzip).value(), Compression::kGzip).ok());
}

TEST(Compression, BombBeyondTheLimitIsATypedErrorNamingTheLimit) {
  // 25 MiB + 1 of zeros deflates to about 25 KiB.
  const Bytes zeros(kMaxDecompressedBytes + 1, 0);
  for (const int bits : {MAX_WBITS, MAX_WBITS + 16}) {
    const Compression c = bits == MAX_WBITS ? Compression::kDeflate : Compression::kGzip;
    const EncodedContent bomb = Compressed(c, Zlib(zeros, bits));
    auto parsed = ParseEncodedContent(SerializeEncodedContent(bomb));
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().kind(), kErrorTooLarge);
    EXPECT_TRUE(parsed.error().IsValidation());
    EXPECT_NE(parsed.error().message().find("kMaxDecompressedBytes"), std::string::npos);
    EXPECT_NE(parsed.error().message().find(std::to_string(kMaxDecompressedBytes)),
              std::string::npos);
  }
}

TEST(Compression, ExactlyTheLimitInflates) {
  const Bytes at_limit(kMaxDecompressedBytes, 'x');
  auto parsed = ParseEncodedContent(
      SerializeEncodedContent(Compressed(Compression::kDeflate, Zlib(at_limit, MAX_WBITS))));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->content.size(), kMaxDecompressedBytes);
}

TEST(Compression, CorruptTruncatedAndTrailingStreamsAreRejected) {
  const Bytes good = Zlib(Bytes(1000, 'q'), MAX_WBITS);
  Bytes truncated(good.begin(), good.end() - 6);
  Bytes trailing = good;
  trailing.push_back(0);
  Bytes corrupt = good;
  corrupt[good.size() / 2] ^= 0xFF;
  for (const Bytes& bad : {truncated, trailing, corrupt, Bytes{}, Bytes{1, 2, 3}}) {
    auto result = Decompress(Compressed(Compression::kDeflate, bad));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind(), kErrorDecompression);
  }
}

TEST(ParseEncodedContent, RejectsHostileBytes) {
  const Bytes not_protobuf = {0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_EQ(ParseEncodedContent(not_protobuf).error().kind(), kErrorMalformed);
  // fallback (field 3) holding invalid UTF-8: a proto3 string must be UTF-8.
  const Bytes bad_string = {0x1A, 0x02, 0xC3, 0x28};
  EXPECT_EQ(ParseEncodedContent(bad_string).error().kind(), kErrorMalformed);
  // compression (field 5) = 7: not an algorithm we know.
  const Bytes unknown_compression = {0x28, 0x07};
  EXPECT_EQ(ParseEncodedContent(unknown_compression).error().kind(), kErrorMalformed);
  EXPECT_TRUE(ParseEncodedContent({}).ok());  // every field absent
}

}  // namespace
}  // namespace xs::xmtp::content
