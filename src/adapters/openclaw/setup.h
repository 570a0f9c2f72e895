// `xs agent setup openclaw` (shared/spec/openclaw-adapter.md): checks the
// daemon (running, WebSocket transport listening), makes sure the three
// operators and four policies of templates.h exist, and writes the
// artifacts of artifacts.h under <dataDir>/adapters/openclaw/.
//
// Idempotent: a record whose label exists is reused (listed by
// operator.list / policy.list), an existing file is kept unless `force`;
// each is reported under `created` or `reused` as "operator:<label>",
// "policy:<label>" or "artifact:<file>". Two records with one label are a
// validation error ("operator.label" / "policy.label", context: label and
// the matching ids) and nothing is created for that label or after it.
//
// Result: {adapter:"openclaw", adapterSource:"builtin", status:"ok",
// created, reused, artifacts:{file: path}, nextSteps}.
//
// Thread contract: one call at a time per data dir.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

#include "adapters/openclaw/admin_link.h"
#include "base/result.h"
#include "signet/config/config.h"

namespace xs::adapters::openclaw {

struct SetupOptions {
  std::string config_path;  // absolute; recorded in the account and MCP entry
  std::string data_dir;
  std::string admin_socket;
  std::string xs_binary;  // absolute path of `xs`, the MCP entry's command
  bool force = false;
  // The MCP entry's env: the base directories `xs mcp` must share with the
  // daemon to find its socket (MCP hosts start servers with a bare
  // environment: OpenClaw passes HOME, PATH, PWD, SHELL and TERM only).
  std::map<std::string, std::string> mcp_env;
  // For operator.create when the daemon gates it (biometricGating.agentCreation).
  std::optional<std::string> owner_passphrase;
};

// The admin method setup checks the daemon with (the spec's signet.status).
inline constexpr const char* kStatusMethod = "daemon.status";

Result<nlohmann::json> RunSetup(const SetupOptions& options, const AdminCall& call);

// ConnectAdmin, then RunSetup with the config's paths. A daemon that is not
// running is a network error saying setup needs it.
Result<nlohmann::json> SetupOpenClaw(const signet::Config& config, SetupOptions options);

}  // namespace xs::adapters::openclaw
