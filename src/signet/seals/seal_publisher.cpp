#include "signet/seals/seal_publisher.h"

namespace xs::signet::seals {

SealPublisher::SealPublisher(Send send, Log log, Options options)
    : send_(std::move(send)), log_(std::move(log)), options_(options) {}

SealPublisher::~SealPublisher() { Stop(); }

void SealPublisher::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void SealPublisher::Enqueue(const std::string& chat_id, std::string_view content_type,
                            std::string body) {
  {
    std::lock_guard lock(mu_);
    queues_[chat_id].push_back(Job{std::string(content_type), std::move(body), 0, {}});
  }
  cv_.notify_one();
}

void SealPublisher::Stop() {
  std::size_t dropped = 0;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(mu_);
    for (const auto& [chat, jobs] : queues_) dropped += jobs.size();
    queues_.clear();
  }
  idle_cv_.notify_all();
  if (dropped > 0) LogEvent("seal.publish_dropped", {{"count", dropped}, {"why", "shutdown"}});
}

bool SealPublisher::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [&] { return queues_.empty() && !in_flight_; });
}

SealPublisher::Counts SealPublisher::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

void SealPublisher::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stopping_) return;
    // The chat whose first message may go soonest.
    auto next = queues_.end();
    for (auto it = queues_.begin(); it != queues_.end(); ++it) {
      if (next == queues_.end() ||
          it->second.front().not_before < next->second.front().not_before) {
        next = it;
      }
    }
    if (next == queues_.end()) {
      idle_cv_.notify_all();
      cv_.wait(lock);
      continue;
    }
    if (SteadyClock::now() < next->second.front().not_before) {
      cv_.wait_until(lock, next->second.front().not_before);
      continue;
    }
    const std::string chat_id = next->first;
    Job job = next->second.front();
    in_flight_ = true;
    lock.unlock();
    Status sent = send_(chat_id, job.content_type, job.body);
    lock.lock();
    in_flight_ = false;
    auto queue = queues_.find(chat_id);
    if (queue == queues_.end()) continue;  // dropped by Stop
    if (sent.ok()) {
      ++counts_.published;
      queue->second.pop_front();
      LogEvent(
          "seal.published",
          {{"chatId", chat_id}, {"contentType", job.content_type}, {"attempts", job.attempts + 1}});
    } else if (job.attempts >= options_.max_retries) {
      ++counts_.failed;
      queue->second.pop_front();
      LogEvent("seal.publish_failed", {{"chatId", chat_id},
                                       {"contentType", job.content_type},
                                       {"attempts", job.attempts + 1},
                                       {"error", sent.error().message()}});
    } else {
      ++counts_.retries;
      Job& front = queue->second.front();
      front.attempts = job.attempts + 1;
      front.not_before = SteadyClock::now() + options_.initial_delay * (1 << job.attempts);
      LogEvent("seal.publish_retry", {{"chatId", chat_id},
                                      {"contentType", job.content_type},
                                      {"attempt", front.attempts},
                                      {"error", sent.error().message()}});
    }
    if (queue->second.empty()) queues_.erase(queue);
  }
}

}  // namespace xs::signet::seals
