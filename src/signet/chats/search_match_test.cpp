// The matching rules of decisions.md #20: case-insensitive, words and
// substrings, every term required; word and phrase matches rank higher.
#include "signet/chats/search_match.h"

#include <gtest/gtest.h>

#include "signet/chats/limits.h"

namespace xs::signet {
namespace {

SearchQuery Q(std::string_view text) {
  auto q = ParseSearchQuery(text);
  EXPECT_TRUE(q.ok()) << q.error().ToString();
  return q.ok() ? *q : SearchQuery{};
}

TEST(SearchMatchTest, CaseInsensitiveWordsAndSubstrings) {
  EXPECT_EQ(MatchScore(Q("deploy"), "Deploy now"), 2);        // a word, any case
  EXPECT_EQ(MatchScore(Q("DEPLOY"), "we redeployed it"), 1);  // inside a word
  EXPECT_EQ(MatchScore(Q("deploy"), "nothing here"), std::nullopt);
  EXPECT_EQ(MatchScore(Q("ploy"), "deploy"), 1);
  // Punctuation bounds a word; a term of punctuation matches as a substring.
  EXPECT_EQ(MatchScore(Q("deploy"), "ready to deploy!"), 2);
  EXPECT_EQ(MatchScore(Q("c++"), "we write C++ here"), 2);
}

TEST(SearchMatchTest, EveryTermIsRequiredAndPhrasesRankHigher) {
  SearchQuery q = Q("  release   Notes ");
  EXPECT_EQ(q.terms, (std::vector<std::string>{"release", "notes"}));
  EXPECT_EQ(q.phrase, "release notes");
  EXPECT_EQ(MatchScore(q, "the release notes are out"), 6);  // 2 + 2 + phrase
  EXPECT_EQ(MatchScore(q, "notes on the release"), 4);       // both words, no phrase
  EXPECT_EQ(MatchScore(q, "release day"), std::nullopt);     // "notes" missing
  EXPECT_GT(*MatchScore(q, "release notes"), *MatchScore(q, "prerelease footnotes"));
}

TEST(SearchMatchTest, NonAsciiMatchesByteForByte) {
  EXPECT_EQ(MatchScore(Q("café"), "Meet at the café."), 2);
  EXPECT_EQ(MatchScore(Q("Café"), "meet at the CAFÉ"), std::nullopt);  // É is not folded
  EXPECT_EQ(MatchScore(Q("日本"), "日本語のテキスト"), 1);
}

TEST(SearchMatchTest, BadQueriesAreValidationErrors) {
  for (std::string_view bad : {"", "   ", "\t\n"}) {
    auto q = ParseSearchQuery(bad);
    ASSERT_FALSE(q.ok());
    EXPECT_TRUE(q.error().IsValidation());
  }
  EXPECT_TRUE(ParseSearchQuery(std::string(kMaxSearchQueryBytes, 'x')).ok());
  EXPECT_TRUE(ParseSearchQuery(std::string(kMaxSearchQueryBytes + 1, 'x')).error().IsValidation());
  std::string many;
  for (std::size_t i = 0; i <= kMaxSearchTermCount; ++i) many += "w ";
  EXPECT_TRUE(ParseSearchQuery(many).error().IsValidation());
}

TEST(SearchMatchTest, SnippetsSurroundTheMatchWithoutSplittingCharacters) {
  EXPECT_EQ(Snippet(Q("short"), "a short\ntext", 80), "a short text");
  const std::string long_text = std::string(100, 'a') + " needle " + std::string(100, 'b');
  std::string s = Snippet(Q("needle"), long_text, 20);
  EXPECT_NE(s.find("needle"), std::string::npos) << s;
  EXPECT_EQ(s.rfind("…", 0), 0u) << s;
  EXPECT_EQ(s.substr(s.size() - 3), "…") << s;
  // Two-byte characters around the cut stay whole.
  std::string accents;
  for (int i = 0; i < 60; ++i) accents += "é";
  std::string cut = Snippet(Q("zz"), accents + "zz" + accents, 21);
  EXPECT_NE(cut.find("zz"), std::string::npos);
  // Every "é" (C3 A9) whole: no lead byte alone, no continuation byte alone.
  for (std::size_t i = 0; i < cut.size(); ++i) {
    const auto b = static_cast<unsigned char>(cut[i]);
    if (b == 0xC3) {
      EXPECT_TRUE(i + 1 < cut.size() && static_cast<unsigned char>(cut[i + 1]) == 0xA9) << i;
    }
    if (b == 0xA9) {
      EXPECT_TRUE(i > 0 && static_cast<unsigned char>(cut[i - 1]) == 0xC3) << i;
    }
  }
}

}  // namespace
}  // namespace xs::signet
