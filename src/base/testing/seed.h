// Test-only helper (header-only, not part of any library): the seed of a
// randomized test. Taken from the environment variable XS_TEST_SEED (a
// decimal number), else drawn from std::random_device. A test writes
//
//   const std::uint32_t seed = xs::testing::TestSeed();
//   XS_TRACE_SEED(seed);
//   std::mt19937 rng(seed);
//
// so every failure message carries "seed=<n> (replay with XS_TEST_SEED=<n>)"
// and the seed is also recorded as the test property "seed".
//
// Thread contract: reads the environment only.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

namespace xs::testing {

inline std::uint32_t TestSeed() {
  if (const char* env = std::getenv("XS_TEST_SEED"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(env, &end, 10);
    if (end != nullptr && *end == '\0') return static_cast<std::uint32_t>(value);
    ADD_FAILURE() << "XS_TEST_SEED is not a decimal number: " << env;
  }
  return std::random_device{}();
}

inline std::string SeedTrace(std::uint32_t seed) {
  return "seed=" + std::to_string(seed) + " (replay with XS_TEST_SEED=" + std::to_string(seed) +
         ")";
}

}  // namespace xs::testing

// In a test body: every failure after this line names the seed.
#define XS_TRACE_SEED(seed)                                      \
  ::testing::Test::RecordProperty("seed", std::to_string(seed)); \
  SCOPED_TRACE(::xs::testing::SeedTrace(seed))
