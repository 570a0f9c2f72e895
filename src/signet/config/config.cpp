#include "signet/config/config.h"

#include <array>
#include <filesystem>

#include "signet/config/config_fields.h"
#include "signet/util/file_util.h"

namespace xs::signet {

namespace {

constexpr std::int64_t kMaxPort = 65535;
// Unix socket paths must fit sockaddr_un::sun_path (108 bytes with the NUL).
constexpr std::size_t kMaxSocketPathBytes = 107;
// Bounds that keep a typo from becoming a years-long credential or a
// gigabyte frame; generous for any real deployment.
constexpr std::int64_t kMaxTtlSeconds = 366LL * 24 * 3600;
constexpr std::int64_t kMaxConcurrentPerOperator = 1000;
constexpr std::int64_t kMaxFrameSizeBytes = 64LL * 1024 * 1024;
constexpr std::int64_t kMaxTimeoutMs = 24LL * 3600 * 1000;
constexpr std::int64_t kMaxReplayBufferSize = 1'000'000;

std::string StripTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string Join(const std::string& base, std::string_view name) {
  return StripTrailingSlashes(base) + "/" + std::string(name);
}

bool OneOf(const std::string& value, std::initializer_list<std::string_view> allowed) {
  for (std::string_view a : allowed) {
    if (value == a) return true;
  }
  return false;
}

std::string Quoted(const std::string& value) { return "'" + value + "'"; }

class Validator {
 public:
  explicit Validator(const Config& config) : config_(config) {}

  // The name a problem is reported under: the key, plus the variable when an
  // environment override set it.
  std::string Name(const std::string& key) const {
    auto it = config_.env_sources.find(key);
    if (it == config_.env_sources.end()) return key;
    return it->second + " (" + key + ")";
  }
  Error Fail(const std::string& key, const std::string& reason) const {
    return Error::Validation(Name(key), reason);
  }

  Status Enum(const std::string& key, const std::string& value,
              std::initializer_list<std::string_view> allowed) const {
    if (OneOf(value, allowed)) return OkStatus();
    std::string list;
    for (std::string_view a : allowed) {
      if (!list.empty()) list += ", ";
      list += a;
    }
    return Fail(key, "must be one of " + list + ", got " + Quoted(value));
  }
  Status Range(const std::string& key, std::int64_t value, std::int64_t min,
               std::int64_t max) const {
    if (value >= min && value <= max) return OkStatus();
    return Fail(key, "must be " + std::to_string(min) + ".." + std::to_string(max) + ", got " +
                         std::to_string(value));
  }
  Status NonEmpty(const std::string& key, const std::string& value) const {
    if (!value.empty()) return OkStatus();
    return Fail(key, "must not be empty");
  }

 private:
  const Config& config_;
};

constexpr std::array kPolicies = {"biometric", "passcode", "open"};

}  // namespace

std::string Config::ConfigDir() const {
  if (config_path.empty()) return Join(dirs.config_home, kAppDirName);
  return std::filesystem::path(config_path).parent_path().string();
}

std::string Config::DataDir() const {
  if (signet.data_dir) return StripTrailingSlashes(ExpandHome(*signet.data_dir, dirs.home));
  return Join(dirs.data_home, kAppDirName);
}

std::string Config::RuntimeDir() const { return Join(dirs.runtime_base, kAppDirName); }
std::string Config::StateDir() const { return Join(dirs.state_home, kAppDirName); }

std::string Config::SocketPath() const {
  if (admin.socket_path) return ExpandHome(*admin.socket_path, dirs.home);
  return Join(RuntimeDir(), "admin.sock");
}

std::string Config::PidFilePath() const { return Join(RuntimeDir(), "signet.pid"); }

std::string Config::AuditLogPath() const {
  if (logging.audit_log_path) return ExpandHome(*logging.audit_log_path, dirs.home);
  return Join(StateDir(), "audit.jsonl");
}

std::string Config::LogFilePath() const { return Join(StateDir(), "signet.log"); }
std::string Config::LockFilePath() const { return Join(DataDir(), "signet.lock"); }
std::string Config::NodeDataDir() const { return Join(DataDir(), "node"); }

Status Config::Validate() const {
  Validator v(*this);
  XS_RETURN_IF_ERROR(v.Enum("onboarding.scheme", onboarding.scheme, {"convos"}));
  XS_RETURN_IF_ERROR(v.Enum("signet.env", signet.env, {"local", "dev", "production"}));
  XS_RETURN_IF_ERROR(v.Enum("signet.identityMode", signet.identity_mode, {"per-group", "shared"}));
  if (signet.data_dir) XS_RETURN_IF_ERROR(v.NonEmpty("signet.dataDir", *signet.data_dir));
  if (defaults.profile_name) {
    XS_RETURN_IF_ERROR(v.NonEmpty("defaults.profileName", *defaults.profile_name));
  }
  for (const auto& [key, value] :
       {std::pair{"keys.rootKeyPolicy", &keys.root_key_policy},
        std::pair{"keys.operationalKeyPolicy", &keys.operational_key_policy},
        std::pair{"keys.vaultKeyPolicy", &keys.vault_key_policy}}) {
    XS_RETURN_IF_ERROR(v.Enum(key, *value, {kPolicies[0], kPolicies[1], kPolicies[2]}));
  }

  XS_RETURN_IF_ERROR(v.NonEmpty("ws.host", ws.host));
  XS_RETURN_IF_ERROR(v.Range("ws.port", ws.port, 0, kMaxPort));
  XS_RETURN_IF_ERROR(v.Range("ws.authTimeoutMs", ws.auth_timeout_ms, 1, kMaxTimeoutMs));
  XS_RETURN_IF_ERROR(v.Range("ws.heartbeatIntervalMs", ws.heartbeat_interval_ms, 1, kMaxTimeoutMs));
  XS_RETURN_IF_ERROR(v.Range("ws.missedHeartbeats", ws.missed_heartbeats, 1, 1000));
  XS_RETURN_IF_ERROR(v.Range("ws.requestTimeoutMs", ws.request_timeout_ms, 1, kMaxTimeoutMs));
  XS_RETURN_IF_ERROR(
      v.Range("ws.replayBufferSize", ws.replay_buffer_size, 1, kMaxReplayBufferSize));
  XS_RETURN_IF_ERROR(
      v.Range("ws.sendBufferSoftLimit", ws.send_buffer_soft_limit, 1, kMaxReplayBufferSize));
  XS_RETURN_IF_ERROR(
      v.Range("ws.sendBufferHardLimit", ws.send_buffer_hard_limit, 1, kMaxReplayBufferSize));
  if (ws.send_buffer_soft_limit >= ws.send_buffer_hard_limit) {
    return v.Fail("ws.sendBufferSoftLimit", "must be less than ws.sendBufferHardLimit (" +
                                                std::to_string(ws.send_buffer_hard_limit) + ")");
  }
  XS_RETURN_IF_ERROR(
      v.Range("ws.maxFrameSizeBytes", ws.max_frame_size_bytes, 1, kMaxFrameSizeBytes));
  XS_RETURN_IF_ERROR(v.Range("ws.rateLimitWindowMs", ws.rate_limit_window_ms, 1, kMaxTimeoutMs));
  if (ws.rate_limit_max_messages) {
    XS_RETURN_IF_ERROR(
        v.Range("ws.rateLimitMaxMessages", *ws.rate_limit_max_messages, 1, 1'000'000'000));
  }

  XS_RETURN_IF_ERROR(v.NonEmpty("http.host", http.host));
  XS_RETURN_IF_ERROR(v.Range("http.port", http.port, 0, kMaxPort));

  XS_RETURN_IF_ERROR(v.Enum("admin.authMode", admin.auth_mode, {"admin-key"}));
  if (admin.socket_path) XS_RETURN_IF_ERROR(v.NonEmpty("admin.socketPath", *admin.socket_path));
  if (SocketPath().size() > kMaxSocketPathBytes) {
    return v.Fail("admin.socketPath", "socket path " + SocketPath() + " is longer than " +
                                          std::to_string(kMaxSocketPathBytes) + " bytes");
  }

  XS_RETURN_IF_ERROR(
      v.Range("credentials.defaultTtlSeconds", credentials.default_ttl_seconds, 1, kMaxTtlSeconds));
  XS_RETURN_IF_ERROR(v.Range("credentials.maxConcurrentPerOperator",
                             credentials.max_concurrent_per_operator, 1,
                             kMaxConcurrentPerOperator));
  XS_RETURN_IF_ERROR(v.Range("credentials.actionExpirySeconds", credentials.action_expiry_seconds,
                             1, kMaxTtlSeconds));

  XS_RETURN_IF_ERROR(v.Enum("logging.level", logging.level, {"debug", "info", "warn", "error"}));
  if (logging.audit_log_path) {
    XS_RETURN_IF_ERROR(v.NonEmpty("logging.auditLogPath", *logging.audit_log_path));
  }

  for (const auto& [slug, adapter] : adapters) {
    std::string prefix = "agent.adapters." + slug;
    XS_RETURN_IF_ERROR(v.Enum(prefix + ".source", adapter.source, {"builtin", "external"}));
    if (adapter.source == "external") {
      if (!adapter.manifest || adapter.manifest->empty()) {
        return v.Fail(prefix + ".manifest", "is required when source is 'external'");
      }
      if (!adapter.command || adapter.command->empty()) {
        return v.Fail(prefix + ".command", "is required when source is 'external'");
      }
    }
  }
  return OkStatus();
}

Status Config::ApplyPreset(std::string_view preset) {
  // cli.md "Presets": custody fields only; every preset sets all of them so
  // the result does not depend on what was there before.
  BiometricGating gates;
  if (preset == kPresetRecommended) {
    signet.identity_mode = "per-group";
    keys.vault_key_policy = "open";
    gates.admin_read_elevation = true;
    credentials = {3600, 3, 300};
  } else if (preset == kPresetTrustedLocal) {
    signet.identity_mode = "shared";
    keys.vault_key_policy = "open";
    gates.admin_read_elevation = false;
    credentials = {43200, 6, 1800};
  } else if (preset == kPresetHardened) {
    signet.identity_mode = "per-group";
    keys.vault_key_policy = "passcode";
    gates = {true, true, true, true, true, true};
    credentials = {900, 1, 120};
  } else {
    return Error::Validation("preset", "unknown preset " + Quoted(std::string(preset)) +
                                           ": use recommended, trusted-local or hardened");
  }
  biometric_gating = gates;
  return OkStatus();
}

RuntimeOptions Config::ToRuntimeOptions() const {
  RuntimeOptions o;
  o.data_dir = DataDir();
  o.env = signet.env;
  o.identity_mode = signet.identity_mode;
  o.default_ttl_seconds = credentials.default_ttl_seconds;
  o.max_concurrent_per_operator = static_cast<std::size_t>(credentials.max_concurrent_per_operator);
  o.action_expiry_seconds = credentials.action_expiry_seconds;
  auto policy = [](const std::string& text, KeyPolicy fallback) {
    auto parsed = ParseKeyPolicy(text);
    return parsed.ok() ? *parsed : fallback;
  };
  o.root_key_policy = policy(keys.root_key_policy, KeyPolicy::kBiometric);
  o.operational_key_policy = policy(keys.operational_key_policy, KeyPolicy::kOpen);
  o.vault_key_policy = policy(keys.vault_key_policy, KeyPolicy::kOpen);
  o.gates.root_key_creation = biometric_gating.root_key_creation;
  o.gates.operational_key_rotation = biometric_gating.operational_key_rotation;
  o.gates.scope_expansion = biometric_gating.scope_expansion;
  o.gates.egress_expansion = biometric_gating.egress_expansion;
  o.gates.agent_creation = biometric_gating.agent_creation;
  o.gates.admin_read_elevation = biometric_gating.admin_read_elevation;
  o.audit_log_path = AuditLogPath();
  return o;
}

nlohmann::json Config::ToJson() const {
  using config_internal::FieldPtr;
  nlohmann::json settings = nlohmann::json::object();
  Config copy = *this;
  for (const auto& field : config_internal::Fields()) {
    FieldPtr ptr = field.field(copy);
    nlohmann::json value;
    if (auto* s = std::get_if<std::string*>(&ptr)) value = **s;
    if (auto* os = std::get_if<std::optional<std::string>*>(&ptr); os && **os) value = ***os;
    if (auto* i = std::get_if<std::int64_t*>(&ptr)) value = **i;
    if (auto* oi = std::get_if<std::optional<std::int64_t>*>(&ptr); oi && **oi) value = ***oi;
    if (auto* b = std::get_if<bool*>(&ptr)) value = **b;
    settings[field.Key()] = value;
  }
  for (const auto& [slug, adapter] : adapters) {
    std::string prefix = "agent.adapters." + slug + ".";
    settings[prefix + "source"] = adapter.source;
    if (adapter.manifest) settings[prefix + "manifest"] = *adapter.manifest;
    if (adapter.command) settings[prefix + "command"] = *adapter.command;
  }
  nlohmann::json sources = nlohmann::json::object();
  for (const auto& [key, variable] : env_sources) sources[key] = variable;
  return {{"configPath", config_path},
          {"configFileFound", config_file_found},
          {"settings", std::move(settings)},
          {"environmentOverrides", std::move(sources)},
          {"paths",
           {{"configDir", ConfigDir()},
            {"dataDir", DataDir()},
            {"runtimeDir", RuntimeDir()},
            {"stateDir", StateDir()},
            {"adminSocket", SocketPath()},
            {"pidFile", PidFilePath()},
            {"auditLog", AuditLogPath()},
            {"daemonLog", LogFilePath()}}}};
}

bool Config::SameSettings(const Config& o) const {
  return onboarding == o.onboarding && signet == o.signet && defaults == o.defaults &&
         keys == o.keys && biometric_gating == o.biometric_gating && ws == o.ws && http == o.http &&
         admin == o.admin && credentials == o.credentials && logging == o.logging &&
         adapters == o.adapters;
}

Result<Config> LoadConfig(const LoadOptions& options) {
  Config config;
  const EnvMap env = options.env ? *options.env : ProcessEnvironment();
  config.dirs = XdgDirs::FromEnvironment(env);
  config.config_path = options.config_path
                           ? ExpandHome(*options.config_path, config.dirs.home)
                           : Join(Join(config.dirs.config_home, kAppDirName), "config.toml");
  // Absolute, so paths resolved against its directory stay valid whatever
  // the daemon's working directory.
  std::error_code ec;
  if (auto absolute = std::filesystem::absolute(config.config_path, ec); !ec) {
    config.config_path = absolute.lexically_normal().string();
  }

  if (std::filesystem::is_regular_file(config.config_path, ec)) {
    XS_TRY(std::string text, ReadSmallFile(config.config_path, kMaxConfigFileBytes));
    config.config_file_found = true;
    XS_RETURN_IF_ERROR(ApplyToml(text, config.config_path, &config));
  } else if (std::filesystem::exists(config.config_path, ec)) {
    return Error::Validation("config", config.config_path + " is not a regular file");
  } else if (options.require_file) {
    return Error::NotFound("config file not found: " + config.config_path);
  }
  XS_RETURN_IF_ERROR(ApplyEnvironment(env, &config));
  XS_RETURN_IF_ERROR(config.Validate());
  return config;
}

}  // namespace xs::signet
