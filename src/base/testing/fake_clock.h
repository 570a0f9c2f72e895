// FakeClock: a Clock that stands still until a test advances it. Test-only.
//
// Thread contract: NowMs and Advance are safe from several threads.
#pragma once

#include <atomic>
#include <cstdint>

#include "base/clock.h"

namespace xs {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  std::int64_t NowMs() const override { return now_.load(); }
  void Advance(std::int64_t ms) { now_ += ms; }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace xs
