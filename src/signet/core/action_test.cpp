#include "signet/core/action.h"

#include <gtest/gtest.h>

namespace xs::signet {
namespace {

ActionSpec Echo() {
  return {"thing.do",    "Do a thing",
          Intent::kRead, true,
          false,         [](const Json& p, const CallContext&) -> Result<Json> { return p; }};
}

std::vector<Param> ThingParams() {
  return {{"chatId", ParamType::kString, "The chat", true},
          {"limit", ParamType::kInteger, "At most this many"},
          {"tags", ParamType::kStringArray, ""},
          {"content", ParamType::kStringOrObject, ""},
          {"mode", ParamType::kString, "", false, {"fast", "slow"}}};
}

TEST(ActionSchemaTest, InputSchemaListsPropertiesAndRequired) {
  ActionRegistry r;
  r.Register(Echo(), ThingParams());
  Json schema = InputSchema(*r.Find("thing.do"));
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["required"], Json::array({"chatId"}));
  EXPECT_EQ(schema["properties"]["chatId"]["type"], "string");
  EXPECT_EQ(schema["properties"]["chatId"]["description"], "The chat");
  EXPECT_EQ(schema["properties"]["limit"]["type"], "integer");
  EXPECT_EQ(schema["properties"]["tags"]["items"]["type"], "string");
  EXPECT_EQ(schema["properties"]["content"]["type"], Json::array({"string", "object"}));
  EXPECT_EQ(schema["properties"]["mode"]["enum"], Json::array({"fast", "slow"}));
  EXPECT_FALSE(schema["properties"]["tags"].contains("description"));
}

TEST(ActionSchemaTest, NoParamsIsAnEmptyObjectSchema) {
  ActionSpec spec = Echo();
  EXPECT_EQ(InputSchema(spec), Json({{"type", "object"}, {"properties", Json::object()}}));
}

TEST(ActionSchemaTest, CallRejectsMissingAndMistypedParamsNamingThem) {
  ActionRegistry r;
  r.Register(Echo(), ThingParams());
  CallContext ctx;
  auto missing = r.Call("thing.do", Json::object(), ctx);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().IsValidation());
  EXPECT_NE(missing.error().message().find("chatId"), std::string::npos);

  auto mistyped = r.Call("thing.do", {{"chatId", "c"}, {"limit", "5"}}, ctx);
  ASSERT_FALSE(mistyped.ok());
  EXPECT_NE(mistyped.error().message().find("limit"), std::string::npos);

  EXPECT_FALSE(r.Call("thing.do", {{"chatId", "c"}, {"limit", 1.5}}, ctx).ok());
  EXPECT_FALSE(r.Call("thing.do", {{"chatId", "c"}, {"tags", {"a", 1}}}, ctx).ok());
  EXPECT_FALSE(r.Call("thing.do", {{"chatId", "c"}, {"content", 3}}, ctx).ok());
  EXPECT_FALSE(r.Call("thing.do", {{"chatId", "c"}, {"mode", "medium"}}, ctx).ok());
  EXPECT_FALSE(r.Call("thing.do", Json(), ctx).ok());
}

TEST(ActionSchemaTest, CallPassesWellTypedParamsAndUndeclaredKeys) {
  ActionRegistry r;
  r.Register(Echo(), ThingParams());
  CallContext ctx;
  Json p = {{"chatId", "c"},  {"limit", 2.0},  {"tags", {"a"}},    {"content", {{"text", "x"}}},
            {"mode", "slow"}, {"extra", true}, {"limit2", nullptr}};
  auto out = r.Call("thing.do", p, ctx);
  ASSERT_TRUE(out.ok()) << out.error().message();
  EXPECT_EQ(*out, p);
  // A null param counts as absent.
  EXPECT_TRUE(r.Call("thing.do", {{"chatId", "c"}, {"limit", nullptr}}, ctx).ok());
}

TEST(ActionSchemaTest, AdminOnlyIsCheckedBeforeParams) {
  ActionRegistry r;
  ActionSpec spec = Echo();
  spec.admin_only = true;
  r.Register(spec, ThingParams());
  CallContext ctx;
  ctx.caller = CallContext::Caller::kCredential;
  ctx.credential_id = "cred_1";
  auto out = r.Call("thing.do", Json::object(), ctx);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(out.error().IsPermission());
}

}  // namespace
}  // namespace xs::signet
