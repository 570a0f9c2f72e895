// xs policy create|list|info|update|rm (cli.md "policy").
#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace xs::cli {

namespace {

const std::vector<Column> kPolicyColumns = {{"ID", "/id"},
                                            {"LABEL", "/config/label"},
                                            {"ALLOW", "/config/allow"},
                                            {"DENY", "/config/deny"},
                                            {"UPDATED", "/updatedAt"}};

FlagSpec AllowFlag() {
  return {"allow", FlagKind::kList, "<scopes>", "allowed scopes (e.g. send,reply,react)"};
}
FlagSpec DenyFlag() { return {"deny", FlagKind::kList, "<scopes>", "denied scopes (deny wins)"}; }

Status Create(Invocation& inv) {
  Json params = {{"label", *inv.args().Value("label")}};
  CopyList(inv, "allow", "allow", &params);
  CopyList(inv, "deny", "deny", &params);
  XS_TRY(Json rec, inv.Call("policy.create", params));
  inv.Emit(rec, [&](std::ostream& out) {
    PrintTitled(out, "Created policy " + rec.value("id", ""), rec);
  });
  return OkStatus();
}

Status Update(Invocation& inv) {
  Json params = {{"policyId", Arg(inv, 0)}};
  CopyString(inv, "label", "label", &params);
  CopyList(inv, "allow", "allow", &params);
  CopyList(inv, "deny", "deny", &params);
  if (params.size() == 1) {
    return UsageError("flags", "nothing to update: give --allow, --deny or --label",
                      inv.args().CommandPath());
  }
  XS_TRY(Json rec, inv.Call("policy.update", params));
  inv.Emit(rec, [&](std::ostream& out) {
    PrintTitled(out, "Updated policy " + rec.value("id", ""), rec);
    out << "Note: existing credentials keep their scopes; use `xs cred update` to move them.\n";
  });
  return OkStatus();
}

}  // namespace

Command PolicyCommand() {
  Command create{"create", "Create a named scope policy"};
  create.flags = {
      {"label", FlagKind::kString, "<name>", "policy label", true}, AllowFlag(), DenyFlag()};
  create.run = Create;
  create.examples = {"xs policy create --label chatty --allow send,reply,react,read-messages"};

  Command list{"list", "List policies"};
  list.run = [](Invocation& inv) {
    return ShowTable(inv, "policy.list", Json::object(), kPolicyColumns);
  };

  Command info{"info", "Show a policy", {IdArgument("policy")}};
  info.run = [](Invocation& inv) {
    return ShowRecord(inv, "policy.info", {{"policyId", Arg(inv, 0)}});
  };

  Command update{"update", "Change a policy's scopes or label", {IdArgument("policy")}};
  update.flags = {AllowFlag(), DenyFlag(), {"label", FlagKind::kString, "<name>", "new label"}};
  update.run = Update;
  update.examples = {"xs policy update chatty --deny forward-to-provider",
                     "xs policy update chatty --allow \"\"   # clears the allow list"};

  Command rm{"rm", "Remove a policy", {IdArgument("policy")}};
  rm.flags = {ForceFlag("remove")};
  rm.run = [](Invocation& inv) {
    return RunDestructive(inv, "policy.remove", {{"policyId", Arg(inv, 0)}},
                          [](std::ostream& out, const Json& r) {
                            out << "Removed policy " << r.value("policyId", "") << "\n";
                          });
  };

  Command group{"policy", "Manage scope policies"};
  group.children = {create, list, info, update, rm};
  return group;
}

}  // namespace xs::cli
