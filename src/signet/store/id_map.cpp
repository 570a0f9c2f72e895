// Store: the network id <-> local id map and blob sealing helpers.
#include "signet/keys/aead.h"
#include "signet/store/store.h"

namespace xs::signet {

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
  XS_TRY(sqlite::Stmt st, db_.Prepare("INSERT OR REPLACE INTO id_map(network_id,local_id,"
                                      "resource_type,created_at) VALUES(?,?,?,?);"));
  return st.Bind(1, network_id)
      .Bind(2, local_id)
      .Bind(3, resource_type)
      .Bind(4, created_at_ms)
      .Run();
}

namespace {
Result<std::optional<std::string>> QueryOne(sqlite::Db& db, const char* sql, std::string_view a,
                                            std::string_view b) {
  XS_TRY(sqlite::Stmt st, db.Prepare(sql));
  st.Bind(1, a).Bind(2, b);
  XS_TRY(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.Text(0));
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
  XS_TRY(sqlite::Stmt st, db_.Prepare("DELETE FROM id_map WHERE resource_type=?1 AND "
                                      "(network_id=?2 OR local_id=?2);"));
  return st.Bind(1, resource_type).Bind(2, either_id).Run();
}

}  // namespace xs::signet
