// The `xs` entry point as a library function, so tests can run commands in
// process: parse argv against the command tree, print help or version, run
// the handler, and turn an error into stderr output and the exit code of its
// category (validation 1, not_found 2, permission 4, timeout 5, network 6,
// internal 8, auth 9, cancelled 130).
//
// Thread contract: one call at a time per stream pair.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "signet/config/paths.h"

namespace xs::cli {

// Source builds print "dev (dev)" for --version (cli.md).
inline constexpr const char* kVersion = "dev";
inline constexpr const char* kCommit = "dev";

const Command& RootCommand();

// `args` excludes the program name.
int RunCli(const std::vector<std::string>& args, const signet::EnvMap& env, std::ostream& out,
           std::ostream& err);

}  // namespace xs::cli
