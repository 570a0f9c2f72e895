// HostEvents: what the daemon's client streams see, fanned out to watchers
// (`xs chat list --watch`, `xs msg list --watch`, the join reconciler).
// ClientHost::Subscribe hands out a HostEventQueue; the stream threads Push
// into every live queue and never wait for a watcher: a full queue drops the
// event and remembers that it overflowed, a queue its watcher let go of is
// forgotten.
//
//   auto queue = host.Subscribe(kWatchQueueCapacity);
//   while (!cancelled) {
//     for (const HostEvent& e : queue->Take(std::chrono::milliseconds(500))) ...
//     if (queue->overflowed()) ...  // the watcher fell behind
//   }
//
// Thread contract: thread-safe; Push never blocks on Take.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "xmtp/client/client.h"

namespace xs::signet {

struct HostEvent {
  enum class Kind {
    kMessage,  // a message applied from the stream
    kJoined,   // a group joined through a Welcome
  };
  Kind kind = Kind::kMessage;
  std::string installation_id;  // hex: the client that saw it
  xmtp::client::Bytes group_id;
  xmtp::client::Message message;  // kMessage
};

// The kinds of event a queue takes (a queue that waits only for joins is
// not woken, nor copied into, for every message).
enum class HostEventKinds { kAll, kJoinsOnly };

class HostEventQueue {
 public:
  explicit HostEventQueue(std::size_t capacity, HostEventKinds kinds = HostEventKinds::kAll)
      : capacity_(capacity), kinds_(kinds) {}

  // Never blocks on the consumer; when the queue is full the event is
  // dropped and overflowed() turns true. Events of kinds the queue does not
  // take are ignored.
  void Push(const HostEvent& event) {
    if (kinds_ == HostEventKinds::kJoinsOnly && event.kind != HostEvent::Kind::kJoined) return;
    {
      std::lock_guard lock(mu_);
      if (events_.size() >= capacity_) {
        overflowed_ = true;
        return;
      }
      events_.push_back(event);
    }
    ready_.notify_one();
  }

  // Every queued event, waiting up to `timeout` for the first one.
  std::vector<HostEvent> Take(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    ready_.wait_for(lock, timeout, [&] { return !events_.empty(); });
    std::vector<HostEvent> out(std::make_move_iterator(events_.begin()),
                               std::make_move_iterator(events_.end()));
    events_.clear();
    return out;
  }

  bool overflowed() const {
    std::lock_guard lock(mu_);
    return overflowed_;
  }

 private:
  const std::size_t capacity_;
  const HostEventKinds kinds_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<HostEvent> events_;
  bool overflowed_ = false;
};

}  // namespace xs::signet
