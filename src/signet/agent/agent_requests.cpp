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
#include "signet/agent/agent_plane_internal.h"
#include "signet/credentials/limits.h"
#include "signet/policy/content_types.h"

namespace xs::signet::agent {

namespace {

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

// The registry params of a message request.
Result<std::pair<std::string, Json>> MessageCall(const std::string& type, const Json& request) {
  XS_TRY(std::string group, RequiredString(request, "groupId"));
  if (type == "send_message") {
    XS_TRY(std::string content_type, ContentType(request));
    XS_TRY(Json content, Content(request));
    return std::pair{std::string("message.send"),
                     Json{{"chatId", group}, {"contentType", content_type}, {"content", content}}};
  }
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

}  // namespace

Result<Json> AgentPlane::Handle(const std::string& credential_id, const Json& request) {
  Core& core = *core_;
  if (!request.is_object()) return Error::Validation("request", "must be an object");
  XS_TRY(std::string type, RequiredString(request, "type"));
  CredViewPtr view = core.Find(credential_id);
  if (view == nullptr) return Error::Auth("unknown credential");
  const std::int64_t now = core.clock->NowMs();
  if (type != "heartbeat") {
    const std::int64_t last = view->last_heartbeat_ms->load();
    if (last != 0 && now >= last + kStaleAfterMs) {
      return Error::Auth("heartbeat is stale")
          .WithContext(SafeDump(Json{{"credentialId", credential_id}}));
    }
  }
  CallContext ctx;
  ctx.caller = CallContext::Caller::kCredential;
  ctx.credential_id = credential_id;
  if (auto id = request.find("requestId"); id != request.end() && id->is_string()) {
    ctx.request_id = id->get<std::string>();
  }

  if (type == "send_message" || type == "send_reply" || type == "send_reaction") {
    XS_TRY(auto call, MessageCall(type, request));
    return core.runtime.Call(call.first, call.second, ctx);
  }
  if (type == "confirm_action") {
    XS_TRY(std::string action_id, RequiredString(request, "actionId"));
    auto confirmed = request.find("confirmed");
    if (confirmed == request.end() || !confirmed->is_boolean()) {
      return Error::Validation("confirmed", "must be a boolean");
    }
    return core.runtime.Call("action.confirm",
                             Json{{"actionId", action_id}, {"confirmed", *confirmed}}, ctx);
  }
  if (type == "reveal_content") {
    auto reveal = request.find("reveal");
    if (reveal == request.end() || !reveal->is_object()) {
      return Error::Validation("reveal", "must be a RevealRequest object");
    }
    return core.runtime.Call("reveal.request", Json{{"reveal", *reveal}}, ctx);
  }
  if (type == "update_scopes") {
    Json params = Json::object();
    for (const char* field : {"allow", "deny"}) {
      XS_TRY(std::optional<Json> list, ScopeList(request, field));
      if (list) params[field] = std::move(*list);
    }
    XS_TRY(UpdateResult result, core.runtime.UpdateScopesFromHarness(credential_id, params));
    const Json reason = result.material ? Json(result.diff.reason()) : Json(nullptr);
    if (!result.updated) return Json{{"updated", false}, {"material", true}, {"reason", reason}};
    return Json{{"updated", true}, {"material", result.material}, {"reason", reason}};
  }
  if (type == "heartbeat") {
    XS_TRY(std::string named, RequiredString(request, "credentialId"));
    if (named != credential_id) {
      return Error::Auth("heartbeat names another credential than the authenticated one");
    }
    XS_RETURN_IF_ERROR(core.runtime.Heartbeat(credential_id));
    view->last_heartbeat_ms->store(now);
    return Json(nullptr);
  }
  return Error::Validation("type", "unknown request type '" + type + "'");
}

}  // namespace xs::signet::agent
