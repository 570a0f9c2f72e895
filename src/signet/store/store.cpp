#include "signet/store/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

Store::Store(sqlite::Db db, std::string path, crypto::Secret key)
    : db_(std::move(db)), path_(std::move(path)), data_key_(std::move(key)) {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, crypto::Secret data_key) {
  if (data_key.size() != kDataKeyBytes) return Error::Internal("store data key has wrong size");
  // Create the file ourselves so it is 0600 from the first byte; SQLite gives
  // the -wal and -shm files the same mode.
  int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, kFileMode);
  if (fd < 0) return Error::Internal("cannot create store file");
  ::fchmod(fd, kFileMode);
  ::close(fd);
  XS_TRY(sqlite::Db db, sqlite::Db::Open(path, sqlite::Threading::kSerialized));
  std::unique_ptr<Store> store(new Store(std::move(db), path, std::move(data_key)));
  XS_RETURN_IF_ERROR(store->db_.Exec("PRAGMA journal_mode=WAL;"));
  XS_RETURN_IF_ERROR(store->db_.Exec("PRAGMA synchronous=FULL;"));
  XS_RETURN_IF_ERROR(store->db_.Exec("PRAGMA foreign_keys=ON;"));
  XS_RETURN_IF_ERROR(store->db_.SetBusyTimeout(kBusyTimeoutMillis));
  XS_RETURN_IF_ERROR(store->Migrate());
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

Status Store::Transaction(const std::function<Status()>& fn) {
  if (tx_depth_ > 0) {
    ++tx_depth_;
    Status s = fn();
    --tx_depth_;
    return s;
  }
  XS_TRY(sqlite::Transaction tx, sqlite::Transaction::Begin(db_));
  ++tx_depth_;
  Status s = fn();
  --tx_depth_;
  XS_RETURN_IF_ERROR(s);  // tx rolls back
  return tx.Commit();
}

Status Store::Put(std::string_view kind, std::string_view id, const Json& body,
                  const crypto::Secret* secret) {
  XS_TRY(sqlite::Stmt st, db_.Prepare("INSERT OR REPLACE INTO records(kind,id,body,secret,"
                                      "updated_at) VALUES(?,?,?,?,unixepoch());"));
  const std::string text = SafeDump(body);
  st.Bind(1, kind).Bind(2, id).Bind(3, std::string_view(text));
  std::vector<std::uint8_t> sealed;
  if (secret != nullptr) {
    sealed = AeadSeal(data_key_, secret->bytes(), AdFor(kind, id));
    st.Bind(4, std::span<const std::uint8_t>(sealed));
  } else {
    st.BindNull(4);
  }
  return st.Run();
}

Status Store::UpdateBody(std::string_view kind, std::string_view id, const Json& body) {
  XS_TRY(sqlite::Stmt st, db_.Prepare("UPDATE records SET body=?, updated_at=unixepoch() "
                                      "WHERE kind=? AND id=?;"));
  const std::string text = SafeDump(body);
  st.Bind(1, std::string_view(text)).Bind(2, kind).Bind(3, id);
  XS_RETURN_IF_ERROR(st.Run());
  if (db_.Changes() == 0) return Put(kind, id, body);
  return OkStatus();
}

Result<std::optional<StoredRow>> Store::Get(std::string_view kind, std::string_view id) {
  XS_TRY(sqlite::Stmt st,
         db_.Prepare("SELECT kind,id,body,secret FROM records WHERE kind=? AND id=?;"));
  st.Bind(1, kind).Bind(2, id);
  XS_TRY(bool row, st.Step());
  if (!row) return std::optional<StoredRow>();
  return std::optional<StoredRow>(ReadRow(st));
}

Result<std::vector<StoredRow>> Store::List(std::string_view kind) {
  XS_TRY(sqlite::Stmt st,
         db_.Prepare("SELECT kind,id,body,secret FROM records WHERE kind=? ORDER BY id;"));
  st.Bind(1, kind);
  std::vector<StoredRow> rows;
  while (true) {
    XS_TRY(bool row, st.Step());
    if (!row) return rows;
    rows.push_back(ReadRow(st));
  }
}

Status Store::Delete(std::string_view kind, std::string_view id) {
  XS_TRY(sqlite::Stmt st, db_.Prepare("DELETE FROM records WHERE kind=? AND id=?;"));
  return st.Bind(1, kind).Bind(2, id).Run();
}

Result<crypto::Secret> Store::OpenSecret(const StoredRow& row) const {
  if (row.sealed_secret.empty()) return Error::NotFound("record has no secret");
  return AeadOpen(data_key_, row.sealed_secret, AdFor(row.kind, row.id));
}

}  // namespace xs::signet
