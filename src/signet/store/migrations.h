// Versioned schema migrations of the signet store. Migration i (1-based)
// brings PRAGMA user_version from i-1 to i; never edit a shipped migration,
// append a new one.
#pragma once

#include <array>

namespace xs::signet {

inline constexpr std::array<const char*, 2> kMigrations = {
    // 1: generic records (JSON body + sealed secret).
    "CREATE TABLE records ("
    "  kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, secret BLOB,"
    "  updated_at INTEGER NOT NULL DEFAULT (unixepoch()),"
    "  PRIMARY KEY (kind, id)) WITHOUT ROWID;",
    // 2: network id <-> local id map (concepts.md §5).
    "CREATE TABLE id_map ("
    "  network_id TEXT NOT NULL, local_id TEXT NOT NULL, resource_type TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, PRIMARY KEY (resource_type, network_id));"
    "CREATE UNIQUE INDEX id_map_local ON id_map(resource_type, local_id);",
};

}  // namespace xs::signet
