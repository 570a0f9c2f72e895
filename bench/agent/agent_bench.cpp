// The inbound feed's per-message work without the network: decode the
// content for agents, then for each of 16 credentials resolve the
// visibility and sequence one frame into its channel (a sink that only
// counts), sharing one serialized event per visibility as the feed does.
#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "signet/agent/agent_content.h"
#include "signet/agent/event_hub.h"
#include "signet/agent/pipeline.h"
#include "xmtp/content/codecs.h"

namespace xs::signet::agent {
namespace {

class CountingSink : public EventSink {
 public:
  void Deliver(const Frame&) override { ++delivered; }
  void Close(int, std::string_view) override {}
  std::uint64_t delivered = 0;
};

void BM_FeedOneMessageTo16Credentials(benchmark::State& state) {
  constexpr int kCredentials = 16;
  EventHub hub(1000, SystemClock::Get());
  const std::vector<std::string> chats{"conv_0123456789abcdef"};
  const std::vector<std::string> allowlist{kTextType, kReplyType, kReactionType};
  const ScopeSet scopes = ToScopeSet({"read-messages", "read-history", "send"});
  std::vector<std::shared_ptr<EventHub::Channel>> channels;
  auto sink = std::make_shared<CountingSink>();
  for (int i = 0; i < kCredentials; ++i) {
    std::string id = "cred_00000000000000" + std::to_string(10 + i);
    channels.push_back(hub.ChannelFor(id));
    hub.Attach(id, std::nullopt, sink);
  }
  const auto encoded = xmtp::content::EncodeText("a message of an ordinary length for a chat");
  for (auto _ : state) {
    std::optional<AgentContent> projected = ProjectContent(encoded);
    RawMessage m;
    m.message_id = std::string(64, 'a');
    m.group_id = chats[0];
    m.sender_inbox_id = std::string(64, 'b');
    m.content_type = projected->content_type;
    m.content = std::move(projected->content);
    m.sent_at_ms = 1'764'000'000'000;
    std::array<std::string, 5> bodies;
    for (const auto& channel : channels) {
      auto v = ResolveVisibility(m, Viewer{&scopes, &chats, &allowlist, false});
      std::string& body = bodies[static_cast<std::size_t>(*v)];
      if (body.empty()) body = SerializeMessageVisible(m, *v);
      EventHub::Publish(*channel, body);
    }
  }
  state.counters["msg/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  benchmark::DoNotOptimize(sink->delivered);
}
BENCHMARK(BM_FeedOneMessageTo16Credentials);

void BM_ResumeReplayOf1000Frames(benchmark::State& state) {
  EventHub hub(1000, SystemClock::Get());
  const std::string id = "cred_0123456789abcdef";
  for (int i = 0; i < 1000; ++i) hub.Publish(id, R"({"type":"heartbeat"})");
  auto sink = std::make_shared<CountingSink>();
  for (auto _ : state) {
    Attachment a = hub.Attach(id, 1, sink);
    benchmark::DoNotOptimize(a.replay.size());
    hub.Detach(id, sink.get());
  }
}
BENCHMARK(BM_ResumeReplayOf1000Frames);

}  // namespace
}  // namespace xs::signet::agent

BENCHMARK_MAIN();
