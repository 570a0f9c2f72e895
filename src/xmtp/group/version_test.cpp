#include "xmtp/group/version.h"

#include <gtest/gtest.h>

#include "xmtp/group/group_error.h"

namespace xs::xmtp::group {
namespace {

int Compare(std::string_view a, std::string_view b) {
  auto x = ParseSemVer(a);
  auto y = ParseSemVer(b);
  EXPECT_TRUE(x.ok()) << a;
  EXPECT_TRUE(y.ok()) << b;
  if (!x.ok() || !y.ok()) return 99;
  return CompareSemVer(*x, *y);
}

TEST(SemVerTest, ParsesAllParts) {
  auto v = ParseSemVer("1.11.0-dev.3+build.7");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->major, 1u);
  EXPECT_EQ(v->minor, 11u);
  EXPECT_EQ(v->patch, 0u);
  EXPECT_EQ(v->pre_release, (std::vector<std::string>{"dev", "3"}));
  EXPECT_EQ(v->build, "build.7");
}

TEST(SemVerTest, RejectsWhatTheSemverCrateRejects) {
  for (std::string_view bad :
       {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.3-", "1.2.3-01", "1.2.3-a..b", "1.2.3+",
        "v1.2.3", "1.2.x", " 1.2.3", "1.2.3-a_b", "99999999999999999999.0.0"}) {
    auto v = ParseSemVer(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(GroupRuleErrorOf(v.error()), GroupRuleError::kInvalidVersion) << bad;
  }
  EXPECT_TRUE(ParseSemVer("1.2.3-0a").ok());
  EXPECT_TRUE(ParseSemVer("0.0.0").ok());
}

TEST(SemVerTest, PrecedenceFollowsSemver2) {
  EXPECT_LT(Compare("1.0.0", "2.0.0"), 0);
  EXPECT_LT(Compare("1.9.0", "1.10.0"), 0);
  EXPECT_LT(Compare("1.0.0-alpha", "1.0.0"), 0);
  EXPECT_LT(Compare("1.0.0-alpha", "1.0.0-alpha.1"), 0);
  EXPECT_LT(Compare("1.0.0-alpha.1", "1.0.0-alpha.beta"), 0);
  EXPECT_LT(Compare("1.0.0-beta.2", "1.0.0-beta.11"), 0);
  EXPECT_LT(Compare("1.0.0-rc2", "1.0.0-rc3"), 0);
  EXPECT_EQ(Compare("1.0.0+a", "1.0.0+b"), 0);
  EXPECT_GT(Compare("1.11.0", "1.11.0-dev"), 0);
}

TEST(SemVerTest, BelowMinimumVersion) {
  EXPECT_EQ(BelowMinimumVersion("1.9.1", "1.11.0-dev").value_or(false), true);
  EXPECT_EQ(BelowMinimumVersion("1.11.0", "1.11.0-dev").value_or(true), false);
  EXPECT_FALSE(BelowMinimumVersion("1.9.1", "garbage").ok());
}

}  // namespace
}  // namespace xs::xmtp::group
