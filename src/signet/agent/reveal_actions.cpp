// The reveal.* actions (events-and-pipeline.md §4):
//
//   reveal.request {reveal: RevealRequest, credentialId?}  -> RevealAccess
//   reveal.list    {credentialId?}                -> {activeReveals: RevealAccess[]}
//
// A credential caller acts on its own store (a credentialId naming another
// credential is a permission error); an admin caller names the credential
// (full or short id). The reveal's groupId is a chat reference (conv_ id or
// network group id, decisions.md #26) that must be one of the credential's
// chats. reveal.request records the access, then replays the chat's stored
// messages that the reveal matches through the pipeline (historical,
// revealed, the allowlist being the message's own type) as message.revealed.
#include "signet/agent/agent_plane_internal.h"
#include "signet/chats/chat_access.h"
#include "signet/util/util.h"

namespace xs::signet::agent {

namespace {

Status Usable(const Credential& c) {
  switch (c.status) {
    case CredentialStatus::kActive:
      return OkStatus();
    case CredentialStatus::kExpired:
      return Error::CredentialExpired(c.id);
    case CredentialStatus::kRevoked:
      return Error::Auth("credential revoked")
          .WithContext(SafeDump(Json{{"credentialId", c.id}, {"status", "revoked"}}));
    case CredentialStatus::kPending:
      break;
  }
  return Error::Auth("credential is pending reauthorization");
}

// The credential whose store the call reads or writes.
Result<Credential> TargetCredential(RuntimeState& s, const Json& p, const CallContext& ctx) {
  std::string id;
  if (ctx.caller == CallContext::Caller::kCredential) {
    id = ctx.credential_id;
    if (HasField(p, "credentialId")) {
      XS_TRY(std::string named, GetString(p, "credentialId"));
      if (named != id) return Error::Permission("a credential may only use its own reveals");
    }
  } else {
    XS_TRY(std::string ref, GetString(p, "credentialId"));
    XS_TRY(id, ResolveShortId(IdType::kCredential, ref, s.credentials->AllIds()));
  }
  XS_TRY(Credential c, s.credentials->Get(id));
  XS_RETURN_IF_ERROR(Usable(c));
  return c;
}

Result<Json> Request(RuntimeState& s, AgentPlane::Core& core, const Json& p,
                     const CallContext& ctx) {
  auto reveal = p.find("reveal");
  if (reveal == p.end()) return Error::Validation("reveal", "is required");
  XS_TRY(RevealRequest request, ParseRevealRequest(*reveal));
  XS_TRY(Credential c, TargetCredential(s, p, ctx));
  std::string chat_id = request.group_id;
  if (s.chat_resolver) {
    auto resolved = s.chat_resolver(request.group_id);
    if (resolved.ok()) chat_id = *resolved;
  }
  if (std::find(c.chat_ids.begin(), c.chat_ids.end(), chat_id) == c.chat_ids.end()) {
    return Error::Permission("chat not in scoped conversations")
        .WithContext(SafeDump(Json{{"chatId", request.group_id}}));
  }
  request.group_id = chat_id;
  XS_TRY(RevealAccess access, core.reveals.Grant(c.id, request, s.clock->NowMs()));
  core.ReplayRevealed(c, request);
  return RevealAccessJson(access);
}

Result<Json> List(RuntimeState& s, AgentPlane::Core& core, const Json& p, const CallContext& ctx) {
  XS_TRY(Credential c, TargetCredential(s, p, ctx));
  const std::int64_t now = s.clock->NowMs();
  core.reveals.ExpireStale(now);
  Json active = Json::array();
  for (const RevealAccess& access : core.reveals.Active(c.id, now)) {
    active.push_back(RevealAccessJson(access));
  }
  return Json{{"activeReveals", std::move(active)}};
}

}  // namespace

void AgentPlane::Core::ReplayRevealed(const Credential& c, const RevealRequest& reveal) {
  if (chats == nullptr) return;
  auto messages = StoredMessages(*chats, reveal.group_id);
  if (!messages.ok()) {
    // The reveal stands for new messages; the history waits for the client.
    Log("agent.reveal_replay_failed",
        {{"credentialId", c.id}, {"error", messages.error().message()}});
    return;
  }
  const ScopeSet scopes = c.effective_set();
  for (const auto& m : *messages) {
    std::optional<RawMessage> raw = ToRawMessage(m, reveal.group_id);
    if (!raw) continue;  // unknown and signet-internal types stay hidden
    raw->is_historical = true;
    if (!Matches(reveal, *raw)) continue;
    const std::vector<std::string> own_type{raw->content_type};
    std::optional<Visibility> visibility =
        ResolveVisibility(*raw, Viewer{&scopes, &c.chat_ids, &own_type, true});
    if (!visibility) continue;
    PostEmit(c.id, Json{{"type", "message.revealed"},
                        {"messageId", raw->message_id},
                        {"groupId", raw->group_id},
                        {"contentType", raw->content_type},
                        {"content", std::move(raw->content)},
                        {"revealId", reveal.reveal_id}});
  }
}

void RegisterRevealActions(ActionRegistry& r, RuntimeState& s,
                           const std::shared_ptr<AgentPlane::Core>& core) {
  RuntimeState* state = &s;
  const Param credential{"credentialId", ParamType::kString,
                         "The credential whose reveals these are: required for admins (cred_ id "
                         "or a unique prefix); a credential may name only itself"};
  r.Register({"reveal.request",
              "Reveal messages of a chat to a credential that cannot read them otherwise",
              Intent::kWrite, false, false,
              [state, core](const Json& p, const CallContext& ctx) {
                return Request(*state, *core, p, ctx);
              }},
             {{"reveal", ParamType::kObject,
               "The RevealRequest: {revealId: your id for it, groupId: the chat (conv_ id or "
               "network group id), scope: message|thread|sender|content-type|time-window, "
               "targetId: the message id, thread id, sender inbox id, content type, or "
               "\"<startISO>|<endISO>\", requestedBy: who asks, expiresAt: ISO time or null}; "
               "matching stored messages arrive as message.revealed events",
               true},
              credential});
  r.Register({"reveal.list", "List a credential's active reveals", Intent::kRead, true, false,
              [state, core](const Json& p, const CallContext& ctx) {
                return List(*state, *core, p, ctx);
              }},
             {credential});
}

}  // namespace xs::signet::agent
