// Wall time of whole `xs` runs against a running daemon (env = local, private
// temp home): spawn, parse, load config, mint the admin JWT, one admin call,
// print, exit. Reports p50/p95/mean per command line.
//
//   xs_cli_bench [iterations=200]      (XS_BIN overrides the binary)
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli_timing.h"

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 200;
  const char* bin = std::getenv("XS_BIN");
  xs::cli::testing::XsEnv env(bin ? bin : XS_BINARY);
  xs::cli::testing::RunResult start = env.InitAndStart();
  if (start.code != 0) {
    std::fprintf(stderr, "could not start the daemon: %s\n", start.Describe().c_str());
    return 1;
  }
  std::printf("%-28s %8s %8s %8s %8s  (ms, %d runs)\n", "command", "p50", "p95", "mean", "min",
              iterations);
  const std::vector<std::vector<std::string>> commands = {
      {"--version"}, {"status", "--json"}, {"operator", "list", "--json"}};
  for (const auto& args : commands) {
    xs::bench::Stats s = xs::bench::Measure(env, args, iterations);
    std::printf("%-28s %8.2f %8.2f %8.2f %8.2f\n", xs::bench::CommandLine(args).c_str(), s.p50,
                s.p95, s.mean, s.min);
  }
  return 0;
}
