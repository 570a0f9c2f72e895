// Client: MessageStream, the live subscriptions of one client (welcomes and
// group messages) with reconnects from the stored cursors.
#include <algorithm>
#include <chrono>
#include <deque>
#include <iterator>

#include "xmtp/client/client.h"
#include "xmtp/client/client_internal.h"

namespace xs::xmtp::client {

namespace mlsv1 = ::xmtp::mls::api::v1;

void Client::Emit(GroupRecord& group) {
  std::vector<Message> fresh = std::move(group.fresh);
  group.fresh.clear();
  if (!stream_callback_) return;
  for (const auto& m : fresh) stream_callback_(m);
}

std::unique_ptr<MessageStream> Client::StreamAll(MessageStream::OnMessage on_message,
                                                 MessageStream::OnJoined on_joined) {
  std::unique_ptr<MessageStream> stream(
      new MessageStream(*this, std::move(on_message), std::move(on_joined)));
  {
    std::lock_guard lock(mu_);
    stream_callback_ = [s = stream.get()](const Message& m) { s->on_message_(m); };
    stream_ = stream.get();
    for (auto& [id, g] : groups_) g->fresh.clear();
  }
  stream->welcomes_ = std::thread([s = stream.get()] { s->RunWelcomes(); });
  stream->groups_ = std::thread([s = stream.get()] { s->RunGroups(); });
  return stream;
}

void Client::SetReadBack(ReadBack read_back) {
  std::lock_guard lock(mu_);
  read_back_ = read_back;
}

MessageStream::MessageStream(Client& client, OnMessage on_message, OnJoined on_joined)
    : client_(client), on_message_(std::move(on_message)), on_joined_(std::move(on_joined)) {}

MessageStream::~MessageStream() { Stop(); }

void MessageStream::Stop() {
  if (stop_.exchange(true)) {
    if (welcomes_.joinable()) welcomes_.join();
    if (groups_.joinable()) groups_.join();
    return;
  }
  {
    std::lock_guard lock(mu_);
    if (cancel_welcomes_) cancel_welcomes_();
    if (cancel_groups_) cancel_groups_();
  }
  wake_.notify_all();
  if (welcomes_.joinable()) welcomes_.join();
  if (groups_.joinable()) groups_.join();
  std::lock_guard lock(client_.mu_);
  client_.stream_callback_ = nullptr;
  client_.stream_ = nullptr;
}

void MessageStream::Backoff(int& failures) {
  // 100 ms doubling to 2 s while the node is unreachable.
  auto delay = std::chrono::milliseconds(std::min(2000, 100 << std::min(failures, 5)));
  ++failures;
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, delay, [&] { return stop_.load(); });
}

void MessageStream::Resubscribe() {
  std::lock_guard lock(mu_);
  regroup_ = true;
  if (cancel_groups_) cancel_groups_();
  wake_.notify_all();
}

void MessageStream::MarkStreamed(const std::vector<Bytes>& group_ids) {
  std::lock_guard lock(client_.mu_);
  for (auto& [id, g] : client_.groups_) g->streamed = false;
  for (const auto& id : group_ids) {
    if (auto it = client_.groups_.find(id); it != client_.groups_.end()) {
      it->second->streamed = true;
    }
  }
}

void MessageStream::RunWelcomes() {
  int failures = 0;
  while (!stop_) {
    mlsv1::SubscribeWelcomeMessagesRequest req;
    {
      std::lock_guard lock(client_.mu_);
      auto* filter = req.add_filters();
      filter->set_installation_key(client_.installation_key_.data(),
                                   client_.installation_key_.size());
      filter->set_id_cursor(client_.welcome_cursor_);
    }
    auto sub = client_.ctx_.api().SubscribeWelcomeMessages(req);
    if (!sub.ok()) {
      Backoff(failures);
      continue;
    }
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      cancel_welcomes_ = [s = sub->get()] { s->Cancel(); };
    }
    while (!stop_) {
      auto next = (*sub)->Next();
      if (!next.ok() || !next->has_value()) break;
      failures = 0;
      std::lock_guard lock(client_.mu_);
      const auto& message = **next;
      std::uint64_t id = message.has_v1() ? message.v1().id() : message.welcome_pointer().id();
      if (id <= client_.welcome_cursor_) continue;
      // SyncWelcomes applies it (and any before it) the ordinary way; joining
      // re-subscribes the group stream.
      auto joined = client_.SyncWelcomes();
      if (joined.ok() && on_joined_) {
        for (const auto& group_id : *joined) on_joined_(group_id);
      }
    }
    {
      std::lock_guard lock(mu_);
      cancel_welcomes_ = nullptr;
    }
    if (!stop_) Backoff(failures);
  }
}

// The messages of one live group subscription, from its reader thread to
// the applying one.
class MessageStream::Inflow {
 public:
  // Until the subscription ends (cancelled, failed or closed by the node).
  void Read(api::Subscription<mlsv1::GroupMessage>& sub) {
    while (true) {
      auto next = sub.Next();
      std::lock_guard lock(mu_);
      if (!next.ok() || !next->has_value()) {
        ended_ = true;
        clean_ = next.ok();
        break;
      }
      queue_.push_back(std::move(**next));
      if (queue_.size() == 1) arrived_.notify_one();
    }
    arrived_.notify_one();
  }
  // What has arrived, at least one message; false once the subscription
  // ended with nothing left (`clean`: the node closed it).
  bool Take(std::vector<mlsv1::GroupMessage>& out, bool& clean) {
    out.clear();
    std::unique_lock lock(mu_);
    arrived_.wait(lock, [&] { return !queue_.empty() || ended_; });
    if (queue_.empty()) {
      clean = clean_;
      return false;
    }
    const std::size_t n = std::min(queue_.size(), kMaxApplyBatch);
    for (std::size_t i = 0; i < n; ++i) out.push_back(std::move(queue_[i]));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    return true;
  }

 private:
  // A page's worth per transaction at most.
  static constexpr std::size_t kMaxApplyBatch = 256;
  std::mutex mu_;
  std::condition_variable arrived_;
  std::deque<mlsv1::GroupMessage> queue_;
  bool ended_ = false, clean_ = false;
};

void MessageStream::ApplyBatch(std::vector<mlsv1::GroupMessage>& batch) {
  // Each group's messages in node order (the node replays from our cursor,
  // then forwards live), a run per group.
  std::vector<std::pair<Bytes, std::vector<mlsv1::GroupMessage>>> runs;
  for (auto& message : batch) {
    Bytes group_id(message.v1().group_id().begin(), message.v1().group_id().end());
    auto run =
        std::find_if(runs.begin(), runs.end(), [&](const auto& r) { return r.first == group_id; });
    if (run == runs.end()) {
      runs.emplace_back(std::move(group_id), std::vector<mlsv1::GroupMessage>{});
      run = std::prev(runs.end());
    }
    run->second.push_back(std::move(message));
  }
  for (auto& [group_id, messages] : runs) {
    auto it = client_.groups_.find(group_id);
    if (it == client_.groups_.end()) continue;
    Client::GroupRecord& group = *it->second;
    (void)client_.ApplyNodeMessages(group, messages);
    client_.Emit(group);
    client_.RemoveLeavers(group);  // a LeaveRequest a super admin acts on
  }
}

void MessageStream::RunGroups() {
  int failures = 0;
  while (!stop_) {
    mlsv1::SubscribeGroupMessagesRequest req;
    std::vector<Bytes> subscribed;
    {
      std::lock_guard lock(client_.mu_);
      for (const auto& [id, g] : client_.groups_) {
        if (!g->active) continue;
        auto* filter = req.add_filters();
        filter->set_group_id(id.data(), id.size());
        filter->set_id_cursor(g->cursor);
        subscribed.push_back(id);
      }
    }
    {
      std::lock_guard lock(mu_);
      regroup_ = false;
    }
    if (req.filters_size() == 0) {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stop_.load() || regroup_; });
      continue;
    }
    auto sub = client_.ctx_.api().SubscribeGroupMessages(req);
    if (!sub.ok()) {
      Backoff(failures);
      continue;
    }
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      if (regroup_) continue;  // the group set changed meanwhile
      cancel_groups_ = [s = sub->get()] { s->Cancel(); };
    }
    // From here until the subscription ends, whatever the node takes for
    // these groups reaches us: their sends may leave the read-back to us.
    MarkStreamed(subscribed);
    // A reader thread takes the node's messages as they come; this one
    // applies what has gathered meanwhile, each group's run in one store
    // transaction, so a burst costs a commit per batch, not per message.
    Inflow inflow;
    std::thread reader([&inflow, sub = sub->get()] { inflow.Read(*sub); });
    bool clean = false;
    std::vector<mlsv1::GroupMessage> batch;
    while (!stop_ && inflow.Take(batch, clean)) {
      failures = 0;
      std::lock_guard lock(client_.mu_);
      ApplyBatch(batch);
    }
    reader.join();
    MarkStreamed({});
    {
      std::lock_guard lock(mu_);
      cancel_groups_ = nullptr;
      if (regroup_) continue;
    }
    if (!stop_ && !clean) Backoff(failures);
  }
}

}  // namespace xs::xmtp::client
