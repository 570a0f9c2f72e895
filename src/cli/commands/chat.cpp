// xs chat create|list|info|sync|update|member|leave|rm (cli.md "chat"). A
// chat is given as its conv_ id, a unique short id, its name or the network
// group id.
#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "cli/commands/watch.h"
#include "cli/qr.h"

#include <chrono>
#include <cstdlib>
#include <thread>

namespace xs::cli {

namespace {

// How often `chat join` asks the daemon about its join.
constexpr std::chrono::milliseconds kJoinLookInterval{50};

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

// ---------------------------------------------------------------- Convos invites

FlagSpec FormatFlag() {
  return {"format", FlagKind::kString, "link|qr|both",
          "how to show the invite: the link, a terminal QR code, or both (default)"};
}

Result<std::string> InviteFormat(const Invocation& inv) {
  std::string format = inv.args().Value("format").value_or("both");
  if (format != "link" && format != "qr" && format != "both") {
    return UsageError("--format", "must be link, qr or both", inv.args().CommandPath());
  }
  return format;
}

// The invite as --format asks: the QR code (libqrencode) and/or the link.
Status PrintInvite(std::ostream& out, const Json& invite, const std::string& format) {
  const std::string url = invite.value("url", "");
  if (format != "link") {
    XS_TRY(std::string qr, TerminalQr(url));
    out << qr;
  }
  if (format != "qr") out << url << "\n";
  return OkStatus();
}

// chat.invite params from the invite flags of `chat invite` / `chat create --invite`.
Json InviteParams(const Invocation& inv, const std::string& chat_id, const char* name_flag,
                  const char* description_flag) {
  Json params = {{"chatId", chat_id}};
  CopyString(inv, name_flag, "name", &params);
  CopyString(inv, description_flag, "description", &params);
  CopyString(inv, "profile-name", "profileName", &params);
  if (inv.args().Bool("rotate")) params["rotate"] = true;
  return params;
}

Status Invite(Invocation& inv) {
  XS_TRY(std::string format, InviteFormat(inv));
  XS_TRY(Json invite,
         inv.Call("chat.invite", InviteParams(inv, Arg(inv, 0), "name", "description")));
  Status printed = OkStatus();
  inv.Emit(invite, [&](std::ostream& out) { printed = PrintInvite(out, invite, format); });
  return printed;
}

Status UpdateProfile(Invocation& inv) {
  Json params = {{"chatId", Arg(inv, 0)}};
  CopyString(inv, "profile-name", "profileName", &params);
  XS_TRY(Json sent, inv.Call("chat.update-profile", params));
  inv.Emit(sent, [&](std::ostream& out) {
    out << "Sent the Convos profile to " << sent.value("chatId", "") << " ("
        << sent.value("messageId", "") << ")\n";
  });
  return OkStatus();
}

// chat.join, then chat.join-status until the join ends (each look is short,
// so the daemon's lock is free while the invite's host decides).
Status Join(Invocation& inv) {
  Json params = {{"url", Arg(inv, 0)}};
  CopyString(inv, "as", "as", &params);
  CopyString(inv, "op", "operatorId", &params);
  CopyString(inv, "profile-name", "profileName", &params);
  if (auto timeout = inv.args().Value("timeout")) {
    char* end = nullptr;
    const long long seconds = std::strtoll(timeout->c_str(), &end, 10);
    if (timeout->empty() || *end != '\0' || seconds < 1) {
      return UsageError("--timeout", "must be a whole number of seconds (at least 1)",
                        inv.args().CommandPath());
    }
    params["timeoutSeconds"] = seconds;
  }
  XS_TRY(Json state, inv.Call("chat.join", params));
  const Json look = {{"joinId", state.value("joinId", "")}};
  while (state.value("state", "") == "pending") {
    std::this_thread::sleep_for(kJoinLookInterval);
    XS_TRY(state, inv.Call("chat.join-status", look));
  }
  inv.Emit(state, [&](std::ostream& out) {
    PrintTitled(out, "Joined chat " + state.value("chatId", ""),
                state.value("chat", Json::object()));
  });
  return OkStatus();
}

Status Create(Invocation& inv) {
  std::string format;
  if (inv.args().Bool("invite")) {
    XS_TRY(format, InviteFormat(inv));
  }
  Json params = {{"name", *inv.args().Value("name")}};
  CopyList(inv, "members", "members", &params);
  CopyString(inv, "as", "as", &params);
  CopyString(inv, "op", "operatorId", &params);
  XS_TRY(Json chat, inv.Call("chat.create", params));
  if (format.empty()) {
    inv.Emit(chat, [&](std::ostream& out) {
      PrintTitled(out, "Created chat " + chat.value("id", ""), chat);
    });
    return OkStatus();
  }
  XS_TRY(Json invite, inv.Call("chat.invite", InviteParams(inv, chat.value("id", ""), "invite-name",
                                                           "invite-description")));
  chat["invite"] = invite;
  Status printed = OkStatus();
  inv.Emit(chat, [&](std::ostream& out) {
    PrintTitled(out, "Created chat " + chat.value("id", ""), chat);
    printed = PrintInvite(out, invite, format);
  });
  return printed;
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

// ---------------------------------------------------------------- administration

const std::vector<Column> kMemberColumns = {
    {"INBOX", "/inboxId"}, {"ROLE", "/role"}, {"SELF", "/self"}, {"MANAGED", "/managedInboxId"}};

PositionalSpec MemberArgument() {
  return {"inbox", "member: XMTP inbox id, address, or managed inbox (id or label)"};
}

// Text must be UTF-8: the admin protocol would otherwise carry U+FFFD in
// place of the bad bytes. nlohmann's serializer validates (strict UTF-8);
// dropping and replacing bad bytes agree only when there are none.
Status RequireUtf8(const Invocation& inv, const std::string& flag) {
  auto value = inv.args().Value(flag);
  if (!value) return OkStatus();
  const Json text = *value;
  if (text.dump(-1, ' ', false, Json::error_handler_t::ignore) ==
      text.dump(-1, ' ', false, Json::error_handler_t::replace)) {
    return OkStatus();
  }
  return UsageError("--" + flag, "must be valid UTF-8", inv.args().CommandPath());
}

Status Update(Invocation& inv) {
  for (const char* flag : {"name", "description", "image"}) {
    XS_RETURN_IF_ERROR(RequireUtf8(inv, flag));
  }
  Json params = {{"chatId", Arg(inv, 0)}};
  CopyString(inv, "name", "name", &params);
  CopyString(inv, "description", "description", &params);
  CopyString(inv, "image", "imageUrl", &params);
  if (params.size() == 1) {
    return UsageError("--name", "give at least one of --name, --description, --image",
                      inv.args().CommandPath());
  }
  XS_TRY(Json chat, inv.Call("chat.update", params));
  inv.Emit(chat, [&](std::ostream& out) {
    PrintTitled(out, "Updated chat " + chat.value("id", ""), chat);
  });
  return OkStatus();
}

std::string MemberChangeLine(const Json& r) {
  const std::string inbox = r.value("inboxId", "");
  const std::string chat = r.value("chatId", "");
  const std::string action = r.value("action", "");
  const std::string role = action.ends_with("-super") ? "super admin" : "admin";
  if (!r.value("changed", false)) {
    if (action == "add") return "Nothing changed: " + inbox + " is already a member of " + chat;
    return "Nothing changed: " + inbox +
           (action.starts_with("promote") ? " is already " : " is not ") + role + " of " + chat;
  }
  if (action == "add") return "Added " + inbox + " to " + chat;
  if (action == "remove") return "Removed " + inbox + " from " + chat;
  if (action.starts_with("promote")) return "Made " + inbox + " " + role + " of " + chat;
  return "Took the " + role + " role from " + inbox + " in " + chat;
}

// member add|rm|promote|demote: one call, one line.
Handler MemberChange(const std::string& method) {
  return [method](Invocation& inv) -> Status {
    Json params = {{"chatId", Arg(inv, 0)}, {"inboxId", Arg(inv, 1)}};
    CopyString(inv, "as", "as", &params);
    if (inv.args().Bool("super")) params["super"] = true;
    XS_TRY(Json r, inv.Call(method, params));
    inv.Emit(r, [&](std::ostream& out) {
      out << MemberChangeLine(r) << " (" << HumanValue(r.value("memberCount", Json(0)))
          << " members)\n";
    });
    return OkStatus();
  };
}

Status Leave(Invocation& inv) {
  Json params = {{"chatId", Arg(inv, 0)}, {"purge", inv.args().Bool("purge")}};
  return RunDestructive(inv, "chat.leave", params, [](std::ostream& out, const Json& r) {
    out << "Asked to leave chat " << r.value("chatId", "")
        << ": a super admin of the group removes the signet's inbox";
    out << (r.value("pendingRemoval", false) ? " (removal pending)\n" : "\n");
    out << "Revoked credentials: " << HumanValue(r.value("revokedCredentials", Json::array()))
        << "\n";
    if (r.value("purged", false)) out << "Removed the chat and its id mappings locally\n";
  });
}

Status Remove(Invocation& inv) {
  return RunDestructive(
      inv, "chat.rm", {{"chatId", Arg(inv, 0)}}, [](std::ostream& out, const Json& r) {
        out << "Removed chat " << r.value("chatId", "")
            << " locally (its record and id mappings); its network group "
            << r.value("networkGroupId", "") << " and the inbox's membership are not changed\n";
        out << "Revoked credentials: " << HumanValue(r.value("revokedCredentials", Json::array()))
            << "\n";
      });
}

Command MemberCommand() {
  Command list{"list", "List a chat's members and their roles", {ChatArgument()}};
  list.run = [](Invocation& inv) {
    return ShowTable(inv, "chat.members", {{"chatId", Arg(inv, 0)}}, kMemberColumns);
  };

  Command add{"add", "Add a member (one commit)", {ChatArgument(), MemberArgument()}};
  add.flags = {AsFlag()};
  add.run = MemberChange("chat.add-member");

  Command rm{"rm", "Remove a member (one commit)", {ChatArgument(), MemberArgument()}};
  rm.flags = {AsFlag()};
  rm.run = MemberChange("chat.remove-member");

  FlagSpec super{"super", FlagKind::kBool, "", "the super admin role instead of admin"};
  Command promote{
      "promote", "Make a member admin (--super: super admin)", {ChatArgument(), MemberArgument()}};
  promote.flags = {super};
  promote.run = MemberChange("chat.promote-member");
  promote.examples = {"xs chat member promote support <inbox id>",
                      "xs chat member promote support <inbox id> --super"};

  Command demote{"demote",
                 "Take a member's admin role (--super: super admin role)",
                 {ChatArgument(), MemberArgument()}};
  demote.flags = {super};
  demote.run = MemberChange("chat.demote-member");

  Command group{"member", "A chat's members and their roles"};
  group.children = {list, add, rm, promote, demote};
  return group;
}

}  // namespace

Command ChatCommand() {
  Command create{"create",
                 "Create a group chat (its first commit is on the network when this returns)"};
  create.flags = {
      {"name", FlagKind::kString, "<name>", "chat name", true},
      {"members", FlagKind::kList, "<inboxes>",
       "members: XMTP inbox ids, addresses or managed inboxes"},
      AsFlag(),
      {"op", FlagKind::kString, "<id|label>", "operator the chat's inbox belongs to"},
      {"invite", FlagKind::kBool, "", "also make a Convos invite link (as `chat invite`)"},
      {"profile-name", FlagKind::kString, "<name>",
       "with --invite: the agent's Convos profile name in the chat"},
      {"invite-name", FlagKind::kString, "<name>",
       "with --invite: the name the invite shows (default: the chat's)"},
      {"invite-description", FlagKind::kString, "<text>",
       "with --invite: the description the invite shows"},
      FormatFlag()};
  create.run = Create;
  create.examples = {"xs chat create --name support --members 0x1234…,<inbox id>",
                     "xs chat create --name lobby --invite --format qr"};

  Command invite{"invite",
                 "Make a Convos invite link (and QR code) to a group chat; its tag is kept in "
                 "the group's appData",
                 {ChatArgument()}};
  invite.flags = {
      AsFlag(),
      {"name", FlagKind::kString, "<name>", "the name the invite shows (default: the chat's)"},
      {"description", FlagKind::kString, "<text>", "the description the invite shows"},
      {"profile-name", FlagKind::kString, "<name>",
       "also send the agent's Convos profile (name, memberKind agent)"},
      {"rotate", FlagKind::kBool, "",
       "write a new invite tag first: every earlier invite is revoked"},
      FormatFlag()};
  invite.run = Invite;

  Command update_profile{"update-profile",
                         "Send the agent's Convos profile (memberKind agent, the name when given) "
                         "into a group chat",
                         {ChatArgument()}};
  update_profile.flags = {{"profile-name", FlagKind::kString, "<name>", "the display name"}};
  update_profile.run = UpdateProfile;
  update_profile.examples = {"xs chat update-profile lobby --profile-name \"Signet Bot\""};
  invite.examples = {"xs chat invite lobby", "xs chat invite lobby --format link --json",
                     "xs chat invite lobby --rotate"};

  Command join{"join",
               "Join a Convos group from its invite link: ask its creator over a DM and wait "
               "to be added (per-group identity mode: a new inbox, removed again on failure)",
               {{"url", "the invite: a Convos link, convos:// URL or bare slug", true}}};
  join.flags = {
      {"as", FlagKind::kString, "<label>",
       "label of the new inbox (shared identity mode: the managed inbox to join as)"},
      {"op", FlagKind::kString, "<id|label>", "operator the joining inbox belongs to"},
      {"profile-name", FlagKind::kString, "<name>", "the agent's Convos profile name in the group"},
      {"timeout", FlagKind::kString, "<seconds>", "give up after this long (default 60)"}};
  join.run = Join;
  join.examples = {"xs chat join 'https://popup.convos.org/v2?i=…' --profile-name \"Signet Bot\"",
                   "xs chat join \"$LINK\" --timeout 20 --json"};

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

  Command update{
      "update", "Change a chat's name, description or image (one commit)", {ChatArgument()}};
  update.flags = {
      {"name", FlagKind::kString, "<name>", "new name (at most 100 bytes)"},
      {"description", FlagKind::kString, "<text>", "new description (at most 1000 bytes)"},
      {"image", FlagKind::kString, "<url>", "image URL: http:// or https:// (\"\" clears)"}};
  update.run = Update;
  update.examples = {"xs chat update support --name \"Support\" --description \"Ask here\""};

  Command leave{"leave",
                "Leave a chat: ask its super admins to remove the signet's inbox; revokes the "
                "credentials that cover it",
                {ChatArgument()}};
  leave.flags = {{"purge", FlagKind::kBool, "", "also remove the chat locally (as `xs chat rm`)"},
                 ForceFlag("leave")};
  leave.run = Leave;

  Command rm{"rm",
             "Remove a chat locally (record and id mappings; the network group membership is "
             "kept); revokes the credentials that cover it",
             {ChatArgument()}};
  rm.flags = {ForceFlag("remove")};
  rm.run = Remove;

  Command group{"chat", "Conversations the signet's inboxes take part in"};
  group.children = {create,          list,  info, join, sync, update, invite, update_profile,
                    MemberCommand(), leave, rm};
  return group;
}

}  // namespace xs::cli
