// One table per enum for its wire spellings, read both ways:
//
//   constexpr EnumName<Color> kColors[] = {{Color::kRed, "red"}, ...};
//   NameIn(kColors, Color::kRed)              -> "red"
//   ParseIn(kColors, "blue", "config.color")  -> validation error naming
//                                                "config.color" if unknown
//
// Thread contract: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace xs::signet {

template <typename E>
struct EnumName {
  E value;
  std::string_view name;
};

// "unknown" for a value missing from the table (a programming error).
template <typename E, std::size_t N>
constexpr std::string_view NameIn(const EnumName<E> (&table)[N], E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "unknown";
}

template <typename E, std::size_t N>
Result<E> ParseIn(const EnumName<E> (&table)[N], std::string_view text, std::string_view field) {
  for (const auto& entry : table) {
    if (entry.name == text) return entry.value;
  }
  return Error::Validation(field, "unsupported value '" + std::string(text) + "'");
}

}  // namespace xs::signet
