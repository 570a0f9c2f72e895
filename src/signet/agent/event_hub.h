// EventHub: per-credential sequencing, replay buffer and delivery
// (transport.md §1 "Replay / resume", decisions.md #25).
//
// Each credential has a channel: `nextSeq` (starting at 1), a ring of the
// last `replay_capacity` frames, and the sinks of its live connections. A
// frame is built once, as the text the socket sends
// (`{"seq":N,"event":{...}}`), and shared by the ring and every sink.
// Events are sequenced and buffered whether or not a sink is attached.
//
// Attach(credential, L, sink) is atomic with respect to Publish: every
// frame is either in the returned replay or delivered to the sink, never
// both, never neither.
//   L = nullopt (fresh): every buffered frame replays (the events waited
//     for the agent); resumed_from stays null.
//   L such that the ring holds L+1 (or L+1 == nextSeq: nothing missed):
//     the frames with seq > L replay; resumed_from = L when any did.
//   otherwise (the ring lost L+1, or L is beyond anything sequenced): a
//     gap. A new sequenced `signet.recovery.complete {caughtUpThrough: now}`
//     frame is the whole replay (the credential's other sinks get it too);
//     resumed_from is null.
//   (A fresh attach on a ring that already dropped frames is a gap too.)
//
// Delivery happens on the publishing thread, in seq order, under the
// channel's lock (PublishBatch: every frame of the batch is sequenced and
// buffered first, then each sink gets its frames in one DeliverBatch); EventSink::Deliver and Close
// must not block. A sink may call Detach from inside Deliver.
//
// Thread contract: thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "signet/agent/agent_surface.h"

namespace xs::signet::agent {

class EventHub {
 public:
  class Channel;

  EventHub(std::size_t replay_capacity, const Clock* clock);
  ~EventHub();
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // The credential's channel, created on first use. Holding it skips the
  // lookup on a hot path (the inbound feed).
  std::shared_ptr<Channel> ChannelFor(const std::string& credential_id);

  // Sequences `event_json` (a serialized event object) and delivers it to
  // the channel's sinks. Returns the frame.
  Frame Publish(const std::string& credential_id, std::string_view event_json);
  static Frame Publish(Channel& channel, std::string_view event_json);
  // Sequences each of `events_json` in order, as Publish on each would, and
  // hands each sink its new frames in one DeliverBatch call.
  static void PublishBatch(Channel& channel, std::span<const std::string_view> events_json);

  Attachment Attach(const std::string& credential_id, std::optional<std::uint64_t> last_seen_seq,
                    std::shared_ptr<EventSink> sink);
  // Registers `sink` for events published from now on (no replay, nothing
  // published).
  void AttachLive(const std::string& credential_id, std::shared_ptr<EventSink> sink);
  void Detach(const std::string& credential_id, const EventSink* sink);

  // Detaches every sink of the credential and closes each with `code`.
  void CloseAll(const std::string& credential_id, int code, std::string_view reason);
  // Forgets the credential's channel (its buffer goes; sinks are not closed).
  void Drop(const std::string& credential_id);

  std::size_t SinkCount(const std::string& credential_id);
  std::uint64_t NextSeq(const std::string& credential_id);
  std::size_t replay_capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  const Clock* clock_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Channel>> channels_;
};

// `{"seq":N,"event":<event_json>}`.
std::string FrameText(std::uint64_t seq, std::string_view event_json);

}  // namespace xs::signet::agent
