#include "signet/policy/scopes.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace xs::signet {
namespace {

TEST(ScopesTest, ThirtyScopesInSixCategories) {
  const auto& all = AllScopes();
  ASSERT_EQ(all.size(), kScopeCount);
  std::set<std::string_view> names;
  std::map<std::string_view, int> per_category;
  for (const auto& s : all) {
    names.insert(s.name);
    per_category[ScopeCategoryName(s.category)]++;
  }
  EXPECT_EQ(names.size(), 30u);
  EXPECT_EQ(per_category.size(), kScopeCategoryCount);
  EXPECT_EQ(per_category["messaging"], 5);
  EXPECT_EQ(per_category["group-management"], 5);
  EXPECT_EQ(per_category["metadata"], 3);
  EXPECT_EQ(per_category["access"], 5);
  EXPECT_EQ(per_category["observation"], 7);
  EXPECT_EQ(per_category["egress"], 5);
}

TEST(ScopesTest, ReadPermissionsIsCanonicalAndUnknownIsValidationError) {
  EXPECT_TRUE(ScopeIndex("read-permissions").has_value());
  EXPECT_FALSE(ScopeIndex("view-permissions").has_value());
  Status s = ValidateScopes({"send", "view-permissions"}, "allow");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().IsValidation());
  EXPECT_NE(s.error().message().find("view-permissions"), std::string::npos);
  EXPECT_TRUE(ValidateScopes({"send", "reply", "summarize"}, "allow").ok());
}

TEST(ScopesTest, DenyAlwaysWins) {
  ScopePair policy{{"send", "reply", "react"}, {}};
  ScopePair inl{{"read-messages"}, {"send"}};
  ScopePair merged = MergeScopes(policy, inl);
  EXPECT_EQ(merged.allow.size(), 4u);  // plain concatenation
  auto names = ScopeNames(Resolve(merged));
  EXPECT_EQ(names, (std::vector<std::string>{"reply", "react", "read-messages"}));
  // Deny of a scope that is also allowed inline still wins.
  EXPECT_FALSE(Resolve({{"send"}, {"send"}}).test(*ScopeIndex("send")));
  // Empty allow permits nothing.
  EXPECT_TRUE(Resolve({{}, {"send"}}).none());
}

TEST(ScopesTest, DiffClassifiesChanges) {
  ScopePair before{{"send", "reply"}, {"react"}};
  // Narrowing: reply denied, send dropped.
  ScopeDiff narrow = DiffScopes(before, {{"send", "reply"}, {"reply"}});
  ASSERT_EQ(narrow.changes.size(), 1u);
  EXPECT_EQ(narrow.changes[0].kind, ScopeChange::Kind::kChanged);
  EXPECT_EQ(narrow.changes[0].to, "deny");
  EXPECT_TRUE(narrow.material());
  EXPECT_FALSE(narrow.requires_reauthorization());
  ScopeDiff removed = DiffScopes(before, {{"send"}, {"react"}});
  ASSERT_EQ(removed.changes.size(), 1u);
  EXPECT_EQ(removed.changes[0].kind, ScopeChange::Kind::kRemoved);
  EXPECT_FALSE(removed.requires_reauthorization());
  // Escalation: new scope -> added; previously denied -> changed to allow.
  ScopeDiff added = DiffScopes(before, {{"send", "reply", "invite"}, {"react"}});
  EXPECT_TRUE(added.requires_reauthorization());
  EXPECT_EQ(added.reason(), "added: invite");
  ScopeDiff undeny = DiffScopes(before, {{"send", "reply", "react"}, {}});
  ASSERT_EQ(undeny.changes.size(), 1u);
  EXPECT_EQ(undeny.changes[0].from, "deny");
  EXPECT_TRUE(undeny.requires_reauthorization());
  EXPECT_FALSE(DiffScopes(before, before).material());
}

}  // namespace
}  // namespace xs::signet
