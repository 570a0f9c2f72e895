// xs operator create|list|info|rename|rm (cli.md "operator").
#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace xs::cli {

namespace {

const std::vector<Column> kOperatorColumns = {{"ID", "/id"},
                                              {"LABEL", "/config/label"},
                                              {"ROLE", "/config/role"},
                                              {"SCOPE", "/config/scopeMode"},
                                              {"STATUS", "/status"},
                                              {"CREATED", "/createdAt"}};

std::string OperatorName(const Json& rec) {
  return rec.value("id", "") + " (" + HumanValue(rec["config"].value("label", Json(""))) + ")";
}

Status Create(Invocation& inv) {
  Json params = {{"label", *inv.args().Value("label")}};
  CopyString(inv, "role", "role", &params);
  CopyString(inv, "scope", "scopeMode", &params);
  CopyString(inv, "provider", "provider", &params);
  CopyString(inv, "wallet", "walletId", &params);
  CopyString(inv, "inference-mode", "inferenceMode", &params);
  CopyList(inv, "inference-providers", "inferenceProviders", &params);
  CopyString(inv, "content-egress-scope", "contentEgressScope", &params);
  CopyString(inv, "retention-at-provider", "retentionAtProvider", &params);
  CopyString(inv, "hosting-mode", "hostingMode", &params);
  XS_TRY(Json rec, inv.CallGated("operator.create", std::move(params)));
  inv.Emit(rec, [&](std::ostream& out) {
    PrintTitled(out, "Created operator " + OperatorName(rec), rec);
  });
  return OkStatus();
}

Status Rename(Invocation& inv) {
  Json params = {{"operatorId", Arg(inv, 0)}, {"label", *inv.args().Value("label")}};
  XS_TRY(Json rec, inv.Call("operator.update", params));
  inv.Emit(rec,
           [&](std::ostream& out) { out << "Renamed operator " << OperatorName(rec) << "\n"; });
  return OkStatus();
}

Status Remove(Invocation& inv) {
  return RunDestructive(
      inv, "operator.remove", {{"operatorId", Arg(inv, 0)}}, [](std::ostream& out, const Json& r) {
        out << "Removed operator " << r.value("operatorId", "") << "\n";
        out << "Revoked credentials: " << HumanValue(r.value("revokedCredentials", Json::array()))
            << "\n";
      });
}

}  // namespace

Command OperatorCommand() {
  Command create{"create", "Create an operator (an agent profile)"};
  create.flags = {
      {"label", FlagKind::kString, "<name>", "operator label", true},
      {"role",
       FlagKind::kString,
       "<role>",
       "management role, default operator",
       false,
       {"operator", "admin"}},
      {"scope",
       FlagKind::kString,
       "<mode>",
       "identity isolation, default per-chat",
       false,
       {"per-chat", "shared"}},
      {"provider",
       FlagKind::kString,
       "<provider>",
       "wallet key source, default internal",
       false,
       {"internal", "ows"}},
      {"wallet", FlagKind::kString, "<id>", "backing wallet id or label"},
      {"inference-mode",
       FlagKind::kString,
       "<mode>",
       "declared inference mode",
       false,
       {"local", "cloud", "hybrid"}},
      {"inference-providers", FlagKind::kList, "<a,b>", "declared inference providers"},
      {"content-egress-scope",
       FlagKind::kString,
       "<scope>",
       "declared content egress",
       false,
       {"none", "provider-only", "unrestricted"}},
      {"retention-at-provider", FlagKind::kString, "<text>", "declared retention at the provider"},
      {"hosting-mode",
       FlagKind::kString,
       "<mode>",
       "declared hosting",
       false,
       {"self-hosted", "cloud", "tee"}},
      PassphraseFileFlag(),
  };
  create.run = Create;
  create.examples = {"xs operator create --label alice",
                     "xs operator create --label bot --scope shared --inference-mode cloud "
                     "--inference-providers openai"};

  Command list{"list", "List operators"};
  list.run = [](Invocation& inv) {
    return ShowTable(inv, "operator.list", Json::object(), kOperatorColumns);
  };

  Command info{"info", "Show an operator", {IdArgument("operator")}};
  info.run = [](Invocation& inv) {
    return ShowRecord(inv, "operator.info", {{"operatorId", Arg(inv, 0)}});
  };

  Command rename{"rename", "Change an operator's label", {IdArgument("operator")}};
  rename.flags = {{"label", FlagKind::kString, "<new>", "new label", true}};
  rename.run = Rename;

  Command rm{"rm", "Remove an operator (revokes its credentials first)", {IdArgument("operator")}};
  rm.flags = {ForceFlag("remove")};
  rm.run = Remove;
  rm.examples = {"xs operator rm alice            # prints the plan",
                 "xs operator rm alice --force"};

  Command group{"operator", "Manage operators (agent profiles)"};
  group.children = {create, list, info, rename, rm};
  return group;
}

}  // namespace xs::cli
