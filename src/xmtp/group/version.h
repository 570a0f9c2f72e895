// Semantic versions (semver 2.0) for the group attribute
// minimum_supported_protocol_version: libxmtp parses it strictly (the Rust
// semver crate) and pauses a group whose floor is above its own version;
// a floor that does not parse makes every commit of the group invalid.
//
// Thread contract: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace xs::xmtp::group {

struct SemVer {
  std::uint64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> pre_release;  // dot-separated identifiers
  std::string build;
  bool operator==(const SemVer&) const = default;
};

// MAJOR.MINOR.PATCH[-pre.release][+build]; numbers without leading zeros.
Result<SemVer> ParseSemVer(std::string_view text);
// Semver precedence (<0, 0, >0): a pre-release sorts before its release,
// numeric identifiers numerically and below alphanumeric ones. Build
// metadata is ignored.
int CompareSemVer(const SemVer& a, const SemVer& b);
// Whether `own_version` is below `minimum` (the group must pause).
Result<bool> BelowMinimumVersion(std::string_view own_version, std::string_view minimum);

}  // namespace xs::xmtp::group
