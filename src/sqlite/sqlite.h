// xs::sqlite: the one thin RAII layer over the SQLite C API; no other library
// calls sqlite3_* itself. A connection (Db), prepared statements (Stmt) with
// typed binds and column reads, and a transaction guard (Transaction).
//
// Every failure becomes xs::Error::Internal carrying SQLite's message. A
// failed bind (bad index, out of memory) is remembered by the statement and
// reported by the next Step/Run, so binds can be chained.
//
// Lifetimes: a Stmt and a Transaction borrow their Db; both must be destroyed
// (or the Stmt moved-from) before the Db is destroyed or moved.
//
// Thread contract: a Db and its Stmts are used by one thread at a time; the
// owner serializes access. Threading::kSerialized additionally makes SQLite
// lock the connection around every call (SQLITE_OPEN_FULLMUTEX).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace xs::sqlite {

class Stmt {
 public:
  Stmt() = default;
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // False for a default-constructed or moved-from statement.
  bool valid() const { return stmt_ != nullptr; }

  // Binds are 1-based like SQLite's; the bound data is copied.
  Stmt& Bind(int index, std::int64_t value);
  Stmt& Bind(int index, std::span<const std::uint8_t> blob);
  Stmt& Bind(int index, std::string_view text);
  // A blob held in a std::string (protobuf `bytes` fields).
  Stmt& BindBlob(int index, std::string_view blob);
  Stmt& BindNull(int index);

  // Steps once: true when a row is available, false when done.
  Result<bool> Step();
  // Steps to completion (for statements without rows).
  Status Run();
  // Resets for re-use and clears the bindings (and a pending bind error).
  void Reset();

  // Column reads of the current row, 0-based. NULL reads as 0 / empty.
  std::int64_t Int(int column) const;
  std::vector<std::uint8_t> Blob(int column) const;
  std::string BlobString(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

 private:
  friend class Db;
  explicit Stmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Stmt& Check(int rc);

  sqlite3_stmt* stmt_ = nullptr;
  int bind_rc_ = 0;  // first failed bind's result code since the last Reset
};

enum class Threading {
  kSingleThread,  // SQLITE_OPEN_NOMUTEX: the owner serializes access
  kSerialized,    // SQLITE_OPEN_FULLMUTEX
};

class Db {
 public:
  // Opens read-write, creating the file if absent. `path` ":memory:" opens a
  // private in-memory database.
  static Result<Db> Open(const std::string& path, Threading threading = Threading::kSingleThread);

  Db() = default;
  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // Runs one or more statements without results (schema, pragmas).
  Status Exec(const char* sql);
  // Prepared once for repeated use (SQLITE_PREPARE_PERSISTENT).
  Result<Stmt> Prepare(const char* sql);
  // How long a statement waits for another connection's lock before failing
  // with SQLITE_BUSY (0: fail at once, SQLite's default).
  Status SetBusyTimeout(int millis);

  std::int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int Changes() const;
  std::string ErrorMessage() const;

 private:
  friend class Transaction;
  friend class Checkpointer;  // checkpointer.h: its hook on the connection
  explicit Db(sqlite3* db) : db_(db) {}
  // Runs one of the cached BEGIN IMMEDIATE / COMMIT / ROLLBACK statements.
  Status RunCached(Stmt& stmt, const char* sql);
  void Close();

  sqlite3* db_ = nullptr;
  Stmt begin_, commit_, rollback_;
};

// A write transaction: BEGIN IMMEDIATE on Begin (so a busy database fails
// there, not at the first write), COMMIT on Commit, ROLLBACK when destroyed
// uncommitted — including after a failed Commit. Transactions do not nest.
class Transaction {
 public:
  static Result<Transaction> Begin(Db& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_;  // null once committed or moved-from
};

}  // namespace xs::sqlite
