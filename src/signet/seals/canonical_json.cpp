#include "signet/seals/canonical_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace xs::signet::seals {

namespace {

constexpr char32_t kSurrogateFirst = 0xD800;
constexpr char32_t kLowSurrogateFirst = 0xDC00;
constexpr char32_t kSurrogateLast = 0xDFFF;
constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr char32_t kFirstSupplementary = 0x10000;
constexpr char32_t kBadCodePoint = 0xFFFFFFFF;

bool IsSurrogate(char32_t cp) { return cp >= kSurrogateFirst && cp <= kSurrogateLast; }
bool IsHighSurrogate(char32_t cp) { return cp >= kSurrogateFirst && cp < kLowSurrogateFirst; }
bool IsLowSurrogate(char32_t cp) { return cp >= kLowSurrogateFirst && cp <= kSurrogateLast; }

// Decodes one code point of generalized UTF-8 (surrogates allowed, as
// WTF-8 writes them) at s[*i]; advances *i. kBadCodePoint when malformed.
char32_t NextCodePoint(std::string_view s, std::size_t* i) {
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(s[at]); };
  const unsigned char lead = byte(*i);
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (lead < 0x80) {
    ++*i;
    return lead;
  }
  if ((lead & 0xE0) == 0xC0) {
    len = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4, cp = lead & 0x07, min = kFirstSupplementary;
  } else {
    return kBadCodePoint;
  }
  if (*i + len > s.size()) return kBadCodePoint;
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char b = byte(*i + k);
    if ((b & 0xC0) != 0x80) return kBadCodePoint;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > kMaxCodePoint) return kBadCodePoint;
  *i += len;
  return cp;
}

void AppendUtf16(char32_t cp, std::u16string* out) {
  if (cp < kFirstSupplementary) {
    out->push_back(static_cast<char16_t>(cp));
    return;
  }
  cp -= kFirstSupplementary;
  out->push_back(static_cast<char16_t>(kSurrogateFirst + (cp >> 10)));
  out->push_back(static_cast<char16_t>(kLowSurrogateFirst + (cp & 0x3FF)));
}

// UTF-16 code units of a (generalized) UTF-8 string; malformed bytes sort
// as U+FFFD (CanonicalJson rejects them anyway when it prints the key).
std::u16string ToUtf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = NextCodePoint(s, &i);
    if (cp == kBadCodePoint) {
      cp = 0xFFFD;
      ++i;
    }
    AppendUtf16(cp, &out);
  }
  return out;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < kFirstSupplementary) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void AppendUnicodeEscape(char32_t unit, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(unit >> shift) & 0xF]);
}

Status AppendString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\b':
          out->append("\\b");
          break;
        case '\f':
          out->append("\\f");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        default:
          if (c < 0x20) {
            AppendUnicodeEscape(c, out);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      continue;
    }
    char32_t cp = NextCodePoint(s, &i);
    if (cp == kBadCodePoint) {
      return Error::Validation("json",
                               "string is not valid UTF-8 (byte " + std::to_string(i) + ")");
    }
    if (IsHighSurrogate(cp) && i < s.size()) {
      // A WTF-8 pair is one character to JavaScript.
      std::size_t j = i;
      const char32_t low = NextCodePoint(s, &j);
      if (low != kBadCodePoint && IsLowSurrogate(low)) {
        cp = kFirstSupplementary + ((cp - kSurrogateFirst) << 10) + (low - kLowSurrogateFirst);
        i = j;
      }
    }
    if (IsSurrogate(cp)) {
      AppendUnicodeEscape(cp, out);  // JSON.stringify's well-formed output (ES2019)
    } else {
      AppendUtf8(cp, out);
    }
  }
  out->push_back('"');
  return OkStatus();
}

Status Append(const Json& value, std::string* out);

Status AppendObject(const Json& object, std::string* out) {
  std::vector<std::pair<std::u16string, const Json::object_t::value_type*>> keys;
  keys.reserve(object.size());
  for (const auto& member : object.get_ref<const Json::object_t&>()) {
    keys.emplace_back(ToUtf16(member.first), &member);
  }
  std::sort(keys.begin(), keys.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  out->push_back('{');
  bool first = true;
  for (const auto& [unused, member] : keys) {
    if (!first) out->push_back(',');
    first = false;
    XS_RETURN_IF_ERROR(AppendString(member->first, out));
    out->push_back(':');
    XS_RETURN_IF_ERROR(Append(member->second, out));
  }
  out->push_back('}');
  return OkStatus();
}

Status Append(const Json& value, std::string* out) {
  switch (value.type()) {
    case Json::value_t::null:
      out->append("null");
      return OkStatus();
    case Json::value_t::boolean:
      out->append(value.get<bool>() ? "true" : "false");
      return OkStatus();
    case Json::value_t::number_integer:
      out->append(JsNumber(static_cast<double>(value.get<std::int64_t>())));
      return OkStatus();
    case Json::value_t::number_unsigned:
      out->append(JsNumber(static_cast<double>(value.get<std::uint64_t>())));
      return OkStatus();
    case Json::value_t::number_float: {
      const double d = value.get<double>();
      out->append(std::isfinite(d) ? JsNumber(d) : "null");
      return OkStatus();
    }
    case Json::value_t::string:
      return AppendString(value.get_ref<const std::string&>(), out);
    case Json::value_t::array: {
      out->push_back('[');
      bool first = true;
      for (const Json& item : value) {
        if (!first) out->push_back(',');
        first = false;
        XS_RETURN_IF_ERROR(Append(item, out));
      }
      out->push_back(']');
      return OkStatus();
    }
    case Json::value_t::object:
      return AppendObject(value, out);
    case Json::value_t::binary:
    case Json::value_t::discarded:
      break;
  }
  return Error::Validation("json", "a binary or discarded value has no canonical form");
}

}  // namespace

bool Utf16Less(std::string_view a, std::string_view b) { return ToUtf16(a) < ToUtf16(b); }

std::string JsNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (value == 0) return "0";  // -0 too
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  std::string out;
  if (value < 0) {
    out.push_back('-');
    value = -value;
  }
  // Shortest round-trip digits (the closest such when there are several),
  // as ECMA-262 Number::toString asks: d.ddde±x.
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  const std::size_t e_at = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_at)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e_at + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // value = 0.digits × 10^n
  constexpr int kMaxPlainExponent = 21;
  constexpr int kMinPlainExponent = -6;
  if (k <= n && n <= kMaxPlainExponent) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= kMaxPlainExponent) {
    out += digits.substr(0, static_cast<std::size_t>(n));
    out.push_back('.');
    out += digits.substr(static_cast<std::size_t>(n));
  } else if (kMinPlainExponent < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out += digits.substr(1);
    }
    out.push_back('e');
    out.push_back(n - 1 < 0 ? '-' : '+');
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

Result<std::string> CanonicalJson(const Json& value) {
  std::string out;
  XS_RETURN_IF_ERROR(Append(value, &out));
  return out;
}

}  // namespace xs::signet::seals
