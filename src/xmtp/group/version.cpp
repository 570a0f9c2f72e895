#include "xmtp/group/version.h"

#include <algorithm>
#include <limits>

#include "xmtp/group/group_error.h"

namespace xs::xmtp::group {
namespace {

Error Invalid(std::string_view text, std::string_view why) {
  return MakeGroupRuleError(GroupRuleError::kInvalidVersion,
                            "version '" + std::string(text) + "': " + std::string(why));
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsIdentifierChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// A numeric part: digits, no leading zero, fits in 64 bits.
bool ParseNumber(std::string_view s, std::uint64_t& out) {
  if (!AllDigits(s) || (s.size() > 1 && s[0] == '0')) return false;
  out = 0;
  for (char c : s) {
    std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (out > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
    out = out * 10 + digit;
  }
  return true;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t at = s.find(sep, start);
    parts.push_back(
        s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

// Identifiers of a pre-release or build part: non-empty, [0-9A-Za-z-].
bool ValidIdentifiers(const std::vector<std::string_view>& ids, bool numeric_no_leading_zero) {
  for (std::string_view id : ids) {
    if (id.empty() || !std::all_of(id.begin(), id.end(), IsIdentifierChar)) return false;
    if (numeric_no_leading_zero && AllDigits(id) && id.size() > 1 && id[0] == '0') return false;
  }
  return true;
}

int CompareIdentifier(const std::string& a, const std::string& b) {
  bool a_num = AllDigits(a), b_num = AllDigits(b);
  if (a_num && b_num) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;  // no leading zeros
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
  }
  if (a_num != b_num) return a_num ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

Result<SemVer> ParseSemVer(std::string_view text) {
  SemVer out;
  std::string_view rest = text;
  if (std::size_t plus = rest.find('+'); plus != std::string_view::npos) {
    std::string_view build = rest.substr(plus + 1);
    if (!ValidIdentifiers(Split(build, '.'), false)) return Invalid(text, "bad build metadata");
    out.build = std::string(build);
    rest = rest.substr(0, plus);
  }
  if (std::size_t dash = rest.find('-'); dash != std::string_view::npos) {
    std::vector<std::string_view> ids = Split(rest.substr(dash + 1), '.');
    if (!ValidIdentifiers(ids, true)) return Invalid(text, "bad pre-release");
    for (std::string_view id : ids) out.pre_release.emplace_back(id);
    rest = rest.substr(0, dash);
  }
  std::vector<std::string_view> core = Split(rest, '.');
  if (core.size() != 3 || !ParseNumber(core[0], out.major) || !ParseNumber(core[1], out.minor) ||
      !ParseNumber(core[2], out.patch)) {
    return Invalid(text, "expected MAJOR.MINOR.PATCH");
  }
  return out;
}

int CompareSemVer(const SemVer& a, const SemVer& b) {
  for (auto [x, y] : {std::pair{a.major, b.major}, {a.minor, b.minor}, {a.patch, b.patch}}) {
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.pre_release.empty() || b.pre_release.empty()) {
    if (a.pre_release.empty() == b.pre_release.empty()) return 0;
    return a.pre_release.empty() ? 1 : -1;
  }
  std::size_t n = std::min(a.pre_release.size(), b.pre_release.size());
  for (std::size_t i = 0; i < n; ++i) {
    int c = CompareIdentifier(a.pre_release[i], b.pre_release[i]);
    if (c != 0) return c;
  }
  if (a.pre_release.size() == b.pre_release.size()) return 0;
  return a.pre_release.size() < b.pre_release.size() ? -1 : 1;
}

Result<bool> BelowMinimumVersion(std::string_view own_version, std::string_view minimum) {
  XS_TRY(SemVer own, ParseSemVer(own_version));
  XS_TRY(SemVer floor, ParseSemVer(minimum));
  return CompareSemVer(own, floor) < 0;
}

}  // namespace xs::xmtp::group
