#include "signet/store/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signet/keys/aead.h"
#include "signet/store/migrations.h"

namespace xs::signet {

namespace {

constexpr mode_t kFileMode = 0600;

struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() { sqlite3_finalize(s); }
};

std::string AdFor(std::string_view kind, std::string_view id) {
  return std::string(kind) + "/" + std::string(id);
}

void BindText(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

StoredRow ReadRow(sqlite3_stmt* s) {
  StoredRow row;
  row.kind = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  row.id = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
  row.body = Json::parse(reinterpret_cast<const char*>(sqlite3_column_text(s, 2)), nullptr,
                         /*allow_exceptions=*/false);
  const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, 3));
  int n = sqlite3_column_bytes(s, 3);
  if (blob != nullptr && n > 0) row.sealed_secret.assign(blob, blob + n);
  return row;
}

}  // namespace

Store::Store(sqlite3* db, std::string path, crypto::Secret key)
    : db_(db), path_(std::move(path)), data_key_(std::move(key)) {}

Store::~Store() { sqlite3_close(db_); }

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, crypto::Secret data_key) {
  if (data_key.size() != kDataKeyBytes) return Error::Internal("store data key has wrong size");
  // Create the file ourselves so it is 0600 from the first byte; SQLite gives
  // the -wal and -shm files the same mode.
  int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, kFileMode);
  if (fd < 0) return Error::Internal("cannot create store file");
  ::fchmod(fd, kFileMode);
  ::close(fd);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(db);
    return Error::Internal("cannot open store database");
  }
  std::unique_ptr<Store> store(new Store(db, path, std::move(data_key)));
  XS_RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL;"));
  XS_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=FULL;"));
  XS_RETURN_IF_ERROR(store->Exec("PRAGMA foreign_keys=ON;"));
  sqlite3_busy_timeout(db, 5000);
  XS_RETURN_IF_ERROR(store->Migrate());
  return store;
}

Status Store::SqlError(std::string_view what) const {
  return Error::Internal(std::string("store: ") + std::string(what) + ": " + sqlite3_errmsg(db_));
}

Status Store::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    return Error::Internal("store: " + msg);
  }
  return OkStatus();
}

Status Store::Migrate() {
  Stmt st;
  sqlite3_prepare_v2(db_, "PRAGMA user_version;", -1, &st.s, nullptr);
  if (sqlite3_step(st.s) == SQLITE_ROW) version_ = sqlite3_column_int(st.s, 0);
  if (version_ > static_cast<int>(kMigrations.size())) {
    return Error::Internal("store schema is newer than this build");
  }
  while (version_ < static_cast<int>(kMigrations.size())) {
    int next = version_ + 1;
    Status migrated = Transaction([&]() -> Status {
      XS_RETURN_IF_ERROR(Exec(kMigrations[static_cast<std::size_t>(version_)]));
      return Exec(("PRAGMA user_version=" + std::to_string(next) + ";").c_str());
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
  XS_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE;"));
  ++tx_depth_;
  Status s = fn();
  --tx_depth_;
  if (!s.ok()) {
    (void)Exec("ROLLBACK;");
    return s;
  }
  Status c = Exec("COMMIT;");
  if (!c.ok()) (void)Exec("ROLLBACK;");
  return c;
}

Status Store::Put(std::string_view kind, std::string_view id, const Json& body,
                  const crypto::Secret* secret) {
  Stmt st;
  if (sqlite3_prepare_v2(db_,
                         "INSERT OR REPLACE INTO records(kind,id,body,secret,updated_at) "
                         "VALUES(?,?,?,?,unixepoch());",
                         -1, &st.s, nullptr) != SQLITE_OK) {
    return SqlError("prepare put");
  }
  std::string text = SafeDump(body);
  BindText(st.s, 1, kind);
  BindText(st.s, 2, id);
  BindText(st.s, 3, text);
  std::vector<std::uint8_t> sealed;
  if (secret != nullptr) {
    sealed = AeadSeal(data_key_, secret->bytes(), AdFor(kind, id));
    sqlite3_bind_blob(st.s, 4, sealed.data(), static_cast<int>(sealed.size()), SQLITE_TRANSIENT);
  } else {
    sqlite3_bind_null(st.s, 4);
  }
  if (sqlite3_step(st.s) != SQLITE_DONE) return SqlError("put");
  return OkStatus();
}

Status Store::UpdateBody(std::string_view kind, std::string_view id, const Json& body) {
  Stmt st;
  if (sqlite3_prepare_v2(db_,
                         "UPDATE records SET body=?, updated_at=unixepoch() "
                         "WHERE kind=? AND id=?;",
                         -1, &st.s, nullptr) != SQLITE_OK) {
    return SqlError("prepare update");
  }
  std::string text = SafeDump(body);
  BindText(st.s, 1, text);
  BindText(st.s, 2, kind);
  BindText(st.s, 3, id);
  if (sqlite3_step(st.s) != SQLITE_DONE) return SqlError("update");
  if (sqlite3_changes(db_) == 0) return Put(kind, id, body);
  return OkStatus();
}

Result<std::optional<StoredRow>> Store::Get(std::string_view kind, std::string_view id) {
  Stmt st;
  if (sqlite3_prepare_v2(db_, "SELECT kind,id,body,secret FROM records WHERE kind=? AND id=?;", -1,
                         &st.s, nullptr) != SQLITE_OK) {
    return SqlError("prepare get").error();
  }
  BindText(st.s, 1, kind);
  BindText(st.s, 2, id);
  int rc = sqlite3_step(st.s);
  if (rc == SQLITE_DONE) return std::optional<StoredRow>();
  if (rc != SQLITE_ROW) return SqlError("get").error();
  return std::optional<StoredRow>(ReadRow(st.s));
}

Result<std::vector<StoredRow>> Store::List(std::string_view kind) {
  Stmt st;
  if (sqlite3_prepare_v2(db_, "SELECT kind,id,body,secret FROM records WHERE kind=? ORDER BY id;",
                         -1, &st.s, nullptr) != SQLITE_OK) {
    return SqlError("prepare list").error();
  }
  BindText(st.s, 1, kind);
  std::vector<StoredRow> rows;
  int rc;
  while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) rows.push_back(ReadRow(st.s));
  if (rc != SQLITE_DONE) return SqlError("list").error();
  return rows;
}

Status Store::Delete(std::string_view kind, std::string_view id) {
  Stmt st;
  if (sqlite3_prepare_v2(db_, "DELETE FROM records WHERE kind=? AND id=?;", -1, &st.s, nullptr) !=
      SQLITE_OK) {
    return SqlError("prepare delete");
  }
  BindText(st.s, 1, kind);
  BindText(st.s, 2, id);
  if (sqlite3_step(st.s) != SQLITE_DONE) return SqlError("delete");
  return OkStatus();
}

Result<crypto::Secret> Store::OpenSecret(const StoredRow& row) const {
  if (row.sealed_secret.empty()) return Error::NotFound("record has no secret");
  return AeadOpen(data_key_, row.sealed_secret, AdFor(row.kind, row.id));
}

}  // namespace xs::signet
