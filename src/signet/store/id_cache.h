// IdCache: a bounded, least-recently-used copy of id_map rows (network id
// <-> local id per resource type), so the ids every message listing, watch
// event and send maps are looked up in memory instead of in SQLite. It holds
// only rows the store has committed (Store stages what a transaction writes
// and hands it over at the commit), so a hit is always the store's answer; a
// miss says nothing (the row may be in the store).
//
// Thread contract: not thread-safe; its Store's owner serializes access.
#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace xs::signet {

class IdCache {
 public:
  explicit IdCache(std::size_t capacity) : capacity_(capacity) {}

  std::optional<std::string> LocalId(std::string_view type, std::string_view network_id);
  std::optional<std::string> NetworkId(std::string_view type, std::string_view local_id);
  // Remembers a row, replacing any row with the same network id or the same
  // local id (as INSERT OR REPLACE does in the table); evicts the least
  // recently used row beyond the capacity.
  void Put(std::string_view type, std::string_view network_id, std::string_view local_id);
  // Forgets the row whose network id or local id is `either_id`.
  void Remove(std::string_view type, std::string_view either_id);
  std::size_t size() const { return rows_.size(); }

 private:
  struct Row {
    std::string by_network;  // type '\0' network id
    std::string by_local;    // type '\0' local id
    std::string network_id;
    std::string local_id;
  };
  using Rows = std::list<Row>;

  static std::string Key(std::string_view type, std::string_view id);
  void Erase(Rows::iterator row);
  void Touch(Rows::iterator row) { rows_.splice(rows_.begin(), rows_, row); }

  std::size_t capacity_;
  Rows rows_;  // most recently used first
  std::unordered_map<std::string, Rows::iterator> by_network_;
  std::unordered_map<std::string, Rows::iterator> by_local_;
};

}  // namespace xs::signet
