// xs chat create|list|info|sync (cli.md "chat"). A chat is given as its conv_
// id, a unique short id, its name or the network group id.
#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "cli/commands/watch.h"

namespace xs::cli {

namespace {

const std::vector<Column> kChatColumns = {{"ID", "/id"},
                                          {"NAME", "/name"},
                                          {"TYPE", "/type"},
                                          {"MEMBERS", "/memberCount"},
                                          {"INBOX", "/inboxId"},
                                          {"STATE", "/state"},
                                          {"CREATED", "/createdAt"}};

FlagSpec AsFlag() {
  return {"as", FlagKind::kString, "<inbox>",
          "act as this managed inbox (id, label, network inbox id or address)"};
}

PositionalSpec ChatArgument(bool required = true) {
  return {"id", "chat: conv_ id, short id, name or network group id", required};
}

Status Create(Invocation& inv) {
  Json params = {{"name", *inv.args().Value("name")}};
  CopyList(inv, "members", "members", &params);
  CopyString(inv, "as", "as", &params);
  CopyString(inv, "op", "operatorId", &params);
  XS_TRY(Json chat, inv.Call("chat.create", params));
  inv.Emit(chat, [&](std::ostream& out) {
    PrintTitled(out, "Created chat " + chat.value("id", ""), chat);
  });
  return OkStatus();
}

Status List(Invocation& inv) {
  Json params = Json::object();
  CopyString(inv, "as", "as", &params);
  CopyString(inv, "op", "operatorId", &params);
  if (inv.args().Bool("watch")) {
    return Watch(inv, "chat.watch", params, kChatColumns, {.tag_events = true});
  }
  return ShowTable(inv, "chat.list", params, kChatColumns);
}

Status Info(Invocation& inv) {
  XS_TRY(Json chat, inv.Call("chat.info", {{"chatId", Arg(inv, 0)}}));
  return EmitRecordOrField(inv, chat);
}

Status Sync(Invocation& inv) {
  Json params = Json::object();
  if (auto id = inv.args().Positional(0)) params["chatId"] = *id;
  CopyString(inv, "as", "as", &params);
  auto print = [](std::ostream& out, const Json& result) {
    out << "Synced " << HumanValue(result.value("chats", Json(0)))
        << " chat(s): " << HumanValue(result.value("newMessages", Json(0))) << " new message(s), "
        << HumanValue(result.value("joined", Json(0))) << " new chat(s) joined\n";
  };
  if (ShowsProgress(inv)) return SyncWithProgress(inv, params, print);
  XS_TRY(Json result, inv.Call("chat.sync", params));
  inv.Emit(result, [&](std::ostream& out) { print(out, result); });
  return OkStatus();
}

}  // namespace

Command ChatCommand() {
  Command create{"create",
                 "Create a group chat (its first commit is on the network when this returns)"};
  create.flags = {{"name", FlagKind::kString, "<name>", "chat name", true},
                  {"members", FlagKind::kList, "<inboxes>",
                   "members: XMTP inbox ids, addresses or managed inboxes"},
                  AsFlag(),
                  {"op", FlagKind::kString, "<id|label>", "operator the chat's inbox belongs to"}};
  create.run = Create;
  create.examples = {"xs chat create --name support --members 0x1234…,<inbox id>"};

  Command list{"list", "List chats"};
  list.flags = {AsFlag(),
                {"op", FlagKind::kString, "<id|label>", "only this operator's chats"},
                WatchFlag("chats joined or changed")};
  list.run = List;
  list.examples = {"xs chat list", "xs chat list --watch --json"};

  Command info{"info", "Show a chat (members, admins, epoch)", {ChatArgument()}};
  info.flags = {
      {"only", FlagKind::kString, "<field>", "print one field (dotted path, e.g. memberCount)"}};
  info.run = Info;

  Command sync{
      "sync", "Pull and apply new messages and chats from the network", {ChatArgument(false)}};
  sync.flags = {AsFlag()};
  sync.run = Sync;
  sync.examples = {"xs chat sync", "xs chat sync support --json"};

  Command group{"chat", "Conversations the signet's inboxes take part in"};
  group.children = {create, list, info, sync};
  return group;
}

}  // namespace xs::cli
