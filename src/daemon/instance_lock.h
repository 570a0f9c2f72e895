// InstanceLock: "one daemon per data dir". An exclusive flock on
// <data>/signet.lock, which also records the holder's pid. The kernel drops
// the lock when the process dies (kill -9 included), so a stale file never
// blocks a restart; whether a daemon runs is answered by the lock, not by
// the pid file.
//
// Thread contract: an InstanceLock is owned by one thread; Holder() is safe
// anywhere (it opens its own descriptor, so it also sees a lock held by
// another thread of this process).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "base/result.h"
#include "base/unique_fd.h"

namespace xs::daemon {

class InstanceLock {
 public:
  // Takes the lock (file created 0600) and writes our pid into it. Held by
  // another process -> validation error "already running (pid N)".
  static Result<InstanceLock> Acquire(const std::string& path);
  // The pid recorded by the current holder (0 if it has not written it yet),
  // or nullopt when nobody holds the lock.
  static std::optional<int> Holder(const std::string& path);

  InstanceLock(InstanceLock&& other) noexcept = default;
  InstanceLock& operator=(InstanceLock&& other) noexcept;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  ~InstanceLock() { Release(); }
  void Release();

 private:
  explicit InstanceLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace xs::daemon
