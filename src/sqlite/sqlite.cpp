#include "sqlite/sqlite.h"

#include <sqlite3.h>

#include <utility>

namespace xs::sqlite {

Stmt::Stmt(Stmt&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), bind_rc_(std::exchange(other.bind_rc_, 0)) {}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_rc_ = std::exchange(other.bind_rc_, 0);
  }
  return *this;
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::Check(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Stmt& Stmt::Bind(int index, std::int64_t value) {
  return Check(sqlite3_bind_int64(stmt_, index, value));
}

Stmt& Stmt::Bind(int index, std::span<const std::uint8_t> blob) {
  // A zero-length blob must still bind as a blob, not NULL.
  static const std::uint8_t kEmpty = 0;
  const void* p = blob.empty() ? &kEmpty : blob.data();
  return Check(sqlite3_bind_blob64(stmt_, index, p, blob.size(), SQLITE_TRANSIENT));
}

Stmt& Stmt::BindBlob(int index, std::string_view blob) {
  return Bind(index, std::span<const std::uint8_t>(
                         reinterpret_cast<const std::uint8_t*>(blob.data()), blob.size()));
}

Stmt& Stmt::Bind(int index, std::string_view text) {
  return Check(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Stmt& Stmt::BindNull(int index) { return Check(sqlite3_bind_null(stmt_, index)); }

Result<bool> Stmt::Step() {
  if (bind_rc_ != SQLITE_OK) {
    return Error::Internal(std::string("sqlite bind: ") + sqlite3_errstr(bind_rc_));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error::Internal(std::string("sqlite step: ") + sqlite3_errmsg(sqlite3_db_handle(stmt_)));
}

Status Stmt::Run() {
  while (true) {
    XS_TRY(bool row, Step());
    if (!row) return OkStatus();
  }
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

std::int64_t Stmt::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::vector<std::uint8_t> Stmt::Blob(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  if (p == nullptr || n <= 0) return {};
  return std::vector<std::uint8_t>(p, p + n);
}

std::string Stmt::BlobString(int column) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  if (p == nullptr || n <= 0) return {};
  return std::string(p, static_cast<std::size_t>(n));
}

std::string Stmt::Text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  if (p == nullptr || n <= 0) return {};
  return std::string(p, static_cast<std::size_t>(n));
}

bool Stmt::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Result<Db> Db::Open(const std::string& path, Threading threading) {
  sqlite3* raw = nullptr;
  const int mutex =
      threading == Threading::kSerialized ? SQLITE_OPEN_FULLMUTEX : SQLITE_OPEN_NOMUTEX;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | mutex;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);  // closes `raw` on every path, also when the open failed
  if (rc != SQLITE_OK) {
    return Error::Internal("open database " + path + ": " +
                           (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  return db;
}

Db::Db(Db&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      begin_(std::move(other.begin_)),
      commit_(std::move(other.commit_)),
      rollback_(std::move(other.rollback_)) {}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    Close();
    db_ = std::exchange(other.db_, nullptr);
    begin_ = std::move(other.begin_);
    commit_ = std::move(other.commit_);
    rollback_ = std::move(other.rollback_);
  }
  return *this;
}

Db::~Db() { Close(); }

void Db::Close() {
  // Our own statements first; close_v2 defers the close until any statement
  // a caller still holds is finalized.
  begin_ = Stmt();
  commit_ = Stmt();
  rollback_ = Stmt();
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

Status Db::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : ErrorMessage();
    sqlite3_free(err);
    return Error::Internal("sqlite exec: " + msg);
  }
  return OkStatus();
}

Result<Stmt> Db::Prepare(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return Error::Internal("sqlite prepare: " + ErrorMessage());
  }
  return Stmt(stmt);
}

Status Db::SetBusyTimeout(int millis) {
  if (sqlite3_busy_timeout(db_, millis) != SQLITE_OK) {
    return Error::Internal("sqlite busy timeout: " + ErrorMessage());
  }
  return OkStatus();
}

std::int64_t Db::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Db::Changes() const { return sqlite3_changes(db_); }
std::string Db::ErrorMessage() const { return db_ ? sqlite3_errmsg(db_) : "no database"; }

Status Db::RunCached(Stmt& stmt, const char* sql) {
  if (!stmt.valid()) {
    XS_TRY(stmt, Prepare(sql));
  }
  Status s = stmt.Run();
  stmt.Reset();
  return s;
}

Result<Transaction> Transaction::Begin(Db& db) {
  XS_RETURN_IF_ERROR(db.RunCached(db.begin_, "BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  // A failure leaves nothing to undo: SQLite has already rolled back.
  if (db_ != nullptr) (void)db_->RunCached(db_->rollback_, "ROLLBACK");
}

Status Transaction::Commit() {
  XS_RETURN_IF_ERROR(db_->RunCached(db_->commit_, "COMMIT"));
  db_ = nullptr;
  return OkStatus();
}

}  // namespace xs::sqlite
