// Named limits of the signet core layer (audit log, action params).
#pragma once

#include <cstddef>

namespace xs::signet {

inline constexpr std::size_t kAuditDefaultLimit = 100;        // xs logs without --limit
inline constexpr std::size_t kAuditMaxLimit = 100000;         // largest accepted --limit
inline constexpr std::size_t kAuditMaxLineBytes = 64 * 1024;  // longer lines are skipped
inline constexpr std::size_t kAuditMaxFileBytes = 256 * 1024 * 1024;

}  // namespace xs::signet
