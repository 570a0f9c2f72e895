// The `xs` binary: everything is in the xs_cli library (cli/app.h).
#include <iostream>
#include <string>
#include <vector>

#include "cli/app.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  const int code = xs::cli::RunCli(args, xs::signet::ProcessEnvironment(), std::cout, std::cerr);
  std::cout.flush();
  return code;
}
