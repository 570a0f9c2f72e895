// The emoji grammar of emoji.h over strictly decoded UTF-8.
#include "signet/chats/emoji.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace xs::signet {

namespace {

struct Range {
  char32_t first, last;
};

// Extended_Pictographic, Unicode 15.0 emoji-data.txt, adjacent ranges merged.
constexpr std::array<Range, 78> kExtendedPictographic = {{
    {0xA9, 0xA9},       {0xAE, 0xAE},       {0x203C, 0x203C},   {0x2049, 0x2049},
    {0x2122, 0x2122},   {0x2139, 0x2139},   {0x2194, 0x2199},   {0x21A9, 0x21AA},
    {0x231A, 0x231B},   {0x2328, 0x2328},   {0x2388, 0x2388},   {0x23CF, 0x23CF},
    {0x23E9, 0x23F3},   {0x23F8, 0x23FA},   {0x24C2, 0x24C2},   {0x25AA, 0x25AB},
    {0x25B6, 0x25B6},   {0x25C0, 0x25C0},   {0x25FB, 0x25FE},   {0x2600, 0x2605},
    {0x2607, 0x2612},   {0x2614, 0x2685},   {0x2690, 0x2705},   {0x2708, 0x2712},
    {0x2714, 0x2714},   {0x2716, 0x2716},   {0x271D, 0x271D},   {0x2721, 0x2721},
    {0x2728, 0x2728},   {0x2733, 0x2734},   {0x2744, 0x2744},   {0x2747, 0x2747},
    {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},   {0x2757, 0x2757},
    {0x2763, 0x2767},   {0x2795, 0x2797},   {0x27A1, 0x27A1},   {0x27B0, 0x27B0},
    {0x27BF, 0x27BF},   {0x2934, 0x2935},   {0x2B05, 0x2B07},   {0x2B1B, 0x2B1C},
    {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x3030, 0x3030},   {0x303D, 0x303D},
    {0x3297, 0x3297},   {0x3299, 0x3299},   {0x1F000, 0x1F0FF}, {0x1F10D, 0x1F10F},
    {0x1F12F, 0x1F12F}, {0x1F16C, 0x1F171}, {0x1F17E, 0x1F17F}, {0x1F18E, 0x1F18E},
    {0x1F191, 0x1F19A}, {0x1F1AD, 0x1F1E5}, {0x1F201, 0x1F20F}, {0x1F21A, 0x1F21A},
    {0x1F22F, 0x1F22F}, {0x1F232, 0x1F23A}, {0x1F23C, 0x1F23F}, {0x1F249, 0x1F3FA},
    {0x1F400, 0x1F53D}, {0x1F546, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F774, 0x1F77F},
    {0x1F7D5, 0x1F7FF}, {0x1F80C, 0x1F80F}, {0x1F848, 0x1F84F}, {0x1F85A, 0x1F85F},
    {0x1F888, 0x1F88F}, {0x1F8AE, 0x1F8FF}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945},
    {0x1F947, 0x1FAFF}, {0x1FC00, 0x1FFFD},
}};

constexpr char32_t kZwj = 0x200D;
constexpr char32_t kEmojiPresentation = 0xFE0F;
constexpr char32_t kTextPresentation = 0xFE0E;
constexpr char32_t kKeycap = 0x20E3;
constexpr char32_t kBlackFlag = 0x1F3F4;  // base of subdivision flags
constexpr char32_t kCancelTag = 0xE007F;

bool IsRegionalIndicator(char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }
bool IsModifier(char32_t c) { return c >= 0x1F3FB && c <= 0x1F3FF; }
bool IsSelector(char32_t c) { return c == kEmojiPresentation || c == kTextPresentation; }
bool IsTag(char32_t c) { return c >= 0xE0020 && c <= 0xE007E; }
bool IsKeycapBase(char32_t c) { return (c >= '0' && c <= '9') || c == '#' || c == '*'; }

// Strict UTF-8 (no overlongs, surrogates, or code points past U+10FFFF).
std::optional<std::vector<char32_t>> Decode(std::string_view text) {
  std::vector<char32_t> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    char32_t c = 0, min = 0;
    if (b0 < 0x80) {
      n = 1, c = b0;
    } else if ((b0 & 0xE0) == 0xC0) {
      n = 2, c = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      n = 3, c = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      n = 4, c = b0 & 0x07, min = 0x10000;
    } else {
      return std::nullopt;
    }
    if (i + n > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) return std::nullopt;
      c = (c << 6) | (b & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
    out.push_back(c);
    i += n;
  }
  return out;
}

// A cursor over the code points; each Take* consumes on success only.
class Parser {
 public:
  explicit Parser(const std::vector<char32_t>& cps) : cps_(cps) {}

  bool done() const { return pos_ == cps_.size(); }
  bool Take(char32_t c) {
    if (done() || cps_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  template <typename Pred>
  bool TakeIf(Pred pred) {
    if (done() || !pred(cps_[pos_])) return false;
    ++pos_;
    return true;
  }

  // pictograph := ExtPict [VS] [modifier] [VS] [tag+ CANCEL TAG]
  bool Pictograph() {
    if (done() || !IsExtendedPictographic(cps_[pos_])) return false;
    const char32_t base = cps_[pos_++];
    (void)TakeIf(IsSelector);
    (void)TakeIf(IsModifier);
    (void)TakeIf(IsSelector);
    if (base == kBlackFlag && TakeIf(IsTag)) {
      while (TakeIf(IsTag)) {
      }
      return Take(kCancelTag);
    }
    return true;
  }

  // The first element of a sequence (any kind); sets joinable when a ZWJ may follow.
  bool FirstElement(bool* joinable) {
    *joinable = false;
    const std::size_t start = pos_;
    if (TakeIf(IsRegionalIndicator)) {
      if (TakeIf(IsRegionalIndicator)) return true;
      pos_ = start;
      return false;
    }
    if (TakeIf(IsKeycapBase)) {
      (void)Take(kEmojiPresentation);
      if (Take(kKeycap)) return true;
      pos_ = start;
      return false;
    }
    if (TakeIf(IsModifier)) return true;
    *joinable = Pictograph();
    return *joinable;
  }

 private:
  const std::vector<char32_t>& cps_;
  std::size_t pos_ = 0;
};

}  // namespace

bool IsExtendedPictographic(char32_t code_point) {
  const auto* it =
      std::upper_bound(kExtendedPictographic.begin(), kExtendedPictographic.end(), code_point,
                       [](char32_t c, const Range& r) { return c < r.first; });
  return it != kExtendedPictographic.begin() && code_point <= std::prev(it)->last;
}

Status CheckSingleEmoji(std::string_view text, std::string_view field) {
  if (text.empty()) return Error::Validation(field, "must not be empty");
  if (text.size() > kMaxEmojiBytes) {
    return Error::Validation(
        field, "at most " + std::to_string(kMaxEmojiBytes) + " bytes (kMaxEmojiBytes): one emoji");
  }
  auto cps = Decode(text);
  if (!cps) return Error::Validation(field, "is not valid UTF-8");
  Parser p(*cps);
  bool joinable = false;
  bool ok = p.FirstElement(&joinable);
  while (ok && joinable && p.Take(kZwj)) ok = p.Pictograph();
  if (!ok || !p.done()) {
    return Error::Validation(
        field,
        "must be exactly one emoji (one grapheme cluster, e.g. 👍, 👍🏽, "
        "❤️, 👩‍👩‍👧, 🇫🇷 or 1️⃣)");
  }
  return OkStatus();
}

}  // namespace xs::signet
