// Table: messages (content sealed, bound to owner, message id and group).
#include <algorithm>
#include <limits>
#include <string>
#include <tuple>

#include "xmtp/store/store_tables.h"

namespace xs::xmtp::store {
namespace {

RowAad ContentAad(ByteView owner, ByteView id, ByteView group_id) {
  RowAad aad("messages", "content");
  aad.Add(owner).Add(id).Add(group_id);
  return aad;
}

#define XS_MESSAGE_COLUMNS                                                               \
  "SELECT owner, id, group_id, sender_inbox_id, sender_installation, sent_ns, node_id, " \
  "content_type, kind, content, delivery, rowid FROM messages "

constexpr char kGetMessage[] = XS_MESSAGE_COLUMNS "WHERE owner = ? AND id = ?;";
// ?3 after, ?4 before, ?5 kind, ?7 content type (each NULL for no filter),
// ?6 limit.
#define XS_MESSAGE_PAGE                                                  \
  XS_MESSAGE_COLUMNS                                                     \
  "WHERE owner = ?1 AND group_id = ?2 AND (?3 IS NULL OR sent_ns > ?3) " \
  "AND (?4 IS NULL OR sent_ns < ?4) AND (?5 IS NULL OR kind = ?5) "      \
  "AND (?7 IS NULL OR content_type = ?7) "
// Both orders walk messages_by_group (owner, group_id, sent_ns, and the
// rowid it ends with): a page costs its length, not the group's size
// (StoreTest.MessagePagesWalkTheGroupIndex).
constexpr char kPageAscending[] = XS_MESSAGE_PAGE "ORDER BY sent_ns, rowid LIMIT ?6;";
constexpr char kPageDescending[] = XS_MESSAGE_PAGE "ORDER BY sent_ns DESC, rowid DESC LIMIT ?6;";
#undef XS_MESSAGE_PAGE
// A keyset page: strictly between two positions, (?3, ?4) and (?5, ?6);
// ?7 kind, ?9 content type (NULL for no filter), ?8 limit. The row values
// seek messages_by_group to the lower (ascending) or upper (descending)
// bound, so a page far into a long group costs its length.
#define XS_MESSAGE_KEYSET_PAGE                                          \
  XS_MESSAGE_COLUMNS                                                    \
  "WHERE owner = ?1 AND group_id = ?2 AND (sent_ns, rowid) > (?3, ?4) " \
  "AND (sent_ns, rowid) < (?5, ?6) AND (?7 IS NULL OR kind = ?7) "      \
  "AND (?9 IS NULL OR content_type = ?9) "
constexpr char kKeysetAscending[] = XS_MESSAGE_KEYSET_PAGE "ORDER BY sent_ns, rowid LIMIT ?8;";
constexpr char kKeysetDescending[] =
    XS_MESSAGE_KEYSET_PAGE "ORDER BY sent_ns DESC, rowid DESC LIMIT ?8;";
#undef XS_MESSAGE_KEYSET_PAGE
#undef XS_MESSAGE_COLUMNS

Result<StoredMessage> ReadMessage(Tables& t, sqlite::Stmt& st) {
  StoredMessage m;
  m.owner = st.Blob(0);
  m.id = st.Blob(1);
  m.group_id = st.Blob(2);
  m.sender_inbox_id = st.Text(3);
  m.sender_installation_key = st.Blob(4);
  m.sent_ns = st.Int(5);
  m.node_id = static_cast<std::uint64_t>(st.Int(6));
  m.content_type = st.Text(7);
  XS_TRY(m.kind, EnumOf(st.Int(8), MessageKind::kMembershipChange, "messages.kind"));
  XS_TRY(crypto::Secret content,
         t.sealer().Open(ContentAad(m.owner, m.id, m.group_id), st.Blob(9)));
  m.content = ToBytes(content);
  XS_TRY(m.delivery, EnumOf(st.Int(10), DeliveryState::kFailed, "messages.delivery"));
  m.row = st.Int(11);
  return m;
}

void BindOptional(sqlite::Stmt& st, int index, const std::optional<std::int64_t>& v) {
  if (v) {
    st.Bind(index, *v);
  } else {
    st.BindNull(index);
  }
}

void BindKind(sqlite::Stmt& st, int index, const std::optional<MessageKind>& kind) {
  if (kind) {
    st.Bind(index, EnumInt(*kind));
  } else {
    st.BindNull(index);
  }
}

void BindContentType(sqlite::Stmt& st, int index, const std::optional<std::string>& type) {
  if (type) {
    st.Bind(index, std::string_view(*type));
  } else {
    st.BindNull(index);
  }
}

// The query's bounds as positions: sent_after_ns t is (t, max) (every row
// of time t is at or below it), sent_before_ns t is (t, min); the tighter
// of each pair wins. Rowids are positive, so the open ends are exact.
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

bool Below(const MessagePosition& a, const MessagePosition& b) {
  return std::tie(a.sent_ns, a.row) < std::tie(b.sent_ns, b.row);
}

MessagePosition LowerBound(const MessageQuery& q) {
  MessagePosition out{kMin, kMin};
  if (q.sent_after_ns) out = {*q.sent_after_ns, kMax};
  if (q.after && Below(out, *q.after)) out = *q.after;
  return out;
}

MessagePosition UpperBound(const MessageQuery& q) {
  MessagePosition out{kMax, kMax};
  if (q.sent_before_ns) out = {*q.sent_before_ns, kMin};
  if (q.before && Below(*q.before, out)) out = *q.before;
  return out;
}

}  // namespace

const char* MessagePageSql(Order order) {
  return order == Order::kAscending ? kPageAscending : kPageDescending;
}

const char* MessageKeysetPageSql(Order order) {
  return order == Order::kAscending ? kKeysetAscending : kKeysetDescending;
}

Result<bool> Tables::InsertMessage(const StoredMessage& m) {
  if (m.id.empty() || m.group_id.empty() || m.owner.empty()) {
    return MakeStoreError(StoreError::kInvalidArgument, "message without id, group or owner");
  }
  XS_TRY(Bytes sealed, sealer_.Seal(ContentAad(m.owner, m.id, m.group_id), m.content));
  XS_TRY(StmtLease st,
         Use("INSERT OR IGNORE INTO messages (owner, id, group_id, sender_inbox_id, "
             "sender_installation, sent_ns, node_id, content_type, kind, content, delivery) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);"));
  XS_RETURN_IF_ERROR(st->Bind(1, m.owner)
                         .Bind(2, m.id)
                         .Bind(3, m.group_id)
                         .Bind(4, m.sender_inbox_id)
                         .Bind(5, m.sender_installation_key)
                         .Bind(6, m.sent_ns)
                         .Bind(7, Int(m.node_id))
                         .Bind(8, m.content_type)
                         .Bind(9, EnumInt(m.kind))
                         .Bind(10, sealed)
                         .Bind(11, EnumInt(m.delivery))
                         .Run());
  return db_.Changes() > 0;
}

Status Tables::SetDelivery(ByteView owner, ByteView message_id, DeliveryState state,
                           std::uint64_t node_id, std::optional<std::int64_t> sent_ns) {
  XS_TRY(StmtLease st, Use("UPDATE messages SET delivery = ?, node_id = ?, "
                           "sent_ns = COALESCE(?, sent_ns) WHERE owner = ? AND id = ?;"));
  st->Bind(1, EnumInt(state)).Bind(2, Int(node_id));
  BindOptional(*st, 3, sent_ns);
  XS_RETURN_IF_ERROR(st->Bind(4, owner).Bind(5, message_id).Run());
  return ExpectChanged(db_, "no such message");
}

Result<StoredMessage> Tables::GetMessage(ByteView owner, ByteView message_id) {
  XS_TRY(StmtLease st, Use(kGetMessage));
  st->Bind(1, owner).Bind(2, message_id);
  XS_TRY(bool row, st->Step());
  if (!row) return MakeStoreError(StoreError::kNotFound, "no such message");
  return ReadMessage(*this, *st);
}

Result<std::vector<StoredMessage>> Tables::ListMessages(ByteView owner, ByteView group_id,
                                                        const MessageQuery& q) {
  const auto limit = static_cast<std::int64_t>(std::min(q.limit, kMaxMessagePage));
  const bool keyset = q.after || q.before;
  XS_TRY(StmtLease st, Use(keyset ? MessageKeysetPageSql(q.order) : MessagePageSql(q.order)));
  st->Bind(1, owner).Bind(2, group_id);
  if (keyset) {
    const MessagePosition lower = LowerBound(q), upper = UpperBound(q);
    st->Bind(3, lower.sent_ns).Bind(4, lower.row).Bind(5, upper.sent_ns).Bind(6, upper.row);
    BindKind(*st, 7, q.kind);
    st->Bind(8, limit);
    BindContentType(*st, 9, q.content_type);
  } else {
    BindOptional(*st, 3, q.sent_after_ns);
    BindOptional(*st, 4, q.sent_before_ns);
    BindKind(*st, 5, q.kind);
    st->Bind(6, limit);
    BindContentType(*st, 7, q.content_type);
  }
  std::vector<StoredMessage> out;
  while (true) {
    XS_TRY(bool row, st->Step());
    if (!row) break;
    XS_TRY(StoredMessage m, ReadMessage(*this, *st));
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::uint64_t> Tables::CountMessages(ByteView owner, ByteView group_id) {
  XS_TRY(StmtLease st, Use("SELECT COUNT(*) FROM messages WHERE owner = ? AND group_id = ?;"));
  st->Bind(1, owner).Bind(2, group_id);
  XS_TRY(bool row, st->Step());
  return row ? static_cast<std::uint64_t>(st->Int(0)) : 0;
}

}  // namespace xs::xmtp::store
