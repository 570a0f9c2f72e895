// Runs an adapter as a separate process (shared/spec/openclaw.md): the
// child gets the caller's stdin and the given environment; its stdout and
// stderr are copied to the caller's streams as they arrive (flushed after
// each chunk, so a long setup shows its progress); its exit code is
// returned as it is (128 + signal number when a signal ended it).
//
// Once the child has exited, what it wrote is drained and the pipes are
// closed, even when a process it started in the background keeps a copy of
// them open.
//
// Errors: the program is missing (not_found) or not executable
// (permission); any other failure to start it is internal.
//
// Thread contract: blocks the calling thread until the child exits.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "base/result.h"
#include "signet/config/paths.h"

namespace xs::adapters::openclaw {

Result<int> RunAdapterProcess(const std::string& program, const std::vector<std::string>& args,
                              const signet::EnvMap& env, std::ostream& out, std::ostream& err);

}  // namespace xs::adapters::openclaw
