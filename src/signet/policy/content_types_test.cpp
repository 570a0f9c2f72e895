#include "signet/policy/content_types.h"

#include <gtest/gtest.h>

namespace xs::signet {
namespace {

TEST(ContentTypesTest, IdSyntax) {
  EXPECT_TRUE(IsValidContentTypeId("xmtp.org/text:1.0"));
  EXPECT_TRUE(IsValidContentTypeId("example-co.io/agentSeal:12.3"));
  EXPECT_FALSE(IsValidContentTypeId("XMTP.org/text:1.0"));
  EXPECT_FALSE(IsValidContentTypeId("xmtp.org/text:1"));
  EXPECT_FALSE(IsValidContentTypeId("xmtp.org/te-xt:1.0"));
  EXPECT_FALSE(IsValidContentTypeId("/text:1.0"));
  EXPECT_FALSE(IsValidContentTypeId("xmtp.org/text"));
}

TEST(ContentTypesTest, EffectiveIsIntersectionWithDefaultDeny) {
  auto all = EffectiveAllowlist({}, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 5u);
  auto some = EffectiveAllowlist({"xmtp.org/text:1.0", "xmtp.org/reply:1.0"},
                                 {"xmtp.org/reply:1.0", "xmtp.org/agentSeal:1.0"});
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(*some, std::vector<std::string>{"xmtp.org/reply:1.0"});  // agentSeal silently dropped
  auto none = EffectiveAllowlist({"xmtp.org/text:1.0"}, {"xmtp.org/reaction:1.0"});
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.error().IsValidation());
  auto bad = EffectiveAllowlist({}, {"not a type"});
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().IsValidation());
  EXPECT_FALSE(IsAllowed(*some, "xmtp.org/text:1.0"));
  EXPECT_FALSE(IsBaselineContentType("xmtp.org/agentSeal:1.0"));
}

}  // namespace
}  // namespace xs::signet
