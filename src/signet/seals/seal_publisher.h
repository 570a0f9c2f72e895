// SealPublisher: sends seal and revocation messages to their chats from its
// own thread, so issuing or revoking a credential never waits on the
// network (decisions.md #2). Per chat, messages go out in the order they
// were queued; a failed send is retried after 1 s, 2 s, 4 s (1 + 3
// attempts, seals.md §5) while other chats go on; one that still fails is
// dropped and logged. Logs carry chat ids, content types and error text,
// never message bodies.
//
//   SealPublisher pub(send, log);
//   pub.Start();
//   pub.Enqueue(chat_id, kSealContentType, body);   // never blocks on send
//   pub.Stop();                                     // joins; drops the rest
//
// Thread contract: thread-safe. `send` runs on the publisher's thread and
// must not be called with a lock Enqueue's callers hold (the daemon's
// send takes the runtime lock only to find the chat, then sends).
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "base/result.h"

namespace xs::signet::seals {

class SealPublisher {
 public:
  using Send = std::function<Status(const std::string& chat_id, std::string_view content_type,
                                    const std::string& body)>;
  using Log = std::function<void(std::string_view event, const nlohmann::json& fields)>;
  struct Options {
    std::chrono::milliseconds initial_delay{1000};
    int max_retries = 3;
  };

  SealPublisher(Send send, Log log) : SealPublisher(std::move(send), std::move(log), Options{}) {}
  SealPublisher(Send send, Log log, Options options);
  ~SealPublisher();
  SealPublisher(const SealPublisher&) = delete;
  SealPublisher& operator=(const SealPublisher&) = delete;

  void Start();
  void Enqueue(const std::string& chat_id, std::string_view content_type, std::string body);
  // Stops the thread after the send in flight; what is still queued is
  // dropped (and counted in the log).
  void Stop();
  // Until nothing is queued or in flight, or `timeout` passed; true when idle.
  bool WaitIdle(std::chrono::milliseconds timeout);

  struct Counts {
    std::uint64_t published = 0;
    std::uint64_t failed = 0;   // gave up after every retry
    std::uint64_t retries = 0;  // failed attempts that were retried
  };
  Counts counts() const;

 private:
  using SteadyClock = std::chrono::steady_clock;
  struct Job {
    std::string content_type;
    std::string body;
    int attempts = 0;
    SteadyClock::time_point not_before{};
  };
  void Run();
  void LogEvent(std::string_view event, const nlohmann::json& fields) const {
    if (log_) log_(event, fields);
  }

  Send send_;
  Log log_;
  Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::map<std::string, std::deque<Job>> queues_;  // by chat
  bool in_flight_ = false;
  bool stopping_ = false;
  Counts counts_;
  std::thread thread_;
};

}  // namespace xs::signet::seals
