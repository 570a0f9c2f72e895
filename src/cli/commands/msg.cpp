// xs msg send|reply|react|read|list|info (cli.md "msg"). Listing and
// showing messages reveals their content, so both need read elevation:
// --dangerously-allow-message-read, and the owner's approval when the gate
// is on (decisions.md #12-13). A message is named by its msg_ id, a short
// msg_ id, or its network id; replies and reactions may name a message the
// chat does not store (decisions.md #19).
#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "cli/commands/watch.h"

namespace xs::cli {

namespace {

const std::vector<Column> kMessageColumns = {{"ID", "/id"},
                                             {"SENT", "/sentAt"},
                                             {"SENDER", "/senderInboxId"},
                                             {"TYPE", "/contentType"},
                                             {"CONTENT", "/summary"}};

FlagSpec AsFlag() {
  return {"as", FlagKind::kString, "<inbox>", "the managed inbox expected to act (checked)"};
}

FlagSpec ChatFlag(const std::string& name) {
  return {name, FlagKind::kString, "<chat>", "chat: conv_ id, short id, name or group id", true};
}

FlagSpec ReadFlag() {
  return {"dangerously-allow-message-read", FlagKind::kBool, "",
          "read message content (owner approval for 60 s per chat)"};
}

const char* kMessageRefHelp = "message: msg_ id, short msg_ id or network message id";

// The params every sending command shares.
Json Params(Invocation& inv, const std::string& chat_flag) {
  Json params = {{"chatId", *inv.args().Value(chat_flag)}};
  CopyString(inv, "as", "as", &params);
  return params;
}

Status Send(Invocation& inv) {
  Json params = Params(inv, "to");
  params["text"] = Arg(inv, 0);
  XS_TRY(Json sent, inv.Call("message.send", params));
  inv.Emit(sent, [&](std::ostream& out) {
    out << "Sent message " << sent.value("id", "") << " to " << sent.value("chatId", "") << "\n";
  });
  return OkStatus();
}

// "msg_… (not stored here)" for a reference the chat does not hold.
std::string ReferenceText(const Json& sent) {
  std::string ref = HumanValue(sent.value("referenceId", Json()));
  if (!sent.value("referenceStored", true)) ref += " (not stored in this chat)";
  return ref;
}

Status Reply(Invocation& inv) {
  Json params = Params(inv, "chat");
  params["text"] = Arg(inv, 0);
  params["messageId"] = *inv.args().Value("to");
  XS_TRY(Json sent, inv.Call("message.reply", params));
  inv.Emit(sent, [&](std::ostream& out) {
    out << "Replied to " << ReferenceText(sent) << " with message " << sent.value("id", "")
        << " in " << sent.value("chatId", "") << "\n";
  });
  return OkStatus();
}

Status React(Invocation& inv) {
  Json params = Params(inv, "chat");
  params["emoji"] = Arg(inv, 0);
  params["messageId"] = *inv.args().Value("to");
  const bool remove = inv.args().Bool("remove");
  params["action"] = remove ? "removed" : "added";
  XS_TRY(Json sent, inv.Call("message.react", params));
  inv.Emit(sent, [&](std::ostream& out) {
    out << (remove ? "Removed reaction " : "Reacted ") << HumanValue(sent.value("emoji", Json()))
        << (remove ? " from " : " to ") << ReferenceText(sent) << " with message "
        << sent.value("id", "") << " in " << sent.value("chatId", "") << "\n";
  });
  return OkStatus();
}

Status Read(Invocation& inv) {
  XS_TRY(Json sent, inv.Call("message.read", Params(inv, "chat")));
  inv.Emit(sent, [&](std::ostream& out) {
    out << "Sent read receipt " << sent.value("id", "") << " to " << sent.value("chatId", "")
        << "\n";
  });
  return OkStatus();
}

// The elevation flag travels as a param; CallGated adds the passphrase.
void AddReadFlag(Invocation& inv, Json* params) {
  if (inv.args().Bool("dangerously-allow-message-read")) {
    (*params)["dangerouslyAllowMessageRead"] = true;
  }
}

Status List(Invocation& inv) {
  Json params = Params(inv, "from");
  if (auto limit = inv.args().Int("limit")) params["limit"] = *limit;
  AddReadFlag(inv, &params);
  if (inv.args().Bool("watch")) {
    return Watch(inv, "message.watch", std::move(params), kMessageColumns, {.gated = true});
  }
  XS_TRY(Json messages, inv.CallGated("message.list", std::move(params)));
  inv.Emit(messages, [&](std::ostream& out) { PrintTable(out, kMessageColumns, messages); });
  return OkStatus();
}

Status Info(Invocation& inv) {
  Json params = Params(inv, "chat");
  params["messageId"] = Arg(inv, 0);
  AddReadFlag(inv, &params);
  XS_TRY(Json message, inv.CallGated("message.info", std::move(params)));
  inv.Emit(message, [&](std::ostream& out) { PrintRecord(out, message); });
  return OkStatus();
}

}  // namespace

Command MsgCommand() {
  Command send{"send", "Send a text message", {{"text", "the message text"}}};
  send.flags = {ChatFlag("to"), AsFlag()};
  send.run = Send;
  send.examples = {"xs msg send \"hello\" --to support"};

  Command reply{"reply", "Reply to a message with text", {{"text", "the reply text"}}};
  reply.flags = {
      ChatFlag("chat"), {"to", FlagKind::kString, "<msg>", kMessageRefHelp, true}, AsFlag()};
  reply.run = Reply;
  reply.examples = {"xs msg reply \"on it\" --chat support --to msg_1a2b3c4d5e6f7a8b"};

  Command react{"react",
                "React to a message with one emoji",
                {{"emoji", "exactly one emoji (one grapheme cluster)"}}};
  react.flags = {ChatFlag("chat"),
                 {"to", FlagKind::kString, "<msg>", kMessageRefHelp, true},
                 AsFlag(),
                 {"remove", FlagKind::kBool, "", "take the reaction back (action \"removed\")"}};
  react.run = React;
  react.examples = {"xs msg react 👍 --chat support --to msg_1a2b",
                    "xs msg react 👍 --chat support --to msg_1a2b --remove"};

  Command read{"read", "Send a read receipt"};
  read.flags = {ChatFlag("chat"), AsFlag()};
  read.run = Read;
  read.examples = {"xs msg read --chat support"};

  Command list{"list", "List a chat's messages (content needs read elevation)"};
  list.flags = {ChatFlag("from"),
                AsFlag(),
                {"limit", FlagKind::kPositiveInt, "<n>", "the newest n messages (default 50)"},
                ReadFlag(),
                PassphraseFileFlag("owner passphrase approving the read"),
                WatchFlag("new messages")};
  list.run = List;
  list.examples = {"xs msg list --from support --dangerously-allow-message-read",
                   "xs msg list --from support --dangerously-allow-message-read --watch"};

  Command info{
      "info", "Show one message (content needs read elevation)", {{"msg", kMessageRefHelp}}};
  info.flags = {ChatFlag("chat"), AsFlag(), ReadFlag(),
                PassphraseFileFlag("owner passphrase approving the read")};
  info.run = Info;
  info.examples = {"xs msg info msg_1a2b --chat support --dangerously-allow-message-read"};

  Command group{"msg", "Messages in chats"};
  group.children = {send, reply, react, read, list, info};
  return group;
}

}  // namespace xs::cli
