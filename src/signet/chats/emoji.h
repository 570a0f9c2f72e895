// Emoji check for `msg react`: a reaction is exactly one emoji, that is one
// extended grapheme cluster (UAX #29) that is an emoji sequence (UTS #51):
//
//   emoji      := element (ZWJ element')*      ZWJ = U+200D
//   element    := pictograph | flag | keycap | modifier
//   element'   := pictograph                   (UAX #29 GB11 joins only these)
//   pictograph := ExtPict [VS] [modifier] [VS] [tag+ U+E007F]
//   flag       := RI RI                        (U+1F1E6..1F1FF, a pair)
//   keycap     := [0-9#*] [U+FE0F] U+20E3
//   modifier   := U+1F3FB..1F3FF               (skin tones; alone: a swatch)
//   VS         := U+FE0F | U+FE0E              (emoji / text presentation)
//   tag        := U+E0020..E007E               (subdivision flags, after U+1F3F4)
//
// ExtPict is Unicode 15.0's Extended_Pictographic property (emoji-data.txt).
// Every string of this grammar is one grapheme cluster; text, two emoji, a
// lone regional indicator, a dangling ZWJ or invalid UTF-8 are not accepted.
// Whether a sequence is RGI (a font draws it as one glyph) is not checked:
// a well-formed sequence a font does not know still is one grapheme.
//
// Thread contract: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/result.h"

namespace xs::signet {

// The longest reaction accepted (UTF-8 bytes). The longest RGI sequences
// (families, subdivision flags) are under 40 bytes.
inline constexpr std::size_t kMaxEmojiBytes = 64;

// Whether `code_point` has the Extended_Pictographic property.
bool IsExtendedPictographic(char32_t code_point);

// OK when `text` is exactly one emoji as above; a Validation error on
// `field` saying what is wrong otherwise.
Status CheckSingleEmoji(std::string_view text, std::string_view field = "emoji");

}  // namespace xs::signet
