// Help text for any node of the command tree, rendered from its specs:
// summary, usage line, subcommands, arguments, flags (with choices and
// "required"), global flags and examples.
//
// Thread contract: pure function.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace xs::cli {

// `path` is root .. command (as ParsedArgs::path).
std::string RenderHelp(const std::vector<const Command*>& path);

}  // namespace xs::cli
