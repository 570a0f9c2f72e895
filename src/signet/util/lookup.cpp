#include "signet/util/lookup.h"

#include <algorithm>

#include "signet/util/util.h"

namespace xs::signet {

namespace {

constexpr std::size_t kHexChars = 16;

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Error Ambiguous(std::string_view type_name, std::string_view input,
                const std::vector<std::string>& matches) {
  return Error::Validation("id", "ambiguous " + std::string(type_name) + " reference '" +
                                     std::string(input) + "'")
      .WithContext(ContextJson({{"field", "id"},
                                {"reason", "ambiguous"},
                                {"candidates", matches},
                                {"suggestions", matches}}));
}

}  // namespace

Result<std::string> ResolveReference(std::string_view prefix, std::string_view type_name,
                                     std::string_view input,
                                     const std::vector<Candidate>& candidates) {
  if (input.empty()) return Error::Validation("id", "is empty");
  std::vector<std::string> by_label;
  for (const auto& c : candidates) {
    if (!c.label.empty() && c.label == input) by_label.push_back(c.id);
  }
  if (by_label.size() == 1) return by_label.front();
  if (by_label.size() > 1) return Ambiguous(type_name, input, by_label);

  std::string_view hex = input;
  if (input.substr(0, prefix.size()) == prefix) hex = input.substr(prefix.size());
  if (hex.size() == kHexChars && IsLowerHex(hex) && hex.size() + prefix.size() == input.size()) {
    for (const auto& c : candidates) {
      if (c.id == input) return c.id;
    }
    return Error::NotFound(std::string(type_name) + " not found: " + std::string(input));
  }
  if (hex.empty() || hex.size() > kHexChars || !IsLowerHex(hex)) {
    return Error::NotFound(std::string(type_name) + " not found: " + std::string(input));
  }
  std::vector<std::string> matches;
  for (const auto& c : candidates) {
    if (c.id.size() == prefix.size() + kHexChars && c.id.compare(0, prefix.size(), prefix) == 0 &&
        c.id.compare(prefix.size(), hex.size(), hex) == 0) {
      matches.push_back(c.id);
    }
  }
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) {
    return Error::NotFound(std::string(type_name) + " not found: " + std::string(input));
  }
  return Ambiguous(type_name, input, matches);
}

}  // namespace xs::signet
