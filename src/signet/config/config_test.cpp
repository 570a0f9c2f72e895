#include "signet/config/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

using testing::FileMode;
using testing::ReadAll;
using testing::TempDir;

EnvMap HomeOnly(const std::string& home) { return {{"HOME", home}}; }

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

Result<Config> LoadText(const TempDir& dir, const std::string& toml, EnvMap env = {}) {
  std::string path = dir.path() + "/config.toml";
  WriteFile(path, toml);
  if (!env.count("HOME")) env["HOME"] = dir.path();
  LoadOptions options;
  options.config_path = path;
  options.env = env;
  return LoadConfig(options);
}

void ExpectValidationOn(const Result<Config>& r, const std::string& field,
                        const std::string& reason_part) {
  ASSERT_FALSE(r.ok()) << "expected a validation error on " << field;
  EXPECT_TRUE(r.error().IsValidation()) << r.error().ToString();
  EXPECT_NE(r.error().message().find("'" + field + "'"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find(reason_part), std::string::npos) << r.error().message();
}

TEST(ConfigTest, DefaultsMatchTheSpecTable) {
  LoadOptions options;
  options.env = HomeOnly("/home/alice");
  auto r = LoadConfig(options);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  const Config& c = *r;
  EXPECT_FALSE(c.config_file_found);
  EXPECT_EQ(c.onboarding.scheme, "convos");
  EXPECT_EQ(c.signet.env, "dev");
  EXPECT_EQ(c.signet.identity_mode, "per-group");
  EXPECT_FALSE(c.signet.data_dir.has_value());
  EXPECT_FALSE(c.defaults.profile_name.has_value());
  EXPECT_EQ(c.keys.root_key_policy, "biometric");
  EXPECT_EQ(c.keys.operational_key_policy, "open");
  EXPECT_EQ(c.keys.vault_key_policy, "open");
  EXPECT_FALSE(c.biometric_gating.root_key_creation);
  EXPECT_FALSE(c.biometric_gating.agent_creation);
  EXPECT_TRUE(c.biometric_gating.admin_read_elevation);
  EXPECT_EQ(c.ws.host, "127.0.0.1");
  EXPECT_EQ(c.ws.port, 8393);
  EXPECT_EQ(c.ws.auth_timeout_ms, 5000);
  EXPECT_EQ(c.ws.send_buffer_soft_limit, 64);
  EXPECT_EQ(c.ws.send_buffer_hard_limit, 256);
  EXPECT_EQ(c.ws.max_frame_size_bytes, 1048576);
  EXPECT_FALSE(c.ws.rate_limit_max_messages.has_value());
  EXPECT_FALSE(c.http.enabled);
  EXPECT_EQ(c.http.port, 8081);
  EXPECT_EQ(c.admin.auth_mode, "admin-key");
  EXPECT_EQ(c.credentials.default_ttl_seconds, 3600);
  EXPECT_EQ(c.credentials.max_concurrent_per_operator, 3);
  EXPECT_EQ(c.credentials.action_expiry_seconds, 300);
  EXPECT_EQ(c.logging.level, "info");

  EXPECT_EQ(c.config_path, "/home/alice/.config/xmtp-signet/config.toml");
  EXPECT_EQ(c.DataDir(), "/home/alice/.local/share/xmtp-signet");
  EXPECT_EQ(c.StateDir(), "/home/alice/.local/state/xmtp-signet");
  EXPECT_EQ(c.RuntimeDir(), "/tmp/xmtp-signet");
  EXPECT_EQ(c.SocketPath(), "/tmp/xmtp-signet/admin.sock");
  EXPECT_EQ(c.PidFilePath(), "/tmp/xmtp-signet/signet.pid");
  EXPECT_EQ(c.AuditLogPath(), "/home/alice/.local/state/xmtp-signet/audit.jsonl");
  EXPECT_EQ(c.LogFilePath(), "/home/alice/.local/state/xmtp-signet/signet.log");
  EXPECT_EQ(c.LockFilePath(), "/home/alice/.local/share/xmtp-signet/signet.lock");
}

TEST(ConfigTest, XdgVariablesAreHonoured) {
  LoadOptions options;
  options.env = EnvMap{{"HOME", "/home/bob"},
                       {"XDG_CONFIG_HOME", "/cfg"},
                       {"XDG_DATA_HOME", "/data/"},
                       {"XDG_STATE_HOME", "/state"},
                       {"XDG_RUNTIME_DIR", "/run/user/1000"},
                       {"TMPDIR", "/var/tmp"}};
  auto r = LoadConfig(options);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->config_path, "/cfg/xmtp-signet/config.toml");
  EXPECT_EQ(r->DataDir(), "/data/xmtp-signet");
  EXPECT_EQ(r->StateDir(), "/state/xmtp-signet");
  EXPECT_EQ(r->SocketPath(), "/run/user/1000/xmtp-signet/admin.sock");

  // Without XDG_RUNTIME_DIR the runtime dir falls back to the temp dir; a
  // relative XDG value is ignored (XDG spec).
  options.env = EnvMap{{"HOME", "/home/bob"}, {"TMPDIR", "/var/tmp"}, {"XDG_DATA_HOME", "rel"}};
  r = LoadConfig(options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->RuntimeDir(), "/var/tmp/xmtp-signet");
  EXPECT_EQ(r->DataDir(), "/home/bob/.local/share/xmtp-signet");
}

TEST(ConfigTest, ParsesEverySection) {
  TempDir dir;
  auto r = LoadText(dir, R"(
[onboarding]
scheme = "convos"
[signet]
env = "local"
identityMode = "shared"
dataDir = "~/signet-data"
[defaults]
profileName = "Ada's agent"
[keys]
rootKeyPolicy = "passcode"
operationalKeyPolicy = "open"
vaultKeyPolicy = "passcode"
[biometricGating]
rootKeyCreation = true
operationalKeyRotation = true
scopeExpansion = true
egressExpansion = true
agentCreation = true
adminReadElevation = false
[ws]
host = "0.0.0.0"
port = 0
authTimeoutMs = 100
heartbeatIntervalMs = 200
missedHeartbeats = 2
requestTimeoutMs = 300
replayBufferSize = 10
sendBufferSoftLimit = 4
sendBufferHardLimit = 8
maxFrameSizeBytes = 4096
rateLimitWindowMs = 500
rateLimitMaxMessages = 20
[http]
enabled = true
host = "127.0.0.2"
port = 9000
[admin]
authMode = "admin-key"
socketPath = "/tmp/x/admin.sock"
[credentials]
defaultTtlSeconds = 60
maxConcurrentPerOperator = 2
actionExpirySeconds = 30
[logging]
level = "debug"
auditLogPath = "audit/audit.jsonl"
[agent.adapters.openclaw]
source = "builtin"
[agent.adapters.custom]
source = "external"
manifest = "adapters/custom.json"
command = "bin/custom"
)");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  const Config& c = *r;
  EXPECT_TRUE(c.config_file_found);
  EXPECT_EQ(c.signet.env, "local");
  EXPECT_EQ(c.signet.identity_mode, "shared");
  EXPECT_EQ(c.DataDir(), dir.path() + "/signet-data");
  EXPECT_EQ(*c.defaults.profile_name, "Ada's agent");
  EXPECT_EQ(c.keys.vault_key_policy, "passcode");
  EXPECT_TRUE(c.biometric_gating.agent_creation);
  EXPECT_FALSE(c.biometric_gating.admin_read_elevation);
  EXPECT_EQ(c.ws.host, "0.0.0.0");
  EXPECT_EQ(c.ws.port, 0);
  EXPECT_EQ(c.ws.missed_heartbeats, 2);
  EXPECT_EQ(*c.ws.rate_limit_max_messages, 20);
  EXPECT_TRUE(c.http.enabled);
  EXPECT_EQ(c.http.port, 9000);
  EXPECT_EQ(c.SocketPath(), "/tmp/x/admin.sock");
  EXPECT_EQ(c.credentials.max_concurrent_per_operator, 2);
  EXPECT_EQ(c.logging.level, "debug");
  // Relative paths in the file are relative to the file's directory.
  EXPECT_EQ(c.AuditLogPath(), dir.path() + "/audit/audit.jsonl");
  ASSERT_EQ(c.adapters.size(), 2u);
  EXPECT_EQ(c.adapters.at("custom").source, "external");
  EXPECT_EQ(*c.adapters.at("custom").command, "bin/custom");
  EXPECT_EQ(c.adapters.at("openclaw").source, "builtin");
}

TEST(ConfigTest, UnknownSectionsAndKeysAreRefusedByName) {
  TempDir dir;
  ExpectValidationOn(LoadText(dir, "[wss]\nport = 1\n"), "wss", "unknown section");
  ExpectValidationOn(LoadText(dir, "[ws]\nprot = 1\n"), "ws.prot", "unknown key");
  ExpectValidationOn(LoadText(dir, "env = \"dev\"\n"), "env", "unknown section");
  ExpectValidationOn(LoadText(dir, "[agent]\nfoo = 1\n"), "agent.foo", "unknown key");
  ExpectValidationOn(LoadText(dir, "[agent.adapters.x]\nsource = \"builtin\"\npath = \"y\"\n"),
                     "agent.adapters.x.path", "unknown key");
}

TEST(ConfigTest, WrongTypesAndValuesNameTheKeyAndReason) {
  TempDir dir;
  ExpectValidationOn(LoadText(dir, "[ws]\nport = \"8393\"\n"), "ws.port", "must be an integer");
  ExpectValidationOn(LoadText(dir, "[ws]\nport = 70000\n"), "ws.port", "must be 0..65535");
  ExpectValidationOn(LoadText(dir, "[http]\nenabled = \"yes\"\n"), "http.enabled",
                     "must be true or false");
  ExpectValidationOn(LoadText(dir, "[signet]\nenv = \"staging\"\n"), "signet.env",
                     "must be one of local, dev, production");
  ExpectValidationOn(LoadText(dir, "[keys]\nvaultKeyPolicy = \"none\"\n"), "keys.vaultKeyPolicy",
                     "must be one of biometric, passcode, open");
  ExpectValidationOn(LoadText(dir, "[logging]\nlevel = \"trace\"\n"), "logging.level",
                     "must be one of debug, info, warn, error");
  ExpectValidationOn(LoadText(dir, "[admin]\nauthMode = \"password\"\n"), "admin.authMode",
                     "admin-key");
  ExpectValidationOn(LoadText(dir, "[credentials]\ndefaultTtlSeconds = 0\n"),
                     "credentials.defaultTtlSeconds", "must be 1..");
  ExpectValidationOn(LoadText(dir, "[credentials]\nmaxConcurrentPerOperator = -1\n"),
                     "credentials.maxConcurrentPerOperator", "must be 1..");
  ExpectValidationOn(LoadText(dir, "[ws]\nsendBufferSoftLimit = 300\n"), "ws.sendBufferSoftLimit",
                     "less than ws.sendBufferHardLimit");
  ExpectValidationOn(LoadText(dir, "[onboarding]\nscheme = \"other\"\n"), "onboarding.scheme",
                     "convos");
  ExpectValidationOn(LoadText(dir, "[agent.adapters.x]\nsource = \"external\"\nmanifest = \"m\"\n"),
                     "agent.adapters.x.command", "is required");
  ExpectValidationOn(
      LoadText(dir, "[admin]\nsocketPath = \"/" + std::string(120, 'a') + "/admin.sock\"\n"),
      "admin.socketPath", "longer than 107 bytes");
}

TEST(ConfigTest, SyntaxErrorNamesFileAndLine) {
  TempDir dir;
  auto r = LoadText(dir, "[ws]\nport = 1\nhost = \n");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsValidation());
  EXPECT_NE(r.error().message().find(dir.path() + "/config.toml"), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("line 3"), std::string::npos) << r.error().message();
}

TEST(ConfigTest, EnvironmentOverridesWinOverTheFile) {
  TempDir dir;
  auto r = LoadText(dir, "[signet]\nenv = \"production\"\n[ws]\nport = 1000\n",
                    {{"XMTP_SIGNET_ENV", "local"},
                     {"XMTP_SIGNET_WS_PORT", "2000"},
                     {"XMTP_SIGNET_WS_HOST", "::1"},
                     {"XMTP_SIGNET_HTTP_ENABLED", "true"},
                     {"XMTP_SIGNET_HTTP_PORT", "3000"},
                     {"XMTP_SIGNET_HTTP_HOST", "localhost"},
                     {"XMTP_SIGNET_LOG_LEVEL", "warn"},
                     {"XMTP_SIGNET_DATA_DIR", "/srv/signet"},
                     {"XMTP_SIGNET_WS_AUTH_TIMEOUT_MS", "250"},
                     {"XMTP_SIGNET_WS_RATE_LIMIT_MAX_MESSAGES", "7"},
                     {"XMTP_SIGNET_WS_MAX_FRAME_SIZE_BYTES", ""}});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->signet.env, "local");
  EXPECT_EQ(r->ws.port, 2000);
  EXPECT_EQ(r->ws.host, "::1");
  EXPECT_TRUE(r->http.enabled);
  EXPECT_EQ(r->http.port, 3000);
  EXPECT_EQ(r->http.host, "localhost");
  EXPECT_EQ(r->logging.level, "warn");
  EXPECT_EQ(r->DataDir(), "/srv/signet");
  EXPECT_EQ(r->ws.auth_timeout_ms, 250);
  EXPECT_EQ(*r->ws.rate_limit_max_messages, 7);
  EXPECT_EQ(r->ws.max_frame_size_bytes, 1048576);  // empty = unset
  EXPECT_EQ(r->env_sources.at("ws.port"), "XMTP_SIGNET_WS_PORT");
}

TEST(ConfigTest, MalformedEnvironmentValuesNameTheVariable) {
  TempDir dir;
  ExpectValidationOn(LoadText(dir, "", {{"XMTP_SIGNET_WS_PORT", "abc"}}), "XMTP_SIGNET_WS_PORT",
                     "must be an integer, got 'abc'");
  ExpectValidationOn(LoadText(dir, "", {{"XMTP_SIGNET_HTTP_ENABLED", "maybe"}}),
                     "XMTP_SIGNET_HTTP_ENABLED", "must be true or false");
  ExpectValidationOn(LoadText(dir, "", {{"XMTP_SIGNET_HTTP_PORT", "8081x"}}),
                     "XMTP_SIGNET_HTTP_PORT", "must be an integer");
  // Well-formed but out of range: reported under the variable and the key.
  ExpectValidationOn(LoadText(dir, "", {{"XMTP_SIGNET_WS_PORT", "99999"}}),
                     "XMTP_SIGNET_WS_PORT (ws.port)", "must be 0..65535");
  ExpectValidationOn(LoadText(dir, "", {{"XMTP_SIGNET_ENV", "mainnet"}}),
                     "XMTP_SIGNET_ENV (signet.env)", "must be one of");
}

TEST(ConfigTest, PresetsSetTheCustodyFields) {
  Config c;
  ASSERT_TRUE(c.ApplyPreset("trusted-local").ok());
  EXPECT_EQ(c.signet.identity_mode, "shared");
  EXPECT_EQ(c.keys.vault_key_policy, "open");
  EXPECT_FALSE(c.biometric_gating.admin_read_elevation);
  EXPECT_EQ(c.credentials.default_ttl_seconds, 43200);
  EXPECT_EQ(c.credentials.max_concurrent_per_operator, 6);
  EXPECT_EQ(c.credentials.action_expiry_seconds, 1800);

  ASSERT_TRUE(c.ApplyPreset("hardened").ok());
  EXPECT_EQ(c.signet.identity_mode, "per-group");
  EXPECT_EQ(c.keys.vault_key_policy, "passcode");
  EXPECT_TRUE(c.biometric_gating.admin_read_elevation);
  EXPECT_TRUE(c.biometric_gating.root_key_creation);
  EXPECT_TRUE(c.biometric_gating.operational_key_rotation);
  EXPECT_TRUE(c.biometric_gating.scope_expansion);
  EXPECT_TRUE(c.biometric_gating.egress_expansion);
  EXPECT_TRUE(c.biometric_gating.agent_creation);
  EXPECT_EQ(c.credentials.default_ttl_seconds, 900);
  EXPECT_EQ(c.credentials.max_concurrent_per_operator, 1);
  EXPECT_EQ(c.credentials.action_expiry_seconds, 120);

  ASSERT_TRUE(c.ApplyPreset("recommended").ok());
  EXPECT_EQ(c.keys.vault_key_policy, "open");
  EXPECT_FALSE(c.biometric_gating.agent_creation);
  EXPECT_TRUE(c.biometric_gating.admin_read_elevation);
  EXPECT_EQ(c.credentials.default_ttl_seconds, 3600);
  EXPECT_TRUE(c.SameSettings(Config{}));

  Status bad = c.ApplyPreset("paranoid");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().IsValidation());
  EXPECT_NE(bad.error().message().find("'preset'"), std::string::npos);
}

TEST(ConfigTest, ToRuntimeOptions) {
  Config c;
  c.dirs = XdgDirs::FromEnvironment(HomeOnly("/home/carol"));
  ASSERT_TRUE(c.ApplyPreset("hardened").ok());
  c.signet.env = "local";
  RuntimeOptions o = c.ToRuntimeOptions();
  EXPECT_EQ(o.data_dir, "/home/carol/.local/share/xmtp-signet");
  EXPECT_EQ(o.env, "local");
  EXPECT_EQ(o.identity_mode, "per-group");
  EXPECT_EQ(o.default_ttl_seconds, 900);
  EXPECT_EQ(o.max_concurrent_per_operator, 1u);
  EXPECT_EQ(o.action_expiry_seconds, 120);
  EXPECT_EQ(o.vault_key_policy, KeyPolicy::kPasscode);
  EXPECT_EQ(o.root_key_policy, KeyPolicy::kBiometric);
  EXPECT_TRUE(o.gates.agent_creation);
  EXPECT_TRUE(o.gates.admin_read_elevation);
  EXPECT_EQ(o.audit_log_path, "/home/carol/.local/state/xmtp-signet/audit.jsonl");
  EXPECT_EQ(o.network, nullptr);
}

TEST(ConfigTest, WriteConfigIfAbsentRoundTripsAndNeverOverwrites) {
  TempDir dir;
  Config c;
  c.dirs = XdgDirs::FromEnvironment(HomeOnly(dir.path()));
  ASSERT_TRUE(c.ApplyPreset("trusted-local").ok());
  c.signet.env = "local";
  c.defaults.profile_name = "Quote \" and \\ backslash";
  c.ws.rate_limit_max_messages = 5;
  c.adapters["openclaw"] = AdapterConfig{};
  std::string path = dir.path() + "/nested/xmtp-signet/config.toml";
  ASSERT_TRUE(WriteConfigIfAbsent(path, c).ok());
  EXPECT_EQ(FileMode(path), 0600u);
  EXPECT_EQ(FileMode(dir.path() + "/nested/xmtp-signet"), 0700u);

  LoadOptions options;
  options.config_path = path;
  options.env = HomeOnly(dir.path());
  auto loaded = LoadConfig(options);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  EXPECT_TRUE(loaded->SameSettings(c)) << ReadAll(path);

  Config other;
  other.signet.env = "production";
  ASSERT_TRUE(WriteConfigIfAbsent(path, other).ok());
  EXPECT_EQ(ReadAll(path).find("production"), std::string::npos);
}

TEST(ConfigTest, MissingFileIsDefaultsUnlessRequired) {
  TempDir dir;
  LoadOptions options;
  options.config_path = dir.path() + "/absent.toml";
  options.env = HomeOnly(dir.path());
  auto r = LoadConfig(options);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->config_file_found);
  EXPECT_EQ(r->ConfigDir(), dir.path());
  options.require_file = true;
  r = LoadConfig(options);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsNotFound());
}

TEST(ConfigTest, ToJsonListsSettingsAndPaths) {
  TempDir dir;
  auto r = LoadText(dir, "[ws]\nport = 1234\n", {{"XMTP_SIGNET_LOG_LEVEL", "error"}});
  ASSERT_TRUE(r.ok());
  auto j = r->ToJson();
  EXPECT_EQ(j["settings"]["ws.port"], 1234);
  EXPECT_EQ(j["settings"]["logging.level"], "error");
  EXPECT_TRUE(j["settings"]["signet.dataDir"].is_null());
  EXPECT_EQ(j["environmentOverrides"]["logging.level"], "XMTP_SIGNET_LOG_LEVEL");
  EXPECT_EQ(j["paths"]["adminSocket"], r->SocketPath());
}

}  // namespace
}  // namespace xs::signet
