// operator.* and policy.* admin actions (concepts.md §2-3, cli.md).
#include <algorithm>

#include "signet/core/runtime_state.h"

namespace xs::signet {

namespace {

Status CheckEnum(const Json& p, std::string_view field, std::initializer_list<const char*> ok) {
  if (!HasField(p, field)) return OkStatus();
  XS_TRY(std::string v, GetString(p, field));
  for (const char* o : ok) {
    if (v == o) return OkStatus();
  }
  return Error::Validation(field, "unsupported value '" + v + "'");
}

Result<Json> Disclosures(const Json& p, Json current) {
  XS_RETURN_IF_ERROR(CheckEnum(p, "inferenceMode", {"local", "cloud", "hybrid"}));
  XS_RETURN_IF_ERROR(CheckEnum(p, "contentEgressScope", {"none", "provider-only", "unrestricted"}));
  XS_RETURN_IF_ERROR(CheckEnum(p, "hostingMode", {"self-hosted", "cloud", "tee"}));
  for (const char* f :
       {"inferenceMode", "contentEgressScope", "hostingMode", "retentionAtProvider"}) {
    if (HasField(p, f)) {
      XS_TRY(current[f], GetString(p, f));
    }
  }
  if (HasField(p, "inferenceProviders")) {
    XS_TRY(current["inferenceProviders"], GetStringList(p, "inferenceProviders"));
  }
  return current;
}

Status CheckRole(const Json& p) {
  if (!HasField(p, "role")) return OkStatus();
  XS_TRY(std::string role, GetString(p, "role"));
  if (role == "superadmin") {
    return Error::Permission("the superadmin role cannot be granted through any surface");
  }
  return CheckEnum(p, "role", {"operator", "admin"});
}

Result<Json> CreateOperator(RuntimeState& s, const Json& p) {
  XS_RETURN_IF_ERROR(s.OwnerConfirm(s.options.gates.agent_creation, p, "operator creation"));
  XS_TRY(std::string label, GetString(p, "label"));
  if (label.empty()) return Error::Validation("label", "must not be empty");
  XS_RETURN_IF_ERROR(CheckRole(p));
  XS_RETURN_IF_ERROR(CheckEnum(p, "scopeMode", {"per-chat", "shared"}));
  XS_RETURN_IF_ERROR(CheckEnum(p, "provider", {"internal", "ows"}));
  Json config = {{"label", label},
                 {"role", p.value("role", "operator")},
                 {"scopeMode", p.value("scopeMode", "per-chat")},
                 {"provider", p.value("provider", "internal")},
                 {"inboxIds", Json::array()}};
  if (HasField(p, "walletId")) {
    XS_TRY(std::string w, GetString(p, "walletId"));
    XS_TRY(config["walletId"], s.wallets->Resolve(w));
  }
  XS_TRY(Json disclosures, Disclosures(p, Json::object()));
  if (!disclosures.empty()) config["operatorDisclosures"] = disclosures;
  Json rec = {{"id", NewId(IdType::kOperator)},
              {"config", config},
              {"createdAt", s.Now()},
              {"createdBy", kOwner},
              {"status", "active"}};
  XS_RETURN_IF_ERROR(s.operators->Put(rec));
  return rec;
}

Result<Json> UpdateOperator(RuntimeState& s, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "operatorId"));
  XS_TRY(std::string id, s.operators->Resolve(ref));
  XS_TRY(Json rec, s.operators->Get(id));
  XS_RETURN_IF_ERROR(CheckRole(p));
  if (HasField(p, "label")) {
    XS_TRY(std::string label, GetString(p, "label"));
    if (label.empty()) return Error::Validation("label", "must not be empty");
    rec["config"]["label"] = label;
  }
  if (HasField(p, "role")) rec["config"]["role"] = p["role"];
  XS_TRY(Json disclosures,
         Disclosures(p, rec["config"].value("operatorDisclosures", Json::object())));
  if (!disclosures.empty()) rec["config"]["operatorDisclosures"] = disclosures;
  XS_RETURN_IF_ERROR(s.operators->Put(rec));
  return rec;
}

Result<Json> RemoveOperator(RuntimeState& s, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "operatorId"));
  XS_TRY(std::string id, s.operators->Resolve(ref));
  XS_TRY(Json rec, s.operators->Get(id));
  std::vector<Credential> creds = s.credentials->List(id);
  if (!GetBool(p, "force")) {
    Json actions = Json::array();
    for (const auto& c : creds) {
      actions.push_back({{"action", "revoke-credential"},
                         {"credentialId", c.id},
                         {"reason", kReasonOwnerInitiated}});
    }
    for (const auto& inbox : rec["config"].value("inboxIds", Json::array())) {
      actions.push_back({{"action", "unlink-inbox"}, {"inboxId", inbox}});
    }
    actions.push_back({{"action", "remove-operator"}, {"operatorId", id}});
    return DryRun(actions);
  }
  // decisions.md #18: revoke first; if that fails the operator stays.
  Json revoked = Json::array();
  for (const auto& c : creds) {
    XS_RETURN_IF_ERROR(s.credentials->Revoke(c.id, kReasonOwnerInitiated));
    revoked.push_back(c.id);
  }
  for (const auto& inbox_id : rec["config"].value("inboxIds", Json::array())) {
    if (const Json* inbox = s.inboxes->Find(inbox_id.get<std::string>())) {
      Json next = *inbox;
      next.erase("operatorId");
      XS_RETURN_IF_ERROR(s.inboxes->Put(next));
    }
  }
  rec["status"] = "removed";
  rec["config"]["inboxIds"] = Json::array();
  XS_RETURN_IF_ERROR(s.operators->Put(rec));
  return Json{{"removed", true}, {"operatorId", id}, {"revokedCredentials", revoked}};
}

Result<Json> InfoOf(RecordSet& set, const Json& p, const char* field) {
  XS_TRY(std::string ref, GetString(p, field));
  XS_TRY(std::string id, set.Resolve(ref));
  return set.Get(id);
}

}  // namespace

void RegisterOperatorActions(ActionRegistry& r, RuntimeState& s) {
  RuntimeState* st = &s;
  r.Register({"operator.create", "Create an operator", Intent::kWrite, false, true,
              [st](const Json& p, const CallContext&) { return CreateOperator(*st, p); }});
  r.Register({"operator.list", "List operators", Intent::kRead, true, true,
              [st](const Json& p, const CallContext&) -> Result<Json> {
                Json out = Json::array();
                for (auto& op : st->operators->All()) {
                  if (op.value("status", "") != "removed" || GetBool(p, "includeRemoved")) {
                    out.push_back(op);
                  }
                }
                return out;
              }});
  r.Register({"operator.info", "Show an operator", Intent::kRead, true, true,
              [st](const Json& p, const CallContext&) {
                return InfoOf(*st->operators, p, "operatorId");
              }});
  r.Register({"operator.update", "Rename or update an operator", Intent::kWrite, true, true,
              [st](const Json& p, const CallContext&) { return UpdateOperator(*st, p); }});
  r.Register({"operator.remove", "Remove an operator (dry run unless force)", Intent::kDestroy,
              false, true,
              [st](const Json& p, const CallContext&) { return RemoveOperator(*st, p); }});
}

namespace {

Result<Json> CreatePolicy(RuntimeState& s, const Json& p) {
  XS_TRY(std::string label, GetString(p, "label"));
  if (label.empty()) return Error::Validation("label", "must not be empty");
  XS_TRY(auto allow, GetStringList(p, "allow"));
  XS_TRY(auto deny, GetStringList(p, "deny"));
  XS_RETURN_IF_ERROR(ValidateScopes(allow, "allow"));
  XS_RETURN_IF_ERROR(ValidateScopes(deny, "deny"));
  std::string now = s.Now();
  Json rec = {{"id", NewId(IdType::kPolicy)},
              {"config", {{"label", label}, {"allow", allow}, {"deny", deny}}},
              {"createdAt", now},
              {"updatedAt", now}};
  XS_RETURN_IF_ERROR(s.policies->Put(rec));
  return rec;
}

Result<Json> UpdatePolicy(RuntimeState& s, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "policyId"));
  XS_TRY(std::string id, s.policies->Resolve(ref));
  XS_TRY(Json rec, s.policies->Get(id));
  if (HasField(p, "label")) {
    XS_TRY(std::string label, GetString(p, "label"));
    if (label.empty()) return Error::Validation("label", "must not be empty");
    rec["config"]["label"] = label;
  }
  for (const char* f : {"allow", "deny"}) {
    if (!HasField(p, f)) continue;
    XS_TRY(auto list, GetStringList(p, f));
    XS_RETURN_IF_ERROR(ValidateScopes(list, f));
    rec["config"][f] = list;
  }
  rec["updatedAt"] = s.Now();
  XS_RETURN_IF_ERROR(s.policies->Put(rec));
  return rec;
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
  r.Register({"policy.create", "Create a policy", Intent::kWrite, false, true,
              [st](const Json& p, const CallContext&) { return CreatePolicy(*st, p); }});
  r.Register({"policy.list", "List policies", Intent::kRead, true, true,
              [st](const Json&, const CallContext&) -> Result<Json> {
                return Json(st->policies->All());
              }});
  r.Register(
      {"policy.info", "Show a policy", Intent::kRead, true, true,
       [st](const Json& p, const CallContext&) { return InfoOf(*st->policies, p, "policyId"); }});
  r.Register({"policy.update", "Update a policy", Intent::kWrite, true, true,
              [st](const Json& p, const CallContext&) { return UpdatePolicy(*st, p); }});
  r.Register({"policy.remove", "Remove a policy (dry run unless force)", Intent::kDestroy, false,
              true, [st](const Json& p, const CallContext&) { return RemovePolicy(*st, p); }});
}

}  // namespace xs::signet
