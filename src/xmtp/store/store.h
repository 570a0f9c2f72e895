// The native XMTP client's local store: one SQLite file per process, shared
// by all the client identities (installations) of the process; every row
// below identities is owned by one installation. Tables: identities,
// key packages, groups with their MLS state and cursor, messages, consent,
// intents (our pending outgoing changes) and the identity-update cache
// (records.h).
//
// Encryption at rest: installation private keys, key-package private parts,
// group states, message content and intent payloads are sealed under the
// store key given to Open (sealer.h), bound to their row. A wrong key fails
// at Open (StoreError::kWrongKey); a value moved between rows fails when read
// (kSealedRowInvalid).
//
// Atomic apply: every write goes through a Transaction. Applying a received
// message or commit is one transaction: the new group state parts, the
// produced messages, the intents' new states and the group cursor commit
// together or not at all:
//
//   XS_TRY(Transaction tx, store.Begin());
//   XS_RETURN_IF_ERROR(tx.SaveGroupRatchets(owner, group_id, group));  // after a message
//   XS_TRY(bool inserted, tx.InsertMessage(message));
//   XS_RETURN_IF_ERROR(tx.SetGroupCursor(owner, group_id, node_id));
//   XS_RETURN_IF_ERROR(tx.Commit());
//
// After a commit (or Welcome, proposal, removal) SaveGroupState writes both
// parts; after an application message SaveGroupRatchets rewrites only the
// ratchet part (mls::GroupState::SerializeRatchetPart), a few hundred bytes
// instead of the whole state.
//
// Durability: WAL. Begin/Write commit with synchronous=FULL: the transaction
// survives kill -9 and power loss. BeginUnsynced/WriteUnsynced commit with
// synchronous=NORMAL: they survive kill -9, a power cut may drop them (the
// next synced commit makes them durable too). An uncommitted transaction
// leaves nothing. secure_delete is on, so
// freed pages of old (sealed) ratchet states are zeroed.
//
// Thread contract: thread-safe. One connection behind a recursive mutex; a
// Transaction holds it from Begin until it is committed or destroyed, so
// other threads wait, while the owning thread may still read through the
// Store (and sees its uncommitted writes). Transactions do not nest; a
// Transaction is used and destroyed on the thread that began it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "crypto/secret.h"
#include "mls/group/group_state.h"
#include "sqlite/checkpointer.h"
#include "sqlite/sqlite.h"
#include "xmtp/store/records.h"
#include "xmtp/store/store_error.h"

namespace xs::xmtp::store {

class Tables;
using ByteView = std::span<const std::uint8_t>;

// The write path. Rolls back when destroyed uncommitted (or after a failed
// Commit); every method after Commit fails.
class Transaction {
 public:
  Transaction(Transaction&&) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // ---- identities and key packages ----
  Status SaveIdentity(const StoredIdentity& identity);  // insert or replace
  Status SetRegistration(ByteView installation_key, RegistrationState state);
  Status SetIdentitySequenceId(ByteView installation_key, std::uint64_t sequence_id);
  Status SetWelcomeCursor(ByteView installation_key, std::uint64_t cursor);  // forward only
  Status SaveKeyPackage(const StoredKeyPackage& package);
  // Stamps consumed_ns with the clock's now; the row stays until deleted.
  Status MarkKeyPackageConsumed(ByteView ref);
  // Deletes the packages consumed before `before_ns` (the grace period's
  // end); returns how many.
  Result<int> DeleteKeyPackagesConsumedBefore(std::int64_t before_ns);
  // Insert-or-ignore by (inbox id, sequence id).
  Status CacheIdentityUpdates(std::string_view inbox_id,
                              std::span<const CachedIdentityUpdate> updates);

  // ---- groups ----
  // Inserts, or updates every field but the cursor (SetGroupCursor).
  Status SaveGroup(const StoredGroup& group);
  Status SetMembership(ByteView owner, ByteView group_id, MembershipState state);
  Status SetLastActivity(ByteView owner, ByteView group_id, std::int64_t ns);
  // Both parts (after a commit, Welcome, proposal or removal).
  Status SaveGroupState(ByteView owner, ByteView group_id, const mls::GroupState& state);
  // The ratchet part only (after an application message); kStaleEpoch when
  // the stored epoch part is of another epoch.
  Status SaveGroupRatchets(ByteView owner, ByteView group_id, const mls::GroupState& state);
  // Forward only (kCursorRegression); equal is accepted.
  Status SetGroupCursor(ByteView owner, ByteView group_id, std::uint64_t cursor);
  // Records that our sender may use generations below reservation.generation
  // in reservation.epoch (replaces the group's earlier reservation).
  Status ReserveSendGenerations(ByteView owner, ByteView group_id,
                                const SendReservation& reservation);

  // ---- messages, consent, intents ----
  // False (and nothing written) when (owner, id) is already stored.
  Result<bool> InsertMessage(const StoredMessage& message);
  // With `sent_ns`, the message's sent time moves too (our own, read back:
  // to the node's time).
  Status SetDelivery(ByteView owner, ByteView message_id, DeliveryState state,
                     std::uint64_t node_id, std::optional<std::int64_t> sent_ns = std::nullopt);
  Status SetConsent(ByteView owner, ConsentEntity kind, std::string_view entity,
                    ConsentState state);
  // Returns the new intent's id (kToPublish).
  Result<std::int64_t> AddIntent(ByteView owner, ByteView group_id, IntentKind kind,
                                 ByteView payload);
  Status SetIntentState(std::int64_t id, IntentState state, ByteView payload_hash = {});
  Status DeleteIntent(std::int64_t id);

  Status Commit();

 private:
  friend class Store;
  Transaction(std::unique_lock<std::recursive_mutex> lock, Tables* tables, sqlite::Transaction tx);
  Result<Tables*> Live();

  // Declared first, destroyed last: the rollback runs under the lock.
  std::unique_lock<std::recursive_mutex> lock_;
  Tables* tables_;
  std::optional<sqlite::Transaction> tx_;  // empty once committed
};

class Store {
 public:
  // Opens or creates the store at `path` (":memory:" for tests), migrating
  // the schema. `key` must be kStoreKeySize bytes. kWrongKey when the file
  // was created under another key; kSchemaTooNew for a newer schema.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const crypto::Secret& key,
                                             const Clock& clock);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Result<Transaction> Begin();
  // A transaction whose commit skips the fsync (synchronous=NORMAL until the
  // next Begin): it survives a crash of the process; a power loss may drop
  // it, never what was committed before it, and the next Begin's commit
  // (synced) makes it durable too. Only for writes the network can give
  // again (read-back of messages), never for state whose bytes are sent
  // before the next synced commit.
  Result<Transaction> BeginUnsynced();
  // Write transactions begun so far (Begin and BeginUnsynced).
  std::uint64_t transactions() const { return transactions_.load(std::memory_order_relaxed); }
  // Begin, body, Commit; rolled back when body fails.
  Status Write(const std::function<Status(Transaction&)>& body);
  // The same on BeginUnsynced, with its rule.
  Status WriteUnsynced(const std::function<Status(Transaction&)>& body);

  // ---- reads; kNotFound for a missing row ----
  Result<StoredIdentity> GetIdentity(ByteView installation_key);
  Result<std::vector<StoredIdentity>> ListIdentities();
  Result<std::uint64_t> WelcomeCursor(ByteView installation_key);  // 0 when never set
  Result<StoredKeyPackage> FindKeyPackageByInitKey(ByteView init_public_key);
  Result<StoredKeyPackage> FindKeyPackageByRef(ByteView ref);
  // Ascending sequence ids greater than `after_sequence_id`.
  Result<std::vector<CachedIdentityUpdate>> IdentityUpdates(std::string_view inbox_id,
                                                            std::uint64_t after_sequence_id = 0);

  Result<StoredGroup> GetGroup(ByteView owner, ByteView group_id);
  // Newest activity first.
  Result<std::vector<StoredGroup>> ListGroups(ByteView owner);
  Result<std::uint64_t> GroupCursor(ByteView owner, ByteView group_id);
  // The group's newest reservation; none when never written.
  Result<std::optional<SendReservation>> GetSendReservation(ByteView owner, ByteView group_id);
  // Both parts, checked to be of one epoch; the restored group's
  // config.clock is the store's clock.
  Result<mls::GroupState> LoadGroupState(ByteView owner, ByteView group_id);

  Result<StoredMessage> GetMessage(ByteView owner, ByteView message_id);
  Result<std::vector<StoredMessage>> ListMessages(ByteView owner, ByteView group_id,
                                                  const MessageQuery& query = {});
  Result<std::uint64_t> CountMessages(ByteView owner, ByteView group_id);

  // kUnknown with updated_ns 0 when never set.
  Result<ConsentRecord> GetConsent(ByteView owner, ConsentEntity kind, std::string_view entity);
  Result<StoredIntent> GetIntent(std::int64_t id);
  // kToPublish and kPublished intents of the group, oldest first.
  Result<std::vector<StoredIntent>> ListPendingIntents(ByteView owner, ByteView group_id);

 private:
  explicit Store(std::unique_ptr<Tables> tables);
  Status Migrate();
  Status CheckKey();

  std::recursive_mutex mu_;
  std::atomic<std::uint64_t> transactions_{0};
  std::unique_ptr<Tables> tables_;
  // WAL checkpoints off the write path (null in memory); destroyed first.
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;
  bool unsynced_ = false;  // synchronous=NORMAL since BeginUnsynced
};

}  // namespace xs::xmtp::store
