// Store: the signet's one SQLite database (WAL) holding every record as a
// JSON body plus an optional secret blob. Secret blobs are sealed with the
// vault's data key (XChaCha20-Poly1305, associated data "kind/id"), so
// private keys never reach the file in the clear. Schema changes are
// versioned migrations keyed by PRAGMA user_version. Hot statements are
// prepared once (sqlite::StmtCache) and id_map rows are cached in memory
// (IdCache, only committed rows).
//
// Crash safety: every mutation runs in a SQLite transaction (Transaction()
// groups several), so a kill -9 at any moment leaves either the old or the new
// state; WAL makes readers never see a half-written transaction.
//
// Durability: records (operators, policies, credentials, revocations, seals,
// keys, inboxes, chats) and every id mapping but the messages' commit with
// synchronous=FULL: a power cut loses nothing acknowledged. Message id
// mappings (msg_ <-> network message id) commit kUnsynced (synchronous=NORMAL,
// no fsync): they survive kill -9; a power cut may drop the newest of them,
// never a FULL commit nor anything committed before one (the WAL keeps a
// prefix of its commits, and each FULL commit's fsync covers the frames
// before it). That is the durability the message itself has in the client
// store; msg_ ids are derived from the network id (Chats::Impl::MessageId),
// so a dropped mapping comes back with the same msg_ id.
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
#include "crypto/hash.h"
#include "crypto/secret.h"
#include "signet/store/id_cache.h"
#include "signet/util/util.h"
#include "sqlite/checkpointer.h"
#include "sqlite/sqlite.h"
#include "sqlite/stmt_cache.h"

namespace xs::signet {

// How a write commits: kSynced with synchronous=FULL (fsync of the WAL),
// kUnsynced with synchronous=NORMAL (see Durability above; message id
// mappings only).
enum class Durability { kSynced, kUnsynced };

// id_map rows the store keeps in memory (IdCache): the recent messages of
// the watched and listed chats.
inline constexpr std::size_t kMaxCachedIdMappingCount = 4096;
// Deferred message id mappings (DeferIdMapping) are written together, in
// one kUnsynced transaction, once this many wait or the oldest has waited
// kMaxDeferredIdMappingMs.
inline constexpr std::size_t kMaxDeferredIdMappingCount = 256;
inline constexpr std::int64_t kMaxDeferredIdMappingMs = 1000;

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

  // Runs fn inside BEGIN IMMEDIATE … COMMIT (synced); rolls back when fn
  // fails. Nested calls join the outer transaction.
  Status Transaction(const std::function<Status()>& fn) {
    return RunTransaction(fn, Durability::kSynced);
  }
  // The same committed kUnsynced, for message id mappings only: any other
  // write in it fails (Internal) rather than commit without its fsync.
  // Nested in a Transaction it joins it (and commits synced).
  Status UnsyncedTransaction(const std::function<Status()>& fn) {
    return RunTransaction(fn, Durability::kUnsynced);
  }

  // Seals / opens arbitrary bytes with the data key for other subsystems
  // (message bodies, MLS state); `associated_data` names what the blob is.
  std::vector<std::uint8_t> SealBlob(std::span<const std::uint8_t> plain,
                                     std::string_view associated_data) const;
  Result<crypto::Secret> OpenBlob(std::span<const std::uint8_t> sealed,
                                  std::string_view associated_data) const;

  // A keyed tag of `data`: HMAC-SHA256 under a key derived from the data
  // key, so a tag is the same for the same data every time this store is
  // opened and reveals nothing about the data without the key.
  crypto::Digest256 KeyedTag(std::span<const std::uint8_t> data) const;

  // Network id <-> local id map (concepts.md §5); resource_type is
  // "message" | "conversation" | "inbox". Lookups are served from the
  // IdCache when they can. kUnsynced only for message mappings.
  Status SetIdMapping(std::string_view resource_type, std::string_view network_id,
                      std::string_view local_id, std::int64_t created_at_ms,
                      Durability durability = Durability::kSynced);
  Result<std::optional<std::string>> GetLocalId(std::string_view resource_type,
                                                std::string_view network_id);
  Result<std::optional<std::string>> GetNetworkId(std::string_view resource_type,
                                                  std::string_view local_id);
  Status RemoveIdMapping(std::string_view resource_type, std::string_view either_id);
  // A message id mapping that only speeds lookups up (the msg_ id is
  // derived from the network id, so a lost one is derived again): answered
  // at once by the lookups above, written with the others that wait by
  // FlushIdMappings, which runs by itself when kMaxDeferredIdMappingCount
  // wait or the oldest is kMaxDeferredIdMappingMs old (checked here), and
  // when the store closes. Inside a transaction it is written with it.
  // A failed write is tried again with the next flush (the mappings are
  // answered from memory meanwhile, the oldest dropped past
  // kMaxCachedIdMappingCount), so deferring cannot fail.
  void DeferIdMapping(std::string_view resource_type, std::string_view network_id,
                      std::string_view local_id, std::int64_t created_at_ms);
  // Writes the deferred mappings (kUnsynced); on failure they stay deferred.
  Status FlushIdMappings();
  std::size_t deferred_id_mappings() const { return deferred_ids_.size(); }

  int schema_version() const { return version_; }
  const std::string& path() const { return path_; }

 private:
  Store(sqlite::Db db, std::string path, crypto::Secret key);
  Status Migrate();
  Status RunTransaction(const std::function<Status()>& fn, Durability durability);
  // Before a write of `durability`: outside a transaction, sets the
  // connection's synchronous mode for the write's autocommit; inside one,
  // refuses a kSynced write in a kUnsynced transaction.
  Status PrepareWrite(Durability durability);
  // Remembers an id_map row: in the cache, or staged until the enclosing
  // transaction commits (dropped when it rolls back).
  void Remember(std::string_view resource_type, std::string_view network_id,
                std::string_view local_id);
  Result<std::optional<std::string>> QueryId(const char* sql, std::string_view resource_type,
                                             std::string_view id);

  struct StagedId {
    std::string resource_type, network_id, local_id;
  };
  struct DeferredId {
    StagedId row;
    std::int64_t created_at_ms = 0;
  };
  // The deferred mapping of `id` (either side) of `resource_type`.
  const DeferredId* FindDeferred(std::string_view resource_type, std::string_view id,
                                 bool network_side) const;

  sqlite::Db db_;
  sqlite::StmtCache statements_{db_};  // destroyed before db_
  std::string path_;
  crypto::Secret data_key_;
  crypto::Secret tag_key_;
  int version_ = 0;
  int tx_depth_ = 0;
  Durability tx_durability_ = Durability::kSynced;
  Durability synchronous_ = Durability::kSynced;  // the connection's mode now
  IdCache ids_{kMaxCachedIdMappingCount};
  std::vector<StagedId> staged_ids_;      // written by the open transaction
  std::vector<DeferredId> deferred_ids_;  // not written yet (DeferIdMapping)
  // WAL checkpoints off the write path; destroyed before db_.
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;
};

}  // namespace xs::signet
