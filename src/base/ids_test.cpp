#include "base/ids.h"

#include <gtest/gtest.h>

namespace xs {
namespace {

TEST(IdsTest, MakeAndParse) {
  std::array<std::uint8_t, 8> bytes = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
  std::string id = MakeId(IdType::kOperator, bytes);
  EXPECT_EQ(id, "op_0123456789abcdef");
  auto parsed = ParseId(id);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->type, IdType::kOperator);
  EXPECT_TRUE(IsValidId(IdType::kOperator, id));
  EXPECT_FALSE(IsValidId(IdType::kCredential, id));
}

TEST(IdsTest, EveryPrefix) {
  const std::pair<IdType, const char*> all[] = {
      {IdType::kOperator, "op_"},  {IdType::kInbox, "inbox_"}, {IdType::kConversation, "conv_"},
      {IdType::kPolicy, "policy_"}, {IdType::kCredential, "cred_"}, {IdType::kSeal, "seal_"},
      {IdType::kKey, "key_"},      {IdType::kMessage, "msg_"},   {IdType::kNetwork, "xmtp_"},
  };
  for (auto [type, prefix] : all) {
    EXPECT_EQ(IdPrefix(type), prefix);
    std::string id = std::string(prefix) + "00112233aabbccdd";
    auto p = ParseId(id);
    ASSERT_TRUE(p.ok()) << id;
    EXPECT_EQ(p->type, type);
  }
}

TEST(IdsTest, RejectsMalformed) {
  EXPECT_TRUE(ParseId("zz_0123456789abcdef").error().IsValidation());
  EXPECT_TRUE(ParseId("op_0123456789ABCDEF").error().IsValidation());
  EXPECT_TRUE(ParseId("op_0123").error().IsValidation());
  EXPECT_TRUE(ParseId("op_0123456789abcdef0").error().IsValidation());
  EXPECT_TRUE(ParseId("").error().IsValidation());
  EXPECT_TRUE(ParseIdOf(IdType::kPolicy, "op_0123456789abcdef").error().IsValidation());
}

TEST(IdsTest, ShortIdResolution) {
  std::vector<std::string> c = {"cred_aaaa000000000001", "cred_aaaa000000000002",
                                "cred_bbbb000000000003"};
  EXPECT_EQ(*ResolveShortId(IdType::kCredential, "bbbb", c), "cred_bbbb000000000003");
  EXPECT_EQ(*ResolveShortId(IdType::kCredential, "cred_bb", c), "cred_bbbb000000000003");
  EXPECT_EQ(*ResolveShortId(IdType::kCredential, "cred_aaaa000000000002", c),
            "cred_aaaa000000000002");

  auto ambiguous = ResolveShortId(IdType::kCredential, "aaaa", c);
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_TRUE(ambiguous.error().IsValidation());
  EXPECT_NE(ambiguous.error().context_json().find("cred_aaaa000000000001"), std::string::npos);
  EXPECT_NE(ambiguous.error().context_json().find("cred_aaaa000000000002"), std::string::npos);

  EXPECT_TRUE(ResolveShortId(IdType::kCredential, "cccc", c).error().IsNotFound());
  EXPECT_TRUE(
      ResolveShortId(IdType::kCredential, "cred_cccc000000000009", c).error().IsNotFound());
  EXPECT_TRUE(ResolveShortId(IdType::kCredential, "XYZ", c).error().IsValidation());
  EXPECT_TRUE(ResolveShortId(IdType::kCredential, "", c).error().IsValidation());
  EXPECT_TRUE(ResolveShortId(IdType::kCredential, "op_aaaa", c).error().IsValidation());
}

}  // namespace
}  // namespace xs
