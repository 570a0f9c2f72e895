// The reaction check: exactly one emoji, one grapheme cluster (emoji.h).
#include "signet/chats/emoji.h"

#include <gtest/gtest.h>

#include <string>

namespace xs::signet {
namespace {

TEST(EmojiTest, OneEmojiOfEveryShapeIsAccepted) {
  // Selectors, ZWJs and tags are written as escapes so that they are seen.
  for (const std::string e : {
           "\U0001F44D",            // 👍 pictograph
           "\U0001F600",            // 😀 emoji presentation by default
           "\u2764",                // ❤ text presentation by default
           "\u2764\uFE0F",          // ❤️ with the emoji selector
           "\u263A\uFE0E",          // ☺︎ with the text selector
           "\u00A9\uFE0F",          // ©️ Latin-1 pictograph
           "\U0001F44D\U0001F3FD",  // 👍🏽 skin tone modifier
           "\U0001F3FB",            // 🏻 a lone modifier (the swatch)
           // 👩‍👩‍👧‍👦 a ZWJ family
           "\U0001F469\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466",
           // 🧑🏻‍❤️‍💋‍🧑🏼 ZWJs with modifiers and selectors
           "\U0001F9D1\U0001F3FB\u200D\u2764\uFE0F\u200D\U0001F48B\u200D\U0001F9D1\U0001F3FC",
           "\U0001F3F3\uFE0F\u200D\U0001F308",        // 🏳️‍🌈 selector before the ZWJ
           "\U0001F3F4\u200D\u2620\uFE0F",            // 🏴‍☠️ selector at the end
           "\U0001F3CC\U0001F3FD\u200D\u2642\uFE0F",  // 🏌🏽‍♂️ modifier, ZWJ, selector
           "\U0001F1EB\U0001F1F7",                    // 🇫🇷 a regional indicator pair
           // Scotland: black flag, tags "gbsct", cancel tag
           "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",
           "1\uFE0F\u20E3",  // 1️⃣ keycap with selector
           "#\u20E3",        // keycap without selector
           "*\uFE0F\u20E3",  // *️⃣
           "\U0001FAE8",     // 🫨 Unicode 15.0
       }) {
    Status s = CheckSingleEmoji(e);
    EXPECT_TRUE(s.ok()) << e << ": " << s.error().ToString();
  }
}

TEST(EmojiTest, AnythingButOneEmojiIsAValidationError) {
  for (const std::string e : {
           "",                                      // empty
           "a",                                     // a letter
           "\u00E9",                                // é: one grapheme, but text
           "+1",                                    // text
           "1",                                     // a keycap base alone
           "\U0001F44D\U0001F44D",                  // two emoji
           "\U0001F44D ",                           // trailing space
           " \U0001F44D",                           // leading space
           "\U0001F1EB",                            // a lone regional indicator
           "\U0001F1EB\U0001F1F7\U0001F1E9",        // a flag and a half
           "\U0001F1EB\U0001F1F7\u200D\U0001F525",  // flags do not join (UAX #29 GB11)
           "\U0001F44D\u200D",                      // dangling ZWJ
           "\u200D\U0001F44D",                      // leading ZWJ
           "\U0001F44D\u200D\u200D\U0001F44D",      // two ZWJs
           "\U0001F3FB\u200D\U0001F600",            // a lone modifier does not join
           "1\uFE0F",                               // keycap without U+20E3
           "\U0001F44D\u0303",                      // a combining mark: one grapheme, not an emoji
           "\U0001F3F4\U000E0067\U000E0062",        // tag sequence without the cancel tag
           "\U0001F600\U000E0067\U000E007F",        // tags on another base than the black flag
           "\uFE0F",                                // a selector alone
           "\xF0\x9F\x91",                          // truncated UTF-8
           "\xC0\xAF",                              // overlong
           "\xED\xA0\x80",                          // a surrogate
           "\xF4\x90\x80\x80",                      // past U+10FFFF
       }) {
    Status s = CheckSingleEmoji(e);
    ASSERT_FALSE(s.ok()) << "accepted: " << e;
    EXPECT_TRUE(s.error().IsValidation()) << s.error().ToString();
  }
}

TEST(EmojiTest, LongerThanTheLimitIsRefusedBeforeParsing) {
  std::string long_zwj = "\U0001F44D";
  while (long_zwj.size() <= kMaxEmojiBytes) long_zwj += "\u200D\U0001F44D";
  Status s = CheckSingleEmoji(long_zwj);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("kMaxEmojiBytes"), std::string::npos) << s.error().message();
}

TEST(EmojiTest, ExtendedPictographicTableEdges) {
  EXPECT_TRUE(IsExtendedPictographic(0xA9));
  EXPECT_FALSE(IsExtendedPictographic(0xAA));
  EXPECT_TRUE(IsExtendedPictographic(0x1F3FA));
  EXPECT_FALSE(IsExtendedPictographic(0x1F3FB));  // modifiers are not pictographs
  EXPECT_FALSE(IsExtendedPictographic(0x1F1E6));  // nor regional indicators
  EXPECT_TRUE(IsExtendedPictographic(0x1F1E5));
  EXPECT_TRUE(IsExtendedPictographic(0x1FFFD));
  EXPECT_FALSE(IsExtendedPictographic(0x1FFFE));
  EXPECT_FALSE(IsExtendedPictographic('#'));
  EXPECT_FALSE(IsExtendedPictographic(0));
}

}  // namespace
}  // namespace xs::signet
