// `xs agent status|doctor openclaw` (shared/spec/openclaw-adapter.md,
// openclaw.md "status / doctor").
//
// status is the spec's filesystem check: `ok` when the five required
// artifacts and checkpoints/ exist, `missing` when none of them does,
// `degraded` otherwise; `missing` with details.error when the data dir
// cannot be resolved. details: phase, bridgePhase, bridgeReady,
// expectedArtifacts, adapterDir, checkpointsDir, checkpointsDirExists,
// presentArtifacts, missingArtifacts, plus ours: optionalArtifacts /
// presentOptionalArtifacts (openclaw-mcp.json), and, as openclaw.md asks,
//   daemon        {reachable, state?, wsPort?, wsPortMatches?, error?}
//   provisioning  (daemon reachable) {ok, operators:{label:{id, exists}},
//                 policies:{…}, error?}: the ids adapter.toml records,
//                 looked up with operator.list / policy.list
// A daemon that is down never changes `status`.
//
// doctor: the same report plus details.diagnostics (one string per
// finding, each with its repair) and details.healthy: status ok, no
// artifact readable by others, and, when the daemon is reachable, every
// recorded id resolving and the recorded WebSocket port the daemon's.
//
// Exit codes (what a script tests): 0 when status is ok (doctor: healthy),
// kNotOkExitCode otherwise; the report is printed either way.
//
// Thread contract: reads the file system and calls the daemon; no state.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "adapters/openclaw/admin_link.h"
#include "signet/config/config.h"

namespace xs::adapters::openclaw {

// Like `systemctl status` for a unit that is not active.
inline constexpr int kNotOkExitCode = 3;

// The daemon as inspection finds it: `call` when reachable, else `error`.
struct DaemonProbe {
  AdminCall call;
  std::string error;
};

struct InspectInput {
  std::optional<std::string> data_dir;  // unset: config_error says why
  std::string config_error;
  DaemonProbe daemon;
};

nlohmann::json Inspect(const InspectInput& input, bool doctor);
// 0 or kNotOkExitCode for a report of Inspect().
int ExitCodeFor(const nlohmann::json& report, bool doctor);

// Inspect() for a loaded config (or the error that kept it from loading),
// probing the daemon over the admin socket.
nlohmann::json InspectOpenClaw(const Result<signet::Config*>& config, bool doctor);

}  // namespace xs::adapters::openclaw
