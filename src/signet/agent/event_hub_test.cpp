// EventHub: sequencing per credential, the replay buffer, resume and gaps
// (transport.md §1, decisions.md #25), and attach racing publish.
#include "signet/agent/event_hub.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <span>
#include <thread>

#include "base/testing/fake_clock.h"

namespace xs::signet::agent {
namespace {

using Json = nlohmann::json;
const std::string kCred = "cred_0123456789abcdef";

class RecordingSink : public EventSink {
 public:
  void Deliver(const Frame& frame) override {
    std::lock_guard lock(mu);
    frames.push_back(frame);
  }
  void Close(int code, std::string_view reason) override {
    std::lock_guard lock(mu);
    closed = code;
    close_reason = std::string(reason);
  }
  std::vector<std::uint64_t> Seqs();
  std::mutex mu;
  std::vector<Frame> frames;
  int closed = 0;
  std::string close_reason;
};

// The frame's seq without parsing the whole frame ({"seq":N,...}).
std::uint64_t SeqOf(const Frame& f) {
  constexpr std::string_view kHead = R"({"seq":)";
  EXPECT_EQ(f->compare(0, kHead.size(), kHead), 0) << *f;
  return std::stoull(f->substr(kHead.size()));
}

std::vector<std::uint64_t> RecordingSink::Seqs() {
  std::lock_guard lock(mu);
  std::vector<std::uint64_t> out;
  for (const auto& f : frames) out.push_back(SeqOf(f));
  return out;
}

std::string Event(int n) { return R"({"type":"heartbeat","n":)" + std::to_string(n) + "}"; }

void PublishN(EventHub& hub, int first, int last) {
  for (int i = first; i <= last; ++i) hub.Publish(kCred, Event(i));
}

TEST(EventHubTest, FramesAreSeqAndEventAndSeqStartsAtOnePerCredential) {
  FakeClock clock(1000);
  EventHub hub(10, &clock);
  Frame first = hub.Publish(kCred, Event(1));
  EXPECT_EQ(*first, R"({"seq":1,"event":{"type":"heartbeat","n":1}})");
  EXPECT_EQ(SeqOf(hub.Publish(kCred, Event(2))), 2u);
  EXPECT_EQ(SeqOf(hub.Publish("cred_ffffffffffffffff", Event(1))), 1u);
  EXPECT_EQ(hub.NextSeq(kCred), 3u);
}

TEST(EventHubTest, EventsAreBufferedWithoutASinkAndAFreshAttachReplaysThem) {
  FakeClock clock(1000);
  EventHub hub(10, &clock);
  PublishN(hub, 1, 3);
  auto sink = std::make_shared<RecordingSink>();
  Attachment a = hub.Attach(kCred, std::nullopt, sink);
  ASSERT_EQ(a.replay.size(), 3u);
  EXPECT_EQ(SeqOf(a.replay[0]), 1u);
  EXPECT_EQ(SeqOf(a.replay[2]), 3u);
  EXPECT_FALSE(a.resumed_from);
  hub.Publish(kCred, Event(4));
  EXPECT_EQ(sink->Seqs(), (std::vector<std::uint64_t>{4}));
}

TEST(EventHubTest, ResumeReplaysEveryFrameAfterLastSeenWithItsOriginalSeq) {
  FakeClock clock(1000);
  EventHub hub(10, &clock);
  PublishN(hub, 1, 5);
  std::vector<Frame> originals;
  auto first = std::make_shared<RecordingSink>();
  originals = hub.Attach(kCred, std::nullopt, first).replay;
  hub.Detach(kCred, first.get());

  auto sink = std::make_shared<RecordingSink>();
  Attachment a = hub.Attach(kCred, 2, sink);
  ASSERT_EQ(a.replay.size(), 3u);
  EXPECT_EQ(a.resumed_from, 2u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.replay[i], originals[i + 2]);  // the same shared frame, verbatim
  }
}

TEST(EventHubTest, ResumeWithNothingNewReplaysNothingAndResumedFromIsNull) {
  FakeClock clock(1000);
  EventHub hub(10, &clock);
  PublishN(hub, 1, 3);
  Attachment a = hub.Attach(kCred, 3, std::make_shared<RecordingSink>());
  EXPECT_TRUE(a.replay.empty());
  EXPECT_FALSE(a.resumed_from);
  EXPECT_EQ(hub.NextSeq(kCred), 4u);  // no recovery frame either
}

TEST(EventHubTest, TheRingKeepsTheLastCapacityFrames) {
  FakeClock clock(1000);
  EventHub hub(3, &clock);
  PublishN(hub, 1, 7);
  Attachment a = hub.Attach(kCred, 4, std::make_shared<RecordingSink>());
  ASSERT_EQ(a.replay.size(), 3u);
  EXPECT_EQ(SeqOf(a.replay[0]), 5u);
  EXPECT_EQ(SeqOf(a.replay[2]), 7u);
  EXPECT_EQ(a.resumed_from, 4u);
}

TEST(EventHubTest, AGapYieldsOneNewRecoveryFrameAndNoReplay) {
  FakeClock clock(1'764'000'000'000);
  EventHub hub(3, &clock);
  PublishN(hub, 1, 7);  // the ring holds 5..7: 4 is lost for lastSeenSeq 3
  auto other = std::make_shared<RecordingSink>();
  hub.Attach(kCred, 7, other);
  Attachment a = hub.Attach(kCred, 3, std::make_shared<RecordingSink>());
  ASSERT_EQ(a.replay.size(), 1u);
  EXPECT_FALSE(a.resumed_from);
  Json frame = Json::parse(*a.replay[0]);
  EXPECT_EQ(frame["seq"], 8);
  EXPECT_EQ(frame["event"], (Json{{"type", "signet.recovery.complete"},
                                  {"caughtUpThrough", "2025-11-24T16:00:00.000Z"}}));
  // A sequenced event: the credential's other connection sees it too.
  EXPECT_EQ(other->Seqs(), (std::vector<std::uint64_t>{8}));
}

TEST(EventHubTest, ALastSeenSeqBeyondAnythingSequencedIsAGap) {
  FakeClock clock(1000);
  EventHub hub(10, &clock);
  PublishN(hub, 1, 2);
  Attachment a = hub.Attach(kCred, 40, std::make_shared<RecordingSink>());
  ASSERT_EQ(a.replay.size(), 1u);
  EXPECT_EQ(Json::parse(*a.replay[0])["event"]["type"], "signet.recovery.complete");
}

TEST(EventHubTest, AFreshAttachAfterTheRingDroppedFramesStartsWithRecovery) {
  FakeClock clock(1000);
  EventHub hub(2, &clock);
  PublishN(hub, 1, 5);
  Attachment a = hub.Attach(kCred, std::nullopt, std::make_shared<RecordingSink>());
  ASSERT_EQ(a.replay.size(), 1u);
  EXPECT_EQ(Json::parse(*a.replay[0])["event"]["type"], "signet.recovery.complete");
}

TEST(EventHubTest, ALiveAttachGetsOnlyNewFramesAndPublishesNothing) {
  FakeClock clock(1000);
  EventHub hub(2, &clock);
  auto other = std::make_shared<RecordingSink>();
  hub.Attach(kCred, std::nullopt, other);
  PublishN(hub, 1, 5);
  auto live = std::make_shared<RecordingSink>();
  hub.AttachLive(kCred, live);
  EXPECT_EQ(hub.NextSeq(kCred), 6u);  // no recovery frame was sequenced
  EXPECT_EQ(other->Seqs(), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_TRUE(live->frames.empty());
  hub.Publish(kCred, Event(6));
  EXPECT_EQ(live->Seqs(), (std::vector<std::uint64_t>{6}));
  EXPECT_EQ(hub.SinkCount(kCred), 2u);
}

TEST(EventHubTest, EverySinkOfTheCredentialGetsTheSameFrameAndDetachStopsDelivery) {
  FakeClock clock(1000);
  EventHub hub(10, &clock);
  auto a = std::make_shared<RecordingSink>();
  auto b = std::make_shared<RecordingSink>();
  hub.Attach(kCred, std::nullopt, a);
  hub.Attach(kCred, std::nullopt, b);
  Frame f = hub.Publish(kCred, Event(1));
  ASSERT_EQ(a->frames.size(), 1u);
  EXPECT_EQ(a->frames[0], f);
  EXPECT_EQ(b->frames[0], f);  // built once, shared
  hub.Detach(kCred, a.get());
  hub.Publish(kCred, Event(2));
  EXPECT_EQ(a->frames.size(), 1u);
  EXPECT_EQ(b->frames.size(), 2u);
  EXPECT_EQ(hub.SinkCount(kCred), 1u);
}

class SelfDetachingSink : public RecordingSink {
 public:
  SelfDetachingSink(EventHub& hub) : hub_(hub) {}
  void Deliver(const Frame& frame) override {
    RecordingSink::Deliver(frame);
    hub_.Detach(kCred, this);
  }

 private:
  EventHub& hub_;
};

TEST(EventHubTest, ASinkMayDetachItselfInsideDeliver) {
  FakeClock clock(1000);
  EventHub hub(10, &clock);
  auto sink = std::make_shared<SelfDetachingSink>(hub);
  hub.Attach(kCred, std::nullopt, sink);
  hub.Publish(kCred, Event(1));
  hub.Publish(kCred, Event(2));
  EXPECT_EQ(sink->Seqs(), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(hub.SinkCount(kCred), 0u);
}

TEST(EventHubTest, CloseAllClosesAndDetachesEverySinkOfTheCredentialOnly) {
  FakeClock clock(1000);
  EventHub hub(10, &clock);
  auto a = std::make_shared<RecordingSink>();
  auto other = std::make_shared<RecordingSink>();
  hub.Attach(kCred, std::nullopt, a);
  hub.Attach("cred_ffffffffffffffff", std::nullopt, other);
  hub.CloseAll(kCred, kCloseCredentialRevoked, "revoked");
  EXPECT_EQ(a->closed, kCloseCredentialRevoked);
  EXPECT_EQ(other->closed, 0);
  hub.Publish(kCred, Event(1));
  EXPECT_TRUE(a->frames.empty());
  EXPECT_EQ(hub.SinkCount(kCred), 0u);
}

// Publishers race attaches: whatever a sink's replay ends with, deliveries
// continue from the next seq, with nothing lost or repeated.
TEST(EventHubTest, AttachIsAtomicWithConcurrentPublishers) {
  FakeClock clock(1000);
  EventHub hub(100'000, &clock);
  constexpr int kPublishers = 4;
  constexpr int kPerPublisher = 5000;
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int p = 0; p < kPublishers; ++p) {
    threads.emplace_back([&] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < kPerPublisher; ++i) hub.Publish(kCred, Event(i));
    });
  }
  std::vector<std::pair<std::shared_ptr<RecordingSink>, Attachment>> attached;
  go = true;
  for (int i = 0; i < 50; ++i) {
    auto sink = std::make_shared<RecordingSink>();
    std::optional<std::uint64_t> last;
    if (i % 2 == 1) last = hub.NextSeq(kCred) / 2;
    attached.emplace_back(sink, hub.Attach(kCred, last, sink));
    std::this_thread::yield();
  }
  for (auto& t : threads) t.join();
  const std::uint64_t total = kPublishers * kPerPublisher;
  for (auto& [sink, attachment] : attached) {
    std::vector<std::uint64_t> seen;
    for (const auto& f : attachment.replay) seen.push_back(SeqOf(f));
    for (auto s : sink->Seqs()) seen.push_back(s);
    ASSERT_FALSE(seen.empty());
    for (std::size_t i = 1; i < seen.size(); ++i) ASSERT_EQ(seen[i], seen[i - 1] + 1);
    EXPECT_EQ(seen.back(), total);
  }
}

// A sink that takes batches whole (as the WebSocket connection does).
class BatchSink : public RecordingSink {
 public:
  void DeliverBatch(std::span<const Frame> batch) override {
    std::lock_guard lock(mu);
    batches.push_back(batch.size());
    frames.insert(frames.end(), batch.begin(), batch.end());
  }
  std::vector<std::size_t> batches;
};

TEST(EventHubTest, PublishBatchMakesTheFramesPublishWouldInOneDeliveryPerSink) {
  FakeClock clock(1000);
  EventHub one_by_one(10, &clock);
  EventHub batched(10, &clock);
  auto single_sink = std::make_shared<BatchSink>();
  auto batch_sink = std::make_shared<BatchSink>();
  auto plain_sink = std::make_shared<RecordingSink>();  // the default DeliverBatch
  one_by_one.Attach(kCred, std::nullopt, single_sink);
  batched.Attach(kCred, std::nullopt, batch_sink);
  batched.Attach(kCred, std::nullopt, plain_sink);
  one_by_one.Publish(kCred, Event(0));
  batched.Publish(kCred, Event(0));
  const std::vector<std::string> events = {Event(1), Event(2), Event(3)};
  for (const auto& e : events) one_by_one.Publish(kCred, e);
  const std::vector<std::string_view> views(events.begin(), events.end());
  EventHub::PublishBatch(*batched.ChannelFor(kCred), views);
  EventHub::PublishBatch(*batched.ChannelFor(kCred), {});  // nothing: no seq, no delivery

  ASSERT_EQ(batch_sink->frames.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(*batch_sink->frames[i], *single_sink->frames[i]) << "frame " << i;
    EXPECT_EQ(*plain_sink->frames[i], *single_sink->frames[i]) << "frame " << i;
  }
  EXPECT_EQ(batch_sink->batches, (std::vector<std::size_t>{3})) << "Publish uses Deliver";
  EXPECT_EQ(batched.NextSeq(kCred), 5u);

  // The batch is in the replay buffer like anything published.
  auto late = std::make_shared<RecordingSink>();
  Attachment resumed = batched.Attach(kCred, 2, late);
  ASSERT_EQ(resumed.replay.size(), 2u);
  EXPECT_EQ(*resumed.replay[0], *single_sink->frames[2]);
  EXPECT_EQ(*resumed.replay[1], *single_sink->frames[3]);
  EXPECT_EQ(resumed.resumed_from, 2u);
}

}  // namespace
}  // namespace xs::signet::agent
