// The table of every scalar config key: its TOML section and name, the
// environment variable that overrides it (if any) and where it lives in
// Config. TOML parsing, environment overrides, TOML writing and `config show`
// all walk this one table, so a key cannot be known to one and not another.
// [agent.adapters.<slug>] tables are handled separately (config_toml.cpp).
//
// Thread contract: the table is immutable.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "signet/config/config.h"

namespace xs::signet::config_internal {

using FieldPtr = std::variant<std::string*, std::optional<std::string>*, std::int64_t*,
                              std::optional<std::int64_t>*, bool*>;

struct FieldSpec {
  std::string_view section;  // "ws"
  std::string_view name;     // "port"
  std::string_view env;      // "XMTP_SIGNET_WS_PORT" or empty
  FieldPtr (*field)(Config&);

  std::string Key() const { return std::string(section) + "." + std::string(name); }
};

std::span<const FieldSpec> Fields();
// The sections a config file may contain.
bool IsKnownSection(std::string_view section);

}  // namespace xs::signet::config_internal
