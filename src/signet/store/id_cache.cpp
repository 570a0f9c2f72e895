#include "signet/store/id_cache.h"

namespace xs::signet {

std::string IdCache::Key(std::string_view type, std::string_view id) {
  std::string key;
  key.reserve(type.size() + 1 + id.size());
  key.append(type).push_back('\0');
  key.append(id);
  return key;
}

std::optional<std::string> IdCache::LocalId(std::string_view type, std::string_view network_id) {
  auto it = by_network_.find(Key(type, network_id));
  if (it == by_network_.end()) return std::nullopt;
  Touch(it->second);
  return it->second->local_id;
}

std::optional<std::string> IdCache::NetworkId(std::string_view type, std::string_view local_id) {
  auto it = by_local_.find(Key(type, local_id));
  if (it == by_local_.end()) return std::nullopt;
  Touch(it->second);
  return it->second->network_id;
}

void IdCache::Put(std::string_view type, std::string_view network_id, std::string_view local_id) {
  std::string by_network = Key(type, network_id);
  std::string by_local = Key(type, local_id);
  if (auto it = by_network_.find(by_network); it != by_network_.end()) Erase(it->second);
  if (auto it = by_local_.find(by_local); it != by_local_.end()) Erase(it->second);
  if (capacity_ == 0) return;
  rows_.push_front(
      {std::move(by_network), std::move(by_local), std::string(network_id), std::string(local_id)});
  by_network_.emplace(rows_.front().by_network, rows_.begin());
  by_local_.emplace(rows_.front().by_local, rows_.begin());
  if (rows_.size() > capacity_) Erase(std::prev(rows_.end()));
}

void IdCache::Remove(std::string_view type, std::string_view either_id) {
  const std::string key = Key(type, either_id);
  if (auto it = by_network_.find(key); it != by_network_.end()) Erase(it->second);
  if (auto it = by_local_.find(key); it != by_local_.end()) Erase(it->second);
}

void IdCache::Erase(Rows::iterator row) {
  by_network_.erase(row->by_network);
  by_local_.erase(row->by_local);
  rows_.erase(row);
}

}  // namespace xs::signet
