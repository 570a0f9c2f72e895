// The message.* actions: send, reply, react, read (a read receipt), list and
// info.
//
//   message.send  {chatId, text, as?}
//   message.reply {chatId, messageId, text, as?}
//   message.react {chatId, messageId, emoji, action?: "added"|"removed" | remove?: bool, as?}
//   message.read  {chatId, as?}
//   message.list  {chatId, limit?, after?|before?, as?}  content: read elevation
//   message.info  {chatId, messageId, as?}       content: read elevation
//
// A message is named by its msg_ id, a unique short msg_ id among the chat's
// stored messages, or its network id (64 hex digits). A reply or reaction
// may name a message the chat does not store (decisions.md #19: sent before
// we joined, or not synced yet): the network id is sent as given and the
// reference gets a msg_ id. `as` names the inbox the caller expects to act;
// another inbox than the chat's is a validation error.
//
// These are the admin forms; a credential caller gets the agent forms of
// credential_send.cpp and credential_reads.cpp (scope checks, content types,
// confirmation, {messageId, provenance}).
#include <algorithm>
#include <cctype>

#include "base/clock.h"
#include "codec/hex.h"
#include "signet/chats/chats_internal.h"
#include "signet/chats/emoji.h"
#include "signet/chats/limits.h"
#include "signet/chats/message_view.h"
#include "signet/core/action_params.h"
#include "xmtp/content/codecs.h"

namespace xs::signet {

namespace client = xmtp::client;
namespace content = xmtp::content;

namespace {

// A network message id: SHA-256, hex (protocol.md §4.5).
constexpr std::size_t kNetworkMessageIdHexLength = 64;

Result<std::string> MessageText(const Json& p) {
  XS_TRY(std::string text, GetString(p, "text"));
  XS_RETURN_IF_ERROR(CheckMessageText(text, "text"));
  return text;
}

// The chat, its client, and the --as check.
Result<Chats::Impl::Bound> BindChat(Chats::Impl& impl, const Json& p, std::string* chat_id) {
  XS_TRY(*chat_id, impl.ResolveParam(p));
  XS_TRY(Chats::Impl::Bound b, impl.Bind(*chat_id));
  if (HasField(p, "as")) {
    XS_TRY(std::string as, impl.AsInbox(p));
    if (as != b.chat.value("inboxId", "")) {
      return Error::Validation("as", "chat " + *chat_id + " is held by inbox " +
                                         b.chat.value("inboxId", "") + ", not " + as);
    }
  }
  return b;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(c) != 0; });
}

}  // namespace

Status CheckMessageText(std::string_view text, std::string_view field) {
  if (text.empty()) return Error::Validation(field, "must not be empty");
  if (text.size() > kMaxMessageTextBytes) {
    return Error::Validation(
        field, "at most " + std::to_string(kMaxMessageTextBytes) + " bytes (kMaxMessageTextBytes)");
  }
  return OkStatus();
}

// ---------------------------------------------------------------- message references

Result<MessageRef> ParseMessageRef(const Json& p) {
  XS_TRY(std::string ref, GetString(p, "messageId"));
  return ParseMessageRef(std::move(ref), "messageId");
}

Result<MessageRef> ParseMessageRef(std::string ref, std::string_view field) {
  const std::string_view prefix = IdPrefix(IdType::kMessage);
  if (IsValidId(IdType::kMessage, ref)) return MessageRef{MessageRef::Form::kId, ref};
  if (ref.size() == kNetworkMessageIdHexLength && IsHex(ref)) {
    std::transform(ref.begin(), ref.end(), ref.begin(),
                   [](char c) { return static_cast<char>(std::tolower(c)); });
    return MessageRef{MessageRef::Form::kNetworkId, ref};
  }
  std::string_view hex = ref;
  if (hex.substr(0, prefix.size()) == prefix) hex.remove_prefix(prefix.size());
  if (!hex.empty() && hex.size() <= kIdHexLength && IsHex(hex) &&
      std::none_of(hex.begin(), hex.end(), [](char c) { return std::isupper(c) != 0; })) {
    return MessageRef{MessageRef::Form::kShortId, ref};
  }
  return Error::Validation(field, "'" + ref +
                                      "' is not a msg_ id, a short msg_ id or a network "
                                      "message id (64 hex digits)");
}

namespace {

// A msg_ id without a mapping: the mapping of one of the chat's messages
// that a power cut dropped (message mappings commit unsynced, see
// Chats::Impl::MessageId), found again by deriving the id of each stored
// message; the network id, mapped again, or nothing.
Result<std::optional<std::string>> RemapMessage(Chats::Impl& impl, const Chats::Impl::Bound& b,
                                                const std::string& id) {
  XS_TRY(std::vector<client::Message> messages, b.client->Messages(b.group_id));
  for (const auto& m : messages) {
    if (impl.DerivedMessageId(m.id) != id) continue;
    XS_TRY(std::string mapped, impl.MessageId(m.id));
    if (mapped != id) break;  // the network id has another (older) msg_ id
    return std::optional<std::string>(codec::HexEncode(m.id));
  }
  return std::optional<std::string>();
}

}  // namespace

Result<Target> FindMessage(Chats::Impl& impl, const Chats::Impl::Bound& b, const MessageRef& ref,
                           bool need_stored) {
  Target t;
  if (ref.form == MessageRef::Form::kShortId) {
    // A prefix among the chat's messages: every one of them is a candidate.
    XS_TRY(std::vector<client::Message> messages, b.client->Messages(b.group_id));
    std::vector<std::string> candidates;
    candidates.reserve(messages.size());
    Status mapped = impl.s->store->UnsyncedTransaction([&]() -> Status {
      for (const auto& m : messages) {
        auto id = impl.MessageId(m.id);
        if (!id.ok()) return id.error();
        candidates.push_back(*std::move(id));
      }
      return OkStatus();
    });
    XS_RETURN_IF_ERROR(mapped);
    XS_TRY(t.id, ResolveShortId(IdType::kMessage, ref.text, candidates));
    const auto at = std::find(candidates.begin(), candidates.end(), t.id) - candidates.begin();
    t.stored = messages[static_cast<std::size_t>(at)];
    t.hex = codec::HexEncode(t.stored->id);
    return t;
  }
  if (ref.form == MessageRef::Form::kId) {
    XS_TRY(std::optional<std::string> hex, impl.s->store->GetNetworkId(kMessageMap, ref.text));
    if (!hex) {
      XS_TRY(hex, RemapMessage(impl, b, ref.text));
    }
    if (!hex) return Error::NotFound("message not found: " + ref.text);
    t.id = ref.text;
    t.hex = *hex;
  } else {
    t.hex = ref.text;
  }
  XS_TRY(client::Bytes network_id, codec::HexDecode(t.hex));
  // By id in the store: the chat's length does not matter.
  XS_TRY(t.stored, b.client->FindMessage(b.group_id, network_id));
  if (!t.stored) {
    Status synced = b.client->SyncGroup(b.group_id);
    if (!synced.ok() && need_stored) return synced.error();
    if (synced.ok()) {
      XS_TRY(t.stored, b.client->FindMessage(b.group_id, network_id));
    }
  }
  if (t.id.empty()) {
    XS_TRY(t.id, impl.MessageId(network_id));
  }
  return t;
}

namespace {

// ---------------------------------------------------------------- sending

Result<Json> SendContent(Chats::Impl& impl, const Chats::Impl::Bound& b, const std::string& chat_id,
                         const content::EncodedContent& encoded) {
  XS_TRY(client::Bytes network_id, b.client->Send(b.group_id, encoded));
  XS_TRY(std::string id, impl.MessageId(network_id));
  return Json{{"id", id},
              {"networkId", codec::HexEncode(network_id)},
              {"chatId", chat_id},
              {"senderInboxId", b.client->inbox_id()},
              {"sentAt", impl.s->Now()},
              {"contentType", encoded.type.ToString()}};
}

void AddReference(const Target& t, Json& out) {
  out["referenceId"] = t.id;
  out["reference"] = t.hex;
  out["referenceStored"] = t.stored.has_value();
}

Result<Json> Send(Chats::Impl& impl, const Json& p) {
  // Bad input is refused before the chat is even looked up.
  XS_TRY(std::string text, MessageText(p));
  std::string chat_id;
  XS_TRY(Chats::Impl::Bound b, BindChat(impl, p, &chat_id));
  return SendContent(impl, b, chat_id, content::EncodeText(text));
}

Result<Json> Reply(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::string text, MessageText(p));
  XS_TRY(MessageRef ref, ParseMessageRef(p));
  std::string chat_id;
  XS_TRY(Chats::Impl::Bound b, BindChat(impl, p, &chat_id));
  XS_TRY(Target target, FindMessage(impl, b, ref, false));
  content::Reply reply;
  reply.reference = target.hex;
  if (target.stored) reply.reference_inbox_id = target.stored->sender_inbox_id;
  reply.content = content::EncodeText(text);
  XS_TRY(Json out, SendContent(impl, b, chat_id, content::EncodeReply(reply)));
  AddReference(target, out);
  return out;
}

// params.action, or params.remove (true: "removed"; the agent surfaces).
Result<content::ReactionAction> ReactionActionOf(const Json& p) {
  if (HasField(p, "remove") && !HasField(p, "action")) {
    if (!p["remove"].is_boolean()) return Error::Validation("remove", "must be true or false");
    return p["remove"].get<bool>() ? content::ReactionAction::kRemoved
                                   : content::ReactionAction::kAdded;
  }
  XS_TRY(std::string action, GetOptString(p, "action", "added"));
  if (action == "added") return content::ReactionAction::kAdded;
  if (action == "removed") return content::ReactionAction::kRemoved;
  return Error::Validation("action", "must be \"added\" or \"removed\"");
}

Result<Json> React(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::string emoji, GetString(p, "emoji"));
  XS_RETURN_IF_ERROR(CheckSingleEmoji(emoji));
  XS_TRY(content::ReactionAction action, ReactionActionOf(p));
  XS_TRY(MessageRef ref, ParseMessageRef(p));
  std::string chat_id;
  XS_TRY(Chats::Impl::Bound b, BindChat(impl, p, &chat_id));
  XS_TRY(Target target, FindMessage(impl, b, ref, false));
  content::Reaction reaction;
  reaction.reference = target.hex;
  if (target.stored) reaction.reference_inbox_id = target.stored->sender_inbox_id;
  reaction.action = action;
  reaction.content = emoji;
  reaction.schema = content::ReactionSchema::kUnicode;
  XS_TRY(Json out, SendContent(impl, b, chat_id, content::EncodeReaction(reaction)));
  AddReference(target, out);
  out["emoji"] = emoji;
  out["action"] = action == content::ReactionAction::kAdded ? "added" : "removed";
  return out;
}

Result<Json> Read(Chats::Impl& impl, const Json& p) {
  std::string chat_id;
  XS_TRY(Chats::Impl::Bound b, BindChat(impl, p, &chat_id));
  return SendContent(impl, b, chat_id, content::EncodeReadReceipt());
}

// ---------------------------------------------------------------- reading

}  // namespace

// The message as `msg list` and `msg info` show it; references get msg_ ids.
Result<Json> MessageJson(Chats::Impl& impl, const client::Message& m, const std::string& id,
                         const std::string& chat_id) {
  Json out = {
      {"id", id},
      {"networkId", codec::HexEncode(m.id)},
      {"chatId", chat_id},
      {"kind", m.kind == client::Message::Kind::kApplication ? "application" : "membership_change"},
      {"senderInboxId", m.sender_inbox_id},
      {"sentAt", IsoTime(static_cast<std::int64_t>(m.sent_ns) / kNsPerMs)},
      {"contentType", m.content.type.ToString()},
      {"published", m.node_id != 0}};
  AddContentFields(m.content, out);
  for (const char* kind : {"reply", "reaction"}) {
    if (!out.contains(kind)) continue;
    auto reference = codec::HexDecode(out[kind].value("reference", ""));
    if (!reference.ok()) continue;  // a peer's malformed reference: shown as sent
    XS_TRY(out[kind]["referenceId"], impl.MessageId(*reference));
  }
  out["summary"] = MessageSummary(out);
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

Result<ListCursor> ListCursorParam(const Json& p) {
  ListCursor out;
  const bool after = HasField(p, "after"), before = HasField(p, "before");
  if (after && before) return Error::Validation("before", "give after or before, not both");
  if (!after && !before) return out;
  const char* field = after ? "after" : "before";
  XS_TRY(std::string text, GetString(p, field));
  XS_TRY(MessageRef ref, ParseMessageRef(std::move(text), field));
  if (ref.form == MessageRef::Form::kShortId) {
    return Error::Validation(field,
                             "must be a full msg_ id or a network message id (64 hex digits)");
  }
  out.direction = after ? ListCursor::Direction::kAfter : ListCursor::Direction::kBefore;
  out.ref = std::move(ref);
  return out;
}

Result<std::vector<client::Message>> MessagePage(const Chats::Impl::Bound& b,
                                                 ListCursor::Direction direction,
                                                 const client::Bytes* from, std::size_t limit) {
  const auto n = static_cast<std::uint32_t>(limit);
  if (from == nullptr || direction == ListCursor::Direction::kNewest) {
    return b.client->NewestMessages(b.group_id, n);
  }
  if (direction == ListCursor::Direction::kAfter) {
    return b.client->MessagesAfter(b.group_id, *from, n);
  }
  return b.client->MessagesBefore(b.group_id, *from, n);
}

namespace {

// Content is shown to the admin only through read elevation (decisions.md
// #12): the check comes after the parameters are known to be valid.
Status Elevate(Chats::Impl& impl, const Json& p, const CallContext& ctx,
               const std::string& chat_id) {
  std::optional<std::string> passphrase;
  if (auto it = p.find("ownerPassphrase"); it != p.end() && it->is_string()) {
    passphrase = it->get<std::string>();
  }
  XS_TRY(AdminReadElevation elevation, impl.s->elevation->Authorize(ctx, {chat_id}, passphrase));
  (void)elevation;
  return OkStatus();
}

// A cursor the chat does not store is not_found, decided before any
// approval is asked.
Result<Json> List(Chats::Impl& impl, const Json& p, const CallContext& ctx) {
  XS_TRY(std::size_t limit, ListLimit(p));
  XS_TRY(ListCursor cursor, ListCursorParam(p));
  std::string chat_id;
  XS_TRY(Chats::Impl::Bound b, BindChat(impl, p, &chat_id));
  std::optional<client::Bytes> from;
  if (cursor.ref) {
    XS_TRY(Target target, FindMessage(impl, b, *cursor.ref, true));
    if (!target.stored) return Error::NotFound("message not found: " + cursor.ref->text);
    from = target.stored->id;
  }
  XS_RETURN_IF_ERROR(Elevate(impl, p, ctx, chat_id));
  XS_TRY(std::vector<client::Message> messages,
         MessagePage(b, cursor.direction, from ? &*from : nullptr, limit));
  Json out = Json::array();
  Status mapped = impl.s->store->UnsyncedTransaction([&]() -> Status {
    for (const auto& m : messages) {
      auto id = impl.MessageId(m.id);
      if (!id.ok()) return id.error();
      auto row = MessageJson(impl, m, *id, chat_id);
      if (!row.ok()) return row.error();
      out.push_back(*std::move(row));
    }
    return OkStatus();
  });
  XS_RETURN_IF_ERROR(mapped);
  return out;
}

// A message the chat does not store is not_found, decided before any
// approval is asked.
Result<Json> Info(Chats::Impl& impl, const Json& p, const CallContext& ctx) {
  XS_TRY(MessageRef ref, ParseMessageRef(p));
  std::string chat_id;
  XS_TRY(Chats::Impl::Bound b, BindChat(impl, p, &chat_id));
  XS_TRY(Target target, FindMessage(impl, b, ref, true));
  if (!target.stored) {
    return Error::NotFound("message " + target.id + " is not stored in chat " + chat_id);
  }
  XS_RETURN_IF_ERROR(Elevate(impl, p, ctx, chat_id));
  Json out;
  Status mapped = impl.s->store->UnsyncedTransaction([&]() -> Status {
    XS_TRY(out, MessageJson(impl, *target.stored, target.id, chat_id));
    return OkStatus();
  });
  XS_RETURN_IF_ERROR(mapped);
  return out;
}

bool ByCredential(const CallContext& ctx) { return ctx.caller == CallContext::Caller::kCredential; }

// The sending actions are registered with locks_itself: a credential's send
// releases the runtime lock while its chat's client sends (so sends into
// chats with different inboxes run side by side); an admin's runs wholly
// under the lock, as before.
ActionSpec Sending(std::string id, std::string description, Chats::Impl* i,
                   Result<Json> (*admin)(Chats::Impl&, const Json&)) {
  std::string method = id;
  ActionSpec spec{std::move(id),
                  std::move(description),
                  Intent::kWrite,
                  false,
                  false,
                  [i, admin, method](const Json& p, const CallContext& ctx) -> Result<Json> {
                    if (ByCredential(ctx)) return CredentialSend(*i, method, p, ctx);
                    std::unique_lock<std::recursive_mutex> lock;
                    if (i->s->lock != nullptr) lock = std::unique_lock(*i->s->lock);
                    return admin(*i, p);
                  }};
  spec.locks_itself = true;
  return spec;
}

// The content type ids a credential may send (credential_send.cpp).
std::vector<std::string> SendableTypes(bool reply) {
  std::vector<std::string> out = {content::TextType().ToString(),
                                  content::MarkdownType().ToString(),
                                  content::ReplyType().ToString()};
  if (!reply) {
    out.push_back(content::ReactionV1Type().ToString());
    out.push_back(content::ReadReceiptType().ToString());
  }
  return out;
}

Param TextParam(const std::string& description) {
  return {"text", ParamType::kString,
          description + ", at most " + std::to_string(kMaxMessageTextBytes) + " bytes"};
}

Param MessageIdParam(const std::string& what) {
  return {"messageId", ParamType::kString,
          what +
              ": its msg_ id, a unique short msg_ id or its network id (64 hex); credentials may "
              "give it as content.reference instead"};
}

}  // namespace

// Every message action is also callable with a credential: the credential
// paths (credential_send.cpp, credential_reads.cpp) check the chat, the
// scope, the content type and the credential's state.
void RegisterMessageActions(ActionRegistry& r, Chats::Impl& impl) {
  Chats::Impl* i = &impl;
  r.Register(Sending("message.send", "Send a text message to a chat", i, Send),
             {ChatIdParam(),
              TextParam("The message text (admins: required; credentials: or content)"),
              {"content", ParamType::kStringOrObject,
               "Credentials: the content for contentType: text or markdown as a string or {text}; "
               "a reply {reference, content:{type, payload}}; a reaction {reference, action, "
               "content, schema?}; a read receipt none"},
              {"contentType", ParamType::kString,
               "Credentials: the content type id (default xmtp.org/text:1.0); it picks the scope "
               "the send needs",
               false, SendableTypes(false)},
              AsParam()});
  r.Register(
      Sending("message.reply", "Reply to a message with text", i, Reply),
      {ChatIdParam(),
       MessageIdParam("The message replied to"),
       TextParam("The reply's text (admins: required; credentials: or content)"),
       {"content", ParamType::kStringOrObject,
        "Credentials: the reply's text as a string or {text}, or with contentType "
        "xmtp.org/reply:1.0 {reference, content:{type, payload}}"},
       {"contentType", ParamType::kString,
        "Credentials: the content type id (default xmtp.org/text:1.0)", false, SendableTypes(true)},
       AsParam()});
  r.Register(
      Sending("message.react", "Add or remove an emoji reaction to a message", i, React),
      {ChatIdParam(),
       MessageIdParam("The message reacted to"),
       {"emoji", ParamType::kString, "One emoji (admins: required; credentials: or content)"},
       {"content", ParamType::kStringOrObject,
        "Credentials: the emoji as a string, or the reaction {reference, action, content, schema?} "
        "(schema unicode)"},
       {"action",
        ParamType::kString,
        "added (the default) or removed",
        false,
        {"added", "removed"}},
       {"remove", ParamType::kBoolean, "true: remove the reaction (when action is absent)"},
       AsParam()});
  r.Register(Sending("message.read", "Send a read receipt to a chat", i, Read),
             {ChatIdParam(), AsParam()});
  const Param chat = ChatIdParam();
  const Param as = AsParam();
  r.Register({"message.list",
              "List a chat's messages, oldest first; page with after/before (admins: needs read "
              "elevation)",
              Intent::kRead, true, false,
              [i](const Json& p, const CallContext& ctx) {
                return ByCredential(ctx) ? CredentialListMessages(*i, p, ctx) : List(*i, p, ctx);
              }},
             {chat,
              {"limit", ParamType::kInteger,
               "At most this many messages, 1 to " + std::to_string(kMaxMessageListCount) +
                   " (default " + std::to_string(kDefaultMessageListCount) + ")"},
              {"after", ParamType::kString,
               "A message id (msg_ id or network id) from an earlier page: the oldest messages "
               "sent after it, to read forward without gaps (pass the last row's id)"},
              {"before", ParamType::kString,
               "A message id (msg_ id or network id): the newest messages sent before it, to read "
               "back (pass the first row's id). Not with after"},
              as});
  r.Register(
      {"message.info", "Show one message (admins: needs read elevation)", Intent::kRead, true,
       false,
       [i](const Json& p, const CallContext& ctx) {
         return ByCredential(ctx) ? CredentialMessageInfo(*i, p, ctx) : Info(*i, p, ctx);
       }},
      {chat,
       {"messageId", ParamType::kString,
        "The message: its msg_ id, a unique msg_ prefix, or its network id (64 hex digits)", true},
       as});
}

}  // namespace xs::signet
