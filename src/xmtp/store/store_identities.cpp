// Tables: identities, welcome cursors, key packages and the identity-update
// cache.
#include <string>

#include "xmtp/store/store_tables.h"

namespace xs::xmtp::store {
namespace {

RowAad IdentityAad(ByteView installation_key, std::string_view inbox_id) {
  RowAad aad("identities", "private_key");
  aad.Add(installation_key).Add(inbox_id);
  return aad;
}

RowAad KeyPackageAad(ByteView ref, ByteView installation_key, ByteView init_key) {
  RowAad aad("key_packages", "private_parts");
  aad.Add(ref).Add(installation_key).Add(init_key);
  return aad;
}

constexpr char kSelectKeyPackage[] =
    "SELECT ref, installation_key, init_key, private_parts, created_ns, consumed_ns "
    "FROM key_packages WHERE ";

Result<StoredKeyPackage> ReadKeyPackage(Tables& t, sqlite::Stmt& st) {
  XS_TRY(bool row, st.Step());
  if (!row) return MakeStoreError(StoreError::kNotFound, "no such key package");
  StoredKeyPackage kp;
  kp.ref = st.Blob(0);
  kp.installation_key = st.Blob(1);
  kp.init_public_key = st.Blob(2);
  XS_TRY(
      kp.private_parts,
      t.sealer().Open(KeyPackageAad(kp.ref, kp.installation_key, kp.init_public_key), st.Blob(3)));
  kp.created_ns = st.Int(4);
  if (!st.IsNull(5)) kp.consumed_ns = st.Int(5);
  return kp;
}

Result<StoredIdentity> ReadIdentity(Tables& t, sqlite::Stmt& st) {
  StoredIdentity id;
  id.installation_key = st.Blob(0);
  id.inbox_id = st.Text(1);
  XS_TRY(id.installation_private_key,
         t.sealer().Open(IdentityAad(id.installation_key, id.inbox_id), st.Blob(2)));
  XS_TRY(id.registration,
         EnumOf(st.Int(3), RegistrationState::kRegistered, "identities.registration"));
  id.identity_sequence_id = static_cast<std::uint64_t>(st.Int(4));
  return id;
}

constexpr char kSelectIdentity[] =
    "SELECT installation_key, inbox_id, private_key, registration, identity_sequence_id "
    "FROM identities";

}  // namespace

Status Tables::SaveIdentity(const StoredIdentity& identity) {
  XS_TRY(Bytes sealed, sealer_.Seal(IdentityAad(identity.installation_key, identity.inbox_id),
                                    identity.installation_private_key.bytes()));
  XS_TRY(StmtLease st, Use("INSERT OR REPLACE INTO identities (installation_key, inbox_id, "
                           "private_key, registration, identity_sequence_id) "
                           "VALUES (?, ?, ?, ?, ?);"));
  return st->Bind(1, identity.installation_key)
      .Bind(2, identity.inbox_id)
      .Bind(3, sealed)
      .Bind(4, EnumInt(identity.registration))
      .Bind(5, Int(identity.identity_sequence_id))
      .Run();
}

Status Tables::SetRegistration(ByteView installation_key, RegistrationState state) {
  XS_TRY(StmtLease st, Use("UPDATE identities SET registration = ? WHERE installation_key = ?;"));
  XS_RETURN_IF_ERROR(st->Bind(1, EnumInt(state)).Bind(2, installation_key).Run());
  return ExpectChanged(db_, "no such identity");
}

Status Tables::SetIdentitySequenceId(ByteView installation_key, std::uint64_t sequence_id) {
  XS_TRY(StmtLease st,
         Use("UPDATE identities SET identity_sequence_id = ? WHERE installation_key = ?;"));
  XS_RETURN_IF_ERROR(st->Bind(1, Int(sequence_id)).Bind(2, installation_key).Run());
  return ExpectChanged(db_, "no such identity");
}

Result<StoredIdentity> Tables::GetIdentity(ByteView installation_key) {
  static const std::string sql = std::string(kSelectIdentity) + " WHERE installation_key = ?;";
  XS_TRY(StmtLease st, Use(sql.c_str()));
  st->Bind(1, installation_key);
  XS_TRY(bool row, st->Step());
  if (!row) return MakeStoreError(StoreError::kNotFound, "no such identity");
  return ReadIdentity(*this, *st);
}

Result<std::vector<StoredIdentity>> Tables::ListIdentities() {
  static const std::string sql = std::string(kSelectIdentity) + " ORDER BY inbox_id;";
  XS_TRY(StmtLease st, Use(sql.c_str()));
  std::vector<StoredIdentity> out;
  while (true) {
    XS_TRY(bool row, st->Step());
    if (!row) break;
    XS_TRY(StoredIdentity id, ReadIdentity(*this, *st));
    out.push_back(std::move(id));
  }
  return out;
}

Status Tables::SetWelcomeCursor(ByteView installation_key, std::uint64_t cursor) {
  XS_TRY(std::uint64_t current, WelcomeCursor(installation_key));
  if (cursor < current) {
    return MakeStoreError(StoreError::kCursorRegression, "welcome cursor may not move back");
  }
  XS_TRY(StmtLease st, Use("INSERT OR REPLACE INTO welcome_cursors (installation_key, cursor) "
                           "VALUES (?, ?);"));
  return st->Bind(1, installation_key).Bind(2, Int(cursor)).Run();
}

Result<std::uint64_t> Tables::WelcomeCursor(ByteView installation_key) {
  XS_TRY(StmtLease st, Use("SELECT cursor FROM welcome_cursors WHERE installation_key = ?;"));
  st->Bind(1, installation_key);
  XS_TRY(bool row, st->Step());
  return row ? static_cast<std::uint64_t>(st->Int(0)) : 0;
}

Status Tables::SaveKeyPackage(const StoredKeyPackage& kp) {
  XS_TRY(Bytes sealed, sealer_.Seal(KeyPackageAad(kp.ref, kp.installation_key, kp.init_public_key),
                                    kp.private_parts.bytes()));
  XS_TRY(StmtLease st, Use("INSERT OR REPLACE INTO key_packages (ref, installation_key, "
                           "init_key, private_parts, created_ns, consumed_ns) "
                           "VALUES (?, ?, ?, ?, ?, ?);"));
  st->Bind(1, kp.ref).Bind(2, kp.installation_key).Bind(3, kp.init_public_key);
  st->Bind(4, sealed).Bind(5, kp.created_ns);
  if (kp.consumed_ns) {
    st->Bind(6, *kp.consumed_ns);
  } else {
    st->BindNull(6);
  }
  return st->Run();
}

Status Tables::MarkKeyPackageConsumed(ByteView ref) {
  XS_TRY(StmtLease st, Use("UPDATE key_packages SET consumed_ns = ? "
                           "WHERE ref = ? AND consumed_ns IS NULL;"));
  XS_RETURN_IF_ERROR(st->Bind(1, clock_->NowNs()).Bind(2, ref).Run());
  if (db_.Changes() > 0) return OkStatus();
  // Already consumed is fine (a Welcome processed twice); absent is not.
  XS_TRY(StoredKeyPackage kp, FindKeyPackageByRef(ref));
  (void)kp;
  return OkStatus();
}

Result<int> Tables::DeleteKeyPackagesConsumedBefore(std::int64_t before_ns) {
  XS_TRY(StmtLease st, Use("DELETE FROM key_packages WHERE consumed_ns < ?;"));
  XS_RETURN_IF_ERROR(st->Bind(1, before_ns).Run());
  return db_.Changes();
}

Result<StoredKeyPackage> Tables::FindKeyPackageByInitKey(ByteView init_public_key) {
  static const std::string sql = std::string(kSelectKeyPackage) + "init_key = ?;";
  XS_TRY(StmtLease st, Use(sql.c_str()));
  st->Bind(1, init_public_key);
  return ReadKeyPackage(*this, *st);
}

Result<StoredKeyPackage> Tables::FindKeyPackageByRef(ByteView ref) {
  static const std::string sql = std::string(kSelectKeyPackage) + "ref = ?;";
  XS_TRY(StmtLease st, Use(sql.c_str()));
  st->Bind(1, ref);
  return ReadKeyPackage(*this, *st);
}

Status Tables::CacheIdentityUpdates(std::string_view inbox_id,
                                    std::span<const CachedIdentityUpdate> updates) {
  XS_TRY(StmtLease st, Use("INSERT OR IGNORE INTO identity_updates (inbox_id, sequence_id, "
                           "update_bytes) VALUES (?, ?, ?);"));
  for (const CachedIdentityUpdate& u : updates) {
    st->Reset();
    XS_RETURN_IF_ERROR(st->Bind(1, inbox_id).Bind(2, Int(u.sequence_id)).Bind(3, u.update).Run());
  }
  return OkStatus();
}

Result<std::vector<CachedIdentityUpdate>> Tables::IdentityUpdates(std::string_view inbox_id,
                                                                  std::uint64_t after) {
  XS_TRY(StmtLease st, Use("SELECT sequence_id, update_bytes FROM identity_updates "
                           "WHERE inbox_id = ? AND sequence_id > ? ORDER BY sequence_id;"));
  st->Bind(1, inbox_id).Bind(2, Int(after));
  std::vector<CachedIdentityUpdate> out;
  while (true) {
    XS_TRY(bool row, st->Step());
    if (!row) break;
    out.push_back({static_cast<std::uint64_t>(st->Int(0)), st->Blob(1)});
  }
  return out;
}

}  // namespace xs::xmtp::store
