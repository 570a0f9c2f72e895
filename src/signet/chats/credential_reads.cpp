// The reading message.* and chat.* actions for a credential caller
// (credential_access.h has the rules).
//
//   message.list {chatId, limit?}     the newest `limit` messages the
//                                     credential sees, oldest first
//   message.info {chatId, messageId}
//   chat.list    {}                   the credential's chats (list-conversations)
//   chat.info    {chatId}             one of them; member lists with list-members
//
// Content is read with read-messages in a chat of the credential; anything
// else (another chat, no read-messages, a message the credential does not
// see) is not_found, so nothing about it leaks (scopes.md: information
// opacity). No admin read elevation is involved. Rows carry `visibility`
// ("visible" or "historical") and the content-type id the allowlist names.
#include <algorithm>

#include "signet/chats/credential_access.h"

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

Result<Json> CredentialListMessages(Chats::Impl& impl, const Json& p, const CallContext& ctx) {
  XS_TRY(std::size_t limit, ListLimit(p));
  XS_TRY(Credential c, CallerCredential(*impl.s, ctx.credential_id));
  XS_TRY(std::string chat_id, ReadableChat(impl, c, p));
  XS_TRY(Chats::Impl::Bound b, impl.Bind(chat_id));
  XS_TRY(std::vector<client::Message> messages,
         b.client->NewestMessages(b.group_id, static_cast<std::uint32_t>(limit)));
  const std::vector<std::string> allowlist = AllowlistOf(*impl.s, c);
  Json out = Json::array();
  Status mapped = impl.s->store->Transaction([&]() -> Status {
    for (const auto& m : messages) {
      std::optional<std::string> visibility = ReadVisibility(c, allowlist, m);
      if (!visibility) continue;
      auto id = impl.MessageId(m.id);
      if (!id.ok()) return id.error();
      auto row = ReadRow(impl, m, *id, chat_id, *visibility);
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
  Status mapped = impl.s->store->Transaction([&]() -> Status {
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
