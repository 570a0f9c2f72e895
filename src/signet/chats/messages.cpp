// message.send and message.list.
#include <algorithm>

#include "base/clock.h"
#include "codec/hex.h"
#include "signet/chats/chats_internal.h"
#include "signet/chats/limits.h"
#include "xmtp/content/codecs.h"

namespace xs::signet {

namespace client = xmtp::client;

namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;

Result<std::string> MessageText(const Json& p) {
  XS_TRY(std::string text, GetString(p, "text"));
  if (text.empty()) return Error::Validation("text", "must not be empty");
  if (text.size() > kMaxMessageTextBytes) {
    return Error::Validation("text", "at most " + std::to_string(kMaxMessageTextBytes) +
                                         " bytes (kMaxMessageTextBytes)");
  }
  return text;
}

Result<Json> Send(Chats::Impl& impl, const Json& p) {
  // Bad input is refused before the chat is even looked up.
  XS_TRY(std::string text, MessageText(p));
  XS_TRY(std::string chat_id, impl.ResolveParam(p));
  XS_TRY(Chats::Impl::Bound b, impl.Bind(chat_id));
  if (HasField(p, "as")) {
    XS_TRY(std::string as, impl.AsInbox(p));
    if (as != b.chat.value("inboxId", "")) {
      return Error::Validation("as", "chat " + chat_id + " is held by inbox " +
                                         b.chat.value("inboxId", "") + ", not " + as);
    }
  }
  XS_TRY(client::Bytes network_id, b.client->Send(b.group_id, xmtp::content::EncodeText(text)));
  XS_TRY(std::string id, impl.MessageId(network_id));
  return Json{{"id", id},
              {"networkId", codec::HexEncode(network_id)},
              {"chatId", chat_id},
              {"senderInboxId", b.client->inbox_id()},
              {"sentAt", impl.s->Now()}};
}

}  // namespace

Json MessageJson(const client::Message& m, const std::string& id, const std::string& chat_id) {
  Json out = {
      {"id", id},
      {"networkId", codec::HexEncode(m.id)},
      {"chatId", chat_id},
      {"kind", m.kind == client::Message::Kind::kApplication ? "application" : "membership_change"},
      {"senderInboxId", m.sender_inbox_id},
      {"sentAt", IsoTime(static_cast<std::int64_t>(m.sent_ns) / kNsPerMs)},
      {"contentType", m.content.type.ToString()},
      {"published", m.node_id != 0}};
  if (auto text = xmtp::content::DecodeText(m.content); text.ok()) out["text"] = *text;
  return out;
}

Result<std::size_t> ListLimit(const Json& p) {
  if (!HasField(p, "limit")) return kDefaultMessageListCount;
  const Json& l = p["limit"];
  if (!l.is_number_integer() || l.get<std::int64_t>() <= 0 ||
      l.get<std::int64_t>() > static_cast<std::int64_t>(kMaxMessageListCount)) {
    return Error::Validation(
        "limit", "must be an integer from 1 to " + std::to_string(kMaxMessageListCount));
  }
  return l.get<std::size_t>();
}

namespace {

// Content is shown to the admin only through read elevation (decisions.md
// #12): the check comes after the parameters are known to be valid.
Result<Json> List(Chats::Impl& impl, const Json& p, const CallContext& ctx) {
  XS_TRY(std::size_t limit, ListLimit(p));
  XS_TRY(std::string chat_id, impl.ResolveParam(p));
  XS_TRY(Chats::Impl::Bound b, impl.Bind(chat_id));
  std::optional<std::string> passphrase;
  if (auto it = p.find("ownerPassphrase"); it != p.end() && it->is_string()) {
    passphrase = it->get<std::string>();
  }
  XS_TRY(AdminReadElevation elevation, impl.s->elevation->Authorize(ctx, {chat_id}, passphrase));
  (void)elevation;
  XS_TRY(std::vector<client::Message> messages, b.client->Messages(b.group_id));
  std::size_t first = messages.size() > limit ? messages.size() - limit : 0;
  Json out = Json::array();
  Status mapped = impl.s->store->Transaction([&]() -> Status {
    for (std::size_t i = first; i < messages.size(); ++i) {
      auto id = impl.MessageId(messages[i].id);
      if (!id.ok()) return id.error();
      out.push_back(MessageJson(messages[i], *id, chat_id));
    }
    return OkStatus();
  });
  XS_RETURN_IF_ERROR(mapped);
  return out;
}

}  // namespace

void RegisterMessageActions(ActionRegistry& r, Chats::Impl& impl) {
  Chats::Impl* i = &impl;
  r.Register({"message.send", "Send a text message to a chat", Intent::kWrite, false, true,
              [i](const Json& p, const CallContext&) { return Send(*i, p); }});
  r.Register({"message.list", "List a chat's messages (needs read elevation)", Intent::kRead, true,
              true, [i](const Json& p, const CallContext& ctx) { return List(*i, p, ctx); }});
}

}  // namespace xs::signet
