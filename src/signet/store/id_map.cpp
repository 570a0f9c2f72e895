// Store: the network id <-> local id map and blob sealing helpers.
#include "signet/keys/aead.h"
#include "signet/store/store.h"

namespace xs::signet {

namespace {
struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() { sqlite3_finalize(s); }
};
void Bind(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
}  // namespace

std::vector<std::uint8_t> Store::SealBlob(std::span<const std::uint8_t> plain,
                                          std::string_view associated_data) const {
  return AeadSeal(data_key_, plain, associated_data);
}

Result<crypto::Secret> Store::OpenBlob(std::span<const std::uint8_t> sealed,
                                       std::string_view associated_data) const {
  return AeadOpen(data_key_, sealed, associated_data);
}

Status Store::SetIdMapping(std::string_view resource_type, std::string_view network_id,
                           std::string_view local_id, std::int64_t created_at_ms) {
  Stmt st;
  if (sqlite3_prepare_v2(db_,
                         "INSERT OR REPLACE INTO id_map(network_id,local_id,resource_type,"
                         "created_at) VALUES(?,?,?,?);",
                         -1, &st.s, nullptr) != SQLITE_OK) {
    return SqlError("prepare id map");
  }
  Bind(st.s, 1, network_id);
  Bind(st.s, 2, local_id);
  Bind(st.s, 3, resource_type);
  sqlite3_bind_int64(st.s, 4, created_at_ms);
  if (sqlite3_step(st.s) != SQLITE_DONE) return SqlError("id map");
  return OkStatus();
}

namespace {
Result<std::optional<std::string>> QueryOne(sqlite3* db, const char* sql, std::string_view a,
                                            std::string_view b) {
  Stmt st;
  if (sqlite3_prepare_v2(db, sql, -1, &st.s, nullptr) != SQLITE_OK) {
    return Error::Internal("store: prepare id map lookup");
  }
  Bind(st.s, 1, a);
  Bind(st.s, 2, b);
  int rc = sqlite3_step(st.s);
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return Error::Internal("store: id map lookup");
  return std::optional<std::string>(reinterpret_cast<const char*>(sqlite3_column_text(st.s, 0)));
}
}  // namespace

Result<std::optional<std::string>> Store::GetLocalId(std::string_view resource_type,
                                                     std::string_view network_id) {
  return QueryOne(db_, "SELECT local_id FROM id_map WHERE resource_type=? AND network_id=?;",
                  resource_type, network_id);
}

Result<std::optional<std::string>> Store::GetNetworkId(std::string_view resource_type,
                                                       std::string_view local_id) {
  return QueryOne(db_, "SELECT network_id FROM id_map WHERE resource_type=? AND local_id=?;",
                  resource_type, local_id);
}

Status Store::RemoveIdMapping(std::string_view resource_type, std::string_view either_id) {
  Stmt st;
  if (sqlite3_prepare_v2(db_,
                         "DELETE FROM id_map WHERE resource_type=?1 AND "
                         "(network_id=?2 OR local_id=?2);",
                         -1, &st.s, nullptr) != SQLITE_OK) {
    return SqlError("prepare id map delete");
  }
  Bind(st.s, 1, resource_type);
  Bind(st.s, 2, either_id);
  if (sqlite3_step(st.s) != SQLITE_DONE) return SqlError("id map delete");
  return OkStatus();
}

}  // namespace xs::signet
