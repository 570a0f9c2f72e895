#include "transport/admin/raw_json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace xs::transport {
namespace {

using Json = nlohmann::json;

// IndentJson of the compact dump is exactly nlohmann's own layout.
TEST(IndentJson, LaysOutCompactTextAsNlohmannDoes) {
  const std::vector<Json> samples = {
      Json::parse(R"({"a":1,"b":[1,2,{"c":null}],"d":{},"e":[],"f":{"g":{"h":[[],{}]}}})"),
      Json::parse(R"([{"id":"conv_1","members":["x","y"],"n":-1.5e-3,"ok":true}])"),
      Json{{"tricky", "quotes \" and \\ and {[,:]} inside"},
           {"unicode", "héllo \u2713 👍"},
           {"control", std::string("tab\there\nnewline\x01")}},
      Json::array(),
      Json::object(),
      Json("just a string"),
      Json(42),
      Json(nullptr),
  };
  for (const Json& j : samples) {
    EXPECT_EQ(IndentJson(j.dump(), 2), j.dump(2)) << j.dump();
    EXPECT_EQ(IndentJson(j.dump(), 4), j.dump(4)) << j.dump();
  }
}

TEST(RawObjectMembers, SpansEachMemberOfTheEnvelope) {
  const Json line = {{"jsonrpc", "2.0"},
                     {"id", 7},
                     {"result",
                      {{"ok", true},
                       {"data", Json::array({Json{{"meta", "x,\"meta\":{"}}, Json::object()})},
                       {"meta", {{"requestId", "r"}}}}}};
  const std::string text = line.dump();
  auto members = RawObjectMembers(text);
  ASSERT_TRUE(members.has_value());
  ASSERT_EQ(members->size(), 3u);
  const RawMember* id = FindMember(*members, "\"id\"");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->value, "7");
  const RawMember* result = FindMember(*members, "\"result\"");
  ASSERT_NE(result, nullptr);
  auto inner = RawObjectMembers(result->value);
  ASSERT_TRUE(inner.has_value());
  const RawMember* data = FindMember(*inner, "\"data\"");
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(Json::parse(data->value), line["result"]["data"]);
  EXPECT_EQ(FindMember(*inner, "\"ok\"")->value, "true");
  EXPECT_EQ(FindMember(*inner, "\"missing\""), nullptr);

  auto spaced = RawObjectMembers(R"( { "a" : [1, 2] , "b" : "c" } )");
  ASSERT_TRUE(spaced.has_value());
  EXPECT_EQ(FindMember(*spaced, "\"a\"")->value, "[1, 2]");
  EXPECT_EQ(FindMember(*spaced, "\"b\"")->value, "\"c\"");
  EXPECT_TRUE(RawObjectMembers("{}").has_value());
}

TEST(RawObjectMembers, RefusesWhatItCannotFollow) {
  for (std::string_view bad :
       {"", "[]", "\"s\"", "{", "{\"a\":1", "{\"a\":[1,2}", "{\"a\":\"unterminated}",
        "{\"a\":1}trailing", "{\"a\" 1}", "{a:1}", "{\"a\":}", "{\"a\":1,}", "{} {}"}) {
    EXPECT_FALSE(RawObjectMembers(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace xs::transport
