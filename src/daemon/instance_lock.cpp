#include "daemon/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace xs::daemon {

namespace {

std::optional<int> ReadPid(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return std::nullopt;
  int pid = 0;
  auto [ptr, ec] = std::from_chars(buf, buf + n, pid);
  if (ec != std::errc() || pid <= 0) return std::nullopt;
  return pid;
}

}  // namespace

InstanceLock& InstanceLock::operator=(InstanceLock&& other) noexcept {
  if (this != &other) {
    Release();
    fd_ = std::move(other.fd_);
  }
  return *this;
}

void InstanceLock::Release() {
  if (!fd_) return;
  // Cleared first, so a reader never takes a dead daemon's pid for a live one.
  if (::ftruncate(fd_.get(), 0) != 0) {
    // Nothing to do: the lock itself is what counts.
  }
  ::flock(fd_.get(), LOCK_UN);
  fd_.reset();
}

Result<InstanceLock> InstanceLock::Acquire(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return Error::Internal("cannot open " + path + ": " + std::strerror(errno));
  // A holder without a pid is a Holder() probe (a shared lock held for a
  // moment) or a daemon between flock and pwrite: worth a few retries.
  int retries = 10;
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    std::optional<int> pid = err == EWOULDBLOCK ? ReadPid(fd.get()) : std::nullopt;
    if (err == EWOULDBLOCK && !pid && retries-- > 0) {
      ::usleep(20000);
      continue;
    }
    if (err != EWOULDBLOCK)
      return Error::Internal("cannot lock " + path + ": " + std::strerror(err));
    return Error::Validation("daemon", pid ? "already running (pid " + std::to_string(*pid) + ")"
                                           : std::string("already running"));
  }
  std::string text = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0 ||
      ::pwrite(fd.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    return Error::Internal("cannot write " + path);
  }
  return InstanceLock(std::move(fd));
}

std::optional<int> InstanceLock::Holder(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  std::optional<int> holder;
  if (::flock(fd.get(), LOCK_SH | LOCK_NB) == 0) {
    ::flock(fd.get(), LOCK_UN);
  } else if (errno == EWOULDBLOCK) {
    holder = ReadPid(fd.get());
    if (!holder) holder = 0;  // held, pid not written yet
  }
  return holder;
}

}  // namespace xs::daemon
