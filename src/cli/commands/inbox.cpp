// xs inbox create|list|info|rm|link|unlink (cli.md "inbox").
#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace xs::cli {

namespace {

const std::vector<Column> kInboxColumns = {{"ID", "/id"},           {"LABEL", "/label"},
                                           {"ADDRESS", "/address"}, {"OPERATOR", "/operatorId"},
                                           {"ENV", "/env"},         {"CREATED", "/createdAt"}};

Status Create(Invocation& inv) {
  Json params = Json::object();
  CopyString(inv, "label", "label", &params);
  CopyString(inv, "op", "operatorId", &params);
  XS_TRY(Json rec, inv.Call("inbox.create", params));
  inv.Emit(rec, [&](std::ostream& out) {
    PrintTitled(out, "Created inbox " + rec.value("id", ""), rec);
  });
  return OkStatus();
}

const std::vector<Column> kInstallationColumns = {{"INSTALLATION", "/id"},
                                                  {"THIS SIGNET", "/thisSignet"},
                                                  {"ADDED", "/addedAt"},
                                                  {"KEY PACKAGE", "/keyPackage/state"},
                                                  {"VALID UNTIL", "/keyPackage/notAfter"}};

Status Info(Invocation& inv) {
  Json params = {{"inboxId", Arg(inv, 0)}};
  const bool network = inv.args().Bool("network");
  if (network) params["network"] = true;
  XS_TRY(Json rec, inv.Call("inbox.info", params));
  auto status = rec.find("networkStatus");
  if (!network || inv.args().Value("only") || inv.json() || status == rec.end() ||
      !status->is_object()) {
    return EmitRecordOrField(inv, rec);
  }
  // The installations as a table under the record.
  Json installations = status->value("installations", Json::array());
  status->erase("installations");
  PrintRecord(inv.out(), rec);
  inv.out() << "\nInstallations on the network:\n";
  PrintTable(inv.out(), kInstallationColumns, installations);
  return OkStatus();
}

Status Link(Invocation& inv) {
  Json params = {{"inboxId", Arg(inv, 0)}, {"operatorId", *inv.args().Value("op")}};
  XS_TRY(Json rec, inv.Call("inbox.link", params));
  inv.Emit(rec, [&](std::ostream& out) {
    out << "Linked inbox " << rec.value("id", "") << " to operator " << rec.value("operatorId", "")
        << "\n";
  });
  return OkStatus();
}

Status Unlink(Invocation& inv) {
  XS_TRY(Json rec, inv.Call("inbox.unlink", {{"inboxId", Arg(inv, 0)}}));
  inv.Emit(rec,
           [&](std::ostream& out) { out << "Unlinked inbox " << rec.value("id", "") << "\n"; });
  return OkStatus();
}

}  // namespace

Command InboxCommand() {
  Command create{"create", "Create an inbox (identity) and register it on the network"};
  create.flags = {{"label", FlagKind::kString, "<name>", "inbox label"},
                  {"op", FlagKind::kString, "<id|label>", "operator to link it to"}};
  create.run = Create;
  create.examples = {"xs inbox create --label support --op alice"};

  Command list{"list", "List inboxes"};
  list.run = [](Invocation& inv) {
    return ShowTable(inv, "inbox.list", Json::object(), kInboxColumns);
  };

  Command info{"info",
               "Show an inbox",
               {{"id|label", "inbox id, short id, label, network inbox id or address"}}};
  info.flags = {
      {"network", FlagKind::kBool, "",
       "also show what the network holds: installations and their key packages"},
      {"only", FlagKind::kString, "<field>", "print one field (dotted path, e.g. address)"}};
  info.run = Info;
  info.examples = {"xs inbox info support --only address", "xs inbox info support --network"};

  Command rm{"rm", "Remove an inbox (revokes credentials that use it)", {IdArgument("inbox")}};
  rm.flags = {ForceFlag("remove")};
  rm.run = [](Invocation& inv) {
    return RunDestructive(
        inv, "inbox.rm", {{"inboxId", Arg(inv, 0)}}, [](std::ostream& out, const Json& r) {
          out << "Removed inbox " << r.value("inboxId", "") << "\n";
          out << "Revoked credentials: " << HumanValue(r.value("revokedCredentials", Json::array()))
              << "\n";
        });
  };

  Command link{"link", "Link an inbox to an operator", {IdArgument("inbox")}};
  link.flags = {{"op", FlagKind::kString, "<id|label>", "operator", true}};
  link.run = Link;

  Command unlink{"unlink", "Unlink an inbox from its operator", {IdArgument("inbox")}};
  unlink.run = Unlink;

  Command group{"inbox", "Manage inboxes (XMTP identities)"};
  group.children = {create, list, info, rm, link, unlink};
  return group;
}

}  // namespace xs::cli
