// The reading message.* and chat.* actions for a credential caller
// (credential_access.h has the rules).
//
//   message.list {chatId, limit?, after?, before?}
//                                     up to `limit` messages the credential
//                                     sees, oldest first: the newest, the
//                                     oldest after the message `after`, or
//                                     the newest before `before`
//   message.info {chatId, messageId}
//   chat.list    {}                   the credential's chats (list-conversations)
//   chat.info    {chatId}             one of them; member lists with list-members
//
// Content is read with read-messages in a chat of the credential; anything
// else (another chat, no read-messages, a message the credential does not
// see) is not_found, so nothing about it leaks (scopes.md: information
// opacity). No admin read elevation is involved. Rows carry `visibility`
// ("visible" or "historical") and the content-type id the allowlist names.
//
// Paging: a cursor is a message the credential sees (a msg_ id or a network
// id); any other (unknown, of another chat, hidden from it) is not_found.
// An agent pages forward with `after` = the last row's id, back with
// `before` = the first row's: rows are in the store's order (sent time,
// ties in store order), so no message is skipped or repeated. Messages the
// credential does not see are passed over in growing raw batches, so a page
// is short only at the end of the chat.
#include <algorithm>
#include <deque>

#include "signet/chats/credential_access.h"
#include "signet/chats/limits.h"

namespace xs::signet {

namespace client = xmtp::client;

namespace {

// The chat a reading credential names, when it may read it; a credential
// that is no longer active is an auth error.
Result<std::string> ReadableChat(Chats::Impl& impl, const Credential& c, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "chatId"));
  std::optional<std::string> id = ScopedChat(impl, c, ref);
  if (!id || !HasScope(c, "read-messages")) return Error::NotFound("chat not found: " + ref);
  XS_RETURN_IF_ERROR(RequireActive(c, "cannot read"));
  return *id;
}

Result<Json> ReadRow(Chats::Impl& impl, const client::Message& m, const std::string& id,
                     const std::string& chat_id, const std::string& visibility) {
  XS_TRY(Json row, MessageJson(impl, m, id, chat_id));
  row["contentType"] = AgentContentType(m.content.type);
  row["visibility"] = visibility;
  return row;
}

}  // namespace

namespace {

struct Seen {
  client::Message message;
  std::string visibility;
};

// Up to `limit` messages `c` sees, oldest first, from the cursor `from` in
// `direction` (the newest without one).
Result<std::vector<Seen>> SeenPage(Chats::Impl& impl, const Chats::Impl::Bound& b,
                                   const Credential& c, ListCursor::Direction direction,
                                   std::optional<client::Bytes> from, std::size_t limit) {
  const std::vector<std::string> allowlist = AllowlistOf(*impl.s, c);
  const bool forward = direction == ListCursor::Direction::kAfter;
  // The first batch from the cursor (the newest without one), then on past it.
  const ListCursor::Direction step =
      forward ? ListCursor::Direction::kAfter : ListCursor::Direction::kBefore;
  const bool history = HasScope(c, "read-history");
  std::deque<Seen> picked;
  std::size_t batch = limit;
  while (picked.size() < limit) {
    XS_TRY(std::vector<client::Message> raw,
           MessagePage(b, from ? step : ListCursor::Direction::kNewest, from ? &*from : nullptr,
                       batch));
    if (raw.empty()) break;
    bool exhausted = raw.size() < batch;
    client::Bytes next = forward ? raw.back().id : raw.front().id;  // before the moves
    if (forward) {
      for (auto& m : raw) {
        if (picked.size() == limit) break;
        std::optional<std::string> visibility = ReadVisibility(c, allowlist, m);
        if (visibility) picked.push_back({std::move(m), *std::move(visibility)});
      }
    } else {
      for (auto it = raw.rbegin(); it != raw.rend() && picked.size() < limit; ++it) {
        // Older than the credential without read-history: so is the rest.
        if (!history && static_cast<std::int64_t>(it->sent_ns / kNsPerMs) < c.issued_at_ms) {
          exhausted = true;
          break;
        }
        std::optional<std::string> visibility = ReadVisibility(c, allowlist, *it);
        if (visibility) picked.push_front({std::move(*it), *std::move(visibility)});
      }
    }
    if (exhausted) break;
    from = std::move(next);
    batch = std::min(batch * 2, kMaxMessageListCount);
  }
  return std::vector<Seen>(std::make_move_iterator(picked.begin()),
                           std::make_move_iterator(picked.end()));
}

}  // namespace

Result<Json> CredentialListMessages(Chats::Impl& impl, const Json& p, const CallContext& ctx) {
  XS_TRY(std::size_t limit, ListLimit(p));
  XS_TRY(ListCursor cursor, ListCursorParam(p));
  XS_TRY(Credential c, CallerCredential(*impl.s, ctx.credential_id));
  XS_TRY(std::string chat_id, ReadableChat(impl, c, p));
  XS_TRY(Chats::Impl::Bound b, impl.Bind(chat_id));
  std::optional<client::Bytes> from;
  if (cursor.ref) {
    XS_TRY(Target target, FindMessage(impl, b, *cursor.ref, true));
    if (!target.stored || !ReadVisibility(c, AllowlistOf(*impl.s, c), *target.stored)) {
      return Error::NotFound("message not found: " + cursor.ref->text);
    }
    from = target.stored->id;
  }
  XS_TRY(std::vector<Seen> seen, SeenPage(impl, b, c, cursor.direction, std::move(from), limit));
  Json out = Json::array();
  Status mapped = impl.s->store->UnsyncedTransaction([&]() -> Status {
    for (const auto& [m, visibility] : seen) {
      auto id = impl.MessageId(m.id);
      if (!id.ok()) return id.error();
      auto row = ReadRow(impl, m, *id, chat_id, visibility);
      if (!row.ok()) return row.error();
      out.push_back(*std::move(row));
    }
    return OkStatus();
  });
  XS_RETURN_IF_ERROR(mapped);
  return out;
}

Result<Json> CredentialMessageInfo(Chats::Impl& impl, const Json& p, const CallContext& ctx) {
  XS_TRY(MessageRef ref, ParseMessageRef(p));
  XS_TRY(Credential c, CallerCredential(*impl.s, ctx.credential_id));
  XS_TRY(std::string chat_id, ReadableChat(impl, c, p));
  XS_TRY(Chats::Impl::Bound b, impl.Bind(chat_id));
  XS_TRY(Target target, FindMessage(impl, b, ref, true));
  std::optional<std::string> visibility;
  if (target.stored) visibility = ReadVisibility(c, AllowlistOf(*impl.s, c), *target.stored);
  if (!visibility) return Error::NotFound("message not found: " + ref.text);
  Json out;
  Status mapped = impl.s->store->UnsyncedTransaction([&]() -> Status {
    XS_TRY(out, ReadRow(impl, *target.stored, target.id, chat_id, *visibility));
    return OkStatus();
  });
  XS_RETURN_IF_ERROR(mapped);
  return out;
}

Result<Json> CredentialListChats(Chats::Impl& impl, const Json& p, const CallContext& ctx) {
  (void)p;
  XS_TRY(Credential c, CallerCredential(*impl.s, ctx.credential_id));
  XS_RETURN_IF_ERROR(RequireScope(c, "list-conversations"));
  XS_RETURN_IF_ERROR(RequireActive(c, "cannot list chats"));
  std::vector<const Json*> picked;
  for (const auto& id : c.chat_ids) {
    if (const Json* chat = impl.chats->Find(id)) picked.push_back(chat);
  }
  std::stable_sort(picked.begin(), picked.end(), [](const Json* a, const Json* b) {
    return a->value("createdAt", "") < b->value("createdAt", "");
  });
  Json rows = Json::array();
  for (const Json* chat : picked) rows.push_back(impl.View(*chat, Chats::Impl::Detail::kSummary));
  return rows;
}

Result<Json> CredentialChatInfo(Chats::Impl& impl, const Json& p, const CallContext& ctx) {
  XS_TRY(std::string ref, GetString(p, "chatId"));
  XS_TRY(Credential c, CallerCredential(*impl.s, ctx.credential_id));
  std::optional<std::string> id = ScopedChat(impl, c, ref);
  if (!id) return Error::NotFound("chat not found: " + ref);
  XS_RETURN_IF_ERROR(RequireActive(c, "cannot read chats"));
  XS_TRY(Json chat, impl.chats->Get(*id));
  const bool members = HasScope(c, "list-members");
  Json view = impl.View(chat, members ? Chats::Impl::Detail::kFull : Chats::Impl::Detail::kSummary);
  return view;
}

}  // namespace xs::signet
