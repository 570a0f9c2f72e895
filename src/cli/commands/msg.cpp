// xs msg send|list (cli.md "msg"). Listing shows message content, so it
// needs read elevation: --dangerously-allow-message-read, and the owner's
// approval when the gate is on (decisions.md #12-13).
#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "cli/commands/watch.h"

namespace xs::cli {

namespace {

const std::vector<Column> kMessageColumns = {{"ID", "/id"},
                                             {"SENT", "/sentAt"},
                                             {"SENDER", "/senderInboxId"},
                                             {"TYPE", "/contentType"},
                                             {"TEXT", "/text"}};

FlagSpec AsFlag() {
  return {"as", FlagKind::kString, "<inbox>", "the managed inbox expected to act (checked)"};
}

Status Send(Invocation& inv) {
  Json params = {{"chatId", *inv.args().Value("to")}, {"text", Arg(inv, 0)}};
  CopyString(inv, "as", "as", &params);
  XS_TRY(Json sent, inv.Call("message.send", params));
  inv.Emit(sent, [&](std::ostream& out) {
    out << "Sent message " << sent.value("id", "") << " to " << sent.value("chatId", "") << "\n";
  });
  return OkStatus();
}

Status List(Invocation& inv) {
  Json params = {{"chatId", *inv.args().Value("from")}};
  if (auto limit = inv.args().Int("limit")) params["limit"] = *limit;
  if (inv.args().Bool("dangerously-allow-message-read")) {
    params["dangerouslyAllowMessageRead"] = true;
  }
  if (inv.args().Bool("watch")) {
    return Watch(inv, "message.watch", std::move(params), kMessageColumns, {.gated = true});
  }
  XS_TRY(Json messages, inv.CallGated("message.list", std::move(params)));
  inv.Emit(messages, [&](std::ostream& out) { PrintTable(out, kMessageColumns, messages); });
  return OkStatus();
}

}  // namespace

Command MsgCommand() {
  Command send{"send", "Send a text message", {{"text", "the message text"}}};
  send.flags = {
      {"to", FlagKind::kString, "<chat>", "chat: conv_ id, short id, name or group id", true},
      AsFlag()};
  send.run = Send;
  send.examples = {"xs msg send \"hello\" --to support"};

  Command list{"list", "List a chat's messages (content needs read elevation)"};
  list.flags = {
      {"from", FlagKind::kString, "<chat>", "chat: conv_ id, short id, name or group id", true},
      {"limit", FlagKind::kPositiveInt, "<n>", "the newest n messages (default 50)"},
      {"dangerously-allow-message-read", FlagKind::kBool, "",
       "read message content (owner approval for 60 s per chat)"},
      PassphraseFileFlag("owner passphrase approving the read"),
      WatchFlag("new messages")};
  list.run = List;
  list.examples = {"xs msg list --from support --dangerously-allow-message-read",
                   "xs msg list --from support --dangerously-allow-message-read --watch"};

  Command group{"msg", "Messages in chats"};
  group.children = {send, list};
  return group;
}

}  // namespace xs::cli
