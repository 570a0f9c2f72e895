// operator.* and policy.* admin actions (concepts.md §2-3, cli.md).
#include <algorithm>

#include "signet/core/action_params.h"
#include "signet/core/runtime_state.h"

namespace xs::signet {

namespace {

// Parses an optional enum param; absent leaves `out` as it is.
template <typename E>
Status ReadEnum(const Json& p, std::string_view field, E& out) {
  if (!HasField(p, field)) return OkStatus();
  XS_TRY(std::string v, GetString(p, field));
  XS_TRY(out, Parse<E>(v, field));
  return OkStatus();
}

Status ReadRole(const Json& p, OperatorRole& out) {
  if (!HasField(p, "role")) return OkStatus();
  XS_TRY(std::string role, GetString(p, "role"));
  if (role == Name(OperatorRole::kSuperadmin)) {
    return Error::Permission("the superadmin role cannot be granted through any surface");
  }
  return ReadEnum(p, "role", out);
}

Result<std::string> ReadLabel(const Json& p) {
  XS_TRY(std::string label, GetString(p, "label"));
  if (label.empty()) return Error::Validation("label", "must not be empty");
  return label;
}

Result<Json> CreateOperator(RuntimeState& s, const Json& p) {
  XS_RETURN_IF_ERROR(s.OwnerConfirm(s.options.gates.agent_creation, p, "operator creation"));
  OperatorRecord rec;
  XS_TRY(rec.label, ReadLabel(p));
  XS_RETURN_IF_ERROR(ReadRole(p, rec.role));
  XS_RETURN_IF_ERROR(ReadEnum(p, "scopeMode", rec.scope_mode));
  XS_RETURN_IF_ERROR(ReadEnum(p, "provider", rec.provider));
  if (HasField(p, "walletId")) {
    XS_TRY(std::string w, GetString(p, "walletId"));
    XS_TRY(rec.wallet_id, s.wallets->Resolve(w));
  }
  XS_TRY(rec.disclosures, MergeDisclosures(p, {}));
  rec.id = NewId(IdType::kOperator);
  rec.created_at = s.Now();
  rec.created_by = kOwner;
  rec.status = OperatorStatus::kActive;
  XS_RETURN_IF_ERROR(s.operators->Put(rec));
  return rec.ToJson();
}

Result<OperatorRecord> OperatorOf(RuntimeState& s, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "operatorId"));
  XS_TRY(std::string id, s.operators->Resolve(ref));
  return s.operators->Get(id);
}

Result<Json> UpdateOperator(RuntimeState& s, const Json& p) {
  XS_TRY(OperatorRecord rec, OperatorOf(s, p));
  XS_RETURN_IF_ERROR(ReadRole(p, rec.role));
  if (HasField(p, "label")) {
    XS_TRY(rec.label, ReadLabel(p));
  }
  XS_TRY(rec.disclosures, MergeDisclosures(p, rec.disclosures));
  XS_RETURN_IF_ERROR(s.operators->Put(rec));
  return rec.ToJson();
}

Result<Json> RemoveOperator(RuntimeState& s, const Json& p) {
  XS_TRY(OperatorRecord rec, OperatorOf(s, p));
  std::vector<Credential> creds = s.credentials->List(rec.id);
  if (!GetBool(p, "force")) {
    Json actions = Json::array();
    for (const auto& c : creds) {
      actions.push_back({{"action", "revoke-credential"},
                         {"credentialId", c.id},
                         {"reason", kReasonOwnerInitiated}});
    }
    for (const auto& inbox : rec.inbox_ids) {
      actions.push_back({{"action", "unlink-inbox"}, {"inboxId", inbox}});
    }
    actions.push_back({{"action", "remove-operator"}, {"operatorId", rec.id}});
    return DryRun(actions);
  }
  // decisions.md #18: revoke first; if that fails the operator stays.
  Json revoked = Json::array();
  for (const auto& c : creds) {
    XS_RETURN_IF_ERROR(s.credentials->Revoke(c.id, kReasonOwnerInitiated));
    revoked.push_back(c.id);
  }
  for (const auto& inbox_id : rec.inbox_ids) {
    if (const InboxRecord* inbox = s.inboxes->Find(inbox_id)) {
      InboxRecord next = *inbox;
      next.operator_id.reset();
      XS_RETURN_IF_ERROR(s.inboxes->Put(next));
    }
  }
  rec.status = OperatorStatus::kRemoved;
  rec.inbox_ids.clear();
  XS_RETURN_IF_ERROR(s.operators->Put(rec));
  return Json{{"removed", true}, {"operatorId", rec.id}, {"revokedCredentials", revoked}};
}

template <typename T>
Result<Json> InfoOf(const TypedRecordSet<T>& set, const Json& p, const char* field) {
  XS_TRY(std::string ref, GetString(p, field));
  XS_TRY(std::string id, set.Resolve(ref));
  XS_TRY(T rec, set.Get(id));
  return rec.ToJson();
}

Param OperatorIdParam() { return RecordRefParam("operatorId", "operator", "op_"); }

Param LabelParam(const std::string& what, bool required) {
  return {"label", ParamType::kString, "The " + what + "'s label (not empty)", required};
}

// role: no enum, so that "superadmin" stays a permission error.
Param RoleParam() {
  return {"role", ParamType::kString,
          "Management role: operator (the default) or admin; superadmin cannot be granted"};
}

// The operator's self-declared disclosures (operator.create and .update).
std::vector<Param> WithDisclosureParams(std::vector<Param> params) {
  params.push_back({"inferenceMode",
                    ParamType::kString,
                    "Declared inference mode",
                    false,
                    {"local", "cloud", "hybrid"}});
  params.push_back(NameListParam("inferenceProviders", "Declared inference providers"));
  params.push_back({"contentEgressScope",
                    ParamType::kString,
                    "Declared egress of message content",
                    false,
                    {"none", "provider-only", "unrestricted"}});
  params.push_back({"retentionAtProvider", ParamType::kString,
                    "Declared retention at the provider (free text)"});
  params.push_back({"hostingMode",
                    ParamType::kString,
                    "Declared hosting",
                    false,
                    {"self-hosted", "cloud", "tee"}});
  return params;
}

}  // namespace

void RegisterOperatorActions(ActionRegistry& r, RuntimeState& s) {
  RuntimeState* st = &s;
  r.Register(
      {"operator.create", "Create an operator", Intent::kWrite, false, true,
       [st](const Json& p, const CallContext&) { return CreateOperator(*st, p); }},
      WithDisclosureParams({
          LabelParam("operator", true),
          RoleParam(),
          {"scopeMode",
           ParamType::kString,
           "Identity isolation: a fresh inbox per chat (per-chat, the default) or one shared inbox",
           false,
           {"per-chat", "shared"}},
          {"provider",
           ParamType::kString,
           "Wallet key source (internal, the default, or ows)",
           false,
           {"internal", "ows"}},
          {"walletId", ParamType::kString,
           "The backing wallet: its wallet_ id, a unique short id or its label"},
          OwnerPassphraseParam(),
      }));
  r.Register({"operator.list", "List operators", Intent::kRead, true, true,
              [st](const Json& p, const CallContext&) -> Result<Json> {
                Json out = Json::array();
                for (const auto& [id, op] : st->operators->All()) {
                  if (op.status != OperatorStatus::kRemoved || GetBool(p, "includeRemoved")) {
                    out.push_back(op.ToJson());
                  }
                }
                return out;
              }},
             {{"includeRemoved", ParamType::kBoolean, "true: list removed operators too"}});
  r.Register(
      {"operator.info", "Show an operator", Intent::kRead, true, true,
       [st](const Json& p, const CallContext&) { return InfoOf(*st->operators, p, "operatorId"); }},
      {OperatorIdParam()});
  r.Register({"operator.update", "Rename or update an operator", Intent::kWrite, true, true,
              [st](const Json& p, const CallContext&) { return UpdateOperator(*st, p); }},
             WithDisclosureParams({OperatorIdParam(), LabelParam("operator", false), RoleParam()}));
  r.Register(
      {"operator.remove", "Remove an operator (dry run unless force)", Intent::kDestroy, false,
       true, [st](const Json& p, const CallContext&) { return RemoveOperator(*st, p); }},
      {OperatorIdParam(), ForceParam("remove the operator, revoking its credentials first")});
}

namespace {

Result<Json> CreatePolicy(RuntimeState& s, const Json& p) {
  PolicyRecord rec;
  XS_TRY(rec.label, ReadLabel(p));
  XS_TRY(rec.allow, GetStringList(p, "allow"));
  XS_TRY(rec.deny, GetStringList(p, "deny"));
  XS_RETURN_IF_ERROR(ValidateScopes(rec.allow, "allow"));
  XS_RETURN_IF_ERROR(ValidateScopes(rec.deny, "deny"));
  rec.id = NewId(IdType::kPolicy);
  rec.created_at = s.Now();
  rec.updated_at = rec.created_at;
  XS_RETURN_IF_ERROR(s.policies->Put(rec));
  return rec.ToJson();
}

Result<Json> UpdatePolicy(RuntimeState& s, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "policyId"));
  XS_TRY(std::string id, s.policies->Resolve(ref));
  XS_TRY(PolicyRecord rec, s.policies->Get(id));
  if (HasField(p, "label")) {
    XS_TRY(rec.label, ReadLabel(p));
  }
  for (auto [field, list] : {std::pair{"allow", &rec.allow}, std::pair{"deny", &rec.deny}}) {
    if (!HasField(p, field)) continue;
    XS_TRY(*list, GetStringList(p, field));
    XS_RETURN_IF_ERROR(ValidateScopes(*list, field));
  }
  rec.updated_at = s.Now();
  XS_RETURN_IF_ERROR(s.policies->Put(rec));
  return rec.ToJson();
}

Result<Json> RemovePolicy(RuntimeState& s, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "policyId"));
  XS_TRY(std::string id, s.policies->Resolve(ref));
  Json users = Json::array();
  for (const auto& c : s.credentials->List()) {
    if (c.policy_id == id) users.push_back(c.id);
  }
  if (!GetBool(p, "force")) {
    return DryRun(Json::array(
        {{{"action", "remove-policy"}, {"policyId", id}, {"activeCredentialsUsingIt", users}}}));
  }
  XS_RETURN_IF_ERROR(s.policies->Remove(id));
  return Json{{"removed", true}, {"policyId", id}};
}

}  // namespace

void RegisterPolicyActions(ActionRegistry& r, RuntimeState& s) {
  RuntimeState* st = &s;
  const Param policy_id = RecordRefParam("policyId", "policy", "policy_");
  const Param allow = NameListParam("allow", "Allowed scopes (scopes.md names, e.g. send, reply)");
  const Param deny = NameListParam("deny", "Denied scopes (deny wins over allow)");
  r.Register({"policy.create", "Create a policy", Intent::kWrite, false, true,
              [st](const Json& p, const CallContext&) { return CreatePolicy(*st, p); }},
             {LabelParam("policy", true), allow, deny});
  r.Register(
      {"policy.list", "List policies", Intent::kRead, true, true,
       [st](const Json&, const CallContext&) -> Result<Json> { return st->policies->AllJson(); }});
  r.Register(
      {"policy.info", "Show a policy", Intent::kRead, true, true,
       [st](const Json& p, const CallContext&) { return InfoOf(*st->policies, p, "policyId"); }},
      {policy_id});
  r.Register({"policy.update", "Update a policy", Intent::kWrite, true, true,
              [st](const Json& p, const CallContext&) { return UpdatePolicy(*st, p); }},
             {policy_id, LabelParam("policy", false),
              NameListParam("allow", "The new allowed scopes, replacing the old (empty clears)"),
              NameListParam("deny", "The new denied scopes, replacing the old (empty clears)")});
  r.Register({"policy.remove", "Remove a policy (dry run unless force)", Intent::kDestroy, false,
              true, [st](const Json& p, const CallContext&) { return RemovePolicy(*st, p); }},
             {policy_id, ForceParam("remove the policy")});
}

}  // namespace xs::signet
