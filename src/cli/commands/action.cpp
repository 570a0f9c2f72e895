// xs action list|confirm|deny (cli.md "action"): the actions a harness asked
// for that wait for the owner's confirmation (scopes.md "Confirmation-
// required actions"; a credential issued with --confirm holds them).
#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace xs::cli {

namespace {

const std::vector<Column> kActionColumns = {
    {"ID", "/actionId"}, {"CREDENTIAL", "/credentialId"}, {"TYPE", "/actionType"},
    {"CHAT", "/chatId"}, {"CONTENT", "/summary"},         {"EXPIRES", "/expiresAt"}};

Status List(Invocation& inv) {
  Json params = Json::object();
  CopyString(inv, "cred", "credentialId", &params);
  return ShowTable(inv, "action.list", params, kActionColumns);
}

Status Decide(Invocation& inv, bool confirmed) {
  const std::string id = Arg(inv, 0);
  XS_TRY(Json result, inv.Call("action.confirm", {{"actionId", id}, {"confirmed", confirmed}}));
  inv.Emit(result, [&](std::ostream& out) {
    if (result.value("denied", false)) {
      out << "Denied " << result.value("actionId", id) << "; nothing was sent\n";
    } else {
      out << "Confirmed " << id << ": sent message " << result.value("messageId", "") << "\n";
    }
  });
  return OkStatus();
}

}  // namespace

Command ActionCommand() {
  Command list{"list", "List the actions waiting for confirmation"};
  list.flags = {{"cred", FlagKind::kString, "<id>", "only this credential's"}};
  list.run = List;

  PositionalSpec id{"id", "pending action id or short id"};
  Command confirm{"confirm", "Confirm a pending action: it is checked again and sent", {id}};
  confirm.run = [](Invocation& inv) { return Decide(inv, true); };
  confirm.examples = {"xs action confirm action_1a2b"};

  Command deny{"deny", "Deny a pending action: it is dropped unsent", {id}};
  deny.run = [](Invocation& inv) { return Decide(inv, false); };

  Command group{"action", "Actions held for owner confirmation"};
  group.children = {list, confirm, deny};
  return group;
}

}  // namespace xs::cli
