// Admin JWTs (concepts.md §9): the short-lived tokens with which the `xs` CLI
// proves to the daemon that it holds the admin key. Compact JWS, EdDSA over
// Ed25519:
//   header {"alg":"EdDSA","typ":"JWT"}
//   claims {"iss":<admin key fingerprint>,"sub":"admin","iat","exp","jti"}
// Default lifetime 120 s, at most 3600 s; verification allows 30 s of clock
// skew and refuses every alg other than EdDSA (so "none" and HS256 tricks fail
// before any signature work).
//
// Every verification failure is an `auth` error whose context carries a
// machine-readable `reason` (see AdminJwtFailure below).
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "signet/keys/admin_key.h"
#include "signet/keys/ed25519_key.h"

namespace xs::transport {

inline constexpr std::int64_t kAdminJwtDefaultTtlSeconds = 120;
inline constexpr std::int64_t kAdminJwtMaxTtlSeconds = 3600;
inline constexpr std::int64_t kAdminJwtClockSkewSeconds = 30;
// Longer tokens are refused unparsed (a real one is ~330 bytes).
inline constexpr std::size_t kAdminJwtMaxBytes = 4096;

// Context `reason` values of verification errors.
namespace admin_jwt_failure {
inline constexpr std::string_view kMalformed = "malformed";
inline constexpr std::string_view kUnsupportedAlgorithm = "unsupported_algorithm";
inline constexpr std::string_view kBadSignature = "bad_signature";
inline constexpr std::string_view kWrongIssuer = "wrong_issuer";
inline constexpr std::string_view kExpired = "expired";
inline constexpr std::string_view kNotYetValid = "not_yet_valid";
inline constexpr std::string_view kLifetimeTooLong = "lifetime_too_long";
}  // namespace admin_jwt_failure

struct AdminJwtClaims {
  std::string iss;
  std::string sub;
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::string jti;
};

using AdminSigner = std::function<signet::Signature64(std::span<const std::uint8_t>)>;

// Unix seconds on the system clock (callers with an injected clock pass its
// NowSeconds()).
inline std::int64_t UnixSeconds() { return SystemClock::Get()->NowSeconds(); }

// Mints a token signed by `key`. ttl must be 1..3600 s (validation error).
Result<std::string> MintAdminJwt(const signet::AdminKey& key,
                                 std::int64_t now_seconds = UnixSeconds(),
                                 std::int64_t ttl_seconds = kAdminJwtDefaultTtlSeconds);
// Same with a signing function (the daemon signs with Runtime::SignWithAdminKey).
Result<std::string> MintAdminJwtWith(const AdminSigner& sign, std::string_view fingerprint,
                                     std::int64_t now_seconds, std::int64_t ttl_seconds);

// Verifies signature (with `public_key`), alg, issuer (== `fingerprint`) and
// times; returns the claims.
Result<AdminJwtClaims> VerifyAdminJwt(std::string_view token, const signet::PublicKey32& public_key,
                                      std::string_view fingerprint,
                                      std::int64_t now_seconds = UnixSeconds());

}  // namespace xs::transport
