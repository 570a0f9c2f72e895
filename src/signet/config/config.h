// Config: the signet's configuration (shared/spec/cli.md "Configuration"),
// read from config.toml, overridden by XMTP_SIGNET_* environment variables
// and checked strictly (decisions.md #16): an unknown section or key, a value
// of the wrong type or out of range is a validation error naming the key (or
// the environment variable) and the reason.
//
//   XS_TRY(Config config, LoadConfig({}));          // default path, process env
//   config.DataDir(); config.SocketPath();           // resolved XDG paths
//   XS_TRY(auto rt, Runtime::Open(config.ToRuntimeOptions()));
//
// Precedence: built-in defaults < config file < environment. Presets
// (`xs init [preset]`) are applied by the caller with ApplyPreset() before the
// config file is written; they only touch custody fields.
//
// Thread contract: plain values; LoadConfig reads the process environment
// only when LoadOptions::env is unset.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "signet/config/paths.h"
#include "signet/core/runtime_options.h"

namespace xs::signet {

// The three presets of cli.md ("recommended" is the default of `xs init`).
inline constexpr std::string_view kPresetRecommended = "recommended";
inline constexpr std::string_view kPresetTrustedLocal = "trusted-local";
inline constexpr std::string_view kPresetHardened = "hardened";
// A config file larger than this is refused unread.
inline constexpr std::size_t kMaxConfigFileBytes = 1 << 20;

// [agent.adapters.<slug>]
struct AdapterConfig {
  std::string source = "builtin";       // builtin | external
  std::optional<std::string> manifest;  // external: relative to the config file's directory
  std::optional<std::string> command;   // external: relative to the config file's directory
  bool operator==(const AdapterConfig&) const = default;
};

struct Config {
  struct Onboarding {
    std::string scheme = "convos";
    bool operator==(const Onboarding&) const = default;
  } onboarding;

  struct Signet {
    std::string env = "dev";                  // local | dev | production
    std::string identity_mode = "per-group";  // per-group | shared
    std::optional<std::string> data_dir;      // `~` expanded at load
    bool operator==(const Signet&) const = default;
  } signet;

  struct Defaults {
    std::optional<std::string> profile_name;
    bool operator==(const Defaults&) const = default;
  } defaults;

  struct Keys {
    std::string root_key_policy = "biometric";  // biometric | passcode | open
    std::string operational_key_policy = "open";
    std::string vault_key_policy = "open";
    bool operator==(const Keys&) const = default;
  } keys;

  struct BiometricGating {
    bool root_key_creation = false;
    bool operational_key_rotation = false;
    bool scope_expansion = false;
    bool egress_expansion = false;
    bool agent_creation = false;
    bool admin_read_elevation = true;
    bool operator==(const BiometricGating&) const = default;
  } biometric_gating;

  // [ws]: host/port of cli.md plus the limits of decisions.md #8 (defaults of
  // transport.md §1).
  struct Ws {
    std::string host = "127.0.0.1";
    std::int64_t port = 8393;  // 0 picks a free port
    std::int64_t auth_timeout_ms = 5000;
    std::int64_t heartbeat_interval_ms = 30000;
    std::int64_t missed_heartbeats = 3;
    std::int64_t request_timeout_ms = 30000;
    std::int64_t replay_buffer_size = 1000;
    std::int64_t send_buffer_soft_limit = 64;
    std::int64_t send_buffer_hard_limit = 256;
    std::int64_t max_frame_size_bytes = 1048576;
    std::int64_t rate_limit_window_ms = 1000;
    std::optional<std::int64_t> rate_limit_max_messages;  // unset = unlimited
    bool operator==(const Ws&) const = default;
  } ws;

  struct Http {
    bool enabled = false;
    std::string host = "127.0.0.1";
    std::int64_t port = 8081;
    bool operator==(const Http&) const = default;
  } http;

  struct Admin {
    std::string auth_mode = "admin-key";
    std::optional<std::string> socket_path;  // default <runtime>/admin.sock
    bool operator==(const Admin&) const = default;
  } admin;

  struct Credentials {
    std::int64_t default_ttl_seconds = 3600;
    std::int64_t max_concurrent_per_operator = 3;
    std::int64_t action_expiry_seconds = 300;
    bool operator==(const Credentials&) const = default;
  } credentials;

  struct Logging {
    std::string level = "info";  // debug | info | warn | error
    std::optional<std::string> audit_log_path;
    bool operator==(const Logging&) const = default;
  } logging;

  std::map<std::string, AdapterConfig> adapters;  // [agent.adapters.<slug>]

  // Where the values came from, for error messages and `config show`: the
  // base directories captured at load, the config file used, and which keys
  // an environment variable set ("ws.port" -> "XMTP_SIGNET_WS_PORT").
  XdgDirs dirs = XdgDirs::FromEnvironment(ProcessEnvironment());
  std::string config_path;  // the file read (or that would be read)
  bool config_file_found = false;
  std::map<std::string, std::string> env_sources;

  // Resolved paths (cli.md "Paths / data layout").
  std::string ConfigDir() const;     // directory of config_path
  std::string DataDir() const;       // signet.dataDir or $XDG_DATA_HOME/xmtp-signet
  std::string RuntimeDir() const;    // $XDG_RUNTIME_DIR/xmtp-signet or <tmpdir>/xmtp-signet
  std::string StateDir() const;      // $XDG_STATE_HOME/xmtp-signet
  std::string SocketPath() const;    // admin.socketPath or <runtime>/admin.sock
  std::string PidFilePath() const;   // <runtime>/signet.pid
  std::string AuditLogPath() const;  // logging.auditLogPath or <state>/audit.jsonl
  std::string LogFilePath() const;   // <state>/signet.log (daemon's structured log)
  std::string LockFilePath() const;  // <data>/signet.lock (one daemon per data dir)
  std::string NodeDataDir() const;   // <data>/node (embedded local XMTP node)

  // Checks every value; the first problem is returned as a validation error
  // whose field is the key (plus the environment variable that set it).
  Status Validate() const;
  // recommended | trusted-local | hardened; anything else is a validation
  // error on "preset".
  Status ApplyPreset(std::string_view preset);
  // The runtime's view: data dir, env, identity mode, TTLs, key policies,
  // gates and the audit log path (network left null for the daemon to set).
  RuntimeOptions ToRuntimeOptions() const;
  // The TOML text WriteConfigIfAbsent writes (every key set, unset optional
  // keys left out).
  std::string ToToml() const;
  // {key: value} of every setting plus the resolved paths (`config show`).
  nlohmann::json ToJson() const;

  bool SameSettings(const Config& other) const;
};

struct LoadOptions {
  // Explicit --config path; unset = $XDG_CONFIG_HOME/xmtp-signet/config.toml.
  std::optional<std::string> config_path;
  // Environment to read XDG_* / HOME / TMPDIR / XMTP_SIGNET_* from; unset =
  // the process environment.
  std::optional<EnvMap> env;
  // A missing config file is normally fine (defaults); with this set it is a
  // not_found error.
  bool require_file = false;
};

Result<Config> LoadConfig(const LoadOptions& options = {});

// Parses TOML text into a config over the defaults (no environment applied).
// `origin` names the file in parse errors.
Status ApplyToml(std::string_view text, std::string_view origin, Config* config);
// Applies XMTP_SIGNET_* overrides; malformed values are validation errors
// naming the variable.
Status ApplyEnvironment(const EnvMap& env, Config* config);

// Writes `config` as TOML to `path` (file 0600, parent directories 0700)
// unless a file is already there, in which case nothing changes.
Status WriteConfigIfAbsent(const std::string& path, const Config& config);

}  // namespace xs::signet
