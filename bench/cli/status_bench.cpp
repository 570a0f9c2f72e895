// Wall time of whole `xs` runs against a running daemon (env = local, private
// temp home): spawn, parse, load config, mint the admin JWT, one admin call,
// print, exit. Reports p50/p95/mean per command line.
//
//   xs_cli_bench [iterations=200]      (XS_BIN overrides the binary)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "xs_process.h"

namespace {

using xs::cli::testing::RunResult;
using xs::cli::testing::XsEnv;

struct Stats {
  double p50, p95, mean, min;
};

Stats Measure(const XsEnv& env, const std::vector<std::string>& args, int iterations) {
  std::vector<double> ms;
  for (int i = 0; i < iterations + 5; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    RunResult r = env.Run(args);
    auto t1 = std::chrono::steady_clock::now();
    if (r.code != 0) {
      std::fprintf(stderr, "xs failed: %s\n", r.Describe().c_str());
      std::exit(1);
    }
    if (i >= 5) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double v : ms) sum += v;
  auto pct = [&](double p) {
    return ms[static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1))];
  };
  return {pct(0.5), pct(0.95), sum / static_cast<double>(ms.size()), ms.front()};
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 200;
  const char* bin = std::getenv("XS_BIN");
  XsEnv env(bin ? bin : XS_BINARY);
  RunResult start = env.InitAndStart();
  if (start.code != 0) {
    std::fprintf(stderr, "could not start the daemon: %s\n", start.Describe().c_str());
    return 1;
  }
  std::printf("%-28s %8s %8s %8s %8s  (ms, %d runs)\n", "command", "p50", "p95", "mean", "min",
              iterations);
  const std::vector<std::vector<std::string>> commands = {
      {"--version"}, {"status", "--json"}, {"operator", "list", "--json"}};
  for (const auto& args : commands) {
    Stats s = Measure(env, args, iterations);
    std::string name = "xs";
    for (const auto& a : args) name += " " + a;
    std::printf("%-28s %8.2f %8.2f %8.2f %8.2f\n", name.c_str(), s.p50, s.p95, s.mean, s.min);
  }
  return 0;
}
