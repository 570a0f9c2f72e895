// Chat administration: chat.update, chat.members, chat.add-member,
// chat.remove-member, chat.promote-member, chat.demote-member, chat.leave and
// chat.rm.
//
// Every change to the group is one commit through the chat's client; the
// group's policies decide who may make it (the client refuses a commit the
// other members would reject, as a permission error). Inputs are checked
// before the chat is looked up, the chat before the network is asked.
//
// Roles: `promote` makes an admin, `promote super` a super admin (only a
// super admin may); `demote` and `demote super` undo them. The super admin
// role is reachable because leaving needs it: the only super admin cannot
// leave (decisions.md #19) until another member holds the role.
//
// Credentials (concepts.md §15): leaving a chat or removing it locally
// revokes, owner-initiated, every live credential that covers it, credentials
// that also cover other chats included (a credential's chats cannot change;
// the owner issues a new one for the rest). Leaving revokes after the leave
// request is out, so a refused leave changes nothing.
//
// chat.rm is local cleanup: the chat record, its conv_ mapping and the msg_
// mappings of its messages go; the network group and the inbox's membership
// stay, and the group id is remembered so that it does not come back as a
// new chat.
#include <algorithm>

#include "codec/hex.h"
#include "signet/chats/chats_internal.h"
#include "signet/chats/limits.h"
#include "signet/core/action_params.h"
#include "xmtp/content/codec_util.h"
#include "xmtp/group/constants.h"
#include "xmtp/identity/inbox_id.h"

namespace xs::signet {

namespace client = xmtp::client;

namespace {

// Store rows of locally removed chats, keyed by network group id.
constexpr const char* kRemovedChatKind = "chat-removed";

using Bound = Chats::Impl::Bound;

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string RoleOf(const client::GroupView& view, const std::string& inbox) {
  if (Contains(view.super_admins, inbox)) return "super_admin";
  if (Contains(view.admins, inbox)) return "admin";
  return "member";
}

// ---------------------------------------------------------------- inputs

Status CheckText(std::string_view field, const std::string& value, std::size_t max_bytes,
                 std::string_view limit_name) {
  if (!xmtp::content::internal::IsValidUtf8(value)) {
    return Error::Validation(std::string(field), "must be valid UTF-8");
  }
  if (value.size() > max_bytes) {
    return Error::Validation(std::string(field), "at most " + std::to_string(max_bytes) +
                                                     " bytes (" + std::string(limit_name) + ")");
  }
  return OkStatus();
}

// An http(s) URL with a host and no spaces or control characters; "" clears.
Status CheckImageUrl(const std::string& url) {
  XS_RETURN_IF_ERROR(CheckText("imageUrl", url, kMaxChatImageUrlBytes, "kMaxChatImageUrlBytes"));
  if (url.empty()) return OkStatus();
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return Error::Validation("imageUrl", "must be an http:// or https:// URL");
  }
  std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.empty()) return Error::Validation("imageUrl", "the URL has no host");
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) {
      return Error::Validation("imageUrl", "must not contain spaces or control characters");
    }
  }
  return OkStatus();
}

// The metadata attributes chat.update sets: at least one.
Result<std::map<std::string, std::string>> UpdateAttributes(const Json& p) {
  std::map<std::string, std::string> out;
  if (HasField(p, "name")) {
    XS_TRY(std::string name, GetString(p, "name"));
    XS_RETURN_IF_ERROR(CheckText("name", name, kMaxChatNameBytes, "kMaxChatNameBytes"));
    out[std::string(xmtp::group::kGroupName)] = name;
  }
  if (HasField(p, "description")) {
    XS_TRY(std::string text, GetString(p, "description"));
    XS_RETURN_IF_ERROR(
        CheckText("description", text, kMaxChatDescriptionBytes, "kMaxChatDescriptionBytes"));
    out[std::string(xmtp::group::kDescription)] = text;
  }
  if (HasField(p, "imageUrl")) {
    XS_TRY(std::string url, GetString(p, "imageUrl"));
    XS_RETURN_IF_ERROR(CheckImageUrl(url));
    out[std::string(xmtp::group::kImageUrl)] = url;
  }
  if (out.empty()) {
    return Error::Validation("name", "nothing to update: give a name, description or imageUrl");
  }
  return out;
}

bool IsAddress(std::string_view s) {
  return s.size() == 42 && s.starts_with("0x") && std::all_of(s.begin() + 2, s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// params.inboxId: a network inbox id, an address, or an inbox the signet
// manages (id, short id, label) -> the network inbox id. Only the form is
// checked here; membership and existence by the caller.
Result<std::string> MemberRef(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "inboxId"));
  if (xmtp::identity::IsValidInboxId(ref)) return ref;
  if (IsAddress(ref)) {
    XS_TRY(std::optional<std::string> found, impl.host->InboxIdForAddress(ref));
    if (!found) return Error::NotFound("no XMTP inbox for address " + ref);
    return *found;
  }
  auto ours = impl.s->ResolveInbox(ref);
  if (!ours.ok()) {
    return Error::Validation("inboxId", "'" + ref +
                                            "' is not an inbox id (64 hex digits), an address "
                                            "(0x + 40 hex digits) or a managed inbox");
  }
  XS_TRY(InboxRecord rec, impl.s->inboxes->Get(*ours));
  return rec.network_inbox_id;
}

// --as must name the inbox that holds the chat.
Status CheckAs(Chats::Impl& impl, const Json& p, const Bound& b) {
  if (!HasField(p, "as")) return OkStatus();
  XS_TRY(std::string as, impl.AsInbox(p));
  const std::string holder = b.chat.value("inboxId", "");
  if (as == holder) return OkStatus();
  return Error::Validation(
      "as", "chat " + b.chat.value("id", "") + " is held by inbox " + holder + ", not " + as);
}

// A chat, its client, and the group as it is now.
struct Target {
  Bound b;
  client::GroupView view;
};

Result<Target> Load(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::string id, impl.ResolveParam(p));
  Target t;
  XS_TRY(t.b, impl.Bind(id));
  XS_RETURN_IF_ERROR(CheckAs(impl, p, t.b));
  XS_TRY(t.view, t.b.client->Group(t.b.group_id));
  return t;
}

Status RequireMember(const Target& t, const std::string& inbox) {
  if (Contains(t.view.members, inbox)) return OkStatus();
  return Error::NotFound("inbox " + inbox + " is not a member of chat " + t.b.chat.value("id", ""));
}

Json MemberResult(const Chats::Impl::Bound& b, const std::string& inbox, std::string_view action,
                  bool changed, const client::GroupView& after) {
  return Json{{"chatId", b.chat.value("id", "")},
              {"inboxId", inbox},
              {"action", action},
              {"changed", changed},
              {"role", Contains(after.members, inbox) ? RoleOf(after, inbox) : "none"},
              {"memberCount", after.members.size()}};
}

// The group after a change (or as it was when nothing changed).
Result<Json> Changed(const Target& t, const std::string& inbox, std::string_view action,
                     bool changed) {
  if (!changed) return MemberResult(t.b, inbox, action, false, t.view);
  XS_TRY(client::GroupView after, t.b.client->Group(t.b.group_id));
  return MemberResult(t.b, inbox, action, true, after);
}

// ---------------------------------------------------------------- actions

Result<Json> Update(Chats::Impl& impl, const Json& p) {
  XS_TRY(auto attributes, UpdateAttributes(p));
  XS_TRY(Target t, Load(impl, p));
  XS_RETURN_IF_ERROR(t.b.client->UpdateMetadata(t.b.group_id, attributes));
  Json chat = t.b.chat;
  auto name = attributes.find(std::string(xmtp::group::kGroupName));
  if (name != attributes.end() && chat.value("name", "") != name->second) {
    // The record's name is what `chat info <name>` resolves.
    chat["name"] = name->second;
    XS_RETURN_IF_ERROR(impl.chats->Put(chat));
  }
  return impl.View(chat);
}

Result<Json> Members(Chats::Impl& impl, const Json& p) {
  XS_TRY(Target t, Load(impl, p));
  std::map<std::string, std::string> managed;  // network inbox id -> inbox_
  for (const auto& [id, rec] : impl.s->inboxes->All()) managed[rec.network_inbox_id] = id;
  Json rows = Json::array();
  for (const auto& inbox : t.view.members) {
    Json row = {{"inboxId", inbox},
                {"role", RoleOf(t.view, inbox)},
                {"self", inbox == t.b.client->inbox_id()}};
    if (auto it = managed.find(inbox); it != managed.end()) row["managedInboxId"] = it->second;
    rows.push_back(row);
  }
  return rows;
}

Result<Json> AddMember(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::string inbox, MemberRef(impl, p));
  XS_TRY(Target t, Load(impl, p));
  if (Contains(t.view.members, inbox)) return Changed(t, inbox, "add", false);
  XS_TRY(bool exists, impl.host->InboxExists(inbox));
  if (!exists) return Error::NotFound("no XMTP inbox " + inbox + " on the network");
  XS_RETURN_IF_ERROR(t.b.client->AddMembers(t.b.group_id, {inbox}));
  return Changed(t, inbox, "add", true);
}

Result<Json> RemoveMember(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::string inbox, MemberRef(impl, p));
  XS_TRY(Target t, Load(impl, p));
  if (inbox == t.b.client->inbox_id()) {
    return Error::Validation("inboxId", "that is the chat's own inbox; use `xs chat leave`");
  }
  XS_RETURN_IF_ERROR(RequireMember(t, inbox));
  XS_RETURN_IF_ERROR(t.b.client->RemoveMembers(t.b.group_id, {inbox}));
  return Changed(t, inbox, "remove", true);
}

Result<Json> ChangeRole(Chats::Impl& impl, const Json& p, bool promote) {
  XS_TRY(std::string inbox, MemberRef(impl, p));
  const bool super = GetBool(p, "super");
  XS_TRY(Target t, Load(impl, p));
  XS_RETURN_IF_ERROR(RequireMember(t, inbox));
  const bool has = super ? Contains(t.view.super_admins, inbox) : Contains(t.view.admins, inbox);
  const char* action =
      promote ? (super ? "promote-super" : "promote") : (super ? "demote-super" : "demote");
  if (!promote && !super && !has && Contains(t.view.super_admins, inbox)) {
    return Error::Validation("inboxId", "inbox " + inbox +
                                            " is a super admin, not an admin; demote it with "
                                            "super (`--super`)");
  }
  if (has == promote) return Changed(t, inbox, action, false);
  using Change = client::Client::AdminChange;
  Change change = promote ? (super ? Change::kAddSuperAdmin : Change::kAddAdmin)
                          : (super ? Change::kRemoveSuperAdmin : Change::kRemoveAdmin);
  XS_RETURN_IF_ERROR(t.b.client->UpdateAdmins(t.b.group_id, change, inbox));
  return Changed(t, inbox, action, true);
}

// Live (active or pending) credentials that cover the chat.
std::vector<std::string> CredentialsOf(Chats::Impl& impl, const std::string& chat_id) {
  std::vector<std::string> out;
  for (const auto& id : impl.s->credentials->AllIds()) {
    auto c = impl.s->credentials->Get(id);
    if (!c.ok() || !Contains(c->chat_ids, chat_id)) continue;
    if (c->status == CredentialStatus::kActive || c->status == CredentialStatus::kPending) {
      out.push_back(id);
    }
  }
  return out;
}

Json RevokePlan(const std::vector<std::string>& creds) {
  Json actions = Json::array();
  for (const auto& id : creds) {
    actions.push_back(
        {{"action", "revoke-credential"}, {"credentialId", id}, {"reason", kReasonOwnerInitiated}});
  }
  return actions;
}

Result<Json> Revoke(Chats::Impl& impl, const std::vector<std::string>& creds) {
  for (const auto& id : creds) {
    XS_RETURN_IF_ERROR(impl.s->credentials->Revoke(id, kReasonOwnerInitiated));
  }
  return Json(creds);
}

Json RemovePlan(const Json& chat) {
  return {{"action", "remove-chat"},
          {"chatId", chat.value("id", "")},
          {"networkGroupId", chat.value("networkGroupId", "")},
          {"note", "local record and id mappings only; the network group membership is kept"}};
}

// chat.rm's work: record, mappings, tombstone, in one transaction. The msg_
// mappings are found through the chat's client; without one (its inbox was
// removed) they stay, harmless and unreachable.
Status RemoveLocal(Chats::Impl& impl, const Json& chat) {
  const std::string id = chat.value("id", "");
  const std::string hex = chat.value("networkGroupId", "");
  std::vector<client::Message> messages;
  if (auto b = impl.Bind(id); b.ok()) {
    if (auto stored = b->client->Messages(b->group_id); stored.ok()) messages = std::move(*stored);
  }
  Status removed = impl.s->store->Transaction([&]() -> Status {
    for (const auto& m : messages) {
      XS_RETURN_IF_ERROR(impl.s->store->RemoveIdMapping(kMessageMap, codec::HexEncode(m.id)));
    }
    XS_RETURN_IF_ERROR(impl.s->store->RemoveIdMapping(kConversationMap, id));
    XS_RETURN_IF_ERROR(impl.s->store->Put(kRemovedChatKind, hex,
                                          Json{{"chatId", id}, {"removedAt", impl.s->Now()}}));
    return impl.chats->Remove(id);
  });
  if (!removed.ok()) {
    (void)impl.chats->Load();  // the cache may be ahead of the store
    return removed;
  }
  impl.removed_groups.insert(hex);
  return OkStatus();
}

// decisions.md #19: checked before anything happens, the dry run included.
Status CheckLeave(const Target& t) {
  const std::string& self = t.b.client->inbox_id();
  if (t.view.kind == client::ConversationKind::kDm) {
    return Error::Validation("chatId", "a DM cannot be left");
  }
  if (!t.view.active) {
    return Error::Validation("chatId", "the signet's inbox is no longer a member of chat " +
                                           t.b.chat.value("id", "") +
                                           "; `xs chat rm` removes it locally");
  }
  if (t.view.members.size() > 1 && t.view.super_admins.size() == 1 &&
      t.view.super_admins[0] == self) {
    return Error::Permission(
        "the signet's inbox " + self + " is the only super admin of chat " +
        t.b.chat.value("id", "") +
        ": a member leaves by asking a super admin to remove it, and nobody could remove the "
        "only one. Make another member super admin first (`xs chat member promote " +
        t.b.chat.value("id", "") + " <inbox> --super`), then leave.");
  }
  return OkStatus();
}

Result<Json> Leave(Chats::Impl& impl, const Json& p) {
  XS_TRY(Target t, Load(impl, p));
  XS_RETURN_IF_ERROR(CheckLeave(t));
  const bool purge = GetBool(p, "purge");
  const std::string id = t.b.chat.value("id", "");
  std::vector<std::string> creds = CredentialsOf(impl, id);
  if (!GetBool(p, "force")) {
    Json leave = {{"action", "leave-chat"},
                  {"chatId", id},
                  {"networkGroupId", t.b.chat.value("networkGroupId", "")},
                  {"inboxId", t.b.client->inbox_id()},
                  {"note", "sends a leave request; a super admin of the group removes the inbox"}};
    if (Contains(t.view.super_admins, t.b.client->inbox_id())) {
      leave["note"] = "gives up the super admin role, then sends a leave request";
    }
    Json actions = Json::array({leave});
    for (auto& a : RevokePlan(creds)) actions.push_back(a);
    if (purge) actions.push_back(RemovePlan(t.b.chat));
    return DryRun(actions);
  }
  XS_RETURN_IF_ERROR(t.b.client->Leave(t.b.group_id));
  XS_TRY(Json revoked, Revoke(impl, creds));
  Json out = {{"left", true}, {"chatId", id}, {"revokedCredentials", revoked}, {"purged", purge}};
  XS_TRY(bool pending, t.b.client->PendingRemoval(t.b.group_id));
  out["pendingRemoval"] = pending;
  if (purge) XS_RETURN_IF_ERROR(RemoveLocal(impl, t.b.chat));
  return out;
}

Result<Json> Remove(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::string id, impl.ResolveParam(p));
  XS_TRY(Json chat, impl.chats->Get(id));
  std::vector<std::string> creds = CredentialsOf(impl, id);
  if (!GetBool(p, "force")) {
    Json actions = RevokePlan(creds);
    actions.push_back(RemovePlan(chat));
    return DryRun(actions);
  }
  XS_TRY(Json revoked, Revoke(impl, creds));
  XS_RETURN_IF_ERROR(RemoveLocal(impl, chat));
  return Json{{"removed", true},
              {"chatId", id},
              {"networkGroupId", chat.value("networkGroupId", "")},
              {"revokedCredentials", revoked},
              {"networkMembership", "kept"}};
}

}  // namespace

Status InstallChatAdmin(ActionRegistry& r, Chats::Impl& impl) {
  XS_TRY(std::vector<StoredRow> removed, impl.s->store->List(kRemovedChatKind));
  for (const auto& row : removed) impl.removed_groups.insert(row.id);
  Chats::Impl* i = &impl;
  const Param inbox_id = {"inboxId", ParamType::kString,
                          "The member: a network inbox id (64 hex), a wallet address, or a managed "
                          "inbox (inbox_ id, short id or label)",
                          true};
  const Param super = {"super", ParamType::kBoolean, "true: the super admin role instead of admin"};
  r.Register(
      {"chat.update", "Change a chat's name, description or image", Intent::kWrite, false, true,
       [i](const Json& p, const CallContext&) { return Update(*i, p); }},
      {{"name", ParamType::kString,
        "The new name (at most " + std::to_string(kMaxChatNameBytes) + " bytes)"},
       {"description", ParamType::kString,
        "The new description (at most " + std::to_string(kMaxChatDescriptionBytes) + " bytes)"},
       {"imageUrl", ParamType::kString,
        "The new image: an http(s) URL, \"\" clears it; give at least one of name, description, "
        "imageUrl"},
       ChatIdParam(),
       AsParam()});
  r.Register({"chat.members", "List a chat's members and their roles", Intent::kRead, true, true,
              [i](const Json& p, const CallContext&) { return Members(*i, p); }},
             {ChatIdParam(), AsParam()});
  r.Register({"chat.add-member", "Add a member to a chat", Intent::kWrite, false, true,
              [i](const Json& p, const CallContext&) { return AddMember(*i, p); }},
             {inbox_id, ChatIdParam(), AsParam()});
  r.Register({"chat.remove-member", "Remove a member from a chat", Intent::kWrite, false, true,
              [i](const Json& p, const CallContext&) { return RemoveMember(*i, p); }},
             {inbox_id, ChatIdParam(), AsParam()});
  r.Register({"chat.promote-member", "Make a member admin (or super admin)", Intent::kWrite, false,
              true, [i](const Json& p, const CallContext&) { return ChangeRole(*i, p, true); }},
             {inbox_id, super, ChatIdParam(), AsParam()});
  r.Register(
      {"chat.demote-member", "Take a member's admin (or super admin) role", Intent::kWrite, false,
       true, [i](const Json& p, const CallContext&) { return ChangeRole(*i, p, false); }},
      {inbox_id, super, ChatIdParam(), AsParam()});
  r.Register({"chat.leave", "Leave a chat (dry run unless force)", Intent::kDestroy, false, true,
              [i](const Json& p, const CallContext&) { return Leave(*i, p); }},
             {ChatIdParam(),
              AsParam(),
              {"purge", ParamType::kBoolean, "true: also remove the chat locally (as chat.rm)"},
              ForceParam("leave the chat, revoking the credentials that cover it")});
  r.Register(
      {"chat.rm", "Remove a chat locally (dry run unless force)", Intent::kDestroy, false, true,
       [i](const Json& p, const CallContext&) { return Remove(*i, p); }},
      {ChatIdParam(),
       ForceParam("remove the chat's local record, revoking the credentials that cover it")});
  return OkStatus();
}

}  // namespace xs::signet
