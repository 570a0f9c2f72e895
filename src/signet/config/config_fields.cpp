#include "signet/config/config_fields.h"

#include <array>

namespace xs::signet::config_internal {

namespace {

#define XS_FIELD(section, name, env, member)                            \
  FieldSpec {                                                           \
    section, name, env, [](Config& c) -> FieldPtr { return &c.member; } \
  }

// Order = the order of cli.md's table; ToToml writes sections in this order.
const std::array kFields = {
    XS_FIELD("onboarding", "scheme", "", onboarding.scheme),
    XS_FIELD("signet", "env", "XMTP_SIGNET_ENV", signet.env),
    XS_FIELD("signet", "identityMode", "", signet.identity_mode),
    XS_FIELD("signet", "dataDir", "XMTP_SIGNET_DATA_DIR", signet.data_dir),
    XS_FIELD("defaults", "profileName", "", defaults.profile_name),
    XS_FIELD("keys", "rootKeyPolicy", "", keys.root_key_policy),
    XS_FIELD("keys", "operationalKeyPolicy", "", keys.operational_key_policy),
    XS_FIELD("keys", "vaultKeyPolicy", "", keys.vault_key_policy),
    XS_FIELD("biometricGating", "rootKeyCreation", "", biometric_gating.root_key_creation),
    XS_FIELD("biometricGating", "operationalKeyRotation", "",
             biometric_gating.operational_key_rotation),
    XS_FIELD("biometricGating", "scopeExpansion", "", biometric_gating.scope_expansion),
    XS_FIELD("biometricGating", "egressExpansion", "", biometric_gating.egress_expansion),
    XS_FIELD("biometricGating", "agentCreation", "", biometric_gating.agent_creation),
    XS_FIELD("biometricGating", "adminReadElevation", "", biometric_gating.admin_read_elevation),
    XS_FIELD("ws", "host", "XMTP_SIGNET_WS_HOST", ws.host),
    XS_FIELD("ws", "port", "XMTP_SIGNET_WS_PORT", ws.port),
    XS_FIELD("ws", "authTimeoutMs", "XMTP_SIGNET_WS_AUTH_TIMEOUT_MS", ws.auth_timeout_ms),
    XS_FIELD("ws", "heartbeatIntervalMs", "XMTP_SIGNET_WS_HEARTBEAT_INTERVAL_MS",
             ws.heartbeat_interval_ms),
    XS_FIELD("ws", "missedHeartbeats", "XMTP_SIGNET_WS_MISSED_HEARTBEATS", ws.missed_heartbeats),
    XS_FIELD("ws", "requestTimeoutMs", "XMTP_SIGNET_WS_REQUEST_TIMEOUT_MS", ws.request_timeout_ms),
    XS_FIELD("ws", "replayBufferSize", "XMTP_SIGNET_WS_REPLAY_BUFFER_SIZE", ws.replay_buffer_size),
    XS_FIELD("ws", "sendBufferSoftLimit", "XMTP_SIGNET_WS_SEND_BUFFER_SOFT_LIMIT",
             ws.send_buffer_soft_limit),
    XS_FIELD("ws", "sendBufferHardLimit", "XMTP_SIGNET_WS_SEND_BUFFER_HARD_LIMIT",
             ws.send_buffer_hard_limit),
    XS_FIELD("ws", "maxFrameSizeBytes", "XMTP_SIGNET_WS_MAX_FRAME_SIZE_BYTES",
             ws.max_frame_size_bytes),
    XS_FIELD("ws", "rateLimitWindowMs", "XMTP_SIGNET_WS_RATE_LIMIT_WINDOW_MS",
             ws.rate_limit_window_ms),
    XS_FIELD("ws", "rateLimitMaxMessages", "XMTP_SIGNET_WS_RATE_LIMIT_MAX_MESSAGES",
             ws.rate_limit_max_messages),
    XS_FIELD("http", "enabled", "XMTP_SIGNET_HTTP_ENABLED", http.enabled),
    XS_FIELD("http", "host", "XMTP_SIGNET_HTTP_HOST", http.host),
    XS_FIELD("http", "port", "XMTP_SIGNET_HTTP_PORT", http.port),
    XS_FIELD("admin", "authMode", "", admin.auth_mode),
    XS_FIELD("admin", "socketPath", "", admin.socket_path),
    XS_FIELD("credentials", "defaultTtlSeconds", "", credentials.default_ttl_seconds),
    XS_FIELD("credentials", "maxConcurrentPerOperator", "",
             credentials.max_concurrent_per_operator),
    XS_FIELD("credentials", "actionExpirySeconds", "", credentials.action_expiry_seconds),
    XS_FIELD("logging", "level", "XMTP_SIGNET_LOG_LEVEL", logging.level),
    XS_FIELD("logging", "auditLogPath", "", logging.audit_log_path),
};

#undef XS_FIELD

}  // namespace

std::span<const FieldSpec> Fields() { return kFields; }

bool IsKnownSection(std::string_view section) {
  if (section == "agent") return true;
  for (const FieldSpec& f : kFields) {
    if (f.section == section) return true;
  }
  return false;
}

}  // namespace xs::signet::config_internal
