// Shared by the xs CLI benchmarks: wall time of whole `xs` runs (spawn to
// exit) and its percentiles. Header-only; bench/ only.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "xs_process.h"

namespace xs::bench {

struct Stats {
  double p50 = 0, p95 = 0, mean = 0, min = 0, max = 0;
  std::size_t runs = 0;
};

inline Stats Summarize(std::vector<double> ms) {
  Stats s;
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double v : ms) sum += v;
  auto pct = [&](double p) {
    return ms[static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1))];
  };
  s.p50 = pct(0.5);
  s.p95 = pct(0.95);
  s.mean = sum / static_cast<double>(ms.size());
  s.min = ms.front();
  s.max = ms.back();
  s.runs = ms.size();
  return s;
}

// Runs `xs args` warmup + iterations times; every run must exit 0 (and pass
// `check`, when given), else the benchmark stops: a figure of failing runs
// means nothing.
inline Stats Measure(const cli::testing::XsEnv& env, const std::vector<std::string>& args,
                     int iterations, int warmup = 5,
                     const std::function<bool(const cli::testing::RunResult&)>& check = nullptr) {
  std::vector<double> ms;
  for (int i = 0; i < iterations + warmup; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    cli::testing::RunResult r = env.Run(args);
    auto t1 = std::chrono::steady_clock::now();
    if (r.code != 0 || (check && !check(r))) {
      std::fprintf(stderr, "xs failed: %s\n", r.Describe().c_str());
      std::exit(1);
    }
    if (i >= warmup) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  return Summarize(std::move(ms));
}

inline std::string CommandLine(const std::vector<std::string>& args) {
  std::string name = "xs";
  for (const auto& a : args) name += " " + a;
  return name;
}

}  // namespace xs::bench
