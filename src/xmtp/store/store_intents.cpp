// Tables: consent and intents (payload sealed, bound to the intent's id,
// owner, group and kind).
#include "xmtp/store/store_tables.h"

namespace xs::xmtp::store {
namespace {

RowAad PayloadAad(std::int64_t id, ByteView owner, ByteView group_id, IntentKind kind) {
  RowAad aad("intents", "payload");
  aad.Add(id).Add(owner).Add(group_id).Add(EnumInt(kind));
  return aad;
}

constexpr char kSelectIntent[] =
    "SELECT id, owner, group_id, kind, payload, state, payload_hash, created_ns, updated_ns "
    "FROM intents ";

Result<StoredIntent> ReadIntent(Tables& t, sqlite::Stmt& st) {
  StoredIntent in;
  in.id = st.Int(0);
  in.owner = st.Blob(1);
  in.group_id = st.Blob(2);
  XS_TRY(in.kind, EnumOf(st.Int(3), IntentKind::kUpdatePermissions, "intents.kind"));
  XS_TRY(in.payload,
         t.sealer().Open(PayloadAad(in.id, in.owner, in.group_id, in.kind), st.Blob(4)));
  XS_TRY(in.state, EnumOf(st.Int(5), IntentState::kFailed, "intents.state"));
  in.payload_hash = st.Blob(6);
  in.created_ns = st.Int(7);
  in.updated_ns = st.Int(8);
  return in;
}

}  // namespace

Status Tables::SetConsent(ByteView owner, ConsentEntity kind, std::string_view entity,
                          ConsentState state) {
  XS_TRY(StmtLease st, Use("INSERT OR REPLACE INTO consent (owner, entity_kind, entity, state, "
                           "updated_ns) VALUES (?, ?, ?, ?, ?);"));
  return st->Bind(1, owner)
      .Bind(2, EnumInt(kind))
      .Bind(3, entity)
      .Bind(4, EnumInt(state))
      .Bind(5, clock_->NowNs())
      .Run();
}

Result<ConsentRecord> Tables::GetConsent(ByteView owner, ConsentEntity kind,
                                         std::string_view entity) {
  XS_TRY(StmtLease st, Use("SELECT state, updated_ns FROM consent "
                           "WHERE owner = ? AND entity_kind = ? AND entity = ?;"));
  st->Bind(1, owner).Bind(2, EnumInt(kind)).Bind(3, entity);
  XS_TRY(bool row, st->Step());
  ConsentRecord record;
  if (!row) return record;
  XS_TRY(record.state, EnumOf(st->Int(0), ConsentState::kDenied, "consent.state"));
  record.updated_ns = st->Int(1);
  return record;
}

// The id is chosen before the insert because the sealed payload is bound to
// it; the Store's lock and the surrounding transaction make MAX+1 unique.
Result<std::int64_t> Tables::AddIntent(ByteView owner, ByteView group_id, IntentKind kind,
                                       ByteView payload) {
  std::int64_t id = 0;
  {
    XS_TRY(StmtLease st, Use("SELECT COALESCE(MAX(id), 0) + 1 FROM intents;"));
    XS_TRY(bool row, st->Step());
    if (row) id = st->Int(0);
  }
  XS_TRY(Bytes sealed, sealer_.Seal(PayloadAad(id, owner, group_id, kind), payload));
  const std::int64_t now = clock_->NowNs();
  XS_TRY(StmtLease st, Use("INSERT INTO intents (id, owner, group_id, kind, payload, state, "
                           "payload_hash, created_ns, updated_ns) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);"));
  XS_RETURN_IF_ERROR(st->Bind(1, id)
                         .Bind(2, owner)
                         .Bind(3, group_id)
                         .Bind(4, EnumInt(kind))
                         .Bind(5, sealed)
                         .Bind(6, EnumInt(IntentState::kToPublish))
                         .Bind(7, ByteView())
                         .Bind(8, now)
                         .Bind(9, now)
                         .Run());
  return id;
}

Status Tables::SetIntentState(std::int64_t id, IntentState state, ByteView payload_hash) {
  XS_TRY(StmtLease st, Use("UPDATE intents SET state = ?, payload_hash = ?, updated_ns = ? "
                           "WHERE id = ?;"));
  XS_RETURN_IF_ERROR(
      st->Bind(1, EnumInt(state)).Bind(2, payload_hash).Bind(3, clock_->NowNs()).Bind(4, id).Run());
  return ExpectChanged(db_, "no such intent");
}

Status Tables::DeleteIntent(std::int64_t id) {
  XS_TRY(StmtLease st, Use("DELETE FROM intents WHERE id = ?;"));
  XS_RETURN_IF_ERROR(st->Bind(1, id).Run());
  return ExpectChanged(db_, "no such intent");
}

Result<StoredIntent> Tables::GetIntent(std::int64_t id) {
  static const std::string sql = std::string(kSelectIntent) + "WHERE id = ?;";
  XS_TRY(StmtLease st, Use(sql.c_str()));
  st->Bind(1, id);
  XS_TRY(bool row, st->Step());
  if (!row) return MakeStoreError(StoreError::kNotFound, "no such intent");
  return ReadIntent(*this, *st);
}

Result<std::vector<StoredIntent>> Tables::ListPendingIntents(ByteView owner, ByteView group_id) {
  static const std::string sql =
      std::string(kSelectIntent) +
      "WHERE owner = ? AND group_id = ? AND state IN (?, ?) ORDER BY id;";
  XS_TRY(StmtLease st, Use(sql.c_str()));
  st->Bind(1, owner)
      .Bind(2, group_id)
      .Bind(3, EnumInt(IntentState::kToPublish))
      .Bind(4, EnumInt(IntentState::kPublished));
  std::vector<StoredIntent> out;
  while (true) {
    XS_TRY(bool row, st->Step());
    if (!row) break;
    XS_TRY(StoredIntent in, ReadIntent(*this, *st));
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace xs::xmtp::store
