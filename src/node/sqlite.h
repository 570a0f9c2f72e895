// A thin RAII layer over the SQLite C API for the node's store: a connection
// (Db) and prepared statements (Stmt) with typed binds and column reads.
// Errors become xs::Error::Internal with SQLite's message.
//
// Thread contract: a Db and its Stmts are used by one thread at a time; the
// store serializes access with its own mutex.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace xs::node {

class Stmt {
 public:
  Stmt() = default;
  Stmt(Stmt&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

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
  // Resets for re-use and clears the bindings.
  void Reset();

  std::int64_t Int(int column) const;
  std::vector<std::uint8_t> Blob(int column) const;
  std::string BlobString(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

 private:
  friend class Db;
  explicit Stmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  sqlite3_stmt* stmt_ = nullptr;
};

class Db {
 public:
  // `path` ":memory:" opens a private in-memory database.
  static Result<Db> Open(const std::string& path);

  Db() = default;
  Db(Db&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  Status Exec(const char* sql);
  Result<Stmt> Prepare(const char* sql);
  std::int64_t LastInsertRowId() const;
  int Changes() const;
  std::string ErrorMessage() const;

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace xs::node
