// Clock: the one time source of every layer, in unix milliseconds. Code that
// needs "now" takes a `const Clock&` (or pointer) so tests can move time
// (base/testing/fake_clock.h); SystemClock::Get() is the real clock.
//
//   const Clock& clock = *SystemClock::Get();
//   std::string stamp = IsoTime(clock.NowMs());   // "2026-11-24T15:42:38.123Z"
//
// Thread contract: implementations must be safe to call from several threads;
// the time functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace xs {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t NowMs() const = 0;
  // Unix nanoseconds (XMTP timestamps); by default NowMs() scaled.
  virtual std::int64_t NowNs() const { return NowMs() * 1'000'000; }
  std::int64_t NowSeconds() const { return NowMs() / 1000; }
};

// Wall-clock time (std::chrono::system_clock).
class SystemClock final : public Clock {
 public:
  std::int64_t NowMs() const override;
  std::int64_t NowNs() const override;
  static const SystemClock* Get();
};

// "2026-11-24T15:42:38.123Z".
std::string IsoTime(std::int64_t unix_ms);
// Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (or a "+00:00" suffix); the error
// names `field`.
Result<std::int64_t> ParseIsoTime(std::string_view text, std::string_view field);

}  // namespace xs
