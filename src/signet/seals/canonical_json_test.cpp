// Canonical JSON against what Node 22's JSON.stringify prints for the same
// values with keys sorted by Array.prototype.sort (the expected strings
// below were printed by Node; tests/interop/seal_verify.test.mjs checks the
// same bytes live on a published seal).
#include "signet/seals/canonical_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace xs::signet::seals {
namespace {

std::string Canon(const Json& j) {
  auto r = CanonicalJson(j);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
  return r.ok() ? *r : "";
}

TEST(CanonicalJsonTest, NumbersPrintAsJavaScriptDoes) {
  const std::pair<double, const char*> cases[] = {
      {0.0, "0"},
      {-0.0, "0"},
      {1, "1"},
      {-1, "-1"},
      {1.5, "1.5"},
      {0.1, "0.1"},
      {1e21, "1e+21"},
      {1e20, "100000000000000000000"},
      {123456789012345680000.0, "123456789012345680000"},
      {1e-6, "0.000001"},
      {1e-7, "1e-7"},
      {1.2345e-7, "1.2345e-7"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {0.000001234, "0.000001234"},
      {123.456, "123.456"},
      {-1e-10, "-1e-10"},
      {100, "100"},
      {1e100, "1e+100"}};
  for (const auto& [value, expected] : cases) {
    EXPECT_EQ(JsNumber(value), expected) << value;
    EXPECT_EQ(Canon(Json(value)), expected) << value;
  }
}

TEST(CanonicalJsonTest, IntegersBecomeDoublesAsJsonParseMakesThem) {
  EXPECT_EQ(Canon(Json(std::int64_t{9007199254740993})), "9007199254740992");
  EXPECT_EQ(Canon(Json(std::uint64_t{1} << 63)), "9223372036854776000");
  EXPECT_EQ(Canon(Json(42)), "42");
  EXPECT_EQ(Canon(Json(-7)), "-7");
}

TEST(CanonicalJsonTest, NonFiniteNumbersPrintAsNull) {
  EXPECT_EQ(Canon(Json(std::numeric_limits<double>::quiet_NaN())), "null");
  EXPECT_EQ(Canon(Json::array({std::numeric_limits<double>::infinity()})), "[null]");
}

TEST(CanonicalJsonTest, KeysSortInUtf16CodeUnitOrderNotByteOrder) {
  // U+FF61 is EF BD A1 in UTF-8 and U+1F600 is F0 9F 98 80: byte order puts
  // U+FF61 first, but in UTF-16 U+1F600 starts with D83D < FF61.
  const std::string halfwidth = "\xEF\xBD\xA1";
  const std::string grinning = "\xF0\x9F\x98\x80";
  EXPECT_LT(halfwidth, grinning);  // bytes
  EXPECT_TRUE(Utf16Less(grinning, halfwidth));
  EXPECT_FALSE(Utf16Less(halfwidth, grinning));
  Json j = {{halfwidth, 1}, {grinning, 2}};
  EXPECT_EQ(Canon(j), "{\"" + grinning + "\":2,\"" + halfwidth + "\":1}");
}

TEST(CanonicalJsonTest, NestedObjectsSortedArraysKeptInOrderNoWhitespace) {
  Json j = Json::parse(R"({"\uff61":1,"\ud83d\ude00":2,"b":[3,{"z":1,"a":"x"}],"a":null})");
  EXPECT_EQ(
      Canon(j),
      "{\"a\":null,\"b\":[3,{\"a\":\"x\",\"z\":1}],\"\xF0\x9F\x98\x80\":2,\"\xEF\xBD\xA1\":1}");
  EXPECT_EQ(Canon(Json::parse(R"([3,1,2,{}, []])")), "[3,1,2,{},[]]");
  EXPECT_EQ(Canon(Json::parse(R"({"t":true,"f":false})")), "{\"f\":false,\"t\":true}");
}

TEST(CanonicalJsonTest, StringsEscapeAsJsonStringifyDoes) {
  // Controls: the short escapes where JSON has them, \u00XX (lowercase)
  // otherwise; DEL, non-ASCII and U+2028 stay as they are.
  const std::string in = std::string("\0\x1f\x7f\"\\\b\f\n\r\t \xC3\xA9\xE2\x80\xA8", 16);
  EXPECT_EQ(Canon(Json(in)), "\"\\u0000\\u001f\x7f\\\"\\\\\\b\\f\\n\\r\\t \xC3\xA9\xE2\x80\xA8\"");
}

TEST(CanonicalJsonTest, LoneSurrogatesAreEscapedAndPairsJoined) {
  // WTF-8 bytes of a lone high surrogate U+D800 then "x", a lone low U+DC00.
  EXPECT_EQ(Canon(Json(std::string("\xED\xA0\x80x"))), "\"\\ud800x\"");
  EXPECT_EQ(Canon(Json(std::string("\xED\xB0\x80"))), "\"\\udc00\"");
  // A WTF-8 pair is one character (U+1F600) to JavaScript.
  EXPECT_EQ(Canon(Json(std::string("\xED\xA0\xBD\xED\xB8\x80"))), "\"\xF0\x9F\x98\x80\"");
}

TEST(CanonicalJsonTest, InvalidUtf8IsAValidationError) {
  for (const std::string bad : {"\xff", "\xC0\xAF", "\xE2\x82", "\xF4\x90\x80\x80"}) {
    auto r = CanonicalJson(Json(bad));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().IsValidation());
  }
  auto key = CanonicalJson(Json{{std::string("\xff"), 1}});
  EXPECT_FALSE(key.ok());
  EXPECT_FALSE(CanonicalJson(Json::binary({1, 2})).ok());
}

}  // namespace
}  // namespace xs::signet::seals
