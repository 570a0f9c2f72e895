// AgentPlane::Handle: the 7 harness requests (events-and-pipeline.md §2),
// validated and mapped onto the action registry as a credential caller.
//
//   send_message   {groupId, contentType, content}         -> message.send
//   send_reply     {groupId, messageId, contentType, content} -> message.reply
//   send_reaction  {groupId, messageId, action, content}    -> message.react
//   confirm_action {actionId, confirmed}                    -> action.confirm
//   reveal_content {reveal}                                 -> reveal.request
//   update_scopes  {allow?, deny?}                 -> Runtime::UpdateScopesFromHarness
//   heartbeat      {credentialId}                  -> Runtime::Heartbeat
#include <algorithm>
#include <cctype>

#include "signet/agent/agent_plane_internal.h"
#include "signet/chats/limits.h"
#include "signet/credentials/limits.h"
#include "signet/policy/content_types.h"
#include "signet/util/util.h"

namespace xs::signet::agent {

namespace {

constexpr const char* kTextType = "xmtp.org/text:1.0";
constexpr const char* kMarkdownType = "xmtp.org/markdown:1.0";
constexpr std::int64_t kStaleAfterMs = (kHeartbeatIntervalSeconds + kHeartbeatGraceSeconds) * 1000;

Result<std::string> RequiredString(const Json& request, std::string_view field) {
  auto it = request.find(field);
  if (it == request.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return Error::Validation(field, "must be a non-empty string");
  }
  return it->get<std::string>();
}

Result<std::string> ContentType(const Json& request) {
  XS_TRY(std::string type, RequiredString(request, "contentType"));
  if (!IsValidContentTypeId(type)) {
    return Error::Validation("contentType", "must be a content type id (authority/type:1.0)");
  }
  return type;
}

Result<Json> Content(const Json& request) {
  auto it = request.find("content");
  if (it == request.end() || it->is_null()) return Error::Validation("content", "is required");
  return *it;
}

Result<std::optional<Json>> ScopeList(const Json& request, std::string_view field) {
  auto it = request.find(field);
  if (it == request.end()) return std::optional<Json>();
  if (!it->is_array() ||
      !std::all_of(it->begin(), it->end(), [](const Json& s) { return s.is_string(); })) {
    return Error::Validation(field, "must be an array of scope names");
  }
  return std::optional<Json>(*it);
}

// A send_message request's fields, checked in the order MessageCall checks
// them; `content` points into the request.
Result<SendFields> ReadSend(const Json& request) {
  XS_TRY(std::string group, RequiredString(request, "groupId"));
  XS_TRY(std::string content_type, ContentType(request));
  auto it = request.find("content");
  if (it == request.end() || it->is_null()) return Error::Validation("content", "is required");
  return SendFields{std::move(group), std::move(content_type), &*it};
}

// The registry params of a message request.
Result<std::pair<std::string, Json>> MessageCall(const std::string& type, const Json& request) {
  if (type == "send_message") {
    XS_TRY(SendFields send, ReadSend(request));
    return std::pair{std::string("message.send"), Json{{"chatId", std::move(send.chat)},
                                                       {"contentType", std::move(send.type)},
                                                       {"content", *send.content}}};
  }
  XS_TRY(std::string group, RequiredString(request, "groupId"));
  XS_TRY(std::string message_id, RequiredString(request, "messageId"));
  if (type == "send_reply") {
    XS_TRY(std::string content_type, ContentType(request));
    XS_TRY(Json content, Content(request));
    return std::pair{std::string("message.reply"), Json{{"chatId", group},
                                                        {"messageId", message_id},
                                                        {"contentType", content_type},
                                                        {"content", content}}};
  }
  XS_TRY(std::string action, RequiredString(request, "action"));
  if (action != "added" && action != "removed") {
    return Error::Validation("action", "must be \"added\" or \"removed\"");
  }
  XS_TRY(std::string emoji, RequiredString(request, "content"));
  return std::pair{std::string("message.react"), Json{{"chatId", group},
                                                      {"messageId", message_id},
                                                      {"emoji", emoji},
                                                      {"remove", action == "removed"}}};
}

// The checks of message.send that need only the credential snapshot, in the
// order credential_send.cpp runs them (chat, scope, content type), for the
// requests whose parameters it surely accepts: text or markdown with text
// content. Anything else, and a request that passes them, needs the runtime.
std::optional<Result<Json>> SendChecks(const CredView& view, const SendFields& send) {
  const std::string& type = send.type;
  if (type != kTextType && type != kMarkdownType) return std::nullopt;
  const Json& content = *send.content;
  const Json* text = &content;
  if (content.is_object()) {
    auto field = content.find("text");
    if (field == content.end() && type == kMarkdownType) field = content.find("markdown");
    if (field == content.end()) return std::nullopt;
    text = &*field;
  }
  if (!text->is_string()) return std::nullopt;
  const auto& body = text->get_ref<const std::string&>();
  if (body.empty() || body.size() > kMaxMessageTextBytes) return std::nullopt;

  const std::string& chat = send.chat;
  const bool in_scope =
      std::find(view.chat_ids.begin(), view.chat_ids.end(), chat) != view.chat_ids.end();
  if (!in_scope) {
    // A network group id (hex) may name one of the credential's chats.
    if (std::all_of(chat.begin(), chat.end(),
                    [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; })) {
      return std::nullopt;
    }
    return Result<Json>(Error::Permission("chat not in scoped conversations")
                            .WithContext(ContextJson({{"chatId", chat}})));
  }
  if (!view.scopes.test(*ScopeIndex("send"))) {
    return Result<Json>(
        Error::Permission("Permission denied: send").WithContext(ContextJson({{"scope", "send"}})));
  }
  if (!IsAllowed(view.allowlist, type)) {
    return Result<Json>(
        Error::Permission("Content type " + type + " is not allowed for this credential")
            .WithContext(ContextJson({{"contentType", type}})));
  }
  return std::nullopt;
}

}  // namespace

// Handle's own checks (schema, credential, heartbeat): the answer when they
// decide it, else what to call in `out`.
std::optional<Result<Json>> AgentPlane::Prepare(const std::string& credential_id,
                                                const Json& request, Prepared& out,
                                                bool build_params) {
  Core& core = *core_;
  if (!request.is_object()) return Result<Json>(Error::Validation("request", "must be an object"));
  Result<std::string> type = RequiredString(request, "type");
  if (!type.ok()) return Result<Json>(type.error());
  out.type = *std::move(type);
  out.view = core.Find(credential_id);
  if (out.view == nullptr) return Result<Json>(Error::Auth("unknown credential"));
  out.now_ms = core.clock->NowMs();
  if (out.type != "heartbeat") {
    const std::int64_t last = out.view->last_heartbeat_ms->load();
    if (last != 0 && out.now_ms >= last + kStaleAfterMs) {
      return Result<Json>(Error::Auth("heartbeat is stale")
                              .WithContext(SafeDump(Json{{"credentialId", credential_id}})));
    }
  }
  const std::string& t = out.type;
  if (t == "send_message" && !build_params) {
    // The fast lane reads the fields in place: no params object to build.
    auto send = ReadSend(request);
    if (!send.ok()) return Result<Json>(send.error());
    out.method = "message.send";
    out.send = *std::move(send);
    return std::nullopt;
  }
  if (t == "send_message" || t == "send_reply" || t == "send_reaction") {
    auto call = MessageCall(t, request);
    if (!call.ok()) return Result<Json>(call.error());
    out.method = std::move(call->first);
    out.params = std::move(call->second);
    return std::nullopt;
  }
  if (t == "confirm_action") {
    Result<std::string> action_id = RequiredString(request, "actionId");
    if (!action_id.ok()) return Result<Json>(action_id.error());
    auto confirmed = request.find("confirmed");
    if (confirmed == request.end() || !confirmed->is_boolean()) {
      return Result<Json>(Error::Validation("confirmed", "must be a boolean"));
    }
    out.method = "action.confirm";
    out.params = Json{{"actionId", *action_id}, {"confirmed", *confirmed}};
    return std::nullopt;
  }
  if (t == "reveal_content") {
    auto reveal = request.find("reveal");
    if (reveal == request.end() || !reveal->is_object()) {
      return Result<Json>(Error::Validation("reveal", "must be a RevealRequest object"));
    }
    out.method = "reveal.request";
    out.params = Json{{"reveal", *reveal}};
    return std::nullopt;
  }
  if (t == "update_scopes") {
    out.params = Json::object();
    for (const char* field : {"allow", "deny"}) {
      Result<std::optional<Json>> list = ScopeList(request, field);
      if (!list.ok()) return Result<Json>(list.error());
      if (*list) out.params[field] = std::move(**list);
    }
    return std::nullopt;
  }
  if (t == "heartbeat") {
    Result<std::string> named = RequiredString(request, "credentialId");
    if (!named.ok()) return Result<Json>(named.error());
    if (*named != credential_id) {
      return Result<Json>(
          Error::Auth("heartbeat names another credential than the authenticated one"));
    }
    return std::nullopt;
  }
  return Result<Json>(Error::Validation("type", "unknown request type '" + t + "'"));
}

std::optional<Result<Json>> AgentPlane::Precheck(const std::string& credential_id,
                                                 const Json& request) {
  Prepared call;
  if (auto answer = Prepare(credential_id, request, call, /*build_params=*/false)) return answer;
  if (call.send) return SendChecks(*call.view, *call.send);
  return std::nullopt;
}

Result<Json> AgentPlane::Handle(const std::string& credential_id, const Json& request) {
  Core& core = *core_;
  Prepared call;
  if (auto answer = Prepare(credential_id, request, call)) return *std::move(answer);
  if (!call.method.empty()) {
    CallContext ctx;
    ctx.caller = CallContext::Caller::kCredential;
    ctx.credential_id = credential_id;
    if (auto id = request.find("requestId"); id != request.end() && id->is_string()) {
      ctx.request_id = id->get<std::string>();
    }
    return core.runtime.Call(call.method, call.params, ctx);
  }
  if (call.type == "update_scopes") {
    XS_TRY(UpdateResult result, core.runtime.UpdateScopesFromHarness(credential_id, call.params));
    const Json reason = result.material ? Json(result.diff.reason()) : Json(nullptr);
    if (!result.updated) return Json{{"updated", false}, {"material", true}, {"reason", reason}};
    return Json{{"updated", true}, {"material", result.material}, {"reason", reason}};
  }
  // heartbeat
  XS_RETURN_IF_ERROR(core.runtime.Heartbeat(credential_id));
  call.view->last_heartbeat_ms->store(call.now_ms);
  return Json(nullptr);
}

}  // namespace xs::signet::agent
