// Store: the network id <-> local id map, its cache, and blob sealing helpers.
#include "signet/keys/aead.h"
#include "signet/store/store.h"

namespace xs::signet {

namespace {

constexpr const char* kSetIdSql =
    "INSERT OR REPLACE INTO id_map(network_id,local_id,resource_type,created_at) "
    "VALUES(?,?,?,?);";
constexpr const char* kLocalIdSql =
    "SELECT local_id FROM id_map WHERE resource_type=? AND network_id=?;";
constexpr const char* kNetworkIdSql =
    "SELECT network_id FROM id_map WHERE resource_type=? AND local_id=?;";
constexpr const char* kRemoveIdSql =
    "DELETE FROM id_map WHERE resource_type=?1 AND (network_id=?2 OR local_id=?2);";

}  // namespace

std::vector<std::uint8_t> Store::SealBlob(std::span<const std::uint8_t> plain,
                                          std::string_view associated_data) const {
  return AeadSeal(data_key_, plain, associated_data);
}

Result<crypto::Secret> Store::OpenBlob(std::span<const std::uint8_t> sealed,
                                       std::string_view associated_data) const {
  return AeadOpen(data_key_, sealed, associated_data);
}

crypto::Digest256 Store::KeyedTag(std::span<const std::uint8_t> data) const {
  return crypto::HmacSha256(tag_key_.bytes(), data);
}

void Store::Remember(std::string_view resource_type, std::string_view network_id,
                     std::string_view local_id) {
  if (tx_depth_ > 0) {
    staged_ids_.push_back(
        {std::string(resource_type), std::string(network_id), std::string(local_id)});
  } else {
    ids_.Put(resource_type, network_id, local_id);
  }
}

Status Store::SetIdMapping(std::string_view resource_type, std::string_view network_id,
                           std::string_view local_id, std::int64_t created_at_ms,
                           Durability durability) {
  XS_RETURN_IF_ERROR(PrepareWrite(durability));
  {
    XS_TRY(sqlite::StmtLease st, statements_.Use(kSetIdSql));
    XS_RETURN_IF_ERROR(st->Bind(1, network_id)
                           .Bind(2, local_id)
                           .Bind(3, resource_type)
                           .Bind(4, created_at_ms)
                           .Run());
  }
  Remember(resource_type, network_id, local_id);
  return OkStatus();
}

void Store::DeferIdMapping(std::string_view resource_type, std::string_view network_id,
                           std::string_view local_id, std::int64_t created_at_ms) {
  if (tx_depth_ > 0 &&
      SetIdMapping(resource_type, network_id, local_id, created_at_ms, Durability::kUnsynced)
          .ok()) {
    return;
  }
  deferred_ids_.push_back(
      {{std::string(resource_type), std::string(network_id), std::string(local_id)},
       created_at_ms});
  ids_.Put(resource_type, network_id, local_id);
  if (deferred_ids_.size() >= kMaxDeferredIdMappingCount ||
      created_at_ms - deferred_ids_.front().created_at_ms >= kMaxDeferredIdMappingMs) {
    if (tx_depth_ == 0 && !FlushIdMappings().ok() &&
        deferred_ids_.size() > kMaxCachedIdMappingCount) {
      deferred_ids_.erase(
          deferred_ids_.begin(),
          deferred_ids_.end() - static_cast<std::ptrdiff_t>(kMaxCachedIdMappingCount));
    }
  }
}

Status Store::FlushIdMappings() {
  if (deferred_ids_.empty()) return OkStatus();
  std::vector<DeferredId> rows = std::move(deferred_ids_);
  deferred_ids_.clear();
  Status written = UnsyncedTransaction([&]() -> Status {
    for (const DeferredId& d : rows) {
      XS_RETURN_IF_ERROR(SetIdMapping(d.row.resource_type, d.row.network_id, d.row.local_id,
                                      d.created_at_ms, Durability::kUnsynced));
    }
    return OkStatus();
  });
  if (!written.ok()) {
    // Kept for the next flush, before any deferred meanwhile.
    rows.insert(rows.end(), std::make_move_iterator(deferred_ids_.begin()),
                std::make_move_iterator(deferred_ids_.end()));
    deferred_ids_ = std::move(rows);
  }
  return written;
}

const Store::DeferredId* Store::FindDeferred(std::string_view resource_type, std::string_view id,
                                             bool network_side) const {
  for (const DeferredId& d : deferred_ids_) {
    if (d.row.resource_type == resource_type &&
        (network_side ? d.row.network_id : d.row.local_id) == id) {
      return &d;
    }
  }
  return nullptr;
}

Result<std::optional<std::string>> Store::QueryId(const char* sql, std::string_view resource_type,
                                                  std::string_view id) {
  XS_TRY(sqlite::StmtLease st, statements_.Use(sql));
  st->Bind(1, resource_type).Bind(2, id);
  XS_TRY(bool row, st->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st->Text(0));
}

Result<std::optional<std::string>> Store::GetLocalId(std::string_view resource_type,
                                                     std::string_view network_id) {
  if (auto cached = ids_.LocalId(resource_type, network_id)) return cached;
  if (const DeferredId* d = FindDeferred(resource_type, network_id, true)) {
    return std::optional<std::string>(d->row.local_id);
  }
  XS_TRY(std::optional<std::string> local, QueryId(kLocalIdSql, resource_type, network_id));
  if (local) Remember(resource_type, network_id, *local);
  return local;
}

Result<std::optional<std::string>> Store::GetNetworkId(std::string_view resource_type,
                                                       std::string_view local_id) {
  if (auto cached = ids_.NetworkId(resource_type, local_id)) return cached;
  if (const DeferredId* d = FindDeferred(resource_type, local_id, false)) {
    return std::optional<std::string>(d->row.network_id);
  }
  XS_TRY(std::optional<std::string> network, QueryId(kNetworkIdSql, resource_type, local_id));
  if (network) Remember(resource_type, *network, local_id);
  return network;
}

Status Store::RemoveIdMapping(std::string_view resource_type, std::string_view either_id) {
  XS_RETURN_IF_ERROR(PrepareWrite(Durability::kSynced));
  // Forgotten first: should the delete fail or roll back, the cache only
  // misses a row the table still has.
  ids_.Remove(resource_type, either_id);
  std::erase_if(staged_ids_, [&](const StagedId& row) {
    return row.resource_type == resource_type &&
           (row.network_id == either_id || row.local_id == either_id);
  });
  std::erase_if(deferred_ids_, [&](const DeferredId& d) {
    return d.row.resource_type == resource_type &&
           (d.row.network_id == either_id || d.row.local_id == either_id);
  });
  XS_TRY(sqlite::StmtLease st, statements_.Use(kRemoveIdSql));
  return st->Bind(1, resource_type).Bind(2, either_id).Run();
}

}  // namespace xs::signet
