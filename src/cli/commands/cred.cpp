// xs cred issue|list|info|revoke|update (cli.md "cred"). The bearer token is
// printed by `issue` only, once; every other output leaves it out.
#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace xs::cli {

namespace {

const std::vector<Column> kCredentialColumns = {{"ID", "/id"},
                                                {"OPERATOR", "/operatorId"},
                                                {"CHATS", "/chatIds"},
                                                {"STATUS", "/status"},
                                                {"EXPIRES", "/expiresAt"}};

FlagSpec AllowFlag() {
  return {"allow", FlagKind::kList, "<scopes>", "allowed scopes, added to the policy's"};
}
FlagSpec DenyFlag() {
  return {"deny", FlagKind::kList, "<scopes>", "denied scopes, added to the policy's (deny wins)"};
}
FlagSpec ConfirmFlag() {
  return {"confirm", FlagKind::kList, "<scopes>",
          "send-side scopes (send, reply, react, read-receipt, attachment) whose actions wait "
          "for owner confirmation (`xs action`)"};
}

Json Get(const Json& record, const char* pointer) {
  Json::json_pointer ptr(pointer);
  return record.contains(ptr) ? record.at(ptr) : Json();
}

// The fields a person wants from a credential, in a stable order.
Fields Summary(const Json& c) {
  Fields fields = {{"id", Get(c, "/id")},
                   {"operator", Get(c, "/operatorId")},
                   {"chats", Get(c, "/chatIds")},
                   {"inboxes", Get(c, "/inboxIds")},
                   {"status", Get(c, "/status")},
                   {"policy", Get(c, "/config/policyId")},
                   {"allow", Get(c, "/effectiveScopes/allow")},
                   {"deny", Get(c, "/effectiveScopes/deny")},
                   {"effective scopes", Get(c, "/resolvedScopes")},
                   {"content types", Get(c, "/contentTypeAllowlist")},
                   {"issued", Get(c, "/issuedAt")},
                   {"expires", Get(c, "/expiresAt")},
                   {"issued by", Get(c, "/issuedBy")}};
  if (c.contains("confirm")) fields.emplace_back("confirm", c["confirm"]);
  if (c.contains("revokedAt")) {
    fields.emplace_back("revoked", c["revokedAt"]);
    fields.emplace_back("revocation reason", Get(c, "/revocationReason"));
  }
  if (c.contains("pendingReason")) fields.emplace_back("pending reason", c["pendingReason"]);
  return fields;
}

Status Issue(Invocation& inv) {
  Json params = {{"operatorId", *inv.args().Value("op")}, {"chatIds", inv.args().List("chat")}};
  CopyString(inv, "policy", "policyId", &params);
  CopyList(inv, "allow", "allow", &params);
  CopyList(inv, "deny", "deny", &params);
  CopyList(inv, "confirm", "confirm", &params);
  if (auto ttl = inv.args().Int("ttl")) params["ttlSeconds"] = *ttl;
  XS_TRY(Json result, inv.CallGated("credential.issue", std::move(params)));
  inv.Emit(result, [&](std::ostream& out) {
    const Json& cred = result["credential"];
    if (result.value("reused", false)) {
      out << "An identical active credential exists; it is returned unchanged.\n";
    } else {
      out << "Issued credential " << cred.value("id", "") << "\n";
    }
    PrintFields(out, Summary(cred));
    for (const auto& id : result.value("evicted", Json::array())) {
      out << "Revoked " << HumanValue(id) << " (per-operator credential limit)\n";
    }
    out << "\ntoken  " << result.value("token", "") << "\n"
        << "This token is shown only once: hand it to the harness now.\n";
  });
  return OkStatus();
}

Status List(Invocation& inv) {
  Json params = Json::object();
  CopyString(inv, "op", "operatorId", &params);
  return ShowTable(inv, "credential.list", params, kCredentialColumns);
}

Status Info(Invocation& inv) {
  XS_TRY(Json cred, inv.Call("credential.lookup", {{"credentialId", Arg(inv, 0)}}));
  inv.Emit(cred, [&](std::ostream& out) { PrintFields(out, Summary(cred)); });
  return OkStatus();
}

Status Update(Invocation& inv) {
  Json params = {{"credentialId", Arg(inv, 0)}};
  CopyList(inv, "allow", "allow", &params);
  CopyList(inv, "deny", "deny", &params);
  CopyString(inv, "policy", "policyId", &params);
  CopyList(inv, "confirm", "confirm", &params);
  if (params.size() == 1) {
    return UsageError("flags", "nothing to update: give --allow, --deny, --policy or --confirm",
                      inv.args().CommandPath());
  }
  XS_TRY(Json result, inv.Call("credential.updateScopes", params));
  inv.Emit(result, [&](std::ostream& out) {
    const Json& cred = result["credential"];
    if (result.value("reauthorizationRequired", false)) {
      out << "The change widens the credential's scopes, so it was revoked "
             "(reauthorization-required).\nIssue a new credential with `xs cred issue`.\n";
    } else if (result.value("material", false)) {
      out << "Updated credential " << cred.value("id", "") << " in place\n";
    } else {
      out << "No change: the effective scopes are the same\n";
    }
    for (const auto& c : result.value("changes", Json::array())) {
      out << "  " << HumanValue(c.value("kind", Json(""))) << "  "
          << HumanValue(c.value("scope", Json("")));
      if (c.contains("from")) out << "  " << HumanValue(c["from"]) << " -> " << HumanValue(c["to"]);
      out << "\n";
    }
  });
  return OkStatus();
}

}  // namespace

Command CredCommand() {
  Command issue{"issue", "Issue a credential to an operator (prints the token once)"};
  issue.flags = {
      {"op", FlagKind::kString, "<id|label>", "operator", true},
      {"chat", FlagKind::kList, "<id>", "conversation id(s) the credential covers", true},
      {"policy", FlagKind::kString, "<id|label>", "policy whose scopes to start from"},
      AllowFlag(),
      DenyFlag(),
      ConfirmFlag(),
      {"ttl", FlagKind::kPositiveInt, "<seconds>",
       "lifetime (default credentials.defaultTtlSeconds)"},
      PassphraseFileFlag(),
  };
  issue.run = Issue;
  issue.examples = {
      "xs cred issue --op alice --chat conv_0123456789abcdef --allow send,reply --ttl 600",
      "xs cred issue --op alice --chat conv_0123456789abcdef --allow send --confirm send"};

  Command list{"list", "List active credentials"};
  list.flags = {{"op", FlagKind::kString, "<id|label>", "only this operator's"}};
  list.run = List;

  Command info{"info", "Show a credential", {IdArgument("credential", false)}};
  info.run = Info;

  Command revoke{"revoke", "Revoke a credential", {IdArgument("credential", false)}};
  revoke.flags = {ForceFlag("revoke")};
  revoke.run = [](Invocation& inv) {
    return RunDestructive(inv, "credential.revoke", {{"credentialId", Arg(inv, 0)}},
                          [](std::ostream& out, const Json& r) {
                            out << "Credential " << r.value("credentialId", "") << " is "
                                << r.value("status", "") << " ("
                                << HumanValue(r.value("reason", Json())) << ")\n";
                          });
  };

  Command update{
      "update", "Change a credential's scopes or policy", {IdArgument("credential", false)}};
  update.flags = {AllowFlag(),
                  DenyFlag(),
                  {"policy", FlagKind::kString, "<id|label>", "new policy (\"\" removes it)"},
                  ConfirmFlag()};
  update.run = Update;

  Command group{"cred", "Manage credentials"};
  group.children = {issue, list, info, revoke, update};
  return group;
}

}  // namespace xs::cli
