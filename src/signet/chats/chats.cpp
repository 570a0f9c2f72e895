// Chats: the records, reference resolution, reconciliation with the
// clients, and the chat.* actions.
#include "signet/chats/chats.h"

#include <algorithm>
#include <set>

#include "base/clock.h"
#include "codec/hex.h"
#include "signet/chats/chats_internal.h"
#include "signet/chats/limits.h"
#include "signet/core/action_params.h"
#include "xmtp/group/constants.h"
#include "xmtp/identity/inbox_id.h"

namespace xs::signet {

namespace client = xmtp::client;

namespace {

std::string TypeName(client::ConversationKind kind) {
  return kind == client::ConversationKind::kDm ? "dm" : "group";
}

bool IsLowerHex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

bool IsAddress(std::string_view s) {
  return s.size() == 42 && s.substr(0, 2) == "0x" && IsLowerHex(s.substr(2));
}

}  // namespace

// ---------------------------------------------------------------- Impl

Result<std::string> Chats::Impl::Resolve(std::string_view ref) {
  if (ref.empty()) return Error::Validation("chatId", "must not be empty");
  // A network group id (hex, longer than a short id) maps directly.
  if (ref.size() > kIdHexLength + 5 && IsLowerHex(ref)) {
    for (const auto& [id, c] : chats->ById()) {
      if (c.value("networkGroupId", "") == ref) return id;
    }
    XS_TRY(std::size_t added, Reconcile());
    if (added > 0) {
      for (const auto& [id, c] : chats->ById()) {
        if (c.value("networkGroupId", "") == ref) return id;
      }
    }
    return Error::NotFound("chat not found: " + std::string(ref));
  }
  auto id = chats->Resolve(ref);
  if (id.ok() || !id.error().IsNotFound()) return id;
  // Perhaps a group joined since the last look.
  XS_TRY(std::size_t added, Reconcile());
  if (added == 0) return id;
  return chats->Resolve(ref);
}

Result<std::string> Chats::Impl::ResolveParam(const Json& p) {
  XS_TRY(std::string ref, GetString(p, "chatId"));
  return Resolve(ref);
}

Result<client::Client*> Chats::Impl::ClientOf(const std::string& inbox_id) {
  XS_TRY(InboxRecord inbox, s->inboxes->Get(inbox_id));
  return host->ClientFor(inbox.installation_id);
}

Result<Chats::Impl::Bound> Chats::Impl::Bind(const std::string& chat_id) {
  Bound out;
  XS_TRY(out.chat, chats->Get(chat_id));
  XS_TRY(out.client, ClientOf(out.chat.value("inboxId", "")));
  XS_TRY(out.group_id, codec::HexDecode(out.chat.value("networkGroupId", "")));
  return out;
}

Json Chats::Impl::View(const Json& chat, Detail detail) {
  Json out = chat;
  auto unavailable = [&out](const Error& error) {
    out["state"] = "unavailable";
    out["error"] = error.message();
    return out;
  };
  // Bound from the record itself: a listing pays no lookup of it by id.
  auto c = ClientOf(chat.value("inboxId", ""));
  if (!c.ok()) return unavailable(c.error());
  auto group_id = codec::HexDecode(chat.value("networkGroupId", ""));
  if (!group_id.ok()) return unavailable(group_id.error());
  // The view shows no consent: skip its store read.
  auto view = (*c)->Group(*group_id, client::Client::ConsentLookup::kSkip);
  if (!view.ok()) return unavailable(view.error());
  out["name"] = view->name;
  out["description"] = view->description;
  out["imageUrl"] = view->image_url;
  out["networkInboxId"] = (*c)->inbox_id();
  out["creatorInboxId"] = view->creator_inbox_id;
  out["memberCount"] = view->members.size();
  if (detail == Detail::kFull) {
    out["members"] = view->members;
    out["admins"] = view->admins;
    out["superAdmins"] = view->super_admins;
  }
  out["epoch"] = view->epoch;
  out["state"] = view->active ? "active" : "removed";
  if (view->kind == client::ConversationKind::kDm) out["dmPeerInboxId"] = view->dm_peer_inbox_id;
  out["lastActivityAt"] = IsoTime(static_cast<std::int64_t>(view->last_activity_ns) / kNsPerMs);
  return out;
}

Result<std::size_t> Chats::Impl::Reconcile() {
  std::set<std::string> known = removed_groups;
  for (const auto& [id, c] : chats->ById()) known.insert(c.value("networkGroupId", ""));
  std::size_t added = 0;
  for (const auto& [inbox_id, inbox] : s->inboxes->All()) {
    auto c = host->ClientFor(inbox.installation_id);
    if (!c.ok()) continue;
    // Runs at every listing and every sweep: when the client holds no group
    // the chats do not know, there is nothing to add and no view to build.
    const std::vector<client::Bytes> ids = (*c)->GroupIds();
    if (std::all_of(ids.begin(), ids.end(), [&known](const client::Bytes& id) {
          return known.count(codec::HexEncode(id)) > 0;
        })) {
      continue;
    }
    for (const auto& view : (*c)->Conversations()) {
      std::string hex = codec::HexEncode(view.group_id);
      if (known.count(hex) || !view.active) continue;
      // A group of ours alone is what a failed `chat create` leaves behind
      // (its first commit never made it): not a chat.
      if (view.creator_inbox_id == (*c)->inbox_id() && view.members.size() <= 1) continue;
      Json chat = {{"id", NewId(IdType::kConversation)},
                   {"networkGroupId", hex},
                   {"type", TypeName(view.kind)},
                   {"name", view.name},
                   {"inboxId", inbox_id},
                   {"origin", "joined"},
                   {"createdAt", IsoTime(static_cast<std::int64_t>(view.created_ns) / kNsPerMs)}};
      if (inbox.operator_id) chat["operatorId"] = *inbox.operator_id;
      XS_RETURN_IF_ERROR(Record(chat));
      known.insert(hex);
      ++added;
    }
  }
  return added;
}

Status Chats::Impl::Record(const Json& chat) {
  Status written = s->store->Transaction([&]() -> Status {
    Status mapped = s->store->SetIdMapping(kConversationMap, chat.value("networkGroupId", ""),
                                           chat.value("id", ""), s->clock->NowMs());
    return mapped.ok() ? chats->Put(chat) : mapped;
  });
  if (!written.ok()) (void)chats->Load();  // the cache may be ahead of the store
  return written;
}

std::string Chats::Impl::DerivedMessageId(const client::Bytes& network_id) const {
  const crypto::Digest256 tag = s->store->KeyedTag(network_id);
  return MakeId(IdType::kMessage, std::span<const std::uint8_t, 8>(tag.data(), 8));
}

// Runs for every message sent, listed, searched or watched (for each of a
// chat's watchers), so it is cheap: the lookup is usually an IdCache hit,
// and a new mapping is deferred (Store::DeferIdMapping: written with
// others, kUnsynced, no fsync). That is safe because the msg_ id is derived
// from the network id: should a crash or power cut drop the mapping (the
// message in the client store is committed unsynced too, and stays on the
// node), the message maps to the same msg_ id when it is seen again, and
// FindMessage finds a msg_ id whose mapping is gone among the chat's
// messages. Mappings made before msg_ ids were derived are random and were
// committed synced; the lookup keeps them (a message just sent has none).
Result<std::string> Chats::Impl::MessageId(const client::Bytes& network_id, bool sent_now) {
  std::string hex = codec::HexEncode(network_id);
  if (!sent_now) {
    XS_TRY(std::optional<std::string> local, s->store->GetLocalId(kMessageMap, hex));
    if (local) return *local;
  }
  std::string id = DerivedMessageId(network_id);
  s->store->DeferIdMapping(kMessageMap, hex, id, s->clock->NowMs());
  return id;
}

Result<std::string> Chats::Impl::AsInbox(const Json& p) {
  XS_TRY(std::string ref, GetString(p, "as"));
  return s->ResolveInbox(ref);
}

// ---------------------------------------------------------------- actions

namespace {

// --members: network inbox ids, addresses, or inboxes the signet manages.
Result<std::vector<std::string>> ResolveMembers(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::vector<std::string> refs, GetStringList(p, "members"));
  if (refs.size() > kMaxCreateMembersCount) {
    return Error::Validation(
        "members", "at most " + std::to_string(kMaxCreateMembersCount) + " members at creation");
  }
  std::vector<std::string> out;
  for (const auto& ref : refs) {
    std::string inbox;
    if (xmtp::identity::IsValidInboxId(ref)) {
      XS_TRY(bool exists, impl.host->InboxExists(ref));
      if (!exists) return Error::NotFound("no XMTP inbox " + ref + " on the network");
      inbox = ref;
    } else if (IsAddress(ref)) {
      XS_TRY(std::optional<std::string> found, impl.host->InboxIdForAddress(ref));
      if (!found) return Error::NotFound("no XMTP inbox for address " + ref);
      inbox = *found;
    } else if (auto ours = impl.s->ResolveInbox(ref); ours.ok()) {
      XS_TRY(InboxRecord rec, impl.s->inboxes->Get(*ours));
      inbox = rec.network_inbox_id;
    } else {
      return Error::Validation("members", "'" + ref +
                                              "' is not an inbox id (64 hex digits), an address "
                                              "(0x + 40 hex digits) or a managed inbox");
    }
    if (std::find(out.begin(), out.end(), inbox) == out.end()) out.push_back(inbox);
  }
  return out;
}

// The inbox a new chat acts through (decisions: identityMode).
Result<std::string> InboxForNewChat(Chats::Impl& impl, const Json& p, const std::string& op_id) {
  RuntimeState& s = *impl.s;
  if (HasField(p, "as")) {
    XS_TRY(std::string id, impl.AsInbox(p));
    XS_TRY(InboxRecord rec, s.inboxes->Get(id));
    if (!op_id.empty() && rec.operator_id != op_id) {
      return Error::Validation("as", "inbox " + id + " is not linked to operator " + op_id);
    }
    return id;
  }
  if (s.options.identity_mode == "shared") {
    const InboxRecord* pick = nullptr;
    for (const auto& [id, rec] : s.inboxes->All()) {
      bool owner_matches = op_id.empty() ? !rec.operator_id : rec.operator_id == op_id;
      if (!owner_matches || !impl.host->ClientFor(rec.installation_id).ok()) continue;
      if (pick == nullptr || rec.created_at < pick->created_at) pick = &rec;
    }
    if (pick != nullptr) return pick->id;
  }
  // per-group (and the first chat of a shared identity): a fresh inbox.
  XS_TRY(InboxRecord created, CreateManagedInbox(s, "", op_id));
  return created.id;
}

Result<Json> Create(Chats::Impl& impl, const Json& p) {
  RuntimeState& s = *impl.s;
  XS_TRY(std::string name, GetOptString(p, "name"));
  if (name.size() > kMaxChatNameBytes) {
    return Error::Validation(
        "name", "at most " + std::to_string(kMaxChatNameBytes) + " bytes (kMaxChatNameBytes)");
  }
  std::string op_id;
  if (HasField(p, "operatorId")) {
    XS_TRY(std::string ref, GetString(p, "operatorId"));
    XS_TRY(op_id, s.operators->Resolve(ref));
  }
  // Every input is checked before anything is created.
  XS_TRY(std::vector<std::string> members, ResolveMembers(impl, p));
  XS_TRY(std::string inbox_id, InboxForNewChat(impl, p, op_id));
  XS_TRY(client::Client * c, impl.ClientOf(inbox_id));
  members.erase(std::remove(members.begin(), members.end(), c->inbox_id()), members.end());
  client::CreateGroupOptions options;
  options.name = name;
  // The record only once the commit adding the members is on the network.
  XS_TRY(client::Bytes group_id, c->CreateGroup(members, options));
  XS_TRY(InboxRecord inbox, s.inboxes->Get(inbox_id));
  std::string hex = codec::HexEncode(group_id);
  Json chat = {{"id", NewId(IdType::kConversation)},
               {"networkGroupId", hex},
               {"type", "group"},
               {"name", name},
               {"inboxId", inbox_id},
               {"origin", "created"},
               {"createdAt", s.Now()}};
  if (inbox.operator_id) chat["operatorId"] = *inbox.operator_id;
  XS_RETURN_IF_ERROR(impl.Record(chat));
  return impl.View(chat);
}

Result<Json> List(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::size_t joined, impl.Reconcile());
  (void)joined;
  std::string as, op_id;
  if (HasField(p, "as")) {
    XS_TRY(as, impl.AsInbox(p));
  }
  if (HasField(p, "operatorId")) {
    XS_TRY(std::string ref, GetString(p, "operatorId"));
    XS_TRY(op_id, impl.s->operators->Resolve(ref));
  }
  // Oldest first: ordered by createdAt before the views are built.
  std::vector<std::pair<std::string, const Json*>> picked;
  for (const auto& [id, chat] : impl.chats->ById()) {
    if (!as.empty() && chat.value("inboxId", "") != as) continue;
    if (!op_id.empty() && chat.value("operatorId", "") != op_id) continue;
    picked.emplace_back(chat.value("createdAt", ""), &chat);
  }
  std::stable_sort(picked.begin(), picked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Json rows = Json::array();
  for (const auto& [created, chat] : picked) {
    rows.push_back(impl.View(*chat, Chats::Impl::Detail::kSummary));
  }
  return rows;
}

// Messages stored across the client's conversations (or one of them).
std::size_t CountMessages(client::Client& c, const client::Bytes* only) {
  std::size_t n = 0;
  for (const auto& view : c.Conversations()) {
    if (only != nullptr && view.group_id != *only) continue;
    auto count = c.MessageCount(view.group_id);
    if (count.ok()) n += *count;
  }
  return n;
}

Result<Json> Sync(Chats::Impl& impl, const Json& p) {
  if (HasField(p, "chatId")) {
    XS_TRY(std::string id, impl.ResolveParam(p));
    XS_TRY(Chats::Impl::Bound b, impl.Bind(id));
    std::size_t before = CountMessages(*b.client, &b.group_id);
    XS_RETURN_IF_ERROR(b.client->SyncGroup(b.group_id));
    std::size_t after = CountMessages(*b.client, &b.group_id);
    return Json{{"chatId", id}, {"chats", 1}, {"newMessages", after - before}, {"joined", 0}};
  }
  std::vector<std::string> inboxes;
  if (HasField(p, "as")) {
    XS_TRY(std::string id, impl.AsInbox(p));
    inboxes.push_back(id);
  } else {
    for (const auto& [id, rec] : impl.s->inboxes->All()) inboxes.push_back(id);
  }
  std::size_t fresh = 0, synced = 0;
  for (const auto& id : inboxes) {
    auto c = impl.ClientOf(id);
    if (!c.ok()) {
      if (HasField(p, "as")) return c.error();
      continue;  // reported by `xs status`
    }
    std::size_t before = CountMessages(**c, nullptr);
    XS_RETURN_IF_ERROR((*c)->SyncAll());
    fresh += CountMessages(**c, nullptr) - before;
    ++synced;
  }
  XS_TRY(std::size_t joined, impl.Reconcile());
  return Json{{"inboxes", synced},
              {"chats", impl.chats->ById().size()},
              {"newMessages", fresh},
              {"joined", joined}};
}

}  // namespace

void RegisterChatActions(ActionRegistry& r, Chats::Impl& impl) {
  Chats::Impl* i = &impl;
  r.Register({"chat.create", "Create a group chat", Intent::kWrite, false, true,
              [i](const Json& p, const CallContext&) { return Create(*i, p); }},
             {{"name", ParamType::kString,
               "The group's name (at most " + std::to_string(kMaxChatNameBytes) + " bytes)"},
              RecordRefParam("operatorId", "operator the chat's inbox belongs to", "op_", false),
              NameListParam("members",
                            "Members to add: network inbox ids (64 hex), wallet addresses or "
                            "managed inboxes; at most " +
                                std::to_string(kMaxCreateMembersCount)),
              {"as", ParamType::kString,
               "The managed inbox that creates the chat (absent: per identity mode, a new or the "
               "shared inbox)"}});
  // A credential sees its own chats only (credential_reads.cpp).
  r.Register({"chat.list", "List chats", Intent::kRead, true, false,
              [i](const Json& p, const CallContext& ctx) {
                return ctx.caller == CallContext::Caller::kCredential
                           ? CredentialListChats(*i, p, ctx)
                           : List(*i, p);
              }},
             {{"as", ParamType::kString,
               "Admin callers only: only the chats this managed inbox holds (inbox_ id, short id, "
               "label, network inbox id or wallet address)"},
              {"operatorId", ParamType::kString,
               "Admin callers only: only this operator's chats (op_ id, short id or label)"}});
  r.Register({"chat.info", "Show a chat", Intent::kRead, true, false,
              [i](const Json& p, const CallContext& ctx) -> Result<Json> {
                if (ctx.caller == CallContext::Caller::kCredential) {
                  return CredentialChatInfo(*i, p, ctx);
                }
                XS_TRY(std::string id, i->ResolveParam(p));
                XS_TRY(Json chat, i->chats->Get(id));
                return i->View(chat);
              }},
             {ChatIdParam()});
  r.Register({"chat.sync", "Pull and apply a chat's (or every chat's) new messages", Intent::kWrite,
              true, true, [i](const Json& p, const CallContext&) { return Sync(*i, p); }},
             {ChatIdParam(false),
              {"as", ParamType::kString,
               "Without chatId: sync only this managed inbox's chats (absent: every inbox's)"}});
}

void RegisterConvosJoinActions(ActionRegistry& r, Chats::Impl& impl);  // convos_join.cpp

// ---------------------------------------------------------------- Chats

Chats::Chats(Runtime& runtime, ClientHost& host)
    : runtime_(runtime), host_(host), impl_(std::make_unique<Impl>()) {}

Chats::~Chats() = default;

Status Chats::Install() {
  Status loaded = OkStatus();
  runtime_.Extend([this, &loaded](ActionRegistry& r, RuntimeState& s) {
    impl_->s = &s;
    impl_->host = &host_;
    impl_->chats = std::make_unique<RecordSet>(s.store.get(), kChatKind, "conv_", "chat", "/name");
    loaded = impl_->chats->Load();
    RegisterChatActions(r, *impl_);
    RegisterMessageActions(r, *impl_);
    if (loaded.ok()) loaded = InstallChatAdmin(r, *impl_);
    RegisterConsentActions(r, *impl_);
    RegisterSearchActions(r, *impl_);
    RegisterConvosInviteActions(r, *impl_);
    RegisterConvosJoinActions(r, *impl_);
    RegisterPendingActionActions(r, *impl_);
  });
  XS_RETURN_IF_ERROR(loaded);
  Impl* impl = impl_.get();
  runtime_.SetChatResolver([impl](std::string_view ref) { return impl->Resolve(ref); });
  return OkStatus();
}

Result<std::size_t> Chats::Reconcile() {
  std::size_t added = 0;
  Status reconciled = runtime_.WithState([&](RuntimeState&) -> Status {
    XS_TRY(added, impl_->Reconcile());
    return OkStatus();
  });
  XS_RETURN_IF_ERROR(reconciled);
  return added;
}

std::vector<HostedInbox> Chats::Inboxes(Runtime& runtime) {
  std::vector<HostedInbox> out;
  (void)runtime.WithState([&](RuntimeState& s) -> Status {
    for (const auto& [id, rec] : s.inboxes->All()) out.push_back({id, rec.installation_id});
    return OkStatus();
  });
  return out;
}

}  // namespace xs::signet
