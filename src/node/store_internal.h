// Private to store*.cpp: the prepared statements and small helpers.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "node/store.h"
#include "sqlite/sqlite.h"

namespace xs::node {

struct Store::Statements {
  sqlite::Stmt insert_group_message, group_messages_asc, group_messages_desc, newest_group_message;
  sqlite::Stmt count_group_messages;
  sqlite::Stmt insert_welcome, welcomes_asc, welcomes_desc;
  sqlite::Stmt put_key_package, get_key_package;
  sqlite::Stmt insert_identity_update, identity_updates, insert_address, revoke_address,
      inbox_for_identifier;
  sqlite::Stmt insert_commit_log, commit_log_asc, commit_log_desc;
};

// SHA-256 over the parts, each preceded by its 8-byte length so that
// different splits never collide.
std::string DedupHash(std::initializer_list<std::string_view> parts);

// Binds ?2 (cursor) and ?3 (limit) for the *_asc / *_desc statements.
inline void BindPage(sqlite::Stmt& stmt, const PageQuery& page) {
  std::int64_t cursor = static_cast<std::int64_t>(page.cursor);
  if (page.direction == Direction::kDescending && page.cursor == 0) {
    cursor = std::numeric_limits<std::int64_t>::max();
  }
  stmt.Bind(2, cursor).Bind(3, static_cast<std::int64_t>(page.limit));
}

// Resets a statement when leaving scope, whatever the path.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite::Stmt& stmt) : stmt_(stmt) {}
  ~ResetOnExit() { stmt_.Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite::Stmt& stmt_;
};

// One page of a *_asc / *_desc query keyed by the blob ?1: every row converted
// by `from_row` (returning T, or Result<T> when a row can be bad). The caller
// holds the store's mutex.
template <typename T, typename FromRow>
Result<std::vector<T>> QueryPage(sqlite::Stmt& ascending, sqlite::Stmt& descending,
                                 std::string_view key, const PageQuery& page, FromRow from_row) {
  sqlite::Stmt& q = page.direction == Direction::kAscending ? ascending : descending;
  ResetOnExit r(q);
  q.BindBlob(1, key);
  BindPage(q, page);
  std::vector<T> out;
  while (true) {
    XS_TRY(bool row, q.Step());
    if (!row) break;
    XS_TRY(T value, Result<T>(from_row(q)));
    out.push_back(std::move(value));
  }
  return out;
}

}  // namespace xs::node
