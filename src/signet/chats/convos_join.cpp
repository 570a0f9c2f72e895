// The join side of Convos invites (shared/spec/convos-interop.md §2):
//
// chat.join {url, as?, operatorId?, profileName?, timeoutSeconds?}: parse
// the invite and check it is usable (expiry, a recoverable signature); pick
// the inbox (per-group identity mode: a NEW inbox, labelled `as`; shared: the
// `as` inbox or the operator's oldest); open the DM to the creator; send the
// structured join_request (profile: name, memberKind agent) and the bare
// slug as text (older hosts; its failure is not fatal). Returns at once with
// {joinId, state: "pending", inboxId, creatorInboxId, tag, timeoutSeconds}:
// the runtime lock is not held while the host decides.
//
// chat.join-status {joinId}: one look, under the lock, at what the inbox's
// stream has applied (the Welcome of a new group, an invite_join_error with
// the invite's tag in the DM); every kJoinPollMs it also syncs the welcomes
// and the DM itself, in case the stream missed them (the spec's poll). A new
// group becomes a chat (origin "joined") into which the agent's
// profile_update (memberKind AGENT, the name when given) is sent:
// {state: "joined", chatId, chat}. A refusal fails with kind
// convos.join.<errorType> and the host's reason; the deadline with
// convos.join.timeout. Either way an inbox made for the join is removed
// again (records, keys, the chats it had), and the join is forgotten.
//
// Pending joins live in memory only (a daemon restart forgets them; the
// inbox stays). Every handler runs under the runtime lock.
#include <map>
#include <set>

#include "codec/hex.h"
#include "signet/chats/chats_internal.h"
#include "signet/core/action_params.h"
#include "xmtp/content/codecs.h"
#include "xmtp/content/convos.h"
#include "xmtp/convos/invite.h"

namespace xs::signet {

namespace client = xmtp::client;
namespace content = xmtp::content;
namespace convos = xmtp::convos;

// The spec's defaults: poll every 2 s, give up after 60 s.
inline constexpr std::int64_t kJoinPollMs = 2000;
inline constexpr std::int64_t kDefaultJoinTimeoutSeconds = 60;
inline constexpr std::int64_t kMaxJoinTimeoutSeconds = 3600;
// DM messages scanned for the creator's invite_join_error.
inline constexpr std::uint32_t kJoinErrorScanMessages = 50;

namespace {

struct PendingJoin {
  std::string inbox_id;  // inbox_…
  bool created_inbox = false;
  client::Bytes dm_id;
  std::string creator_inbox_id;
  std::string tag;
  std::string profile_name;
  std::set<std::string> before;  // hex group ids the inbox held before the request
  std::int64_t started_ms = 0;
  std::int64_t deadline_ms = 0;
  std::int64_t next_poll_ms = 0;
};

// Keyed by join id; touched only under the runtime lock.
std::map<std::string, PendingJoin>& Pending() {
  static std::map<std::string, PendingJoin> pending;
  return pending;
}

// Removes an inbox made for a join, with the chats it had (records and
// conversation mappings) and its operator link. The network inbox stays.
Status RemoveJoinInbox(Chats::Impl& impl, const std::string& inbox_id) {
  RuntimeState& s = *impl.s;
  XS_TRY(InboxRecord inbox, s.inboxes->Get(inbox_id));
  std::vector<std::string> chats;
  for (const auto& [id, chat] : impl.chats->ById()) {
    if (chat.value("inboxId", "") == inbox_id) chats.push_back(id);
  }
  Status removed = s.store->Transaction([&]() -> Status {
    for (const auto& id : chats) {
      XS_RETURN_IF_ERROR(s.store->RemoveIdMapping(kConversationMap, id));
      XS_RETURN_IF_ERROR(impl.chats->Remove(id));
    }
    if (inbox.operator_id) {
      if (const OperatorRecord* op = s.operators->Find(*inbox.operator_id); op != nullptr) {
        OperatorRecord next = *op;
        std::erase(next.inbox_ids, inbox_id);
        XS_RETURN_IF_ERROR(s.operators->Put(next));
      }
    }
    XS_RETURN_IF_ERROR(s.wallets->Remove(inbox.wallet_id));
    XS_RETURN_IF_ERROR(s.keys->Remove(inbox.installation_key_id));
    return s.inboxes->Remove(inbox_id);
  });
  if (!removed.ok()) {
    (void)impl.chats->Load();
    (void)s.inboxes->Load();
    (void)s.operators->Load();
    (void)s.wallets->Load();
    (void)s.keys->Load();
  }
  return removed;
}

// The error with its kind (and `extra`) in its context, where a client of
// the admin API reads it (the context is what crosses the socket).
Error WithKindContext(Error error, Json extra = Json::object()) {
  Json context = Json::object();
  if (!error.context_json().empty()) {
    context = Json::parse(error.context_json(), nullptr, false);
    if (!context.is_object()) context = Json::object();
  }
  context.update(extra);
  if (!error.kind().empty()) context["kind"] = error.kind();
  return std::move(error).WithContext(context.dump());
}

// Ends a failed join: the inbox made for it goes, the failure is audited.
Error FailJoin(Chats::Impl& impl, const std::string& join_id, const PendingJoin& join,
               Error error) {
  Json audit = {{"joinId", join_id}, {"decision", "failed"},     {"reason", error.kind()},
                {"tag", join.tag},   {"inboxId", join.inbox_id}, {"inboxRemoved", false}};
  if (join.created_inbox) {
    Status removed = RemoveJoinInbox(impl, join.inbox_id);
    audit["inboxRemoved"] = removed.ok();
    if (!removed.ok()) audit["removeError"] = removed.error().message();
  }
  (void)impl.s->audit->Append("convos.join-side", audit);
  Pending().erase(join_id);
  return WithKindContext(std::move(error),
                         {{"joinId", join_id}, {"inboxRemoved", audit["inboxRemoved"]}});
}

// The inbox a join acts through (decisions: identityMode).
Result<std::pair<std::string, bool>> JoinInbox(Chats::Impl& impl, const Json& p,
                                               const std::string& op_id) {
  RuntimeState& s = *impl.s;
  XS_TRY(std::string label, GetOptString(p, "as"));
  if (s.options.identity_mode == "shared") {
    if (!label.empty()) {
      XS_TRY(std::string id, s.ResolveInbox(label));
      return std::make_pair(id, false);
    }
    const InboxRecord* pick = nullptr;
    for (const auto& [id, rec] : s.inboxes->All()) {
      bool owner_matches = op_id.empty() ? !rec.operator_id : rec.operator_id == op_id;
      if (!owner_matches || !impl.host->ClientFor(rec.installation_id).ok()) continue;
      if (pick == nullptr || rec.created_at < pick->created_at) pick = &rec;
    }
    if (pick != nullptr) return std::make_pair(pick->id, false);
  }
  XS_TRY(InboxRecord created, CreateManagedInbox(s, label, op_id));
  return std::make_pair(created.id, true);
}

Result<Json> Join(Chats::Impl& impl, const Json& p) {
  RuntimeState& s = *impl.s;
  XS_TRY(std::string url, GetString(p, "url"));
  XS_TRY(std::string profile_name, GetOptString(p, "profileName"));
  std::int64_t timeout_s = kDefaultJoinTimeoutSeconds;
  if (HasField(p, "timeoutSeconds")) {
    if (!p["timeoutSeconds"].is_number_integer()) {
      return Error::Validation("timeoutSeconds", "must be a whole number of seconds");
    }
    timeout_s = p["timeoutSeconds"].get<std::int64_t>();
    if (timeout_s < 1 || timeout_s > kMaxJoinTimeoutSeconds) {
      return Error::Validation("timeoutSeconds",
                               "must be between 1 and " + std::to_string(kMaxJoinTimeoutSeconds));
    }
  }
  std::string op_id;
  if (HasField(p, "operatorId")) {
    XS_TRY(std::string ref, GetString(p, "operatorId"));
    XS_TRY(op_id, s.operators->Resolve(ref));
  }
  // Every check on the invite before anything is created.
  auto slug = convos::ExtractInviteSlug(url);
  if (!slug.ok()) return WithKindContext(slug.error());
  auto invite = convos::ParseInvite(*slug);
  if (!invite.ok()) return WithKindContext(invite.error());
  const std::int64_t now = s.clock->NowMs();
  if (Status usable = convos::CheckInviteUsable(*invite, now); !usable.ok()) {
    return WithKindContext(usable.error());
  }

  // A signet keeps one chat per network group: a group of one of our own
  // inboxes is not joined again by another.
  for (const auto& [id, rec] : s.inboxes->All()) {
    if (rec.network_inbox_id == invite->creator_inbox_id) {
      return WithKindContext(
          Error::Validation("url", "the invite is from " + id + ", an inbox of this signet")
              .WithKind(std::string(convos::kErrorOwnInvite)));
    }
  }
  XS_TRY(auto picked, JoinInbox(impl, p, op_id));
  PendingJoin join;
  join.inbox_id = picked.first;
  join.created_inbox = picked.second;
  join.creator_inbox_id = invite->creator_inbox_id;
  join.tag = invite->tag;
  join.profile_name = profile_name;
  join.started_ms = now;
  join.deadline_ms = now + timeout_s * 1000;
  join.next_poll_ms = now + kJoinPollMs;
  const std::string join_id = "join_" + convos::NewInviteTag() + std::to_string(now);

  auto start = [&]() -> Status {
    XS_TRY(client::Client * c, impl.ClientOf(join.inbox_id));
    if (c->inbox_id() == join.creator_inbox_id) {
      return Error::Validation("url", "this invite is our own inbox's")
          .WithKind(std::string(convos::kErrorOwnInvite));
    }
    for (const auto& id : c->GroupIds()) join.before.insert(codec::HexEncode(id));
    XS_TRY(join.dm_id, c->FindOrCreateDm(join.creator_inbox_id));
    join.before.insert(codec::HexEncode(join.dm_id));
    content::ConvosJoinRequest request;
    request.invite_slug = *slug;
    content::ConvosJoinProfile profile;
    if (!profile_name.empty()) profile.name = profile_name;
    profile.member_kind = "agent";
    request.profile = profile;
    XS_TRY(client::Bytes sent, c->Send(join.dm_id, content::EncodeConvosJoinRequest(request)));
    (void)sent;
    // Older hosts read the bare slug; not fatal (the reference's rule).
    (void)c->Send(join.dm_id, content::EncodeText(*slug));
    return OkStatus();
  };
  Status started = start();
  if (!started.ok()) return FailJoin(impl, join_id, join, started.error());
  XS_RETURN_IF_ERROR(s.audit->Append("convos.join-side", {{"joinId", join_id},
                                                          {"decision", "requested"},
                                                          {"tag", join.tag},
                                                          {"inboxId", join.inbox_id},
                                                          {"creatorInboxId", join.creator_inbox_id},
                                                          {"newInbox", join.created_inbox}}));
  Json out = {{"joinId", join_id},
              {"state", "pending"},
              {"inboxId", join.inbox_id},
              {"newInbox", join.created_inbox},
              {"creatorInboxId", join.creator_inbox_id},
              {"tag", join.tag},
              {"timeoutSeconds", timeout_s}};
  Pending().emplace(join_id, std::move(join));
  return out;
}

// The creator's invite_join_error for our tag in the DM, if any.
std::optional<content::ConvosInviteJoinError> JoinError(client::Client& c,
                                                        const PendingJoin& join) {
  auto messages = c.NewestMessages(join.dm_id, kJoinErrorScanMessages);
  if (!messages.ok()) return std::nullopt;
  for (const auto& m : *messages) {
    if (m.sender_inbox_id != join.creator_inbox_id) continue;
    if (!m.content.type.SameType(content::ConvosInviteJoinErrorType()) &&
        !m.content.type.SameType(content::ConvosLegacyInviteJoinErrorType())) {
      continue;
    }
    auto error = content::DecodeConvosInviteJoinError(m.content);
    if (error.ok() && error->invite_tag == join.tag) return *error;
  }
  return std::nullopt;
}

// A group the inbox holds now and did not before the request.
std::optional<client::Bytes> NewGroup(client::Client& c, const PendingJoin& join) {
  for (const auto& id : c.GroupIds()) {
    if (join.before.count(codec::HexEncode(id)) > 0) continue;
    auto view = c.Group(id, client::Client::ConsentLookup::kSkip);
    if (view.ok() && view->kind != client::ConversationKind::kDm && view->active) return id;
  }
  return std::nullopt;
}

Result<Json> Joined(Chats::Impl& impl, const std::string& join_id, const PendingJoin& join,
                    client::Client& c, const client::Bytes& group_id) {
  XS_TRY(std::size_t added, impl.Reconcile());
  (void)added;
  const std::string hex = codec::HexEncode(group_id);
  std::string chat_id;
  for (const auto& [id, chat] : impl.chats->ById()) {
    if (chat.value("networkGroupId", "") == hex && chat.value("inboxId", "") == join.inbox_id) {
      chat_id = id;
    }
  }
  if (chat_id.empty()) return Error::Internal("the joined group was not recorded as a chat");
  content::ConvosProfile profile;
  profile.member_kind = content::ConvosMemberKind::kAgent;
  if (!join.profile_name.empty()) profile.name = join.profile_name;
  XS_TRY(client::Bytes sent, c.Send(group_id, content::EncodeConvosProfileUpdate(profile)));
  (void)sent;
  const std::int64_t elapsed = impl.s->clock->NowMs() - join.started_ms;
  XS_RETURN_IF_ERROR(impl.s->audit->Append("convos.join-side", {{"joinId", join_id},
                                                                {"decision", "joined"},
                                                                {"tag", join.tag},
                                                                {"inboxId", join.inbox_id},
                                                                {"chatId", chat_id},
                                                                {"elapsedMs", elapsed}}));
  XS_TRY(Json chat, impl.chats->Get(chat_id));
  Json out = {{"joinId", join_id},        {"state", "joined"}, {"chatId", chat_id},
              {"inboxId", join.inbox_id}, {"tag", join.tag},   {"elapsedMs", elapsed},
              {"chat", impl.View(chat)}};
  Pending().erase(join_id);
  return out;
}

Result<Json> JoinStatus(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::string join_id, GetString(p, "joinId"));
  auto it = Pending().find(join_id);
  if (it == Pending().end()) return Error::NotFound("no pending join " + join_id);
  const PendingJoin join = it->second;
  auto c = impl.ClientOf(join.inbox_id);
  if (!c.ok()) return FailJoin(impl, join_id, join, c.error());
  client::Client& cl = **c;
  const std::int64_t now = impl.s->clock->NowMs();
  if (now >= join.next_poll_ms) {
    // The stream applies Welcomes and DM messages as they come; this is the
    // spec's poll, for what a stream may have missed.
    it->second.next_poll_ms = now + kJoinPollMs;
    (void)cl.SyncWelcomes();
    (void)cl.SyncGroup(join.dm_id);
  }
  if (auto group = NewGroup(cl, join)) return Joined(impl, join_id, join, cl, *group);
  if (auto refused = JoinError(cl, join)) {
    std::string name(content::ConvosJoinErrorTypeName(refused->error_type));
    std::string message = "the invite's host refused the join (" + name + ")";
    if (refused->reason) message += ": " + *refused->reason;
    return FailJoin(
        impl, join_id, join,
        WithKindContext(Error::Permission(message).WithKind("convos.join." + name),
                        {{"errorType", name}, {"reason", refused->reason.value_or("")}}));
  }
  if (now >= join.deadline_ms) {
    return FailJoin(
        impl, join_id, join,
        Error::Timeout("not added to the group within " +
                       std::to_string((join.deadline_ms - join.started_ms) / 1000) + " s")
            .WithKind("convos.join.timeout"));
  }
  return Json{{"joinId", join_id},
              {"state", "pending"},
              {"inboxId", join.inbox_id},
              {"remainingMs", join.deadline_ms - now}};
}

}  // namespace

void RegisterConvosJoinActions(ActionRegistry& r, Chats::Impl& impl) {
  Chats::Impl* i = &impl;
  r.Register(
      {"chat.join", "Ask to join a Convos group from its invite link", Intent::kWrite, false, true,
       [i](const Json& p, const CallContext&) { return Join(*i, p); }},
      {{"url", ParamType::kString, "The Convos invite link (or its bare slug)", true},
       {"profileName", ParamType::kString,
        "The agent's display name in its join request and profile"},
       {"timeoutSeconds", ParamType::kInteger,
        "How long to wait for the host, 1 to " + std::to_string(kMaxJoinTimeoutSeconds) +
            " seconds (default " + std::to_string(kDefaultJoinTimeoutSeconds) + ")"},
       RecordRefParam("operatorId", "operator the joining inbox belongs to", "op_", false),
       {"as", ParamType::kString,
        "Identity mode per-group: the new inbox's label; shared: the managed inbox that joins"}});
  r.Register({"chat.join-status", "The state of a Convos join (and its end: joined or failed)",
              Intent::kWrite, false, true,
              [i](const Json& p, const CallContext&) { return JoinStatus(*i, p); }},
             {{"joinId", ParamType::kString, "The joinId chat.join answered", true}});
}

}  // namespace xs::signet
