// The `xs` command tree: every command is a node with a name, a one-line
// summary, the positional arguments and flags it accepts, and either a
// handler (a leaf, or a group that also runs on its own, like `logs`) or
// children (a group like `operator`). The parser (cli/args.h) walks argv
// down this tree; help (cli/help.h) is rendered from the same specs, so a
// flag cannot be accepted without being documented.
//
// Thread contract: built once at startup and read-only afterwards.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace xs::cli {

class Invocation;

enum class FlagKind {
  kBool,         // --force; also --force=true|false
  kString,       // --label <name>; given once
  kPositiveInt,  // --ttl <seconds>; decimal integer > 0
  kList,         // --allow a,b --allow c; repeatable, comma separated
};

struct FlagSpec {
  FlagSpec(std::string flag_name, FlagKind flag_kind, std::string flag_value_name,
           std::string flag_help, bool is_required = false,
           std::vector<std::string> flag_choices = {})
      : name(std::move(flag_name)),
        kind(flag_kind),
        value_name(std::move(flag_value_name)),
        help(std::move(flag_help)),
        required(is_required),
        choices(std::move(flag_choices)) {}

  std::string name;  // without the leading "--"
  FlagKind kind = FlagKind::kString;
  std::string value_name;  // "<id|label>"; empty for kBool
  std::string help;
  bool required = false;
  // Accepted values (each value of a list); empty = anything.
  std::vector<std::string> choices;
};

struct PositionalSpec {
  PositionalSpec(std::string arg_name, std::string arg_help, bool is_required = true)
      : name(std::move(arg_name)), help(std::move(arg_help)), required(is_required) {}

  std::string name;  // "id|label"
  std::string help;
  bool required = true;
};

using Handler = std::function<Status(Invocation&)>;

struct Command {
  Command(std::string command_name, std::string command_summary,
          std::vector<PositionalSpec> command_positionals = {})
      : name(std::move(command_name)),
        summary(std::move(command_summary)),
        positionals(std::move(command_positionals)) {}

  std::string name;
  std::string summary;
  std::vector<PositionalSpec> positionals;
  std::vector<FlagSpec> flags;
  Handler run;  // empty: a pure group (needs a subcommand)
  std::vector<Command> children;
  std::vector<std::string> examples;
  // Left out of help and of the "commands:" list of usage errors (an
  // internal entry such as `xs agent-adapter`); still parsed and run.
  bool hidden = false;

  const Command* FindChild(const std::string& child) const {
    for (const auto& c : children) {
      if (c.name == child) return &c;
    }
    return nullptr;
  }
};

// Flags every command accepts (cli.md: `--config`, `--json`, `--help`).
const std::vector<FlagSpec>& GlobalFlags();

}  // namespace xs::cli
