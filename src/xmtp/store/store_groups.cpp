// Tables: groups, their cursors and their MLS state in two parts (the epoch
// part in group_epochs, the ratchet part in group_ratchets).
#include <string>

#include "xmtp/store/store_tables.h"

namespace xs::xmtp::store {
namespace {

RowAad StateAad(std::string_view table, ByteView owner, ByteView group_id, std::uint64_t epoch) {
  RowAad aad(table, "state");
  aad.Add(owner).Add(group_id).Add(Int(epoch));
  return aad;
}

constexpr char kSelectGroup[] =
    "SELECT owner, group_id, conversation_type, dm_id, created_ns, last_activity_ns, "
    "membership, cursor FROM mls_groups ";

Result<StoredGroup> ReadGroup(sqlite::Stmt& st) {
  StoredGroup g;
  g.owner = st.Blob(0);
  g.group_id = st.Blob(1);
  XS_TRY(g.conversation_type,
         EnumOf(st.Int(2), ConversationType::kSync, "mls_groups.conversation_type"));
  g.dm_id = st.Text(3);
  g.created_ns = st.Int(4);
  g.last_activity_ns = st.Int(5);
  XS_TRY(g.membership, EnumOf(st.Int(6), MembershipState::kRemoved, "mls_groups.membership"));
  g.cursor = static_cast<std::uint64_t>(st.Int(7));
  return g;
}

// A sealed part: its epoch column and the opened bytes.
struct StoredPart {
  std::uint64_t epoch = 0;
  crypto::Secret bytes;
};

Result<StoredPart> ReadPart(Tables& t, const char* sql, std::string_view table, ByteView owner,
                            ByteView group_id) {
  XS_TRY(StmtLease st, t.Use(sql));
  st->Bind(1, owner).Bind(2, group_id);
  XS_TRY(bool row, st->Step());
  if (!row) return MakeStoreError(StoreError::kNotFound, "no stored state for this group");
  StoredPart part;
  part.epoch = static_cast<std::uint64_t>(st->Int(0));
  XS_TRY(part.bytes, t.sealer().Open(StateAad(table, owner, group_id, part.epoch), st->Blob(1)));
  return part;
}

Status WritePart(Tables& t, const char* sql, std::string_view table, ByteView owner,
                 ByteView group_id, std::uint64_t epoch, const crypto::Secret& bytes) {
  XS_TRY(Bytes sealed, t.sealer().Seal(StateAad(table, owner, group_id, epoch), bytes.bytes()));
  XS_TRY(StmtLease st, t.Use(sql));
  return st->Bind(1, owner).Bind(2, group_id).Bind(3, Int(epoch)).Bind(4, sealed).Run();
}

// Upserts: an existing row is updated in place, which leaves its primary
// key's index alone (a REPLACE deletes and reinserts the row under a new
// rowid, rewriting the index page too: one more page per received message).
constexpr char kWriteEpoch[] =
    "INSERT INTO group_epochs (owner, group_id, epoch, state) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (owner, group_id) DO UPDATE SET epoch = excluded.epoch, state = excluded.state;";
constexpr char kWriteRatchets[] =
    "INSERT INTO group_ratchets (owner, group_id, epoch, state) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (owner, group_id) DO UPDATE SET epoch = excluded.epoch, state = excluded.state;";
constexpr char kReadEpoch[] =
    "SELECT epoch, state FROM group_epochs WHERE owner = ? AND group_id = ?;";
constexpr char kReadRatchets[] =
    "SELECT epoch, state FROM group_ratchets WHERE owner = ? AND group_id = ?;";

}  // namespace

Status Tables::SaveGroup(const StoredGroup& g) {
  XS_TRY(StmtLease st,
         Use("INSERT INTO mls_groups (owner, group_id, conversation_type, dm_id, created_ns, "
             "last_activity_ns, membership, cursor) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
             "ON CONFLICT (owner, group_id) DO UPDATE SET "
             "conversation_type = excluded.conversation_type, dm_id = excluded.dm_id, "
             "created_ns = excluded.created_ns, last_activity_ns = excluded.last_activity_ns, "
             "membership = excluded.membership;"));
  return st->Bind(1, g.owner)
      .Bind(2, g.group_id)
      .Bind(3, EnumInt(g.conversation_type))
      .Bind(4, g.dm_id)
      .Bind(5, g.created_ns)
      .Bind(6, g.last_activity_ns)
      .Bind(7, EnumInt(g.membership))
      .Bind(8, Int(g.cursor))
      .Run();
}

Status Tables::SetMembership(ByteView owner, ByteView group_id, MembershipState state) {
  XS_TRY(StmtLease st,
         Use("UPDATE mls_groups SET membership = ? WHERE owner = ? AND group_id = ?;"));
  XS_RETURN_IF_ERROR(st->Bind(1, EnumInt(state)).Bind(2, owner).Bind(3, group_id).Run());
  return ExpectChanged(db_, "no such group");
}

Status Tables::SetLastActivity(ByteView owner, ByteView group_id, std::int64_t ns) {
  XS_TRY(StmtLease st,
         Use("UPDATE mls_groups SET last_activity_ns = ? WHERE owner = ? AND group_id = ?;"));
  XS_RETURN_IF_ERROR(st->Bind(1, ns).Bind(2, owner).Bind(3, group_id).Run());
  return ExpectChanged(db_, "no such group");
}

Result<StoredGroup> Tables::GetGroup(ByteView owner, ByteView group_id) {
  static const std::string sql = std::string(kSelectGroup) + "WHERE owner = ? AND group_id = ?;";
  XS_TRY(StmtLease st, Use(sql.c_str()));
  st->Bind(1, owner).Bind(2, group_id);
  XS_TRY(bool row, st->Step());
  if (!row) return MakeStoreError(StoreError::kNotFound, "no such group");
  return ReadGroup(*st);
}

Result<std::vector<StoredGroup>> Tables::ListGroups(ByteView owner) {
  static const std::string sql =
      std::string(kSelectGroup) + "WHERE owner = ? ORDER BY last_activity_ns DESC, group_id;";
  XS_TRY(StmtLease st, Use(sql.c_str()));
  st->Bind(1, owner);
  std::vector<StoredGroup> out;
  while (true) {
    XS_TRY(bool row, st->Step());
    if (!row) break;
    XS_TRY(StoredGroup g, ReadGroup(*st));
    out.push_back(std::move(g));
  }
  return out;
}

Status Tables::ReserveSendGenerations(ByteView owner, ByteView group_id,
                                      const SendReservation& reservation) {
  XS_TRY(StmtLease st, Use("INSERT OR REPLACE INTO send_reservations (owner, group_id, epoch, "
                           "generation) VALUES (?, ?, ?, ?);"));
  return st->Bind(1, owner)
      .Bind(2, group_id)
      .Bind(3, Int(reservation.epoch))
      .Bind(4, static_cast<std::int64_t>(reservation.generation))
      .Run();
}

Result<std::optional<SendReservation>> Tables::GetSendReservation(ByteView owner,
                                                                  ByteView group_id) {
  XS_TRY(StmtLease st, Use("SELECT epoch, generation FROM send_reservations WHERE owner = ? AND "
                           "group_id = ?;"));
  st->Bind(1, owner).Bind(2, group_id);
  XS_TRY(bool row, st->Step());
  if (!row) return std::optional<SendReservation>();
  return std::optional<SendReservation>(SendReservation{static_cast<std::uint64_t>(st->Int(0)),
                                                        static_cast<std::uint32_t>(st->Int(1))});
}

Status Tables::SetGroupCursor(ByteView owner, ByteView group_id, std::uint64_t cursor) {
  XS_TRY(std::uint64_t current, GroupCursor(owner, group_id));
  if (cursor < current) {
    return MakeStoreError(StoreError::kCursorRegression, "group cursor may not move back");
  }
  XS_TRY(StmtLease st, Use("UPDATE mls_groups SET cursor = ? WHERE owner = ? AND group_id = ?;"));
  return st->Bind(1, Int(cursor)).Bind(2, owner).Bind(3, group_id).Run();
}

Result<std::uint64_t> Tables::GroupCursor(ByteView owner, ByteView group_id) {
  XS_TRY(StmtLease st, Use("SELECT cursor FROM mls_groups WHERE owner = ? AND group_id = ?;"));
  st->Bind(1, owner).Bind(2, group_id);
  XS_TRY(bool row, st->Step());
  if (!row) return MakeStoreError(StoreError::kNotFound, "no such group");
  return static_cast<std::uint64_t>(st->Int(0));
}

Status Tables::SaveGroupState(ByteView owner, ByteView group_id, const mls::GroupState& state) {
  XS_RETURN_IF_ERROR(WritePart(*this, kWriteEpoch, "group_epochs", owner, group_id, state.epoch(),
                               state.SerializeEpochPart()));
  return WritePart(*this, kWriteRatchets, "group_ratchets", owner, group_id, state.epoch(),
                   state.SerializeRatchetPart());
}

Status Tables::SaveGroupRatchets(ByteView owner, ByteView group_id, const mls::GroupState& state) {
  XS_TRY(StmtLease st, Use("SELECT epoch FROM group_epochs WHERE owner = ? AND group_id = ?;"));
  st->Bind(1, owner).Bind(2, group_id);
  XS_TRY(bool row, st->Step());
  if (!row) return MakeStoreError(StoreError::kNotFound, "no stored state for this group");
  if (static_cast<std::uint64_t>(st->Int(0)) != state.epoch()) {
    return MakeStoreError(StoreError::kStaleEpoch,
                          "the stored epoch part is of another epoch: save the whole state");
  }
  return WritePart(*this, kWriteRatchets, "group_ratchets", owner, group_id, state.epoch(),
                   state.SerializeRatchetPart());
}

Result<mls::GroupState> Tables::LoadGroupState(ByteView owner, ByteView group_id) {
  XS_TRY(StoredPart epoch, ReadPart(*this, kReadEpoch, "group_epochs", owner, group_id));
  XS_TRY(StoredPart ratchets, ReadPart(*this, kReadRatchets, "group_ratchets", owner, group_id));
  if (epoch.epoch != ratchets.epoch) {
    return MakeStoreError(StoreError::kStaleEpoch, "stored state parts of different epochs");
  }
  XS_TRY(mls::GroupState state,
         mls::GroupState::DeserializeParts(epoch.bytes.bytes(), ratchets.bytes.bytes()));
  if (state.group_id() != Bytes(group_id.begin(), group_id.end())) {
    return MakeStoreError(StoreError::kRowCorrupt, "stored state of another group");
  }
  state.config.clock = clock_;
  return state;
}

}  // namespace xs::xmtp::store
