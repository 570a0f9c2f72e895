// xs seal list|info|verify|history (cli.md "seal"): the seals the daemon
// issued (current heads), one seal or revocation, a local verification
// (signature, chain, schema) and a credential's chain in a chat.
#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace xs::cli {

namespace {

const std::vector<Column> kSealColumns = {{"ID", "/chain/current/sealId"},
                                          {"CREDENTIAL", "/chain/current/credentialId"},
                                          {"CHAT", "/chain/current/chatId"},
                                          {"ALLOW", "/chain/current/permissions/allow"},
                                          {"DENY", "/chain/current/permissions/deny"},
                                          {"ISSUED", "/chain/current/issuedAt"}};

Status List(Invocation& inv) {
  Json params = Json::object();
  CopyString(inv, "chat", "chatId", &params);
  CopyString(inv, "credential", "credentialId", &params);
  return ShowTable(inv, "seal.list", params, kSealColumns);
}

Status Verify(Invocation& inv) {
  XS_TRY(Json report, inv.Call("seal.verify", {{"sealId", Arg(inv, 0)}}));
  inv.Emit(report, [&](std::ostream& out) {
    out << report.value("sealId", "") << ": " << report.value("verdict", "") << "\n";
    for (const Json& c : report.value("checks", Json::array())) {
      out << "  " << c.value("result", "") << "  " << c.value("name", "");
      if (c.contains("detail")) out << " (" << c.value("detail", "") << ")";
      out << "\n";
    }
  });
  return OkStatus();
}

Status History(Invocation& inv) {
  Json params = {{"credentialId", Arg(inv, 0)}, {"chatId", *inv.args().Value("chat")}};
  XS_TRY(Json result, inv.Call("seal.history", params));
  inv.Emit(result, [&](std::ostream& out) {
    const Json seals = result.value("seals", Json::array());
    out << seals.size() << " seal(s) of " << result.value("credentialId", "") << " in "
        << result.value("chatId", "") << (result.value("revoked", false) ? " (revoked)" : "")
        << ", newest first\n";
    PrintTable(out, kSealColumns, seals);
  });
  return OkStatus();
}

}  // namespace

Command SealCommand() {
  Command list{"list", "List current seals (the head of each chain)"};
  list.flags = {{"chat", FlagKind::kString, "<id>", "only this chat's"},
                {"credential", FlagKind::kString, "<id>", "only this credential's"}};
  list.run = List;

  Command info{"info", "Show a seal or revocation", {IdArgument("seal", false)}};
  info.run = [](Invocation& inv) {
    return ShowRecord(inv, "seal.info", {{"sealId", Arg(inv, 0)}});
  };

  Command verify{"verify", "Verify a seal: signature, chain, schema", {IdArgument("seal", false)}};
  verify.run = Verify;

  Command history{"history",
                  "A credential's seal chain in a chat, newest first",
                  {IdArgument("credential", false)}};
  history.flags = {{"chat", FlagKind::kString, "<id>", "the chat", true}};
  history.run = History;
  history.examples = {"xs seal history cred_1a2b --chat conv_3c4d"};

  Command group{"seal", "Inspect and verify seals"};
  group.children = {list, info, verify, history};
  return group;
}

}  // namespace xs::cli
