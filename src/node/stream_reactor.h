// One server-streaming subscription (SubscribeGroupMessages /
// SubscribeWelcomeMessages, protocol.md §1.2) on gRPC's callback API, so an
// idle stream holds no thread. The protocol the Go node established:
//   1. send response headers at once (metadata `subscribed: true`), because
//      tonic clients wait for them before the stream is usable;
//   2. register for live rows before replaying history, so nothing committed
//      in between is missed;
//   3. replay each filter's history (id > cursor, ascending, page by page),
//      then forward live rows; a per-filter high-water mark drops anything
//      already sent, which removes the replay/live overlap.
// At most one write is in flight; rows wait in a bounded queue (a backlog is
// written with gRPC's buffer hint, so it leaves in few socket writes) and a
// subscriber that falls kMaxStreamBacklog rows behind is ended with
// RESOURCE_EXHAUSTED (the client reconnects from its cursor).
//
// Thread contract: the reactor deletes itself in OnDone; the broker may call
// Deliver/Close from any thread until Unsubscribe (in OnDone) returns.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "node/broker.h"
#include "node/limits.h"

namespace xs::node {

template <typename Msg>
class StreamReactor final : public grpc::ServerWriteReactor<Msg>, public Subscriber<Msg> {
 public:
  // Reads up to `limit` rows of `topic` with id > `after`, ascending.
  using Fetch =
      std::function<Result<std::vector<Msg>>(const std::string&, std::uint64_t, std::uint32_t)>;
  using IdOf = std::uint64_t (*)(const Msg&);

  StreamReactor(grpc::CallbackServerContext* ctx, Broker<Msg>* broker,
                std::vector<StreamFilter> filters, Fetch fetch, IdOf id_of)
      : broker_(broker), fetch_(std::move(fetch)), id_of_(id_of) {
    for (auto& f : filters) {
      topics_.push_back(std::move(f.topic));
      hwm_.push_back(f.cursor);
    }
    // writing_ starts true: claimed until the headers are out; replay starts
    // after that.
    ctx->AddInitialMetadata("subscribed", "true");
    broker_->Subscribe(this, topics_);
    this->StartSendInitialMetadata();
  }

  void OnSendInitialMetadataDone(bool ok) override {
    {
      std::lock_guard lock(mu_);
      writing_ = false;
      if (!ok) RequestFinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed"));
    }
    Pump(true);
  }

  void OnWriteDone(bool ok) override {
    {
      std::lock_guard lock(mu_);
      current_.reset();
      writing_ = false;
      if (!ok) RequestFinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed"));
    }
    Pump(true);
  }

  void OnCancel() override {
    {
      std::lock_guard lock(mu_);
      RequestFinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by client"));
    }
    Pump(false);
  }

  void OnDone() override {
    broker_->Unsubscribe(this, topics_);
    delete this;
  }

  void Deliver(std::size_t filter_index, std::shared_ptr<const Msg> msg) override {
    {
      std::lock_guard lock(mu_);
      if (finished_) return;
      if (live_.size() >= kMaxStreamBacklog) {
        RequestFinishLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                         "subscriber fell more than " +
                                             std::to_string(kMaxStreamBacklog) +
                                             " messages behind; resubscribe from your cursor"));
      } else {
        live_.emplace_back(filter_index, std::move(msg));
      }
    }
    // Never query here: the caller holds the store's write lock.
    Pump(false);
  }

  void Close() override {
    {
      std::lock_guard lock(mu_);
      RequestFinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "node shutting down"));
    }
    Pump(false);
  }

 private:
  using Item = std::pair<std::size_t, std::shared_ptr<const Msg>>;

  void RequestFinishLocked(grpc::Status status) {
    if (want_finish_) return;
    want_finish_ = true;
    finish_status_ = std::move(status);
  }

  // Drops rows at or below their filter's mark from the queue fronts; true
  // when a row is ready to send. Live rows wait until every filter's
  // history has been replayed.
  bool SkipStaleLocked() {
    for (auto* q : {&replay_, &live_}) {
      if (q == &live_ && replay_next_ < topics_.size()) return false;
      while (!q->empty()) {
        const Item& front = q->front();
        if (id_of_(*front.second) > hwm_[front.first]) return true;
        q->pop_front();
      }
    }
    return false;
  }

  // The next row to send, or null.
  std::shared_ptr<const Msg> PopReadyLocked() {
    if (!SkipStaleLocked()) return nullptr;
    auto& q = replay_.empty() ? live_ : replay_;
    Item item = std::move(q.front());
    q.pop_front();
    hwm_[item.first] = id_of_(*item.second);
    return std::move(item.second);
  }

  // Drives the stream: finish, write the next row, or read the next history
  // page (only when `may_query`). Only one caller acts at a time (writing_).
  void Pump(bool may_query) {
    std::unique_lock lock(mu_);
    while (!finished_ && !writing_) {
      if (want_finish_) {
        finished_ = true;
        lock.unlock();
        this->Finish(finish_status_);
        return;
      }
      if (auto next = PopReadyLocked()) {
        writing_ = true;
        current_ = std::move(next);
        const Msg* msg = current_.get();
        // With more rows ready, let gRPC hold this one so a backlog goes
        // out in a few large socket writes; the last row flushes.
        grpc::WriteOptions options;
        if (SkipStaleLocked()) options.set_buffer_hint();
        lock.unlock();
        this->StartWrite(msg, options);
        return;
      }
      if (replay_next_ >= topics_.size() || !may_query) return;
      writing_ = true;
      const std::size_t index = replay_next_;
      const std::string topic = topics_[index];
      const std::uint64_t after = hwm_[index];
      lock.unlock();
      auto page = fetch_(topic, after, kStreamReplayPageSize);
      lock.lock();
      writing_ = false;
      if (!page.ok()) {
        RequestFinishLocked(grpc::Status(grpc::StatusCode::INTERNAL, page.error().message()));
        continue;
      }
      if (page->size() < kStreamReplayPageSize) ++replay_next_;
      for (Msg& m : *page) replay_.emplace_back(index, std::make_shared<const Msg>(std::move(m)));
    }
  }

  Broker<Msg>* const broker_;
  const Fetch fetch_;
  const IdOf id_of_;
  std::vector<std::string> topics_;

  std::mutex mu_;
  std::vector<std::uint64_t> hwm_;  // highest id sent (or the cursor), per filter
  std::size_t replay_next_ = 0;     // first filter whose history is not fully read
  std::deque<Item> replay_;
  std::deque<Item> live_;
  std::shared_ptr<const Msg> current_;  // the write in flight
  bool writing_ = true;                 // see the constructor
  bool want_finish_ = false;
  bool finished_ = false;
  grpc::Status finish_status_;
};

}  // namespace xs::node
