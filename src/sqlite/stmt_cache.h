// sqlite::StmtCache: the prepared statements of one connection, kept for
// re-use and keyed by the address of their SQL (a string constant), so a hot
// query is parsed once per connection instead of once per call. Use() lends
// a statement; the lease resets it when it ends (bindings cleared, a read's
// lock released).
//
// Lifetimes: the cache borrows its Db and must be destroyed before it; a
// lease must end before the cache is destroyed.
//
// Thread contract: as the Db's: one thread at a time, and one lease of a
// given statement at a time (a second Use of the same SQL while the first
// lease lives resets the first's statement).
#pragma once

#include <map>
#include <utility>

#include "base/result.h"
#include "sqlite/sqlite.h"

namespace xs::sqlite {

class StmtLease {
 public:
  explicit StmtLease(Stmt& stmt) : stmt_(&stmt) {}
  StmtLease(StmtLease&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  StmtLease& operator=(StmtLease&&) = delete;
  StmtLease(const StmtLease&) = delete;
  StmtLease& operator=(const StmtLease&) = delete;
  ~StmtLease() {
    if (stmt_ != nullptr) stmt_->Reset();
  }
  Stmt* operator->() { return stmt_; }
  Stmt& operator*() { return *stmt_; }

 private:
  Stmt* stmt_;
};

class StmtCache {
 public:
  explicit StmtCache(Db& db) : db_(&db) {}

  // The statement for `sql`, prepared on first use.
  Result<StmtLease> Use(const char* sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      XS_TRY(Stmt stmt, db_->Prepare(sql));
      it = statements_.emplace(sql, std::move(stmt)).first;
    }
    it->second.Reset();
    return StmtLease(it->second);
  }

 private:
  Db* db_;
  std::map<const char*, Stmt> statements_;
};

}  // namespace xs::sqlite
