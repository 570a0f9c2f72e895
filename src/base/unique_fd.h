// UniqueFd: sole owner of a POSIX file descriptor, closed when the owner goes
// away, so no error path needs a hand-written ::close(). Move-only; a
// moved-from or default UniqueFd holds nothing (-1).
//
//   UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
//   if (!fd.valid()) return Error::Internal(...);     // errno still intact
//   if (::bind(fd.get(), ...) != 0) return ...;       // closed on return
//   listen_fd_ = std::move(fd);                       // keep it
//
// Closing does not retry on EINTR: on Linux the descriptor is released even
// then, and a retry could close a descriptor another thread just opened.
//
// Thread contract: like an int; one owner at a time. get() may be used by
// other threads while the owner keeps the UniqueFd alive and unchanged.
#pragma once

namespace xs {

class UniqueFd {
 public:
  UniqueFd() = default;
  // Takes ownership of `fd`; a negative value means "nothing".
  explicit UniqueFd(int fd) noexcept : fd_(fd < 0 ? -1 : fd) {}
  ~UniqueFd() { reset(); }

  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  // The descriptor, still owned (-1 when empty).
  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }

  // Gives up ownership without closing; the caller must close the result.
  [[nodiscard]] int release() noexcept {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes the held descriptor (if any) and takes `fd` instead.
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

}  // namespace xs
