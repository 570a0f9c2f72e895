#include "signet/chats/convos_host.h"

#include <algorithm>
#include <map>
#include <optional>

#include "codec/hex.h"
#include "signet/chats/chats_internal.h"
#include "signet/chats/host_events.h"
#include "signet/chats/watch.h"
#include "xmtp/content/codecs.h"
#include "xmtp/content/content_types.h"
#include "xmtp/content/convos.h"
#include "xmtp/convos/appdata.h"
#include "xmtp/convos/invite.h"

namespace xs::signet {

namespace client = xmtp::client;
namespace content = xmtp::content;
namespace convos = xmtp::convos;

namespace {

constexpr auto kPoll = std::chrono::milliseconds(250);

// A join request found in a DM.
struct Request {
  std::string slug;
  std::optional<content::ConvosJoinProfile> profile;
};

std::optional<Request> RequestOf(const client::Message& m) {
  if (m.kind != client::Message::Kind::kApplication) return std::nullopt;
  if (m.content.type.SameType(content::ConvosJoinRequestType())) {
    auto join = content::DecodeConvosJoinRequest(m.content);
    if (!join.ok()) return std::nullopt;
    return Request{join->invite_slug, join->profile};
  }
  if (m.content.type.SameType(content::TextType())) {
    auto text = content::DecodeText(m.content);
    if (!text.ok()) return std::nullopt;
    std::string slug = *text;
    while (!slug.empty() && std::isspace(static_cast<unsigned char>(slug.back()))) slug.pop_back();
    slug.erase(0, slug.find_first_not_of(" \t\r\n"));
    if (slug.size() < kMinTextSlugChars || slug.find_first_of(" \t\r\n") != std::string::npos) {
      return std::nullopt;
    }
    return Request{slug, std::nullopt};
  }
  return std::nullopt;
}

std::string WithoutSeparators(std::string slug) {
  slug.erase(std::remove(slug.begin(), slug.end(), '*'), slug.end());
  return slug;
}

// The tag of one of our handled/error markers, if `m` is one.
std::optional<std::string> MarkerTag(const client::Message& m) {
  if (m.content.type.SameType(content::ConvosInviteJoinHandledType())) {
    auto handled = content::DecodeConvosInviteJoinHandled(m.content);
    if (handled.ok()) return handled->invite_tag;
  } else if (m.content.type.SameType(content::ConvosInviteJoinErrorType())) {
    auto error = content::DecodeConvosInviteJoinError(m.content);
    if (error.ok()) return error->invite_tag;
  }
  return std::nullopt;
}

// Whether the DM shows a marker of ours for `tag` sent after `request`.
bool AlreadyAnswered(client::Client& c, const client::Bytes& dm, const client::Message& request,
                     const std::string& tag) {
  auto newest = c.NewestMessages(dm, kMarkerScanMessages);
  if (!newest.ok()) return false;
  for (const client::Message& m : *newest) {
    if (m.sender_inbox_id != c.inbox_id() || m.sent_ns < request.sent_ns) continue;
    if (MarkerTag(m) == tag) return true;
  }
  return false;
}

// Spec §3 step 8: every member's profile (latest profile_update of its own,
// else the newest snapshot's entry), then the joiner's from the request.
content::ConvosProfileSnapshot BuildSnapshot(client::Client& c, const client::Bytes& group,
                                             const std::vector<std::string>& members,
                                             const std::string& joiner,
                                             const std::optional<content::ConvosJoinProfile>& own) {
  std::map<std::string, content::ConvosProfile> updates, from_snapshot;
  bool have_snapshot = false;
  if (auto newest = c.NewestMessages(group, kProfileScanMessages); newest.ok()) {
    std::reverse(newest->begin(), newest->end());  // newest first
    for (const client::Message& m : *newest) {
      if (m.content.type.SameType(content::ConvosProfileUpdateType())) {
        if (updates.count(m.sender_inbox_id) != 0) continue;
        auto update = content::DecodeConvosProfileUpdate(m.content);
        if (!update.ok()) continue;
        update->inbox_id = m.sender_inbox_id;
        updates.emplace(m.sender_inbox_id, *std::move(update));
      } else if (!have_snapshot && m.content.type.SameType(content::ConvosProfileSnapshotType())) {
        auto snapshot = content::DecodeConvosProfileSnapshot(m.content);
        if (!snapshot.ok()) continue;
        have_snapshot = true;
        for (auto& p : snapshot->profiles) from_snapshot.emplace(p.inbox_id, std::move(p));
      }
    }
  }
  content::ConvosProfileSnapshot out;
  for (const std::string& member : members) {
    std::optional<content::ConvosProfile> profile;
    if (auto u = updates.find(member); u != updates.end()) {
      profile = u->second;
    } else if (auto s = from_snapshot.find(member); s != from_snapshot.end()) {
      profile = s->second;
    }
    if (member == joiner && own) {
      if (!profile) profile = content::ConvosProfile{};
      profile->inbox_id = member;
      if (own->name) profile->name = own->name;
      if (own->member_kind == "agent") profile->member_kind = content::ConvosMemberKind::kAgent;
    }
    if (profile) out.profiles.push_back(*std::move(profile));
  }
  return out;
}

}  // namespace

ConvosHost::ConvosHost(Runtime& runtime, Chats& chats, ClientHost& host, ClientHost::LogSink log)
    : runtime_(runtime), chats_(chats), host_(host), log_(std::move(log)) {}

ConvosHost::~ConvosHost() { Stop(); }

void ConvosHost::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  queue_ = host_.Subscribe(kWatchQueueCapacity);
  thread_ = std::thread([this] { Run(); });
}

void ConvosHost::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  queue_.reset();
}

void ConvosHost::Run() {
  while (!stop_ && !host_.started()) std::this_thread::sleep_for(kPoll);
  if (stop_) return;
  CatchUp();
  while (!stop_) {
    for (const HostEvent& e : queue_->Take(kPoll)) {
      if (e.kind == HostEvent::Kind::kMessage) Handle(e.installation_id, e.message);
    }
    if (queue_->overflowed()) {
      queue_ = host_.Subscribe(kWatchQueueCapacity);
      CatchUp();
    }
  }
}

void ConvosHost::CatchUp() {
  std::vector<std::pair<std::string, client::Message>> found;
  (void)runtime_.WithState([&](RuntimeState& s) -> Status {
    for (const auto& [id, inbox] : s.inboxes->All()) {
      auto c = host_.ClientFor(inbox.installation_id);
      if (!c.ok()) continue;
      for (const client::GroupView& view : (*c)->Conversations()) {
        if (view.kind != client::ConversationKind::kDm ||
            view.consent == client::ConsentState::kDenied) {
          continue;
        }
        auto newest = (*c)->NewestMessages(view.group_id, kCatchUpMessages);
        if (!newest.ok()) continue;
        for (auto& m : *newest) found.emplace_back(inbox.installation_id, std::move(m));
      }
    }
    return OkStatus();
  });
  for (const auto& [installation, m] : found) Handle(installation, m);
}

void ConvosHost::Handle(const std::string& installation_id, const client::Message& m) {
  std::optional<Request> request = RequestOf(m);
  if (!request) return;
  const std::string key = m.sender_inbox_id + "\n" + WithoutSeparators(request->slug);
  (void)runtime_.WithState([&](RuntimeState& s) -> Status {
    auto c = host_.ClientFor(installation_id);
    if (!c.ok() || m.sender_inbox_id == (*c)->inbox_id()) return OkStatus();
    client::Client& cl = **c;
    auto dm = cl.Group(m.group_id, client::Client::ConsentLookup::kSkip);
    if (!dm.ok() || dm->kind != client::ConversationKind::kDm) return OkStatus();
    if (!seen_.insert(key).second) return OkStatus();  // the text copy of a join_request

    Json audit = {{"joinerInboxId", m.sender_inbox_id}, {"dmId", codec::HexEncode(m.group_id)}};
    auto decide = [&](std::string decision, std::string_view reason) {
      audit["decision"] = std::move(decision);
      if (!reason.empty()) audit["reason"] = std::string(reason);
      (void)s.audit->Append("convos.join", audit);
      if (log_) log_("convos.join", audit);
      return OkStatus();
    };
    auto invite = convos::ParseInvite(request->slug);
    if (!invite.ok()) {
      // A text that only looks like a slug is no request; a structured one is.
      if (!m.content.type.SameType(content::ConvosJoinRequestType())) {
        seen_.erase(key);
        return OkStatus();
      }
      return decide("rejected", invite.error().kind());
    }
    audit["tag"] = invite->tag;
    if (AlreadyAnswered(cl, m.group_id, m, invite->tag)) return OkStatus();
    auto reply_error = [&](content::ConvosJoinErrorType type, std::string_view reason) {
      content::ConvosInviteJoinError error;
      error.error_type = type;
      error.invite_tag = invite->tag;
      error.timestamp_ms = s.clock->NowMs();
      error.reason = std::string(reason);
      (void)cl.Send(m.group_id, content::EncodeConvosInviteJoinError(error));
      return decide("rejected", reason);
    };

    const InboxRecord* inbox = nullptr;
    for (const auto& [id, rec] : s.inboxes->All()) {
      if (rec.installation_id == installation_id) inbox = &rec;
    }
    if (inbox == nullptr) return OkStatus();
    XS_TRY(crypto::Secret wallet_key, s.wallets->Secret(inbox->wallet_id));
    auto group_hex =
        convos::VerifyInviteForHost(*invite, cl.inbox_id(), wallet_key.bytes(), s.clock->NowMs());
    if (!group_hex.ok()) {
      const std::string& kind = group_hex.error().kind();
      if (kind == convos::kErrorExpired || kind == convos::kErrorConversationExpired) {
        return reply_error(content::ConvosJoinErrorType::kConversationExpired, kind);
      }
      // Not our invite (or forged): treated as spam, as iOS and convos-cli do.
      (void)cl.SetGroupConsent(m.group_id, client::ConsentState::kDenied);
      return decide("denied", kind);
    }
    audit["groupId"] = *group_hex;
    auto group_id = codec::HexDecode(*group_hex);
    std::optional<client::GroupView> group;
    if (group_id.ok()) {
      if (auto view = cl.Group(*group_id, client::Client::ConsentLookup::kSkip); view.ok()) {
        group = *std::move(view);
      }
    }
    if (!group || group->kind != client::ConversationKind::kGroup || !group->active) {
      return reply_error(content::ConvosJoinErrorType::kConversationNotFound,
                         "convos.invite.conversation_not_found");
    }
    if (auto app_data = convos::ParseAppData(group->app_data); app_data.ok()) {
      if (!convos::CheckInviteTag(*invite, *app_data).ok()) {
        return reply_error(content::ConvosJoinErrorType::kGenericFailure, convos::kErrorRevoked);
      }
    }
    std::vector<std::string> members = group->members;
    const bool member =
        std::find(members.begin(), members.end(), m.sender_inbox_id) != members.end();
    if (!member) {
      if (Status added = cl.AddMembers(*group_id, {m.sender_inbox_id}); !added.ok()) {
        return reply_error(content::ConvosJoinErrorType::kGenericFailure, "add_failed");
      }
      members.push_back(m.sender_inbox_id);
    }
    auto snapshot = content::EncodeConvosProfileSnapshot(
        BuildSnapshot(cl, *group_id, members, m.sender_inbox_id, request->profile));
    if (snapshot.ok()) (void)cl.Send(*group_id, *snapshot);
    (void)cl.SetGroupConsent(m.group_id, client::ConsentState::kAllowed);
    content::ConvosInviteJoinHandled handled;
    handled.invite_tag = invite->tag;
    handled.handled_message_id = codec::HexEncode(m.id);
    handled.timestamp_ms = s.clock->NowMs();
    (void)cl.Send(m.group_id, content::EncodeConvosInviteJoinHandled(handled));
    return decide(member ? "already-member" : "accepted", "");
  });
}

}  // namespace xs::signet
