// Credential defaults and limits (concepts.md §4; decisions.md #4, #6).
#pragma once

#include <cstddef>
#include <cstdint>

namespace xs::signet {

inline constexpr std::int64_t kDefaultCredentialTtlSeconds = 3600;
inline constexpr std::int64_t kMaxCredentialTtlSeconds = 365LL * 24 * 3600;
inline constexpr std::size_t kDefaultMaxConcurrentPerOperator = 3;
inline constexpr std::size_t kCredentialTokenBytes = 32;
inline constexpr std::size_t kCredentialTokenChars = 43;  // base64url, no padding
inline constexpr std::int64_t kRenewalWindowSeconds = 300;
inline constexpr std::int64_t kHeartbeatIntervalSeconds = 30;
inline constexpr std::int64_t kHeartbeatGraceSeconds = 3;
inline constexpr std::int64_t kSweepIntervalSeconds = 5;
inline constexpr std::size_t kMaxChatsPerCredential = 1024;
inline constexpr std::size_t kMaxScopesPerList = 256;

}  // namespace xs::signet
