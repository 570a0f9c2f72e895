// consent.check / consent.allow / consent.deny {entity, entityType?, as?}
// (concepts.md §12): the native client's consent, per managed inbox (it is
// stored per installation and never published).
//
// Who acts:
//   --as <inbox>                    that inbox alone;
//   a group_id naming one of our chats   the inbox that holds the chat;
//   otherwise                       every managed inbox: allow/deny set the
//                                   state on each, check answers per inbox
//                                   and sums up ("mixed" when they differ).
// Every acting client is looked up before anything is written, so a failure
// leaves no inbox changed.
#include <algorithm>

#include "codec/hex.h"
#include "mls/messages/limits.h"
#include "signet/chats/chats_internal.h"
#include "signet/core/action_params.h"
#include "xmtp/identity/identifiers.h"
#include "xmtp/identity/inbox_id.h"

namespace xs::signet {

namespace client = xmtp::client;

namespace {

constexpr const char* kInboxEntity = "inbox_id";
constexpr const char* kGroupEntity = "group_id";

bool IsLowerHex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

const char* StateName(client::ConsentState state) {
  switch (state) {
    case client::ConsentState::kAllowed:
      return "allowed";
    case client::ConsentState::kDenied:
      return "denied";
    case client::ConsentState::kUnknown:
      break;
  }
  return "unknown";
}

// What the consent is about, resolved.
struct Entity {
  std::string type;        // kInboxEntity | kGroupEntity
  std::string value;       // network inbox id | network group id (hex)
  std::string chat_id;     // a group that is one of our chats
  std::string chat_inbox;  // ... and the managed inbox holding it
};

// An XMTP inbox id, an address (looked up on the network) or a managed inbox.
Result<Entity> ResolveInboxEntity(Chats::Impl& impl, const std::string& ref) {
  Entity e{kInboxEntity, "", "", ""};
  if (xmtp::identity::IsValidInboxId(ref)) {
    e.value = ref;
    return e;
  }
  if (auto address = xmtp::identity::NormalizeEthereumAddress(ref, "entity"); address.ok()) {
    XS_TRY(std::optional<std::string> found, impl.host->InboxIdForAddress(*address));
    if (!found) return Error::NotFound("no XMTP inbox for address " + *address);
    e.value = *found;
    return e;
  }
  if (auto ours = impl.s->ResolveInbox(ref); ours.ok()) {
    XS_TRY(InboxRecord rec, impl.s->inboxes->Get(*ours));
    e.value = rec.network_inbox_id;
    return e;
  }
  if (IsValidId(IdType::kConversation, ref)) {
    return Error::Validation("entity", "'" + ref + "' is a chat: use --type group_id");
  }
  return Error::Validation("entity", "'" + ref +
                                         "' is not an inbox id (64 hex digits), an address (0x + "
                                         "40 hex digits) or a managed inbox");
}

// A chat (conv_ id, short id, name, network group id) or any network group
// id, which need not be a chat of ours yet (its Welcome may come later).
Result<Entity> ResolveGroupEntity(Chats::Impl& impl, const std::string& ref) {
  Entity e{kGroupEntity, "", "", ""};
  auto chat_id = impl.Resolve(ref);
  if (chat_id.ok()) {
    XS_TRY(Json chat, impl.chats->Get(*chat_id));
    e.value = chat.value("networkGroupId", "");
    e.chat_id = *chat_id;
    e.chat_inbox = chat.value("inboxId", "");
    return e;
  }
  if (!chat_id.error().IsNotFound()) return chat_id.error();
  const bool group_id_like = ref.size() > kIdHexLength && ref.size() % 2 == 0 &&
                             ref.size() <= 2 * mls::kMaxGroupIdSize && IsLowerHex(ref);
  if (group_id_like) {
    e.value = ref;
    return e;
  }
  const bool short_id_like =
      ref.rfind("conv_", 0) == 0 || (ref.size() <= kIdHexLength && IsLowerHex(ref));
  if (short_id_like) return chat_id.error();
  return Error::Validation("entity", "'" + ref +
                                         "' is not a chat (conv_ id, short id or name) nor a "
                                         "network group id (lowercase hex)");
}

Result<Entity> ResolveEntity(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "entity"));
  if (ref.empty()) return Error::Validation("entity", "must not be empty");
  // (Not XS_TRY: g++ 12 then thinks the string may be uninitialized.)
  Result<std::string> type = GetOptString(p, "entityType", kInboxEntity);
  if (!type.ok()) return type.error();
  if (*type == kInboxEntity) return ResolveInboxEntity(impl, ref);
  if (*type == kGroupEntity) return ResolveGroupEntity(impl, ref);
  return Error::Validation("entityType", "must be inbox_id or group_id");
}

struct Acting {
  std::string inbox_id;  // inbox_…
  client::Client* client = nullptr;
};

// The inboxes that act (see the top of the file); every client must be there.
Result<std::vector<Acting>> ActingInboxes(Chats::Impl& impl, const Json& p, const Entity& e) {
  std::vector<std::string> ids;
  if (HasField(p, "as")) {
    XS_TRY(std::string id, impl.AsInbox(p));
    ids.push_back(id);
  } else if (!e.chat_inbox.empty()) {
    ids.push_back(e.chat_inbox);
  } else {
    for (const auto& [id, rec] : impl.s->inboxes->All()) ids.push_back(id);
  }
  if (ids.empty()) {
    return Error::NotFound("no managed inbox to act as: create one with `xs inbox create`");
  }
  std::vector<Acting> out;
  for (const auto& id : ids) {
    XS_TRY(client::Client * c, impl.ClientOf(id));
    out.push_back({id, c});
  }
  return out;
}

Result<client::ConsentState> Read(const Acting& a, const Entity& e) {
  if (e.type == kInboxEntity) return a.client->InboxConsent(e.value);
  XS_TRY(client::Bytes group, codec::HexDecode(e.value));
  return a.client->GroupConsent(group);
}

Status Write(const Acting& a, const Entity& e, client::ConsentState state) {
  if (e.type == kInboxEntity) return a.client->SetInboxConsent(e.value, state);
  XS_TRY(client::Bytes group, codec::HexDecode(e.value));
  return a.client->SetGroupConsent(group, state);
}

// {entity, entityType, chatId?, state, inboxes:[{inboxId, networkInboxId, state}]}
Result<Json> Answer(const std::vector<Acting>& acting, const Entity& e) {
  Json rows = Json::array();
  std::string summary;
  for (const auto& a : acting) {
    XS_TRY(client::ConsentState state, Read(a, e));
    const std::string name = StateName(state);
    summary = summary.empty() || summary == name ? name : "mixed";
    rows.push_back(
        {{"inboxId", a.inbox_id}, {"networkInboxId", a.client->inbox_id()}, {"state", name}});
  }
  Json out = {{"entity", e.value}, {"entityType", e.type}, {"state", summary}, {"inboxes", rows}};
  if (!e.chat_id.empty()) out["chatId"] = e.chat_id;
  return out;
}

Result<Json> Check(Chats::Impl& impl, const Json& p) {
  XS_TRY(Entity e, ResolveEntity(impl, p));
  XS_TRY(std::vector<Acting> acting, ActingInboxes(impl, p, e));
  return Answer(acting, e);
}

Result<Json> Set(Chats::Impl& impl, const Json& p, client::ConsentState state) {
  XS_TRY(Entity e, ResolveEntity(impl, p));
  XS_TRY(std::vector<Acting> acting, ActingInboxes(impl, p, e));
  for (const auto& a : acting) XS_RETURN_IF_ERROR(Write(a, e, state));
  return Answer(acting, e);
}

}  // namespace

void RegisterConsentActions(ActionRegistry& r, Chats::Impl& impl) {
  Chats::Impl* i = &impl;
  const std::vector<Param> params = {
      {"entity", ParamType::kString,
       "What the consent is about: for inbox_id a network inbox id (64 hex), a wallet address or a "
       "managed inbox; for group_id a chat (conv_ id, short id, name) or a network group id",
       true},
      {"entityType",
       ParamType::kString,
       "What entity names (default inbox_id)",
       false,
       {kInboxEntity, kGroupEntity}},
      {"as", ParamType::kString,
       "The managed inbox whose consent it is (absent: the chat's inbox for a chat of ours, else "
       "every managed inbox)"}};
  r.Register({"consent.check", "Show the consent state of an inbox or a group", Intent::kRead, true,
              true, [i](const Json& p, const CallContext&) { return Check(*i, p); }},
             params);
  r.Register({"consent.allow", "Allow an inbox or a group", Intent::kWrite, true, true,
              [i](const Json& p, const CallContext&) {
                return Set(*i, p, client::ConsentState::kAllowed);
              }},
             params);
  r.Register({"consent.deny", "Deny an inbox or a group", Intent::kWrite, true, true,
              [i](const Json& p, const CallContext&) {
                return Set(*i, p, client::ConsentState::kDenied);
              }},
             params);
}

}  // namespace xs::signet
