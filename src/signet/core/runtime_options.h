// RuntimeOptions: the configuration values the signet runtime needs, as a
// plain struct. The `cli` engineer fills it from config.toml / env / presets
// (src/signet/config) and passes it to Runtime::Init / Runtime::Open.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "signet/credentials/limits.h"
#include "signet/keys/vault.h"
#include "signet/network/xmtp_network.h"

namespace xs::signet {

inline constexpr std::int64_t kDefaultActionExpirySeconds = 300;
inline constexpr std::int64_t kDefaultElevationTtlSeconds = 60;

// [biometricGating]: on Linux each gate is an owner confirmation with the
// owner passphrase (decisions.md #13).
struct OwnerGates {
  bool root_key_creation = false;
  bool operational_key_rotation = false;
  bool scope_expansion = false;
  bool egress_expansion = false;
  bool agent_creation = false;
  bool admin_read_elevation = true;
};

struct RuntimeOptions {
  std::string data_dir;                     // required; created 0700 by Init
  std::string env = "dev";                  // local | dev | production
  std::string identity_mode = "per-group";  // per-group | shared
  std::int64_t default_ttl_seconds = kDefaultCredentialTtlSeconds;
  std::size_t max_concurrent_per_operator = kDefaultMaxConcurrentPerOperator;
  std::int64_t action_expiry_seconds = kDefaultActionExpirySeconds;
  std::int64_t elevation_ttl_seconds = kDefaultElevationTtlSeconds;
  KeyPolicy root_key_policy = KeyPolicy::kBiometric;
  KeyPolicy operational_key_policy = KeyPolicy::kOpen;
  KeyPolicy vault_key_policy = KeyPolicy::kOpen;  // open -> key file; else passphrase
  OwnerGates gates;
  std::string audit_log_path;    // empty -> <dataDir>/audit.jsonl
  std::string network_endpoint;  // informational, for status
  // Signet-level content-type allowlist; empty = the XIP baseline.
  std::vector<std::string> content_types;
  // Vault passphrase (vault policy passcode/biometric); also the default
  // owner passphrase at Init. Callers should clear their copy after use.
  std::optional<std::string> passphrase;
  std::optional<std::string> owner_passphrase;  // Init only; overrides passphrase for owner
  std::shared_ptr<XmtpNetwork> network;         // null -> offline: network actions fail
  const Clock* clock = nullptr;                 // null -> system clock
};

}  // namespace xs::signet
