// Small helpers shared by the signet managers: clock, ISO-8601 time, hex,
// random ids and JSON-string helpers.
//
// Thread contract: pure functions, except Clock implementations which must be
// safe to call from several threads.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/result.h"

namespace xs::signet {

using Json = nlohmann::json;

// Time source in unix milliseconds; injectable so tests can move time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t NowMs() const override;
  static const SystemClock* Get();
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  std::int64_t NowMs() const override { return now_.load(); }
  void Advance(std::int64_t ms) { now_ += ms; }

 private:
  std::atomic<std::int64_t> now_;
};

// "2026-11-24T15:42:38.123Z".
std::string IsoTime(std::int64_t unix_ms);
// Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (or a "+00:00" suffix).
Result<std::int64_t> ParseIsoTime(std::string_view text);

std::string ToHex(std::span<const std::uint8_t> bytes);
Result<std::vector<std::uint8_t>> FromHex(std::string_view hex);

// A fresh resource id of `type` from the CSPRNG.
std::string NewId(IdType type);
// A fresh id with an arbitrary prefix (used for wallets: "wallet_").
std::string NewPrefixedId(std::string_view prefix);

// "sha256:" + lowercase hex SHA-256 of `data`.
std::string Sha256Fingerprint(std::span<const std::uint8_t> data);
std::string Sha256Fingerprint(std::string_view data);

// Reads optional typed JSON params with validation errors naming the field.
Result<std::string> GetString(const Json& params, std::string_view field);
Result<std::string> GetOptString(const Json& params, std::string_view field,
                                 std::string fallback = {});
Result<std::vector<std::string>> GetStringList(const Json& params, std::string_view field);
bool HasField(const Json& params, std::string_view field);
bool GetBool(const Json& params, std::string_view field);

// Serializes without throwing: invalid UTF-8 in caller-supplied strings is
// replaced (U+FFFD) instead of raising nlohmann's type_error.
std::string SafeDump(const Json& j);

// Renders a context JSON object for Error::WithContext.
std::string ContextJson(const Json& object);

}  // namespace xs::signet
