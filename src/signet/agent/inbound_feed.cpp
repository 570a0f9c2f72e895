// The inbound feed: live messages from the client streams, projected once
// per active credential of the chat and sent as message.visible.
#include <algorithm>
#include <array>
#include <span>

#include "codec/hex.h"
#include "signet/agent/agent_content.h"
#include "signet/agent/agent_plane_internal.h"

namespace xs::signet::agent {

namespace {

// How long the feed waits for events before it looks at `stopped`.
constexpr std::chrono::milliseconds kFeedPoll{200};
constexpr std::int64_t kNsPerMs = 1'000'000;
constexpr std::size_t kVisibilityCount = static_cast<std::size_t>(Visibility::kHidden) + 1;

}  // namespace

std::optional<RawMessage> ToRawMessage(const xmtp::client::Message& m, const std::string& chat_id) {
  std::optional<AgentContent> projected = ProjectContent(m.content);
  if (!projected) return std::nullopt;
  RawMessage raw;
  raw.message_id = codec::HexEncode(m.id);
  raw.group_id = chat_id;
  raw.sender_inbox_id = m.sender_inbox_id;
  raw.content_type = std::move(projected->content_type);
  raw.content = std::move(projected->content);
  raw.sent_at_ms = static_cast<std::int64_t>(m.sent_ns) / kNsPerMs;
  raw.thread_id = std::move(projected->thread_id);
  return raw;
}

void AgentPlane::RunFeed() {
  Core& core = *core_;
  while (!core.stopped) {
    std::vector<HostEvent> events = core.feed_queue->Take(kFeedPoll);
    if (core.stopped) return;
    core.Feed(events);
    if (core.feed_queue->overflowed()) {
      // Fell behind by feed_queue_capacity events: those are lost to the
      // agents (their frames were never sequenced).
      core.Log("agent.feed_overflow", {{"capacity", core.options.feed_queue_capacity}});
      core.feed_queue = core.host->Subscribe(core.options.feed_queue_capacity);
    }
  }
}

void AgentPlane::Core::Feed(std::span<const HostEvent> events) {
  // The serialized events of the batch, one per message and visibility,
  // shared by the credentials that see the message that way: they outlive
  // the publishing below.
  std::vector<std::array<std::string, kVisibilityCount>> bodies;
  bodies.reserve(events.size());
  // Per credential channel, its events of the batch in message order. A
  // batch of one chat has a handful of channels: a vector beats a map.
  std::vector<std::pair<std::shared_ptr<EventHub::Channel>, std::vector<std::string_view>>> out;
  for (const HostEvent& event : events) {
    if (event.kind != HostEvent::Kind::kMessage) continue;
    std::shared_ptr<const Route> route;
    {
      std::shared_lock lock(index_mu);
      auto it = group_routes.find(event.group_id);
      if (it == group_routes.end()) continue;  // no active credential covers the chat
      route = it->second;
    }
    // Every managed inbox in the group sees the message; the chat's own
    // inbox's installation speaks for the chat. What it sent itself is the
    // agents' own output.
    if (event.installation_id != route->installation_id) continue;
    if (event.message.sender_installation == route->installation_key) continue;
    std::optional<RawMessage> raw = ToRawMessage(event.message, route->chat_id);
    if (!raw) continue;
    const std::int64_t now = clock->NowMs();
    auto& mine = bodies.emplace_back();
    for (const CredViewPtr& view : *route->viewers) {
      if (now >= view->expires_at_ms) continue;
      raw->is_historical = raw->sent_at_ms < view->issued_at_ms;
      const bool revealed = !view->read_messages && reveals.IsRevealed(view->id, *raw, now);
      std::optional<Visibility> visibility = ResolveVisibility(
          *raw, Viewer{&view->scopes, &view->chat_ids, &view->allowlist, revealed});
      if (!visibility) continue;
      std::string& body = mine[static_cast<std::size_t>(*visibility)];
      if (body.empty()) body = SerializeMessageVisible(*raw, *visibility);
      const std::shared_ptr<EventHub::Channel>& channel = view->channel;
      auto at = std::find_if(out.begin(), out.end(),
                             [&channel](const auto& entry) { return entry.first == channel; });
      if (at == out.end()) at = out.insert(out.end(), {channel, {}});
      at->second.push_back(body);
    }
  }
  for (const auto& [channel, frames] : out) EventHub::PublishBatch(*channel, frames);
}

}  // namespace xs::signet::agent
