#include <gtest/gtest.h>

#include <string>

#include "codec/base64.h"
#include "codec/hex.h"

namespace xs::codec {
namespace {

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(Hex, RoundTripsAndRejectsBadInput) {
  EXPECT_EQ(HexEncode(std::string_view("\x00\xff\x10", 3)), "00ff10");
  auto decoded = HexDecode("00FF10");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, (std::vector<std::uint8_t>{0x00, 0xff, 0x10}));
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("0x00").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
  EXPECT_EQ(StripHexPrefix("0xAB"), "AB");
  std::array<std::uint8_t, 2> out{};
  EXPECT_TRUE(HexDecodeInto("abcd", out).ok());
  EXPECT_EQ(out[1], 0xcd);
  EXPECT_FALSE(HexDecodeInto("abcdef", out).ok());
}

// RFC 4648 §10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> kVectors[] = {{"", ""},
                                                                    {"f", "Zg=="},
                                                                    {"fo", "Zm8="},
                                                                    {"foo", "Zm9v"},
                                                                    {"foob", "Zm9vYg=="},
                                                                    {"fooba", "Zm9vYmE="},
                                                                    {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(Bytes(plain)), encoded);
    auto back = Base64Decode(encoded);
    ASSERT_TRUE(back.ok()) << encoded;
    EXPECT_EQ(std::string(back->begin(), back->end()), plain);
    std::string url(encoded.substr(0, encoded.find('=')));
    EXPECT_EQ(Base64UrlEncode(Bytes(plain)), url);
    auto url_back = Base64UrlDecode(url);
    ASSERT_TRUE(url_back.ok()) << url;
    EXPECT_EQ(std::string(url_back->begin(), url_back->end()), plain);
  }
}

TEST(Base64, RejectsMalformedInput) {
  EXPECT_FALSE(Base64Decode("Zg=").ok());       // bad length
  EXPECT_FALSE(Base64Decode("Zh==").ok());      // non-canonical trailing bits
  EXPECT_FALSE(Base64Decode("Zm9v!A==").ok());  // outside alphabet
  EXPECT_FALSE(Base64Decode("Z===").ok());
  EXPECT_FALSE(Base64UrlDecode("Z").ok());
  EXPECT_FALSE(Base64UrlDecode("+/8").ok());  // standard alphabet in url
  auto url = Base64UrlDecode("-_8");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, (std::vector<std::uint8_t>{0xfb, 0xff}));
}

}  // namespace
}  // namespace xs::codec
