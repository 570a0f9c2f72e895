#include "base/clock.h"

#include <gtest/gtest.h>

#include "base/testing/fake_clock.h"

namespace xs {
namespace {

TEST(IsoTime, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(IsoTime(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(IsoTime(1'764'600'000'123), "2025-12-01T14:40:00.123Z");
}

TEST(IsoTime, ParsesWhatItFormatsAndTheOffsetForm) {
  EXPECT_EQ(*ParseIsoTime("2025-12-01T14:40:00.123Z", "since"), 1'764'600'000'123);
  EXPECT_EQ(*ParseIsoTime("2025-12-01T14:40:00+00:00", "since"), 1'764'600'000'000);
  EXPECT_EQ(*ParseIsoTime("2025-12-01T14:40:00.5Z", "since"), 1'764'600'000'500);
}

TEST(IsoTime, RejectsOtherFormsNamingTheField) {
  for (const char* bad : {"yesterday", "2025-12-01", "2025-12-01T14:40:00+02:00"}) {
    auto parsed = ParseIsoTime(bad, "until");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_TRUE(parsed.error().IsValidation());
    EXPECT_NE(parsed.error().message().find("'until'"), std::string::npos) << bad;
  }
}

TEST(Clock, FakeClockMovesOnlyWhenAdvanced) {
  FakeClock clock(5'000);
  const Clock& c = clock;
  EXPECT_EQ(c.NowMs(), 5'000);
  EXPECT_EQ(c.NowNs(), 5'000'000'000);
  EXPECT_EQ(c.NowSeconds(), 5);
  clock.Advance(1'500);
  EXPECT_EQ(c.NowMs(), 6'500);
}

TEST(Clock, SystemClockNanosecondsAgreeWithMilliseconds) {
  const Clock& c = *SystemClock::Get();
  const std::int64_t ms = c.NowMs();
  const std::int64_t ns = c.NowNs();
  EXPECT_GE(ns / 1'000'000, ms);
  EXPECT_LT(ns / 1'000'000 - ms, 60'000);  // same clock, not another epoch or unit
}

}  // namespace
}  // namespace xs
