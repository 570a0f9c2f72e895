// Internal to xs_xmtp_store: the operations on the store's tables over one
// SQLite connection, with cached prepared statements and the sealing of
// secret columns. Store (reads) and Transaction (writes) wrap it; it does no
// locking and opens no transaction of its own.
//
// Thread contract: not thread-safe; Store's mutex serializes every use.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "mls/group/group_state.h"
#include "sqlite/sqlite.h"
#include "sqlite/stmt_cache.h"
#include "xmtp/store/records.h"
#include "xmtp/store/sealer.h"
#include "xmtp/store/store_error.h"

namespace xs::xmtp::store {

using ByteView = std::span<const std::uint8_t>;

using sqlite::StmtLease;

class Tables {
 public:
  Tables(sqlite::Db db, const crypto::Secret& key, const Clock& clock)
      : db_(std::move(db)), sealer_(key), clock_(&clock) {}
  Tables(const Tables&) = delete;  // statements_ points at db_
  Tables& operator=(const Tables&) = delete;

  sqlite::Db& db() { return db_; }
  const Sealer& sealer() const { return sealer_; }
  const Clock& clock() const { return *clock_; }
  // The statement for `sql` (a string constant: cached by address).
  Result<StmtLease> Use(const char* sql);

  // identities (store_identities.cpp)
  Status SaveIdentity(const StoredIdentity& identity);
  Status SetRegistration(ByteView installation_key, RegistrationState state);
  Status SetIdentitySequenceId(ByteView installation_key, std::uint64_t sequence_id);
  Result<StoredIdentity> GetIdentity(ByteView installation_key);
  Result<std::vector<StoredIdentity>> ListIdentities();
  Status SetWelcomeCursor(ByteView installation_key, std::uint64_t cursor);
  Result<std::uint64_t> WelcomeCursor(ByteView installation_key);
  Status SaveKeyPackage(const StoredKeyPackage& package);
  Status MarkKeyPackageConsumed(ByteView ref);
  Result<int> DeleteKeyPackagesConsumedBefore(std::int64_t before_ns);
  Result<StoredKeyPackage> FindKeyPackageByInitKey(ByteView init_public_key);
  Result<StoredKeyPackage> FindKeyPackageByRef(ByteView ref);
  Status CacheIdentityUpdates(std::string_view inbox_id,
                              std::span<const CachedIdentityUpdate> updates);
  Result<std::vector<CachedIdentityUpdate>> IdentityUpdates(std::string_view inbox_id,
                                                            std::uint64_t after_sequence_id);

  // groups and their MLS state (store_groups.cpp)
  Status SaveGroup(const StoredGroup& group);
  Status SetMembership(ByteView owner, ByteView group_id, MembershipState state);
  Status SetLastActivity(ByteView owner, ByteView group_id, std::int64_t ns);
  Result<StoredGroup> GetGroup(ByteView owner, ByteView group_id);
  Result<std::vector<StoredGroup>> ListGroups(ByteView owner);
  Status SetGroupCursor(ByteView owner, ByteView group_id, std::uint64_t cursor);
  Result<std::uint64_t> GroupCursor(ByteView owner, ByteView group_id);
  Status ReserveSendGenerations(ByteView owner, ByteView group_id,
                                const SendReservation& reservation);
  Result<std::optional<SendReservation>> GetSendReservation(ByteView owner, ByteView group_id);
  Status SaveGroupState(ByteView owner, ByteView group_id, const mls::GroupState& state);
  Status SaveGroupRatchets(ByteView owner, ByteView group_id, const mls::GroupState& state);
  Result<mls::GroupState> LoadGroupState(ByteView owner, ByteView group_id);

  // messages (store_messages.cpp)
  Result<bool> InsertMessage(const StoredMessage& message);
  Status SetDelivery(ByteView owner, ByteView message_id, DeliveryState state,
                     std::uint64_t node_id, std::optional<std::int64_t> sent_ns);
  Result<StoredMessage> GetMessage(ByteView owner, ByteView message_id);
  Result<std::vector<StoredMessage>> ListMessages(ByteView owner, ByteView group_id,
                                                  const MessageQuery& query);
  Result<std::uint64_t> CountMessages(ByteView owner, ByteView group_id);

  // consent and intents (store_intents.cpp)
  Status SetConsent(ByteView owner, ConsentEntity kind, std::string_view entity,
                    ConsentState state);
  Result<ConsentRecord> GetConsent(ByteView owner, ConsentEntity kind, std::string_view entity);
  Result<std::int64_t> AddIntent(ByteView owner, ByteView group_id, IntentKind kind,
                                 ByteView payload);
  Status SetIntentState(std::int64_t id, IntentState state, ByteView payload_hash);
  Status DeleteIntent(std::int64_t id);
  Result<StoredIntent> GetIntent(std::int64_t id);
  Result<std::vector<StoredIntent>> ListPendingIntents(ByteView owner, ByteView group_id);

 private:
  sqlite::Db db_;
  Sealer sealer_;
  const Clock* clock_;
  sqlite::StmtCache statements_{db_};  // destroyed before db_
};

// The statement of a ListMessages page (for the query-plan test).
const char* MessagePageSql(Order order);
// The statement of a ListMessages page with a MessageQuery::after or before.
const char* MessageKeysetPageSql(Order order);

// Helpers shared by the store_*.cpp files.
inline std::int64_t Int(std::uint64_t v) { return static_cast<std::int64_t>(v); }
template <typename E>
std::int64_t EnumInt(E e) {
  return static_cast<std::int64_t>(e);
}
// A stored enum column, checked against its largest value.
template <typename E>
Result<E> EnumOf(std::int64_t v, E max, std::string_view column) {
  if (v < 0 || v > static_cast<std::int64_t>(max)) {
    return MakeStoreError(StoreError::kRowCorrupt, column);
  }
  return static_cast<E>(v);
}
// Fails with kNotFound / kInvalidArgument when an UPDATE/DELETE changed no row.
Status ExpectChanged(sqlite::Db& db, std::string_view what);
Bytes ToBytes(const crypto::Secret& secret);

}  // namespace xs::xmtp::store
