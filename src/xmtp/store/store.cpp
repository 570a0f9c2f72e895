#include "xmtp/store/store.h"

#include <string>
#include <utility>

#include "crypto/hash.h"
#include "xmtp/store/schema.h"
#include "xmtp/store/sealer.h"
#include "xmtp/store/store_tables.h"

namespace xs::xmtp::store {
namespace {

constexpr char kKeyCheckName[] = "key_check";

}  // namespace

// ---- helpers shared by the store_*.cpp files ----

Result<StmtLease> Tables::Use(const char* sql) { return statements_.Use(sql); }

Status ExpectChanged(sqlite::Db& db, std::string_view what) {
  if (db.Changes() == 0) return MakeStoreError(StoreError::kNotFound, what);
  return OkStatus();
}

Bytes ToBytes(const crypto::Secret& secret) {
  return Bytes(secret.bytes().begin(), secret.bytes().end());
}

// ---- Store ----

Store::Store(std::unique_ptr<Tables> tables) : tables_(std::move(tables)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const crypto::Secret& key,
                                           const Clock& clock) {
  if (key.size() != kStoreKeySize) {
    return MakeStoreError(StoreError::kInvalidArgument, "store key must be 32 bytes");
  }
  XS_TRY(sqlite::Db db, sqlite::Db::Open(path));
  XS_RETURN_IF_ERROR(db.SetBusyTimeout(5000));
  // A commit writes each page it touched to the WAL whole, and again to the
  // database at the checkpoint; a received message touches about five (its
  // row and two index entries, the ratchet row, the group's row), all with
  // rows far smaller than a page. 1 KiB pages write a quarter of SQLite's
  // default 4 KiB. Only a new file takes it: an existing store keeps the
  // page size it was created with (WAL mode fixes it).
  XS_RETURN_IF_ERROR(db.Exec("PRAGMA page_size=1024;"));
  XS_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=WAL;"));
  XS_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous=FULL;"));
  XS_RETURN_IF_ERROR(db.Exec("PRAGMA secure_delete=ON;"));
  std::unique_ptr<Store> store(new Store(std::make_unique<Tables>(std::move(db), key, clock)));
  XS_RETURN_IF_ERROR(store->Migrate());
  XS_RETURN_IF_ERROR(store->CheckKey());
  if (path != ":memory:") {
    XS_TRY(store->checkpointer_, sqlite::Checkpointer::Start(store->tables_->db(), path));
  }
  return store;
}

Status Store::Migrate() {
  sqlite::Db& db = tables_->db();
  XS_TRY(sqlite::Transaction tx, sqlite::Transaction::Begin(db));
  std::int64_t version = 0;
  {
    XS_TRY(sqlite::Stmt st, db.Prepare("PRAGMA user_version;"));
    XS_TRY(bool row, st.Step());
    if (row) version = st.Int(0);
  }
  if (version > static_cast<std::int64_t>(kMigrations.size())) {
    return MakeStoreError(StoreError::kSchemaTooNew, "schema version " + std::to_string(version) +
                                                         " is newer than " +
                                                         std::to_string(kMigrations.size()));
  }
  for (auto v = static_cast<std::size_t>(version); v < kMigrations.size(); ++v) {
    XS_RETURN_IF_ERROR(db.Exec(kMigrations[v]));
    XS_RETURN_IF_ERROR(db.Exec(("PRAGMA user_version=" + std::to_string(v + 1) + ";").c_str()));
  }
  return tx.Commit();
}

// The first Open stores the key check value; later ones compare with it.
Status Store::CheckKey() {
  const Bytes expected = tables_->sealer().KeyCheck();
  XS_TRY(sqlite::Transaction tx, sqlite::Transaction::Begin(tables_->db()));
  {
    XS_TRY(StmtLease st, tables_->Use("SELECT value FROM meta WHERE name = ?;"));
    st->Bind(1, std::string_view(kKeyCheckName));
    XS_TRY(bool row, st->Step());
    if (row) {
      if (!crypto::ConstantTimeEquals(st->Blob(0), expected)) {
        return MakeStoreError(StoreError::kWrongKey, "the store key does not match this store");
      }
      return OkStatus();  // nothing written: the guard rolls back
    }
  }
  XS_TRY(StmtLease insert, tables_->Use("INSERT INTO meta (name, value) VALUES (?, ?);"));
  XS_RETURN_IF_ERROR(insert->Bind(1, std::string_view(kKeyCheckName)).Bind(2, expected).Run());
  return tx.Commit();
}

Result<Transaction> Store::Begin() {
  std::unique_lock<std::recursive_mutex> lock(mu_);
  transactions_.fetch_add(1, std::memory_order_relaxed);
  if (unsynced_) {
    XS_RETURN_IF_ERROR(tables_->db().Exec("PRAGMA synchronous=FULL;"));
    unsynced_ = false;
  }
  XS_TRY(sqlite::Transaction tx, sqlite::Transaction::Begin(tables_->db()));
  return Transaction(std::move(lock), tables_.get(), std::move(tx));
}

Result<Transaction> Store::BeginUnsynced() {
  std::unique_lock<std::recursive_mutex> lock(mu_);
  transactions_.fetch_add(1, std::memory_order_relaxed);
  if (!unsynced_) {
    XS_RETURN_IF_ERROR(tables_->db().Exec("PRAGMA synchronous=NORMAL;"));
    unsynced_ = true;
  }
  XS_TRY(sqlite::Transaction tx, sqlite::Transaction::Begin(tables_->db()));
  return Transaction(std::move(lock), tables_.get(), std::move(tx));
}

Status Store::Write(const std::function<Status(Transaction&)>& body) {
  XS_TRY(Transaction tx, Begin());
  XS_RETURN_IF_ERROR(body(tx));
  return tx.Commit();
}

Status Store::WriteUnsynced(const std::function<Status(Transaction&)>& body) {
  XS_TRY(Transaction tx, BeginUnsynced());
  XS_RETURN_IF_ERROR(body(tx));
  return tx.Commit();
}

#define XS_STORE_READ(call)                        \
  std::lock_guard<std::recursive_mutex> lock(mu_); \
  return tables_->call

Result<StoredIdentity> Store::GetIdentity(ByteView installation_key) {
  XS_STORE_READ(GetIdentity(installation_key));
}
Result<std::vector<StoredIdentity>> Store::ListIdentities() { XS_STORE_READ(ListIdentities()); }
Result<std::uint64_t> Store::WelcomeCursor(ByteView installation_key) {
  XS_STORE_READ(WelcomeCursor(installation_key));
}
Result<StoredKeyPackage> Store::FindKeyPackageByInitKey(ByteView init_public_key) {
  XS_STORE_READ(FindKeyPackageByInitKey(init_public_key));
}
Result<StoredKeyPackage> Store::FindKeyPackageByRef(ByteView ref) {
  XS_STORE_READ(FindKeyPackageByRef(ref));
}
Result<std::vector<CachedIdentityUpdate>> Store::IdentityUpdates(std::string_view inbox_id,
                                                                 std::uint64_t after) {
  XS_STORE_READ(IdentityUpdates(inbox_id, after));
}
Result<StoredGroup> Store::GetGroup(ByteView owner, ByteView group_id) {
  XS_STORE_READ(GetGroup(owner, group_id));
}
Result<std::vector<StoredGroup>> Store::ListGroups(ByteView owner) {
  XS_STORE_READ(ListGroups(owner));
}
Result<std::uint64_t> Store::GroupCursor(ByteView owner, ByteView group_id) {
  XS_STORE_READ(GroupCursor(owner, group_id));
}
Result<std::optional<SendReservation>> Store::GetSendReservation(ByteView owner,
                                                                 ByteView group_id) {
  XS_STORE_READ(GetSendReservation(owner, group_id));
}
Result<mls::GroupState> Store::LoadGroupState(ByteView owner, ByteView group_id) {
  XS_STORE_READ(LoadGroupState(owner, group_id));
}
Result<StoredMessage> Store::GetMessage(ByteView owner, ByteView message_id) {
  XS_STORE_READ(GetMessage(owner, message_id));
}
Result<std::vector<StoredMessage>> Store::ListMessages(ByteView owner, ByteView group_id,
                                                       const MessageQuery& query) {
  XS_STORE_READ(ListMessages(owner, group_id, query));
}
Result<std::uint64_t> Store::CountMessages(ByteView owner, ByteView group_id) {
  XS_STORE_READ(CountMessages(owner, group_id));
}
Result<ConsentRecord> Store::GetConsent(ByteView owner, ConsentEntity kind,
                                        std::string_view entity) {
  XS_STORE_READ(GetConsent(owner, kind, entity));
}
Result<StoredIntent> Store::GetIntent(std::int64_t id) { XS_STORE_READ(GetIntent(id)); }
Result<std::vector<StoredIntent>> Store::ListPendingIntents(ByteView owner, ByteView group_id) {
  XS_STORE_READ(ListPendingIntents(owner, group_id));
}

#undef XS_STORE_READ

// ---- Transaction ----

Transaction::Transaction(std::unique_lock<std::recursive_mutex> lock, Tables* tables,
                         sqlite::Transaction tx)
    : lock_(std::move(lock)), tables_(tables) {
  tx_.emplace(std::move(tx));
}

Transaction::Transaction(Transaction&& other) noexcept
    : lock_(std::move(other.lock_)), tables_(other.tables_), tx_(std::move(other.tx_)) {
  other.tx_.reset();
}

Transaction::~Transaction() { tx_.reset(); }  // rollback before the lock goes

Result<Tables*> Transaction::Live() {
  if (!tx_) return Error::Internal("xmtp store: transaction already committed");
  return tables_;
}

Status Transaction::Commit() {
  if (!tx_) return Error::Internal("xmtp store: transaction already committed");
  Status status = tx_->Commit();
  tx_.reset();  // rolled back if the commit failed
  if (lock_.owns_lock()) lock_.unlock();
  return status;
}

#define XS_STORE_WRITE(call) \
  XS_TRY(Tables* t, Live()); \
  return t->call

Status Transaction::SaveIdentity(const StoredIdentity& identity) {
  XS_STORE_WRITE(SaveIdentity(identity));
}
Status Transaction::SetRegistration(ByteView installation_key, RegistrationState state) {
  XS_STORE_WRITE(SetRegistration(installation_key, state));
}
Status Transaction::SetIdentitySequenceId(ByteView installation_key, std::uint64_t sequence_id) {
  XS_STORE_WRITE(SetIdentitySequenceId(installation_key, sequence_id));
}
Status Transaction::SetWelcomeCursor(ByteView installation_key, std::uint64_t cursor) {
  XS_STORE_WRITE(SetWelcomeCursor(installation_key, cursor));
}
Status Transaction::SaveKeyPackage(const StoredKeyPackage& package) {
  XS_STORE_WRITE(SaveKeyPackage(package));
}
Status Transaction::MarkKeyPackageConsumed(ByteView ref) {
  XS_STORE_WRITE(MarkKeyPackageConsumed(ref));
}
Result<int> Transaction::DeleteKeyPackagesConsumedBefore(std::int64_t before_ns) {
  XS_STORE_WRITE(DeleteKeyPackagesConsumedBefore(before_ns));
}
Status Transaction::CacheIdentityUpdates(std::string_view inbox_id,
                                         std::span<const CachedIdentityUpdate> updates) {
  XS_STORE_WRITE(CacheIdentityUpdates(inbox_id, updates));
}
Status Transaction::SaveGroup(const StoredGroup& group) { XS_STORE_WRITE(SaveGroup(group)); }
Status Transaction::SetMembership(ByteView owner, ByteView group_id, MembershipState state) {
  XS_STORE_WRITE(SetMembership(owner, group_id, state));
}
Status Transaction::SetLastActivity(ByteView owner, ByteView group_id, std::int64_t ns) {
  XS_STORE_WRITE(SetLastActivity(owner, group_id, ns));
}
Status Transaction::SaveGroupState(ByteView owner, ByteView group_id,
                                   const mls::GroupState& state) {
  XS_STORE_WRITE(SaveGroupState(owner, group_id, state));
}
Status Transaction::SaveGroupRatchets(ByteView owner, ByteView group_id,
                                      const mls::GroupState& state) {
  XS_STORE_WRITE(SaveGroupRatchets(owner, group_id, state));
}
Status Transaction::SetGroupCursor(ByteView owner, ByteView group_id, std::uint64_t cursor) {
  XS_STORE_WRITE(SetGroupCursor(owner, group_id, cursor));
}
Status Transaction::ReserveSendGenerations(ByteView owner, ByteView group_id,
                                           const SendReservation& reservation) {
  XS_STORE_WRITE(ReserveSendGenerations(owner, group_id, reservation));
}
Result<bool> Transaction::InsertMessage(const StoredMessage& message) {
  XS_STORE_WRITE(InsertMessage(message));
}
Status Transaction::SetDelivery(ByteView owner, ByteView message_id, DeliveryState state,
                                std::uint64_t node_id, std::optional<std::int64_t> sent_ns) {
  XS_STORE_WRITE(SetDelivery(owner, message_id, state, node_id, sent_ns));
}
Status Transaction::SetConsent(ByteView owner, ConsentEntity kind, std::string_view entity,
                               ConsentState state) {
  XS_STORE_WRITE(SetConsent(owner, kind, entity, state));
}
Result<std::int64_t> Transaction::AddIntent(ByteView owner, ByteView group_id, IntentKind kind,
                                            ByteView payload) {
  XS_STORE_WRITE(AddIntent(owner, group_id, kind, payload));
}
Status Transaction::SetIntentState(std::int64_t id, IntentState state, ByteView payload_hash) {
  XS_STORE_WRITE(SetIntentState(id, state, payload_hash));
}
Status Transaction::DeleteIntent(std::int64_t id) { XS_STORE_WRITE(DeleteIntent(id)); }

#undef XS_STORE_WRITE

}  // namespace xs::xmtp::store
