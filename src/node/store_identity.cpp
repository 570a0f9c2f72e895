// Store: key packages, identity updates with the identifier index, and the
// commit log (see store.h).
#include "node/store.h"
#include "node/store_internal.h"

namespace xs::node {

Status Store::PutKeyPackage(std::string_view installation_key, std::string_view key_package) {
  std::lock_guard lock(mu_);
  sqlite::Stmt& s = st_->put_key_package;
  ResetOnExit r(s);
  s.BindBlob(1, installation_key)
      .BindBlob(2, key_package)
      .Bind(3, static_cast<std::int64_t>(NowNs()));
  return s.Run();
}

Result<std::vector<std::string>> Store::GetKeyPackages(std::span<const std::string> keys) {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  out.reserve(keys.size());
  sqlite::Stmt& q = st_->get_key_package;
  for (const std::string& key : keys) {
    ResetOnExit r(q);
    q.BindBlob(1, key);
    XS_TRY(bool row, q.Step());
    out.push_back(row ? q.BlobString(0) : std::string());
  }
  return out;
}

Result<std::vector<IdentityUpdateLog>> Store::IdentityUpdates(std::string_view inbox_id,
                                                              std::uint64_t after) {
  std::lock_guard lock(mu_);
  sqlite::Stmt& q = st_->identity_updates;
  ResetOnExit r(q);
  q.Bind(1, inbox_id).Bind(2, static_cast<std::int64_t>(after));
  std::vector<IdentityUpdateLog> out;
  while (true) {
    XS_TRY(bool row, q.Step());
    if (!row) break;
    IdentityUpdateLog log;
    log.set_sequence_id(static_cast<std::uint64_t>(q.Int(0)));
    log.set_server_timestamp_ns(static_cast<std::uint64_t>(q.Int(1)));
    const std::string bytes = q.BlobString(2);
    if (!log.mutable_update()->ParseFromString(bytes)) {
      return Error::Internal("stored identity update " + std::to_string(log.sequence_id()) +
                             " does not parse");
    }
    out.push_back(std::move(log));
  }
  return out;
}

Result<std::uint64_t> Store::AppendIdentityUpdate(
    const ::xmtp::identity::associations::IdentityUpdate& update,
    std::span<const std::string> added_identifiers,
    std::span<const std::string> removed_identifiers) {
  std::string bytes;
  if (!update.SerializeToString(&bytes)) return Error::Internal("serialize identity update");
  std::lock_guard lock(mu_);
  XS_TRY(sqlite::Transaction tx, sqlite::Transaction::Begin(db_));
  auto body = [&]() -> Result<std::uint64_t> {
    sqlite::Stmt& ins = st_->insert_identity_update;
    ResetOnExit r(ins);
    ins.Bind(1, update.inbox_id()).Bind(2, static_cast<std::int64_t>(NowNs())).BindBlob(3, bytes);
    XS_RETURN_IF_ERROR(ins.Run());
    const std::int64_t seq = db_.LastInsertRowId();
    for (const std::string& id : removed_identifiers) {
      sqlite::Stmt& rev = st_->revoke_address;
      ResetOnExit rr(rev);
      rev.Bind(1, id).Bind(2, update.inbox_id()).Bind(3, seq);
      XS_RETURN_IF_ERROR(rev.Run());
    }
    for (const std::string& id : added_identifiers) {
      sqlite::Stmt& add = st_->insert_address;
      ResetOnExit ra(add);
      add.Bind(1, id).Bind(2, update.inbox_id()).Bind(3, seq);
      XS_RETURN_IF_ERROR(add.Run());
    }
    return static_cast<std::uint64_t>(seq);
  };
  XS_TRY(std::uint64_t seq, body());
  XS_RETURN_IF_ERROR(tx.Commit());
  return seq;
}

Result<std::optional<std::string>> Store::InboxForIdentifier(std::string_view identifier) {
  std::lock_guard lock(mu_);
  sqlite::Stmt& q = st_->inbox_for_identifier;
  ResetOnExit r(q);
  q.Bind(1, identifier);
  XS_TRY(bool row, q.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(q.Text(0));
}

Status Store::AppendCommitLog(std::span<const NewCommitLogEntry> batch) {
  std::lock_guard lock(mu_);
  XS_TRY(sqlite::Transaction tx, sqlite::Transaction::Begin(db_));
  for (const NewCommitLogEntry& e : batch) {
    sqlite::Stmt& ins = st_->insert_commit_log;
    ResetOnExit r(ins);
    ins.BindBlob(1, e.group_id)
        .Bind(2, static_cast<std::int64_t>(NowNs()))
        .BindBlob(3, e.entry)
        .BindBlob(4, e.signature);
    XS_RETURN_IF_ERROR(ins.Run());
  }
  return tx.Commit();
}

namespace {

Result<CommitLogEntry> CommitLogFromRow(const sqlite::Stmt& row) {
  CommitLogEntry e;
  e.set_sequence_id(static_cast<std::uint64_t>(row.Int(0)));
  e.set_serialized_commit_log_entry(row.BlobString(1));
  if (!e.mutable_signature()->ParseFromString(row.BlobString(2))) {
    return Error::Internal("stored commit log signature does not parse");
  }
  return e;
}

}  // namespace

Result<std::vector<CommitLogEntry>> Store::QueryCommitLog(std::string_view group_id,
                                                          const PageQuery& page) {
  std::lock_guard lock(mu_);
  return QueryPage<CommitLogEntry>(st_->commit_log_asc, st_->commit_log_desc, group_id, page,
                                   CommitLogFromRow);
}

}  // namespace xs::node
