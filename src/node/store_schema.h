// SQL text of the node's schema and statements (see store.h). Kept apart so
// the store code reads as logic.
#pragma once

namespace xs::node::sql {

inline constexpr const char* kPragmas =
    // Every stored envelope rewrites a few whole pages (its row, two index
    // entries, the AUTOINCREMENT counter), each far larger than what changed
    // in it: 1 KiB pages write a quarter of the default 4 KiB to the WAL.
    // Taken by a new file only (WAL mode fixes the page size).
    "PRAGMA page_size=1024;"
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    // Checkpoints run on a background connection (sqlite/checkpointer.h,
    // whose hook replaces SQLite's auto-checkpoint).
    "PRAGMA temp_store=MEMORY;"
    "PRAGMA busy_timeout=5000;";

inline constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS group_messages(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_id BLOB NOT NULL,
  created_ns INTEGER NOT NULL,
  data BLOB NOT NULL,
  sender_hmac BLOB NOT NULL,
  should_push INTEGER NOT NULL,
  is_commit INTEGER NOT NULL,
  data_hash BLOB NOT NULL UNIQUE);
CREATE INDEX IF NOT EXISTS group_messages_by_group ON group_messages(group_id, id);
CREATE TABLE IF NOT EXISTS welcome_messages(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  installation_key BLOB NOT NULL,
  created_ns INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  data BLOB NOT NULL,
  hpke_public_key BLOB NOT NULL,
  wrapper_algorithm INTEGER NOT NULL,
  welcome_metadata BLOB NOT NULL,
  data_hash BLOB NOT NULL UNIQUE);
CREATE INDEX IF NOT EXISTS welcome_messages_by_key ON welcome_messages(installation_key, id);
CREATE TABLE IF NOT EXISTS key_packages(
  installation_key BLOB PRIMARY KEY,
  key_package BLOB NOT NULL,
  updated_ns INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS identity_updates(
  sequence_id INTEGER PRIMARY KEY AUTOINCREMENT,
  inbox_id TEXT NOT NULL,
  server_timestamp_ns INTEGER NOT NULL,
  update_bytes BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS identity_updates_by_inbox ON identity_updates(inbox_id, sequence_id);
CREATE TABLE IF NOT EXISTS address_log(
  identifier TEXT NOT NULL,
  inbox_id TEXT NOT NULL,
  association_sequence_id INTEGER NOT NULL,
  revocation_sequence_id INTEGER);
CREATE INDEX IF NOT EXISTS address_log_by_identifier ON address_log(identifier);
CREATE TABLE IF NOT EXISTS commit_log(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_id BLOB NOT NULL,
  created_ns INTEGER NOT NULL,
  entry BLOB NOT NULL,
  signature BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS commit_log_by_group ON commit_log(group_id, id);
)sql";

inline constexpr const char* kInsertGroupMessage =
    "INSERT OR IGNORE INTO group_messages(group_id, created_ns, data, sender_hmac, should_push,"
    " is_commit, data_hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
inline constexpr const char* kGroupMessagesAsc =
    "SELECT id, created_ns, group_id, data, sender_hmac, should_push, is_commit FROM "
    "group_messages WHERE group_id = ?1 AND id > ?2 ORDER BY id ASC LIMIT ?3";
inline constexpr const char* kGroupMessagesDesc =
    "SELECT id, created_ns, group_id, data, sender_hmac, should_push, is_commit FROM "
    "group_messages WHERE group_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3";
inline constexpr const char* kNewestGroupMessageMeta =
    "SELECT id, created_ns, is_commit FROM group_messages WHERE group_id = ?1"
    " ORDER BY id DESC LIMIT 1";
inline constexpr const char* kCountGroupMessages = "SELECT COUNT(*) FROM group_messages";

inline constexpr const char* kInsertWelcome =
    "INSERT OR IGNORE INTO welcome_messages(installation_key, created_ns, kind, data,"
    " hpke_public_key, wrapper_algorithm, welcome_metadata, data_hash)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
inline constexpr const char* kWelcomesAsc =
    "SELECT id, created_ns, installation_key, kind, data, hpke_public_key, wrapper_algorithm,"
    " welcome_metadata FROM welcome_messages WHERE installation_key = ?1 AND id > ?2"
    " ORDER BY id ASC LIMIT ?3";
inline constexpr const char* kWelcomesDesc =
    "SELECT id, created_ns, installation_key, kind, data, hpke_public_key, wrapper_algorithm,"
    " welcome_metadata FROM welcome_messages WHERE installation_key = ?1 AND id < ?2"
    " ORDER BY id DESC LIMIT ?3";

inline constexpr const char* kPutKeyPackage =
    "INSERT INTO key_packages(installation_key, key_package, updated_ns) VALUES(?1, ?2, ?3)"
    " ON CONFLICT(installation_key) DO UPDATE SET key_package = excluded.key_package,"
    " updated_ns = excluded.updated_ns";
inline constexpr const char* kGetKeyPackage =
    "SELECT key_package FROM key_packages WHERE installation_key = ?1";

inline constexpr const char* kInsertIdentityUpdate =
    "INSERT INTO identity_updates(inbox_id, server_timestamp_ns, update_bytes)"
    " VALUES(?1, ?2, ?3)";
inline constexpr const char* kIdentityUpdates =
    "SELECT sequence_id, server_timestamp_ns, update_bytes FROM identity_updates"
    " WHERE inbox_id = ?1 AND sequence_id > ?2 ORDER BY sequence_id ASC";
inline constexpr const char* kInsertAddress =
    "INSERT INTO address_log(identifier, inbox_id, association_sequence_id) VALUES(?1, ?2, ?3)";
inline constexpr const char* kRevokeAddress =
    "UPDATE address_log SET revocation_sequence_id = ?3 WHERE identifier = ?1 AND inbox_id = ?2"
    " AND revocation_sequence_id IS NULL";
inline constexpr const char* kInboxForIdentifier =
    "SELECT inbox_id FROM address_log WHERE identifier = ?1 AND revocation_sequence_id IS NULL"
    " ORDER BY association_sequence_id DESC LIMIT 1";

inline constexpr const char* kInsertCommitLog =
    "INSERT INTO commit_log(group_id, created_ns, entry, signature) VALUES(?1, ?2, ?3, ?4)";
inline constexpr const char* kCommitLogAsc =
    "SELECT id, entry, signature FROM commit_log WHERE group_id = ?1 AND id > ?2"
    " ORDER BY id ASC LIMIT ?3";
inline constexpr const char* kCommitLogDesc =
    "SELECT id, entry, signature FROM commit_log WHERE group_id = ?1 AND id < ?2"
    " ORDER BY id DESC LIMIT ?3";

}  // namespace xs::node::sql
