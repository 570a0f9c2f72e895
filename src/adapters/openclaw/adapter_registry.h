// The adapter registry of `xs agent <verb> <harness>` (shared/spec/
// openclaw.md): which program runs a harness adapter, with which arguments.
//
//   * `[agent.adapters.<harness>] source = "external"` in config.toml: the
//     manifest file is read and checked strictly (adapter_manifest.h, plus
//     source "external" and name == harness), and the program is the
//     entry's `command`. Both paths are taken relative to the config file's
//     directory (a leading `~` is the home directory). The program gets
//       <verb> --adapter <harness> --entrypoint <manifest entrypoint>
//              --config <config path> [--json] [--force]
//   * a built-in adapter (only `openclaw`): the program is `xs` itself (the
//     running executable) with the hidden entry
//       agent-adapter <harness> <verb> --config <config path> [--json] [--force]
//   * anything else is not_found; a verb the manifest does not support (or
//     gives no entrypoint for) is a validation error on "verb".
//
// Thread contract: pure functions over the config.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/openclaw/adapter_manifest.h"
#include "base/result.h"
#include "signet/config/config.h"

namespace xs::adapters::openclaw {

// The hidden `xs` command that runs a built-in adapter in its own process.
inline constexpr std::string_view kAdapterEntryCommand = "agent-adapter";

struct AdapterRequest {
  std::string harness;
  AdapterVerb verb = AdapterVerb::kStatus;
  std::string config_path;  // passed on as --config
  bool json = false;
  bool force = false;
};

struct ResolvedAdapter {
  std::string name;
  std::string source;  // builtin | external
  AdapterManifest manifest;
  std::string program;            // absolute path of the executable
  std::vector<std::string> args;  // its arguments (argv[1..])
};

// `self_exe` is the running `xs` (SelfExecutable()).
Result<ResolvedAdapter> ResolveAdapter(const signet::Config& config, const AdapterRequest& request,
                                       const std::string& self_exe);

// The built-in adapters' manifests by name.
const AdapterManifest* FindBuiltinAdapter(std::string_view name);

// The absolute path of the running executable (/proc/self/exe).
Result<std::string> SelfExecutable();

// `target` relative to the config file's directory (absolute paths and
// `~/...` as they are).
std::string ResolveAgainstConfig(const signet::Config& config, const std::string& target);

}  // namespace xs::adapters::openclaw
