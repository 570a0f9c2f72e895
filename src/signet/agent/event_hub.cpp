#include "signet/agent/event_hub.h"

#include <algorithm>

namespace xs::signet::agent {

namespace {

struct SinkEntry {
  std::shared_ptr<EventSink> sink;
  std::uint64_t delivered_through = 0;  // frames up to here were in its replay
};
using SinkList = std::vector<SinkEntry>;

}  // namespace

class EventHub::Channel {
 public:
  Channel(std::size_t capacity, const Clock* clock) : capacity_(capacity), clock_(clock) {
    ring_.reserve(std::min<std::size_t>(capacity_, 64));
  }

  Frame Publish(std::string_view event_json) {
    std::lock_guard lock(mu_);
    return PublishLocked(event_json);
  }

  void PublishBatch(std::span<const std::string_view> events_json) {
    if (events_json.empty()) return;
    std::lock_guard lock(mu_);
    std::vector<Frame> frames;
    frames.reserve(events_json.size());
    const std::uint64_t first = next_seq_;
    for (std::string_view event_json : events_json) frames.push_back(SequenceLocked(event_json));
    // A sink that detaches itself inside DeliverBatch replaces sinks_; this
    // copy of the list stays valid.
    std::shared_ptr<const SinkList> sinks = sinks_;
    for (const auto& entry : *sinks) {
      // Frames up to delivered_through were in the sink's replay.
      const std::uint64_t skip =
          entry.delivered_through >= first ? entry.delivered_through - first + 1 : 0;
      if (skip >= frames.size()) continue;
      entry.sink->DeliverBatch(std::span<const Frame>(frames).subspan(skip));
    }
  }

  Attachment Attach(std::optional<std::uint64_t> last_seen, std::shared_ptr<EventSink> sink) {
    std::lock_guard lock(mu_);
    Attachment out;
    const std::uint64_t from = last_seen.value_or(0);
    const std::uint64_t oldest = count_ == 0 ? next_seq_ : At(0)->seq;
    if (from + 1 < oldest || from + 1 > next_seq_) {
      Frame recovery = PublishLocked(R"({"type":"signet.recovery.complete","caughtUpThrough":")" +
                                     IsoTime(clock_->NowMs()) + "\"}");
      out.replay.push_back(std::move(recovery));
    } else {
      for (std::size_t i = 0; i < count_; ++i) {
        if (At(i)->seq > from) out.replay.push_back(At(i)->frame);
      }
      if (last_seen && !out.replay.empty()) out.resumed_from = *last_seen;
    }
    AddSinkLocked(std::move(sink));
    return out;
  }

  void AttachLive(std::shared_ptr<EventSink> sink) {
    std::lock_guard lock(mu_);
    AddSinkLocked(std::move(sink));
  }

  void Detach(const EventSink* sink) {
    std::lock_guard lock(mu_);
    auto sinks = std::make_shared<SinkList>(*sinks_);
    std::erase_if(*sinks, [sink](const SinkEntry& e) { return e.sink.get() == sink; });
    sinks_ = std::move(sinks);
  }

  void CloseAll(int code, std::string_view reason) {
    std::lock_guard lock(mu_);
    std::shared_ptr<const SinkList> closing = std::move(sinks_);
    sinks_ = std::make_shared<SinkList>();
    for (const auto& entry : *closing) entry.sink->Close(code, reason);
  }

  std::size_t SinkCount() {
    std::lock_guard lock(mu_);
    return sinks_->size();
  }
  std::uint64_t NextSeq() {
    std::lock_guard lock(mu_);
    return next_seq_;
  }

 private:
  struct Slot {
    std::uint64_t seq = 0;
    Frame frame;
  };

  void AddSinkLocked(std::shared_ptr<EventSink> sink) {
    auto sinks = std::make_shared<SinkList>(*sinks_);
    sinks->push_back({std::move(sink), next_seq_ - 1});
    sinks_ = std::move(sinks);
  }

  // Numbers and buffers the frame; delivers nothing.
  Frame SequenceLocked(std::string_view event_json) {
    const std::uint64_t seq = next_seq_++;
    Frame frame = std::make_shared<const std::string>(FrameText(seq, event_json));
    if (capacity_ > 0) {
      if (ring_.size() < capacity_) {
        ring_.push_back({seq, frame});
        ++count_;
      } else {
        ring_[head_] = {seq, frame};
        head_ = (head_ + 1) % capacity_;
      }
    }
    return frame;
  }

  Frame PublishLocked(std::string_view event_json) {
    const std::uint64_t seq = next_seq_;
    Frame frame = SequenceLocked(event_json);
    // A sink that detaches itself inside Deliver replaces sinks_; this
    // copy of the list stays valid.
    std::shared_ptr<const SinkList> sinks = sinks_;
    for (const auto& entry : *sinks) {
      if (seq > entry.delivered_through) entry.sink->Deliver(frame);
    }
    return frame;
  }

  // The i-th oldest buffered frame.
  const Slot* At(std::size_t i) const {
    return &ring_[ring_.size() < capacity_ ? i : (head_ + i) % capacity_];
  }

  const std::size_t capacity_;
  const Clock* clock_;
  std::recursive_mutex mu_;
  std::uint64_t next_seq_ = 1;
  std::vector<Slot> ring_;  // grows to capacity_, then wraps at head_
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::shared_ptr<const SinkList> sinks_ = std::make_shared<SinkList>();
};

std::string FrameText(std::uint64_t seq, std::string_view event_json) {
  static constexpr std::string_view kHead = R"({"seq":)";
  static constexpr std::string_view kMiddle = R"(,"event":)";
  const std::string number = std::to_string(seq);
  std::string out;
  out.reserve(kHead.size() + number.size() + kMiddle.size() + event_json.size() + 1);
  out.append(kHead).append(number).append(kMiddle).append(event_json).push_back('}');
  return out;
}

EventHub::EventHub(std::size_t replay_capacity, const Clock* clock)
    : capacity_(replay_capacity), clock_(clock != nullptr ? clock : SystemClock::Get()) {}

EventHub::~EventHub() = default;

std::shared_ptr<EventHub::Channel> EventHub::ChannelFor(const std::string& credential_id) {
  std::lock_guard lock(mu_);
  auto& channel = channels_[credential_id];
  if (!channel) channel = std::make_shared<Channel>(capacity_, clock_);
  return channel;
}

Frame EventHub::Publish(const std::string& credential_id, std::string_view event_json) {
  return ChannelFor(credential_id)->Publish(event_json);
}

Frame EventHub::Publish(Channel& channel, std::string_view event_json) {
  return channel.Publish(event_json);
}

void EventHub::PublishBatch(Channel& channel, std::span<const std::string_view> events_json) {
  channel.PublishBatch(events_json);
}

Attachment EventHub::Attach(const std::string& credential_id,
                            std::optional<std::uint64_t> last_seen_seq,
                            std::shared_ptr<EventSink> sink) {
  return ChannelFor(credential_id)->Attach(last_seen_seq, std::move(sink));
}

void EventHub::AttachLive(const std::string& credential_id, std::shared_ptr<EventSink> sink) {
  ChannelFor(credential_id)->AttachLive(std::move(sink));
}

void EventHub::Detach(const std::string& credential_id, const EventSink* sink) {
  std::shared_ptr<Channel> channel;
  {
    std::lock_guard lock(mu_);
    auto it = channels_.find(credential_id);
    if (it == channels_.end()) return;
    channel = it->second;
  }
  channel->Detach(sink);
}

void EventHub::CloseAll(const std::string& credential_id, int code, std::string_view reason) {
  std::shared_ptr<Channel> channel;
  {
    std::lock_guard lock(mu_);
    auto it = channels_.find(credential_id);
    if (it == channels_.end()) return;
    channel = it->second;
  }
  channel->CloseAll(code, reason);
}

void EventHub::Drop(const std::string& credential_id) {
  std::lock_guard lock(mu_);
  channels_.erase(credential_id);
}

std::size_t EventHub::SinkCount(const std::string& credential_id) {
  std::shared_ptr<Channel> channel;
  {
    std::lock_guard lock(mu_);
    auto it = channels_.find(credential_id);
    if (it == channels_.end()) return 0;
    channel = it->second;
  }
  return channel->SinkCount();
}

std::uint64_t EventHub::NextSeq(const std::string& credential_id) {
  return ChannelFor(credential_id)->NextSeq();
}

}  // namespace xs::signet::agent
