// In-process fan-out of newly stored rows to live subscriptions, keyed by
// topic (a group id or an installation key, raw bytes). The store calls
// Publish in id order per topic (under its write lock), so every subscriber
// sees a topic's rows in ascending id order.
//
// Thread contract: thread-safe. Deliver is called with the broker's lock
// held and must not block or call back into the broker; after Unsubscribe
// returns, the subscriber is never called again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace xs::node {

// One subscription filter: a topic and the id after which to deliver.
struct StreamFilter {
  std::string topic;
  std::uint64_t cursor = 0;
};

template <typename Msg>
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // `filter_index` is the index of the subscription filter for the topic.
  virtual void Deliver(std::size_t filter_index, std::shared_ptr<const Msg> msg) = 0;
  // The node is stopping: end the stream.
  virtual void Close() = 0;
};

template <typename Msg>
class Broker {
 public:
  void Subscribe(Subscriber<Msg>* sub, const std::vector<std::string>& topics) {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < topics.size(); ++i) topics_[topics[i]].push_back({sub, i});
    all_.insert(sub);
  }

  void Unsubscribe(Subscriber<Msg>* sub, const std::vector<std::string>& topics) {
    std::lock_guard lock(mu_);
    for (const std::string& t : topics) {
      auto it = topics_.find(t);
      if (it == topics_.end()) continue;
      auto& v = it->second;
      for (std::size_t i = 0; i < v.size();) {
        if (v[i].sub == sub) {
          v[i] = v.back();
          v.pop_back();
        } else {
          ++i;
        }
      }
      if (v.empty()) topics_.erase(it);
    }
    all_.erase(sub);
  }

  void Publish(const std::string& topic, const std::shared_ptr<const Msg>& msg) {
    std::lock_guard lock(mu_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return;
    for (const Entry& e : it->second) e.sub->Deliver(e.filter_index, msg);
  }

  // Asks every subscriber to end its stream (node shutdown).
  void CloseAll() {
    std::lock_guard lock(mu_);
    for (auto* s : all_) s->Close();
  }

  std::size_t subscriber_count() const {
    std::lock_guard lock(mu_);
    return all_.size();
  }

 private:
  struct Entry {
    Subscriber<Msg>* sub;
    std::size_t filter_index;
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::vector<Entry>> topics_;
  std::unordered_set<Subscriber<Msg>*> all_;
};

}  // namespace xs::node
