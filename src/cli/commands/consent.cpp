// xs consent check|allow|deny <entity> (cli.md "consent"; concepts.md §12).
// Consent is per managed inbox: --as picks one; without it a chat's own
// inbox acts for a group that is one of our chats, and every managed inbox
// otherwise (allow/deny set all of them, check shows each).
#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace xs::cli {

namespace {

const std::vector<Column> kConsentColumns = {
    {"INBOX", "/inboxId"}, {"NETWORK INBOX", "/networkInboxId"}, {"STATE", "/state"}};

Command ConsentVerb(const std::string& verb, const std::string& summary,
                    const std::string& method) {
  Command c{verb,
            summary,
            {{"entity",
              "inbox_id: XMTP inbox id, address or managed inbox; group_id: conv_ id, short id, "
              "chat name or network group id"}}};
  c.flags = {{"type",
              FlagKind::kString,
              "<inbox_id|group_id>",
              "what the entity is (default inbox_id)",
              false,
              {"inbox_id", "group_id"}},
             {"as", FlagKind::kString, "<inbox>",
              "act as this managed inbox only (id, label, network inbox id or address)"}};
  c.run = [method, verb](Invocation& inv) -> Status {
    Json params = {{"entity", Arg(inv, 0)}};
    CopyString(inv, "type", "entityType", &params);
    CopyString(inv, "as", "as", &params);
    XS_TRY(Json result, inv.Call(method, params));
    inv.Emit(result, [&](std::ostream& out) {
      const std::string state = result.value("state", "");
      out << (verb == "check" ? "Consent for " : "Set consent for ")
          << result.value("entityType", "") << " " << result.value("entity", "");
      if (result.contains("chatId")) out << " (chat " << result.value("chatId", "") << ")";
      out << ": " << state << "\n";
      PrintTable(out, kConsentColumns, result.value("inboxes", Json::array()));
    });
    return OkStatus();
  };
  return c;
}

}  // namespace

Command ConsentCommand() {
  Command check =
      ConsentVerb("check", "Show the consent state of an inbox or a group", "consent.check");
  check.examples = {"xs consent check 0x1234…", "xs consent check support --type group_id"};
  Command allow = ConsentVerb("allow", "Allow an inbox or a group", "consent.allow");
  allow.examples = {"xs consent allow <inbox id> --as support"};
  Command deny = ConsentVerb("deny", "Deny an inbox or a group", "consent.deny");
  deny.examples = {"xs consent deny conv_1a2b3c4d --type group_id"};

  Command group{"consent", "Consent (allowed / denied / unknown) of inboxes and groups"};
  group.children = {check, allow, deny};
  return group;
}

}  // namespace xs::cli
