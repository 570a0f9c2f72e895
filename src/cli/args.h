// Argument parsing for `xs`: walks argv down the command tree (cli/command.h)
// and collects flags and positional arguments for the command reached.
//
//   --flag value | --flag=value     string / integer / list flags
//   --allow a,b --allow c           list flags repeat and split on commas
//   --force | --force=false         boolean flags
//   -h                              same as --help
//   --                              everything after is positional
//
// Usage mistakes (unknown command or flag, missing value, bad integer, value
// outside the flag's choices, missing required flag or argument, extra
// argument) are validation errors whose context carries a `hint` naming the
// command's --help. With --help anywhere, flag mistakes are ignored so help
// is always reachable; an unknown command is still an error.
//
// Thread contract: pure function over its inputs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/command.h"

namespace xs::cli {

class ParsedArgs {
 public:
  // root .. the command reached; never empty after a successful parse.
  std::vector<const Command*> path;
  std::map<std::string, std::vector<std::string>> flags;
  std::vector<std::string> positionals;

  const Command& command() const { return *path.back(); }
  // "xs operator create".
  std::string CommandPath() const;

  bool Has(const std::string& name) const { return flags.count(name) != 0; }
  // A boolean flag: absent → false; "--x" or "--x=true" → true.
  bool Bool(const std::string& name) const;
  std::optional<std::string> Value(const std::string& name) const;
  // Every value of a list flag, comma-split, trimmed, empty items dropped.
  std::vector<std::string> List(const std::string& name) const;
  // A kPositiveInt flag (already validated by the parser).
  std::optional<std::int64_t> Int(const std::string& name) const;
  std::optional<std::string> Positional(std::size_t index) const;

  bool help() const { return Bool("help"); }
  bool json() const { return Bool("json"); }
};

Result<ParsedArgs> ParseArgs(const Command& root, const std::vector<std::string>& argv);

// Splits "a, b,,c" into {"a","b","c"}.
std::vector<std::string> SplitList(const std::string& text);
// Parses a decimal integer > 0 (no sign, no spaces).
std::optional<std::int64_t> ParsePositiveInt(const std::string& text);

// A usage error: validation category, field = the flag or argument, with a
// hint naming `<command path> --help`.
Error UsageError(const std::string& field, const std::string& reason,
                 const std::string& command_path);

}  // namespace xs::cli
