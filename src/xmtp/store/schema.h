// Versioned schema of the XMTP client store. Migration i (1-based) brings
// PRAGMA user_version from i-1 to i inside one transaction; never edit a
// shipped migration, append a new one. Columns named in records.h as sealed
// hold Sealer output.
#pragma once

#include <array>

namespace xs::xmtp::store {

inline constexpr std::array<const char*, 2> kMigrations = {
    // 1: the first schema.
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE identities ("
    "  installation_key BLOB PRIMARY KEY, inbox_id TEXT NOT NULL, private_key BLOB NOT NULL,"
    "  registration INTEGER NOT NULL, identity_sequence_id INTEGER NOT NULL);"
    "CREATE TABLE welcome_cursors (installation_key BLOB PRIMARY KEY, cursor INTEGER NOT NULL);"
    "CREATE TABLE key_packages ("
    "  ref BLOB PRIMARY KEY, installation_key BLOB NOT NULL, init_key BLOB NOT NULL UNIQUE,"
    "  private_parts BLOB NOT NULL, created_ns INTEGER NOT NULL, consumed_ns INTEGER);"
    "CREATE INDEX key_packages_by_installation ON key_packages(installation_key);"
    "CREATE TABLE mls_groups ("
    "  owner BLOB NOT NULL, group_id BLOB NOT NULL, conversation_type INTEGER NOT NULL,"
    "  dm_id TEXT NOT NULL, created_ns INTEGER NOT NULL, last_activity_ns INTEGER NOT NULL,"
    "  membership INTEGER NOT NULL, cursor INTEGER NOT NULL, PRIMARY KEY (owner, group_id));"
    // The group state in two rows of two tables, so that a message rewrites
    // only the small ratchet row (mls/group/group_state.h).
    "CREATE TABLE group_epochs ("
    "  owner BLOB NOT NULL, group_id BLOB NOT NULL, epoch INTEGER NOT NULL, state BLOB NOT NULL,"
    "  PRIMARY KEY (owner, group_id));"
    "CREATE TABLE group_ratchets ("
    "  owner BLOB NOT NULL, group_id BLOB NOT NULL, epoch INTEGER NOT NULL, state BLOB NOT NULL,"
    "  PRIMARY KEY (owner, group_id));"
    "CREATE TABLE messages ("
    "  owner BLOB NOT NULL, id BLOB NOT NULL, group_id BLOB NOT NULL,"
    "  sender_inbox_id TEXT NOT NULL, sender_installation BLOB NOT NULL,"
    "  sent_ns INTEGER NOT NULL, node_id INTEGER NOT NULL, content_type TEXT NOT NULL,"
    "  kind INTEGER NOT NULL, content BLOB NOT NULL, delivery INTEGER NOT NULL,"
    "  PRIMARY KEY (owner, id));"
    "CREATE INDEX messages_by_group ON messages(owner, group_id, sent_ns);"
    "CREATE TABLE consent ("
    "  owner BLOB NOT NULL, entity_kind INTEGER NOT NULL, entity TEXT NOT NULL,"
    "  state INTEGER NOT NULL, updated_ns INTEGER NOT NULL,"
    "  PRIMARY KEY (owner, entity_kind, entity));"
    "CREATE TABLE intents ("
    "  id INTEGER PRIMARY KEY, owner BLOB NOT NULL, group_id BLOB NOT NULL,"
    "  kind INTEGER NOT NULL, payload BLOB NOT NULL, state INTEGER NOT NULL,"
    "  payload_hash BLOB NOT NULL, created_ns INTEGER NOT NULL, updated_ns INTEGER NOT NULL);"
    "CREATE INDEX intents_by_group ON intents(owner, group_id, state);"
    "CREATE TABLE identity_updates ("
    "  inbox_id TEXT NOT NULL, sequence_id INTEGER NOT NULL, update_bytes BLOB NOT NULL,"
    "  PRIMARY KEY (inbox_id, sequence_id));",
    // 2: the application generations our own sender may have used in a
    // group's epoch (written synced before a send that reaches them, so
    // that sends in between may commit without an fsync).
    "CREATE TABLE send_reservations ("
    "  owner BLOB NOT NULL, group_id BLOB NOT NULL, epoch INTEGER NOT NULL,"
    "  generation INTEGER NOT NULL, PRIMARY KEY (owner, group_id));",
};

}  // namespace xs::xmtp::store
