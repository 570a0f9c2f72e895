// The sending message.* actions for a credential caller, the confirmation
// flow, and the action.* actions.
//
//   message.send  {chatId, contentType?, content?, text?}
//                 contentType (default xmtp.org/text:1.0) picks the scope:
//                 text, markdown -> send; reply -> reply; reaction -> react;
//                 readReceipt -> read-receipt. Text content is a string or
//                 {text}; a reply's is {reference, content:{type, payload}};
//                 a reaction's {reference, action, content, schema?}.
//   message.reply {chatId, messageId, contentType?, content?, text?}
//   message.react {chatId, messageId, emoji | content, remove? | action?}
//   message.read  {chatId}
//   -> {messageId: <network id hex>, provenance} or {pending:true, actionId}
//
// The checks, in order (scopes.md "Checks", events-and-pipeline.md §2, §5):
// parameters (validation), chat in the credential's chats (permission
// "chat not in scoped conversations"), the scope (permission "Permission
// denied: <scope>"), the content types in the credential's allowlist
// (permission), the credential active on a fresh lookup (auth "Credential
// is <status> -- cannot send"), then the confirmation: a scope in the
// credential's `confirm` list holds the action (PendingActions), emits
// `action.confirmation_required` to the credential's harnesses and answers
// {pending:true, actionId}. action.confirm runs every check again before it
// sends.
//
//   action.confirm {actionId, confirmed}  the credential of the action, or
//                  the owner (admin); short ids for the owner
//   action.list    {credentialId?}        admin: the pending actions
#include <algorithm>

#include "codec/hex.h"
#include "signet/chats/credential_access.h"
#include "signet/chats/emoji.h"
#include "signet/core/action_params.h"
#include "signet/policy/content_types.h"
#include "signet/util/lookup.h"
#include "xmtp/content/codecs.h"

namespace xs::signet {

namespace client = xmtp::client;
namespace content = xmtp::content;

namespace {

constexpr const char* kTextType = "xmtp.org/text:1.0";
constexpr const char* kMarkdownType = "xmtp.org/markdown:1.0";
constexpr const char* kReplyType = "xmtp.org/reply:1.0";
constexpr const char* kReactionType = "xmtp.org/reaction:1.0";
constexpr const char* kReadReceiptType = "xmtp.org/readReceipt:1.0";

// One message a credential asks to send, parsed and checked for form.
struct Outbound {
  enum class Kind { kText, kMarkdown, kReply, kReaction, kReadReceipt };
  Kind kind = Kind::kText;
  std::string chat_ref;
  std::string text;       // text, markdown, and a reply's text
  bool markdown = false;  // a reply whose text is markdown
  std::optional<MessageRef> target;
  std::string emoji;
  bool remove = false;
};

struct KindInfo {
  const char* scope;
  const char* action_type;  // PendingAction::action_type
  const char* content_type;
};

KindInfo Info(Outbound::Kind kind) {
  switch (kind) {
    case Outbound::Kind::kText:
      return {"send", "send_message", kTextType};
    case Outbound::Kind::kMarkdown:
      return {"send", "send_message", kMarkdownType};
    case Outbound::Kind::kReply:
      return {"reply", "send_reply", kReplyType};
    case Outbound::Kind::kReaction:
      return {"react", "send_reaction", kReactionType};
    case Outbound::Kind::kReadReceipt:
      break;
  }
  return {"read-receipt", "send_read_receipt", kReadReceiptType};
}

// ---------------------------------------------------------------- parsing

// Text content: a string or {text} ({markdown} too for markdown).
Result<std::string> TextOf(const Json& value, std::string_view field, bool markdown) {
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_object() && value.contains("text") && value["text"].is_string()) {
    text = value["text"].get<std::string>();
  } else if (markdown && value.is_object() && value.contains("markdown") &&
             value["markdown"].is_string()) {
    text = value["markdown"].get<std::string>();
  } else {
    return Error::Validation(field, "must be a string or {text}");
  }
  XS_RETURN_IF_ERROR(CheckMessageText(text, field));
  return text;
}

// The text of message.send / message.reply: `content`, else `text`.
Result<std::string> TextParam(const Json& p, bool markdown) {
  if (HasField(p, "content")) return TextOf(p["content"], "content", markdown);
  XS_TRY(std::string text, GetString(p, "text"));
  XS_RETURN_IF_ERROR(CheckMessageText(text, "text"));
  return text;
}

Result<std::string> ContentTypeParam(const Json& p) {
  XS_TRY(std::string type, GetOptString(p, "contentType", kTextType));
  if (!IsValidContentTypeId(type)) {
    return Error::Validation("contentType", "'" + type + "' is not a content-type id");
  }
  return type;
}

// The message a reply or reaction content names: content.reference, else
// params.messageId.
Result<MessageRef> TargetOf(const Json& p, const Json& body) {
  if (body.is_object() && body.contains("reference")) {
    if (!body["reference"].is_string()) {
      return Error::Validation("content.reference", "must be a message id");
    }
    return ParseMessageRef(body["reference"].get<std::string>(), "content.reference");
  }
  return ParseMessageRef(p);
}

// A reply's content {reference?, content:{type, payload}} (scopes.md).
Status ParseReplyBody(const Json& p, const Json& body, Outbound& o) {
  if (!body.is_object() || !body.contains("content") || !body["content"].is_object()) {
    return Error::Validation("content", "a reply is {reference, content:{type, payload}}");
  }
  const Json& inner = body["content"];
  XS_TRY(std::string type, GetOptString(inner, "type", kTextType));
  if (type != kTextType && type != kMarkdownType) {
    return Error::Validation("content.content.type", "a reply carries text or markdown");
  }
  o.markdown = type == kMarkdownType;
  if (!inner.contains("payload")) {
    return Error::Validation("content.content.payload", "is required");
  }
  XS_TRY(o.text, TextOf(inner["payload"], "content.content.payload", o.markdown));
  XS_TRY(o.target, TargetOf(p, body));
  return OkStatus();
}

// added/removed: content.action, else params.remove (bool), else
// params.action (default added).
Result<bool> RemoveParam(const Json& p, const Json& body) {
  const bool in_body = body.is_object() && body.contains("action");
  if (!in_body && HasField(p, "remove")) {
    if (!p["remove"].is_boolean()) return Error::Validation("remove", "must be true or false");
    return p["remove"].get<bool>();
  }
  XS_TRY(std::string action, GetOptString(in_body ? body : p, "action", "added"));
  if (action == "added") return false;
  if (action == "removed") return true;
  return Error::Validation("action", "must be \"added\" or \"removed\"");
}

// A reaction: emoji from params.emoji, content (a string) or
// content.content (the reaction body of scopes.md).
Status ParseReaction(const Json& p, Outbound& o) {
  const Json body = HasField(p, "content") && p["content"].is_object() ? p["content"] : Json();
  if (HasField(p, "emoji")) {
    XS_TRY(o.emoji, GetString(p, "emoji"));
  } else if (body.is_object()) {
    XS_TRY(o.emoji, GetString(body, "content"));
    XS_TRY(std::string schema, GetOptString(body, "schema", "unicode"));
    if (schema != "unicode") return Error::Validation("content.schema", "only unicode is sent");
  } else if (HasField(p, "content") && p["content"].is_string()) {
    o.emoji = p["content"].get<std::string>();
  } else {
    return Error::Validation("emoji", "is required");
  }
  XS_RETURN_IF_ERROR(CheckSingleEmoji(o.emoji));
  XS_TRY(o.remove, RemoveParam(p, body));
  XS_TRY(o.target, TargetOf(p, body));
  return OkStatus();
}

Result<Outbound> ParseSend(const Json& p) {
  Outbound o;
  XS_TRY(o.chat_ref, GetString(p, "chatId"));
  XS_TRY(std::string type, ContentTypeParam(p));
  if (type == kTextType || type == kMarkdownType) {
    o.kind = type == kTextType ? Outbound::Kind::kText : Outbound::Kind::kMarkdown;
    XS_TRY(o.text, TextParam(p, o.kind == Outbound::Kind::kMarkdown));
  } else if (type == kReplyType) {
    o.kind = Outbound::Kind::kReply;
    XS_RETURN_IF_ERROR(ParseReplyBody(p, HasField(p, "content") ? p["content"] : Json(), o));
  } else if (type == kReactionType) {
    o.kind = Outbound::Kind::kReaction;
    XS_RETURN_IF_ERROR(ParseReaction(p, o));
  } else if (type == kReadReceiptType) {
    o.kind = Outbound::Kind::kReadReceipt;
  } else {
    return Error::Validation("contentType", "'" + type +
                                                "' cannot be sent (text, markdown, reply, "
                                                "reaction, readReceipt)");
  }
  return o;
}

Result<Outbound> ParseReply(const Json& p) {
  Outbound o;
  o.kind = Outbound::Kind::kReply;
  XS_TRY(o.chat_ref, GetString(p, "chatId"));
  XS_TRY(std::string type, ContentTypeParam(p));
  if (type == kReplyType) {
    XS_RETURN_IF_ERROR(ParseReplyBody(p, HasField(p, "content") ? p["content"] : Json(), o));
    return o;
  }
  if (type != kTextType && type != kMarkdownType) {
    return Error::Validation("contentType", "a reply carries text or markdown");
  }
  o.markdown = type == kMarkdownType;
  XS_TRY(o.text, TextParam(p, o.markdown));
  XS_TRY(o.target, ParseMessageRef(p));
  return o;
}

Result<Outbound> ParseReact(const Json& p) {
  Outbound o;
  o.kind = Outbound::Kind::kReaction;
  XS_TRY(o.chat_ref, GetString(p, "chatId"));
  XS_RETURN_IF_ERROR(ParseReaction(p, o));
  return o;
}

Result<Outbound> ParseRead(const Json& p) {
  Outbound o;
  o.kind = Outbound::Kind::kReadReceipt;
  XS_TRY(o.chat_ref, GetString(p, "chatId"));
  return o;
}

// ---------------------------------------------------------------- checks

// The content types the message carries, as the allowlist names them.
std::vector<std::string> ContentTypesOf(const Outbound& o) {
  std::vector<std::string> types = {Info(o.kind).content_type};
  if (o.kind == Outbound::Kind::kReply) types.emplace_back(o.markdown ? kMarkdownType : kTextType);
  return types;
}

Status RequireContentTypes(const RuntimeState& s, const Credential& c, const Outbound& o) {
  const std::vector<std::string> allowlist = AllowlistOf(s, c);
  for (const auto& type : ContentTypesOf(o)) {
    if (!IsAllowed(allowlist, type)) {
      return Error::Permission("Content type " + type + " is not allowed for this credential")
          .WithContext(ContextJson({{"contentType", type}}));
    }
  }
  return OkStatus();
}

// What the harness and the owner see of a held action: {groupId,
// contentType, content}, content in the shape message.send takes back.
Json Preview(const std::string& chat_id, const Outbound& o) {
  Json body;
  switch (o.kind) {
    case Outbound::Kind::kText:
      body = {{"text", o.text}};
      break;
    case Outbound::Kind::kMarkdown:
      body = {{"text", o.text}};
      break;
    case Outbound::Kind::kReply:
      body = {{"reference", o.target->text},
              {"content", {{"type", o.markdown ? kMarkdownType : kTextType}, {"payload", o.text}}}};
      break;
    case Outbound::Kind::kReaction:
      body = {{"reference", o.target->text},
              {"action", o.remove ? "removed" : "added"},
              {"content", o.emoji},
              {"schema", "unicode"}};
      break;
    case Outbound::Kind::kReadReceipt:
      body = Json::object();
      break;
  }
  return {{"groupId", chat_id}, {"contentType", Info(o.kind).content_type}, {"content", body}};
}

// One line for `xs action list`: the text, "reply to <ref>: text",
// "react 👍 to <ref>", "remove 👍 from <ref>", "read receipt".
std::string PreviewSummary(const Json& preview) {
  const std::string type = preview.value("contentType", "");
  const Json body = preview.value("content", Json::object());
  if (type == kReplyType) {
    const Json inner = body.value("content", Json::object());
    return "reply to " + body.value("reference", "") + ": " + inner.value("payload", "");
  }
  if (type == kReactionType) {
    const bool removed = body.value("action", "") == "removed";
    return std::string(removed ? "remove " : "react ") + body.value("content", "") +
           (removed ? " from " : " to ") + body.value("reference", "");
  }
  if (type == kReadReceiptType) return "read receipt";
  return body.value("text", "");
}

// ---------------------------------------------------------------- sending

Result<content::EncodedContent> Encode(Chats::Impl& impl, const Chats::Impl::Bound& b,
                                       const Outbound& o) {
  switch (o.kind) {
    case Outbound::Kind::kText:
      return content::EncodeText(o.text);
    case Outbound::Kind::kMarkdown:
      return content::EncodeMarkdown(o.text);
    case Outbound::Kind::kReply: {
      XS_TRY(Target target, FindMessage(impl, b, *o.target, false));
      content::Reply reply;
      reply.reference = target.hex;
      if (target.stored) reply.reference_inbox_id = target.stored->sender_inbox_id;
      reply.content = o.markdown ? content::EncodeMarkdown(o.text) : content::EncodeText(o.text);
      return content::EncodeReply(reply);
    }
    case Outbound::Kind::kReaction: {
      XS_TRY(Target target, FindMessage(impl, b, *o.target, false));
      content::Reaction reaction;
      reaction.reference = target.hex;
      if (target.stored) reaction.reference_inbox_id = target.stored->sender_inbox_id;
      reaction.action =
          o.remove ? content::ReactionAction::kRemoved : content::ReactionAction::kAdded;
      reaction.content = o.emoji;
      reaction.schema = content::ReactionSchema::kUnicode;
      return content::EncodeReaction(reaction);
    }
    case Outbound::Kind::kReadReceipt:
      break;
  }
  return content::EncodeReadReceipt();
}

// Holds the action for confirmation and tells the credential's harnesses.
Json Hold(RuntimeState& s, const Credential& c, const std::string& chat_id, const Outbound& o) {
  const KindInfo info = Info(o.kind);
  Json preview = Preview(chat_id, o);
  PendingAction held = s.pending->Add(c.id, info.action_type, preview);
  (void)s.audit->Append("pending-action.created", {{"actionId", held.action_id},
                                                   {"credentialId", c.id},
                                                   {"actionType", held.action_type},
                                                   {"chatId", chat_id}});
  if (s.emit_agent_event) {
    s.emit_agent_event(c.id, {{"type", "action.confirmation_required"},
                              {"actionId", held.action_id},
                              {"actionType", held.action_type},
                              {"preview", std::move(preview)}});
  }
  return {{"pending", true}, {"actionId", held.action_id}};
}

// Every check, then the send (or the hold, unless `confirmed`). The caller
// holds the runtime lock; with `lock` (the caller's, held) it is released
// while the chat's client sends and taken again for the bookkeeping: the
// client serializes its own calls and keeps the MLS state and the message
// in one commit, and a Client* stays valid while the daemon runs.
Result<Json> Deliver(Chats::Impl& impl, const std::string& credential_id, const Outbound& o,
                     bool confirmed, std::unique_lock<std::recursive_mutex>* lock = nullptr) {
  RuntimeState& s = *impl.s;
  XS_TRY(Credential c, CallerCredential(s, credential_id));
  XS_TRY(std::string chat_id, RequireScopedChat(impl, c, o.chat_ref));
  const KindInfo info = Info(o.kind);
  XS_RETURN_IF_ERROR(RequireScope(c, info.scope));
  XS_RETURN_IF_ERROR(RequireContentTypes(s, c, o));
  XS_RETURN_IF_ERROR(RequireActive(c, "cannot send"));
  if (!confirmed && c.NeedsConfirmation(info.scope)) return Hold(s, c, chat_id, o);
  XS_TRY(Chats::Impl::Bound b, impl.Bind(chat_id));
  XS_TRY(content::EncodedContent encoded, Encode(impl, b, o));
  if (lock != nullptr && lock->owns_lock()) lock->unlock();
  Result<client::Bytes> sent = b.client->Send(b.group_id, encoded);
  if (lock != nullptr && !lock->owns_lock()) lock->lock();
  XS_TRY(client::Bytes network_id, std::move(sent));
  // The msg_ id for the admin surfaces.
  XS_TRY(std::string id, impl.MessageId(network_id, /*sent_now=*/true));
  (void)id;
  std::string hex = codec::HexEncode(network_id);
  Json provenance = s.seal_provenance ? s.seal_provenance(c, chat_id, hex) : Json();
  return Json{{"messageId", hex}, {"provenance", std::move(provenance)}};
}

// ---------------------------------------------------------------- action.*

// An action id: exact, else a unique short id among `candidates`.
Result<std::string> ResolveAction(const RuntimeState& s, const std::string& ref,
                                  const std::vector<PendingAction>& candidates) {
  if (s.pending->Find(ref) != nullptr) return ref;
  std::vector<Candidate> ids;
  ids.reserve(candidates.size());
  for (const auto& a : candidates) ids.push_back({a.action_id, ""});
  return ResolveReference("action_", "pending action", ref, ids);
}

Result<Json> ConfirmAction(Chats::Impl& impl, const Json& p, const CallContext& ctx) {
  RuntimeState& s = *impl.s;
  XS_TRY(std::string ref, GetString(p, "actionId"));
  auto confirmed = p.find("confirmed");
  if (confirmed == p.end() || !confirmed->is_boolean()) {
    return Error::Validation("confirmed", "must be true or false");
  }
  const bool by_credential = ctx.caller == CallContext::Caller::kCredential;
  XS_TRY(std::string action_id,
         ResolveAction(s, ref,
                       by_credential ? s.pending->ListFor(ctx.credential_id) : s.pending->All()));
  std::string owner = ctx.credential_id;
  if (!by_credential) owner = s.pending->Find(action_id)->credential_id;
  XS_TRY(ConfirmOutcome outcome, s.pending->Confirm(action_id, owner, confirmed->get<bool>()));
  const PendingAction& a = outcome.action;
  (void)s.audit->Append(outcome.denied ? "pending-action.denied" : "pending-action.confirmed",
                        {{"actionId", a.action_id},
                         {"credentialId", a.credential_id},
                         {"actionType", a.action_type},
                         {"by", by_credential ? "credential" : kOwner}});
  if (outcome.denied) return Json{{"denied", true}, {"actionId", a.action_id}};
  Json params = a.payload;
  params["chatId"] = a.payload.value("groupId", "");
  XS_TRY(Outbound o, ParseSend(params));
  return Deliver(impl, a.credential_id, o, true);
}

Result<Json> ListActions(Chats::Impl& impl, const Json& p) {
  RuntimeState& s = *impl.s;
  s.pending->Sweep();  // expired actions are dropped (and audited) first
  std::vector<PendingAction> actions = s.pending->All();
  if (HasField(p, "credentialId")) {
    XS_TRY(std::string ref, GetString(p, "credentialId"));
    std::vector<Candidate> ids;
    for (const auto& id : s.credentials->AllIds()) ids.push_back({id, ""});
    XS_TRY(std::string credential_id, ResolveReference("cred_", "credential", ref, ids));
    std::erase_if(actions,
                  [&](const PendingAction& a) { return a.credential_id != credential_id; });
  }
  std::sort(actions.begin(), actions.end(), [](const PendingAction& a, const PendingAction& b) {
    return a.created_at_ms < b.created_at_ms;
  });
  Json rows = Json::array();
  for (const auto& a : actions) {
    Json row = a.ToJson();
    row["preview"] = row["payload"];
    row.erase("payload");
    row["chatId"] = a.payload.value("groupId", "");
    row["summary"] = PreviewSummary(a.payload);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

Result<Json> CredentialSend(Chats::Impl& impl, std::string_view method, const Json& p,
                            const CallContext& ctx) {
  Result<Outbound> parsed = method == "message.reply"   ? ParseReply(p)
                            : method == "message.react" ? ParseReact(p)
                            : method == "message.read"  ? ParseRead(p)
                                                        : ParseSend(p);
  XS_TRY(Outbound o, std::move(parsed));
  std::unique_lock<std::recursive_mutex> lock;
  if (impl.s->lock != nullptr) lock = std::unique_lock(*impl.s->lock);
  return Deliver(impl, ctx.credential_id, o, false, &lock);
}

void RegisterPendingActionActions(ActionRegistry& r, Chats::Impl& impl) {
  Chats::Impl* i = &impl;
  r.Register(
      {"action.confirm", "Confirm or deny an action held for owner confirmation", Intent::kWrite,
       false, false,
       [i](const Json& p, const CallContext& ctx) { return ConfirmAction(*i, p, ctx); }},
      {{"actionId", ParamType::kString,
        "The held action: the actionId its send answered (admins: also a unique short id)", true},
       {"confirmed", ParamType::kBoolean, "true: send it now; false: deny it", true}});
  r.Register({"action.list", "List the actions waiting for owner confirmation", Intent::kRead, true,
              true, [i](const Json& p, const CallContext&) { return ListActions(*i, p); }},
             {{"credentialId", ParamType::kString,
               "Only this credential's actions: its cred_ id or a unique short id"}});
}

}  // namespace xs::signet
