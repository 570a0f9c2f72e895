#include "signet/store/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "crypto/hash.h"
#include "signet/keys/aead.h"
#include "signet/store/migrations.h"

namespace xs::signet {

namespace {

constexpr mode_t kFileMode = 0600;
// How long a write waits for another connection (an `xs` CLI process) to
// release the database lock.
constexpr int kBusyTimeoutMillis = 5000;

std::string AdFor(std::string_view kind, std::string_view id) {
  return std::string(kind) + "/" + std::string(id);
}

StoredRow ReadRow(const sqlite::Stmt& s) {
  StoredRow row;
  row.kind = s.Text(0);
  row.id = s.Text(1);
  row.body = Json::parse(s.Text(2), nullptr, /*allow_exceptions=*/false);
  row.sealed_secret = s.Blob(3);
  return row;
}

Result<int> ReadUserVersion(sqlite::Db& db) {
  XS_TRY(sqlite::Stmt st, db.Prepare("PRAGMA user_version;"));
  XS_TRY(bool row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

}  // namespace

// The label of the keyed-tag key derived from the data key (KeyedTag).
constexpr std::string_view kTagKeyLabel = "xs-signet store keyed tag v1";

Store::Store(sqlite::Db db, std::string path, crypto::Secret key)
    : db_(std::move(db)), path_(std::move(path)), data_key_(std::move(key)) {
  crypto::Digest256 tag_key = crypto::HmacSha256(
      data_key_.bytes(),
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(kTagKeyLabel.data()),
                                    kTagKeyLabel.size()));
  tag_key_ = crypto::Secret::Copy(tag_key);
  crypto::Wipe(tag_key);
}

Store::~Store() {
  // Best effort: a mapping not written is derived again when needed.
  (void)FlushIdMappings();
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, crypto::Secret data_key) {
  if (data_key.size() != kDataKeyBytes) return Error::Internal("store data key has wrong size");
  // Create the file ourselves so it is 0600 from the first byte; SQLite gives
  // the -wal and -shm files the same mode.
  {
    UniqueFd fd(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, kFileMode));
    if (!fd) return Error::Internal("cannot create store file");
    ::fchmod(fd.get(), kFileMode);
  }
  XS_TRY(sqlite::Db db, sqlite::Db::Open(path, sqlite::Threading::kSerialized));
  std::unique_ptr<Store> store(new Store(std::move(db), path, std::move(data_key)));
  XS_RETURN_IF_ERROR(store->db_.Exec("PRAGMA journal_mode=WAL;"));
  XS_RETURN_IF_ERROR(store->db_.Exec("PRAGMA synchronous=FULL;"));
  XS_RETURN_IF_ERROR(store->db_.Exec("PRAGMA foreign_keys=ON;"));
  XS_RETURN_IF_ERROR(store->db_.SetBusyTimeout(kBusyTimeoutMillis));
  XS_RETURN_IF_ERROR(store->Migrate());
  XS_TRY(store->checkpointer_, sqlite::Checkpointer::Start(store->db_, path));
  return store;
}

Status Store::Migrate() {
  XS_TRY(version_, ReadUserVersion(db_));
  if (version_ > static_cast<int>(kMigrations.size())) {
    return Error::Internal("store schema is newer than this build");
  }
  while (version_ < static_cast<int>(kMigrations.size())) {
    int next = version_ + 1;
    Status migrated = Transaction([&]() -> Status {
      XS_RETURN_IF_ERROR(db_.Exec(kMigrations[static_cast<std::size_t>(version_)]));
      return db_.Exec(("PRAGMA user_version=" + std::to_string(next) + ";").c_str());
    });
    XS_RETURN_IF_ERROR(migrated);
    version_ = next;
  }
  return OkStatus();
}

Status Store::PrepareWrite(Durability durability) {
  if (tx_depth_ > 0) {
    if (durability == Durability::kSynced && tx_durability_ == Durability::kUnsynced) {
      return Error::Internal("a synced write inside an unsynced store transaction");
    }
    return OkStatus();
  }
  if (synchronous_ == durability) return OkStatus();
  // PRAGMA synchronous acts when it is compiled, so it is not a cached
  // statement; it changes only between message mappings and other writes.
  XS_RETURN_IF_ERROR(db_.Exec(durability == Durability::kSynced ? "PRAGMA synchronous=FULL;"
                                                                : "PRAGMA synchronous=NORMAL;"));
  synchronous_ = durability;
  return OkStatus();
}

Status Store::RunTransaction(const std::function<Status()>& fn, Durability durability) {
  if (tx_depth_ > 0) {
    ++tx_depth_;
    Status s = fn();
    --tx_depth_;
    return s;
  }
  XS_RETURN_IF_ERROR(PrepareWrite(durability));
  XS_TRY(sqlite::Transaction tx, sqlite::Transaction::Begin(db_));
  tx_durability_ = durability;
  ++tx_depth_;
  Status s = fn();
  --tx_depth_;
  if (s.ok()) s = tx.Commit();
  if (s.ok()) {
    for (const StagedId& row : staged_ids_)
      ids_.Put(row.resource_type, row.network_id, row.local_id);
  }
  staged_ids_.clear();  // rolled back: what the transaction wrote is gone
  return s;
}

Status Store::Put(std::string_view kind, std::string_view id, const Json& body,
                  const crypto::Secret* secret) {
  XS_RETURN_IF_ERROR(PrepareWrite(Durability::kSynced));
  XS_TRY(sqlite::StmtLease st, statements_.Use("INSERT OR REPLACE INTO records(kind,id,body,"
                                               "secret,updated_at) VALUES(?,?,?,?,unixepoch());"));
  const std::string text = SafeDump(body);
  st->Bind(1, kind).Bind(2, id).Bind(3, std::string_view(text));
  std::vector<std::uint8_t> sealed;
  if (secret != nullptr) {
    sealed = AeadSeal(data_key_, secret->bytes(), AdFor(kind, id));
    st->Bind(4, std::span<const std::uint8_t>(sealed));
  } else {
    st->BindNull(4);
  }
  return st->Run();
}

Status Store::UpdateBody(std::string_view kind, std::string_view id, const Json& body) {
  XS_RETURN_IF_ERROR(PrepareWrite(Durability::kSynced));
  {
    XS_TRY(sqlite::StmtLease st, statements_.Use("UPDATE records SET body=?, "
                                                 "updated_at=unixepoch() WHERE kind=? AND id=?;"));
    const std::string text = SafeDump(body);
    st->Bind(1, std::string_view(text)).Bind(2, kind).Bind(3, id);
    XS_RETURN_IF_ERROR(st->Run());
  }
  if (db_.Changes() == 0) return Put(kind, id, body);
  return OkStatus();
}

Result<std::optional<StoredRow>> Store::Get(std::string_view kind, std::string_view id) {
  XS_TRY(sqlite::StmtLease st,
         statements_.Use("SELECT kind,id,body,secret FROM records WHERE kind=? AND id=?;"));
  st->Bind(1, kind).Bind(2, id);
  XS_TRY(bool row, st->Step());
  if (!row) return std::optional<StoredRow>();
  return std::optional<StoredRow>(ReadRow(*st));
}

Result<std::vector<StoredRow>> Store::List(std::string_view kind) {
  XS_TRY(sqlite::StmtLease st,
         statements_.Use("SELECT kind,id,body,secret FROM records WHERE kind=? ORDER BY id;"));
  st->Bind(1, kind);
  std::vector<StoredRow> rows;
  while (true) {
    XS_TRY(bool row, st->Step());
    if (!row) return rows;
    rows.push_back(ReadRow(*st));
  }
}

Status Store::Delete(std::string_view kind, std::string_view id) {
  XS_RETURN_IF_ERROR(PrepareWrite(Durability::kSynced));
  XS_TRY(sqlite::StmtLease st, statements_.Use("DELETE FROM records WHERE kind=? AND id=?;"));
  return st->Bind(1, kind).Bind(2, id).Run();
}

Result<crypto::Secret> Store::OpenSecret(const StoredRow& row) const {
  if (row.sealed_secret.empty()) return Error::NotFound("record has no secret");
  return AeadOpen(data_key_, row.sealed_secret, AdFor(row.kind, row.id));
}

}  // namespace xs::signet
