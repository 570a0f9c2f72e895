// Store: the signet's one SQLite database (WAL, synchronous=FULL) holding
// every record as a JSON body plus an optional secret blob. Secret blobs are
// sealed with the vault's data key (XChaCha20-Poly1305, associated data
// "kind/id"), so private keys never reach the file in the clear. Schema
// changes are versioned migrations keyed by PRAGMA user_version.
//
// Crash safety: every mutation runs in a SQLite transaction (Transaction()
// groups several), so a kill -9 at any moment leaves either the old or the new
// state; WAL makes readers never see a half-written transaction.
//
// Thread contract: not thread-safe; the Runtime serializes access.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/secret.h"
#include "signet/util/util.h"
#include "sqlite/sqlite.h"

namespace xs::signet {

struct StoredRow {
  std::string kind;
  std::string id;
  Json body;
  std::vector<std::uint8_t> sealed_secret;  // empty when the row has no secret
};

class Store {
 public:
  // Opens (creating with mode 0600) and migrates the database at `path`.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, crypto::Secret data_key);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Inserts or replaces a record; `secret` (if any) is sealed before writing.
  Status Put(std::string_view kind, std::string_view id, const Json& body,
             const crypto::Secret* secret = nullptr);
  // Replaces the body, keeping the existing secret blob.
  Status UpdateBody(std::string_view kind, std::string_view id, const Json& body);
  Result<std::optional<StoredRow>> Get(std::string_view kind, std::string_view id);
  Result<std::vector<StoredRow>> List(std::string_view kind);
  Status Delete(std::string_view kind, std::string_view id);
  // Decrypts a row's secret blob (auth error when tampered with).
  Result<crypto::Secret> OpenSecret(const StoredRow& row) const;

  // Runs fn inside BEGIN IMMEDIATE … COMMIT; rolls back when fn fails.
  // Nested calls join the outer transaction.
  Status Transaction(const std::function<Status()>& fn);

  // Seals / opens arbitrary bytes with the data key for other subsystems
  // (message bodies, MLS state); `associated_data` names what the blob is.
  std::vector<std::uint8_t> SealBlob(std::span<const std::uint8_t> plain,
                                     std::string_view associated_data) const;
  Result<crypto::Secret> OpenBlob(std::span<const std::uint8_t> sealed,
                                  std::string_view associated_data) const;

  // Network id <-> local id map (concepts.md §5); resource_type is
  // "message" | "conversation" | "inbox".
  Status SetIdMapping(std::string_view resource_type, std::string_view network_id,
                      std::string_view local_id, std::int64_t created_at_ms);
  Result<std::optional<std::string>> GetLocalId(std::string_view resource_type,
                                                std::string_view network_id);
  Result<std::optional<std::string>> GetNetworkId(std::string_view resource_type,
                                                  std::string_view local_id);
  Status RemoveIdMapping(std::string_view resource_type, std::string_view either_id);

  int schema_version() const { return version_; }
  const std::string& path() const { return path_; }

 private:
  Store(sqlite::Db db, std::string path, crypto::Secret key);
  Status Migrate();

  sqlite::Db db_;
  std::string path_;
  crypto::Secret data_key_;
  int version_ = 0;
  int tx_depth_ = 0;
};

}  // namespace xs::signet
