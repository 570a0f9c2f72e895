// credential.* admin actions (concepts.md §4, decisions.md #4-#5).
#include <algorithm>

#include "signet/core/action_params.h"
#include "signet/core/runtime_state.h"
#include "signet/policy/content_types.h"

namespace xs::signet {

namespace {

Result<ScopePair> PolicyScopes(RuntimeState& s, const std::string& policy_id) {
  ScopePair out;
  if (policy_id.empty()) return out;
  XS_TRY(PolicyRecord rec, s.policies->Get(policy_id));
  out.allow = std::move(rec.allow);
  out.deny = std::move(rec.deny);
  return out;
}

bool HasEgress(const ScopeSet& set) {
  const auto& all = AllScopes();
  for (std::size_t i = 0; i < kScopeCount; ++i) {
    if (set.test(i) && all[i].category == ScopeCategory::kEgress) return true;
  }
  return false;
}

Result<std::string> ResolveCredential(RuntimeState& s, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "credentialId"));
  std::vector<Candidate> cands;
  for (const auto& id : s.credentials->AllIds()) cands.push_back({id, ""});
  return ResolveReference("cred_", "credential", ref, cands);
}

Json WithAllowlist(RuntimeState& s, const Credential& c) {
  Json j = CredentialToJson(c);
  auto list = EffectiveAllowlist(s.options.content_types, c.content_types);
  if (list.ok()) j["contentTypeAllowlist"] = *list;
  return j;
}

Result<Json> Issue(RuntimeState& s, const Json& p) {
  if (HasField(p, "sessionId")) return Error::Validation("sessionId", "legacy field is rejected");
  XS_TRY(std::string op_ref, GetString(p, "operatorId"));
  XS_TRY(std::string op_id, s.operators->Resolve(op_ref));
  XS_TRY(OperatorRecord op, s.operators->Get(op_id));
  if (op.status != OperatorStatus::kActive) {
    return Error::Validation("operatorId", "operator is " + std::string(Name(op.status)));
  }
  IssueRequest req;
  req.operator_id = op_id;
  XS_TRY(req.chat_ids, GetStringList(p, "chatIds"));
  if (req.chat_ids.empty() && HasField(p, "chatId")) {
    XS_TRY(std::string chat, GetString(p, "chatId"));
    req.chat_ids.push_back(chat);
  }
  if (s.chat_resolver) {
    for (auto& chat : req.chat_ids) {
      XS_TRY(chat, s.chat_resolver(chat));
    }
  }
  if (HasField(p, "policyId")) {
    XS_TRY(std::string pref, GetString(p, "policyId"));
    XS_TRY(req.policy_id, s.policies->Resolve(pref));
  }
  XS_TRY(req.policy_scopes, PolicyScopes(s, req.policy_id));
  XS_TRY(req.inline_scopes.allow, GetStringList(p, "allow"));
  XS_TRY(req.inline_scopes.deny, GetStringList(p, "deny"));
  if (HasField(p, "ttlSeconds")) {
    const Json& t = p["ttlSeconds"];
    if (!t.is_number_integer())
      return Error::Validation("ttlSeconds", "must be a positive integer");
    req.ttl_seconds = t.get<std::int64_t>();
  }
  if (HasField(p, "contentTypes")) {
    XS_TRY(req.content_types, GetStringList(p, "contentTypes"));
    XS_RETURN_IF_ERROR(EffectiveAllowlist(s.options.content_types, req.content_types));
  }
  if (HasField(p, "confirm")) {
    XS_TRY(std::vector<std::string> confirm, GetStringList(p, "confirm"));
    XS_TRY(req.confirm, ValidateConfirmScopes(std::move(confirm)));
  }
  req.issued_by = kOwner;
  req.inbox_ids = op.inbox_ids;
  req.per_chat = op.scope_mode == ScopeMode::kPerChat;
  ScopeSet eff = Resolve(MergeScopes(req.policy_scopes, req.inline_scopes));
  if (HasEgress(eff)) {
    XS_RETURN_IF_ERROR(s.OwnerConfirm(s.options.gates.egress_expansion, p, "granting egress"));
  }
  XS_TRY(IssueResult res, s.credentials->Issue(req));
  Json cred = WithAllowlist(s, res.credential);
  return Json{{"token", res.token},
              {"credential", cred},
              {"tokenMetadata", TokenMetadata(res.credential, res.token)},
              {"reused", res.reused},
              {"evicted", res.evicted}};
}

Result<Json> Revoke(RuntimeState& s, const Json& p) {
  XS_TRY(std::string id, ResolveCredential(s, p));
  XS_TRY(std::string reason, GetOptString(p, "reason", std::string(kReasonOwnerInitiated)));
  if (!IsRevocationReason(reason)) return Error::Validation("reason", "unknown revocation reason");
  XS_TRY(Credential c, s.credentials->Get(id));
  if (!GetBool(p, "force")) {
    return DryRun(Json::array({{{"action", "revoke-credential"},
                                {"credentialId", id},
                                {"status", CredentialStatusName(c.status)},
                                {"chatIds", c.chat_ids},
                                {"reason", reason}}}));
  }
  XS_TRY(Credential after, s.credentials->Revoke(id, reason));
  return Json{{"revoked", after.status == CredentialStatus::kRevoked},
              {"credentialId", id},
              {"status", CredentialStatusName(after.status)},
              {"reason", after.revocation_reason}};
}

Json DiffJson(const ScopeDiff& d) {
  Json out = Json::array();
  for (const auto& c : d.changes) {
    Json j = {{"scope", c.scope}};
    j["kind"] = c.kind == ScopeChange::Kind::kAdded     ? "added"
                : c.kind == ScopeChange::Kind::kRemoved ? "removed"
                                                        : "changed";
    if (c.kind == ScopeChange::Kind::kChanged) {
      j["from"] = c.from;
      j["to"] = c.to;
    }
    out.push_back(j);
  }
  return out;
}

Result<Json> UpdateScopes(RuntimeState& s, const Json& p) {
  if (HasField(p, "chatIds") || HasField(p, "chatId")) {
    return Error::Validation("chatIds", "chats cannot change; issue a new credential instead");
  }
  XS_TRY(std::string id, ResolveCredential(s, p));
  XS_TRY(Credential c, s.credentials->Get(id));
  UpdateRequest req;
  req.policy_id = c.policy_id;
  if (HasField(p, "policyId")) {
    XS_TRY(std::string pref, GetString(p, "policyId"));
    if (pref.empty()) {
      req.policy_id.clear();
    } else {
      XS_TRY(req.policy_id, s.policies->Resolve(pref));
    }
  }
  XS_TRY(req.policy_scopes, PolicyScopes(s, req.policy_id));
  if (HasField(p, "allow")) {
    XS_TRY(auto allow, GetStringList(p, "allow"));
    req.allow = allow;
  }
  if (HasField(p, "deny")) {
    XS_TRY(auto deny, GetStringList(p, "deny"));
    req.deny = deny;
  }
  if (HasField(p, "contentTypes")) {
    XS_TRY(auto types, GetStringList(p, "contentTypes"));
    XS_RETURN_IF_ERROR(EffectiveAllowlist(s.options.content_types, types));
    req.content_types = types;
  }
  if (HasField(p, "confirm")) {
    XS_TRY(std::vector<std::string> confirm, GetStringList(p, "confirm"));
    XS_TRY(req.confirm, ValidateConfirmScopes(std::move(confirm)));
  }
  req.via_admin = true;
  XS_TRY(UpdateResult res, s.credentials->UpdateScopes(id, req));
  Json out = {{"updated", res.updated},
              {"material", res.material},
              {"reauthorizationRequired", res.reauthorization_required},
              {"changes", DiffJson(res.diff)},
              {"credential", WithAllowlist(s, res.credential)}};
  if (res.material) out["reason"] = res.diff.reason();
  return out;
}

Param CredentialIdParam() {
  return {"credentialId", ParamType::kString, "The credential: its cred_ id or a unique short id",
          true};
}

Param ContentTypesParam() {
  return NameListParam(
      "contentTypes",
      "Content-type ids the credential may send and see (within the signet's allowlist)");
}

Param ConfirmParam() {
  return NameListParam("confirm",
                       "Send-side scopes (send, reply, react, read-receipt, attachment) whose "
                       "actions wait for owner confirmation");
}

}  // namespace

void RegisterCredentialActions(ActionRegistry& r, RuntimeState& s) {
  RuntimeState* st = &s;
  r.Register(
      {"credential.issue", "Issue a credential (token shown once)", Intent::kWrite, true, true,
       [st](const Json& p, const CallContext&) { return Issue(*st, p); }},
      {RecordRefParam("operatorId", "operator the credential acts for", "op_"),
       NameListParam(
           "chatIds",
           "The chats the credential covers (conv_ ids, short ids or names; network group ids)"),
       {"chatId", ParamType::kString,
        "One chat the credential covers, when chatIds is absent or empty"},
       RecordRefParam("policyId", "policy whose scopes to start from", "policy_", false),
       NameListParam("allow", "Allowed scopes, added to the policy's"),
       NameListParam("deny", "Denied scopes, added to the policy's (deny wins)"),
       {"ttlSeconds", ParamType::kInteger,
        "Lifetime in seconds (default: credentials.defaultTtlSeconds)"},
       ContentTypesParam(),
       ConfirmParam(),
       OwnerPassphraseParam()});
  r.Register(
      {"credential.list", "List active credentials", Intent::kRead, true, true,
       [st](const Json& p, const CallContext&) -> Result<Json> {
         std::string op;
         if (HasField(p, "operatorId")) {
           XS_TRY(std::string ref, GetString(p, "operatorId"));
           XS_TRY(op, st->operators->Resolve(ref));
         }
         Json out = Json::array();
         for (const auto& c : st->credentials->List(op)) out.push_back(WithAllowlist(*st, c));
         return out;
       }},
      {RecordRefParam("operatorId", "operator whose credentials to list (absent: every operator's)",
                      "op_", false)});
  // Also callable with a credential, for that credential only (decisions.md
  // #22); another id answers not_found so existence does not leak.
  // Short ids of a credential caller resolve against its own id only.
  ActionSpec lookup{"credential.lookup",
                    "Show a credential: its chats, scopes, status, expiry and content types",
                    Intent::kRead,
                    true,
                    false,
                    [st](const Json& p, const CallContext& ctx) -> Result<Json> {
                      std::string id = ctx.credential_id;
                      if (ctx.caller != CallContext::Caller::kCredential) {
                        XS_TRY(id, ResolveCredential(*st, p));
                      } else if (HasField(p, "credentialId")) {
                        XS_TRY(std::string ref, GetString(p, "credentialId"));
                        auto own = ResolveReference("cred_", "credential", ref, {{id, ""}});
                        if (!own.ok()) return Error::NotFound("credential not found");
                      }
                      XS_TRY(Credential c, st->credentials->Get(id));
                      return WithAllowlist(*st, c);
                    }};
  lookup.tool_name = "credential_info";
  r.Register(std::move(lookup),
             {{"credentialId", ParamType::kString,
               "The credential: its cred_ id (or a unique prefix of it). Required for admins; a "
               "credential may name only itself and defaults to itself"}});
  r.Register({"credential.revoke", "Revoke a credential (dry run unless force)", Intent::kDestroy,
              true, true, [st](const Json& p, const CallContext&) { return Revoke(*st, p); }},
             {CredentialIdParam(),
              {"reason",
               ParamType::kString,
               "Why (default owner-initiated)",
               false,
               {std::string(kReasonOwnerInitiated), std::string(kReasonExpired),
                std::string(kReasonHeartbeatTimeout), std::string(kReasonPolicyViolation),
                std::string(kReasonReauthorization)}},
              ForceParam("revoke the credential")});
  r.Register(
      {"credential.updateScopes", "Change a credential's scopes or policy", Intent::kWrite, false,
       true, [st](const Json& p, const CallContext&) { return UpdateScopes(*st, p); }},
      // No chatIds: a credential's chats cannot change (the handler says so).
      {CredentialIdParam(),
       {"policyId", ParamType::kString,
        "The new policy: its policy_ id, a unique short id or its label (\"\" removes it)"},
       NameListParam("allow",
                     "Inline allowed scopes (added to the policy's), replacing the current ones; a "
                     "wider result revokes the credential"),
       NameListParam("deny",
                     "Inline denied scopes (added to the policy's), replacing the current ones"),
       ContentTypesParam(),
       ConfirmParam()});
}

}  // namespace xs::signet
