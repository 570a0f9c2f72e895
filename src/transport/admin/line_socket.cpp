#include "transport/admin/line_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <utility>

#include "signet/util/file_util.h"

namespace xs::transport {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr int kListenBacklog = 128;
}  // namespace

LineSocket::LineSocket(LineSocket&& other) noexcept
    : fd_(std::move(other.fd_)),
      buffer_(std::move(other.buffer_)),
      scanned_(std::exchange(other.scanned_, 0)) {}

LineSocket& LineSocket::operator=(LineSocket&& other) noexcept {
  if (this != &other) {
    fd_ = std::move(other.fd_);
    buffer_ = std::move(other.buffer_);
    scanned_ = std::exchange(other.scanned_, 0);
  }
  return *this;
}

void LineSocket::Close() {
  fd_.reset();
  buffer_.clear();
  scanned_ = 0;
}

void LineSocket::ShutdownRead() {
  if (fd_) ::shutdown(fd_.get(), SHUT_RD);
}

void LineSocket::ShutdownBoth() {
  if (fd_) ::shutdown(fd_.get(), SHUT_RDWR);
}

LineSocket::ReadStatus LineSocket::ReadLine(std::string* line, std::size_t max_bytes,
                                            int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  for (;;) {
    std::size_t newline = buffer_.find('\n', scanned_);
    if (newline != std::string::npos) {
      if (newline > max_bytes) return ReadStatus::kTooLong;
      line->assign(buffer_, 0, newline);
      buffer_.erase(0, newline + 1);
      scanned_ = 0;
      return ReadStatus::kLine;
    }
    scanned_ = buffer_.size();
    if (buffer_.size() > max_bytes) return ReadStatus::kTooLong;
    if (!fd_) return ReadStatus::kError;

    int wait_ms = -1;
    if (timeout_ms >= 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return ReadStatus::kTimeout;
      wait_ms = static_cast<int>(left.count());
    }
    pollfd p{fd_.get(), POLLIN, 0};
    int ready = ::poll(&p, 1, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return ReadStatus::kError;
    }
    if (ready == 0) return ReadStatus::kTimeout;

    char chunk[kReadChunk];
    ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return ReadStatus::kError;
    }
    if (n == 0) return ReadStatus::kEof;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

bool LineSocket::WriteLine(std::string_view line) {
  if (!fd_) return false;
  // One buffer, so a line is written by as few syscalls as possible and a
  // concurrent reader on the other side never sees a line without its '\n'.
  std::string data;
  data.reserve(line.size() + 1);
  data.append(line);
  data.push_back('\n');
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd_.get(), data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += static_cast<std::size_t>(n);
  }
  return true;
}

bool LineSocket::PeerClosed() {
  if (!fd_) return true;
  pollfd p{fd_.get(), POLLIN | POLLRDHUP, 0};
  int ready = ::poll(&p, 1, 0);
  if (ready <= 0) return false;
  if (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) return true;
  char probe;
  ssize_t n = ::recv(fd_.get(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0;
}

Result<UnixListener> ListenUnixSocket(const std::string& path, std::string_view field) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return Error::Validation(field,
                             "must be 1.." + std::to_string(sizeof(addr.sun_path) - 1) + " bytes");
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (!dir.empty()) XS_RETURN_IF_ERROR(signet::MakeDirs(dir));
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return Error::Validation(field, path + " exists and is not a socket");
    }
    if (ConnectUnixSocket(path).ok()) {
      return Error::Validation(field, "another server is listening on " + path);
    }
    ::unlink(path.c_str());  // stale: its server is gone
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  UnixListener listener;
  listener.fd.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener.fd) return Error::Internal(std::string("socket: ") + std::strerror(errno));
  if (::bind(listener.fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    return Error::Internal("cannot bind " + path + ": " + std::strerror(err));
  }
  // The directory is 0700; the file is tightened before anyone is accepted.
  if (::chmod(path.c_str(), signet::kPrivateFileMode) != 0 || ::lstat(path.c_str(), &st) != 0 ||
      ::listen(listener.fd.get(), kListenBacklog) != 0) {
    int err = errno;
    ::unlink(path.c_str());
    return Error::Internal("cannot listen on " + path + ": " + std::strerror(err));
  }
  listener.dev = st.st_dev;
  listener.ino = st.st_ino;
  return listener;
}

void RemoveUnixSocket(const std::string& path, const UnixListener& listener) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && st.st_dev == listener.dev && st.st_ino == listener.ino) {
    ::unlink(path.c_str());
  }
}

Result<LineSocket> ConnectUnixSocket(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return Error::Validation("socketPath", "socket path is empty or longer than " +
                                               std::to_string(sizeof(addr.sun_path) - 1) +
                                               " bytes");
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::Network(path, std::string("socket: ") + std::strerror(errno));
  LineSocket sock(fd);
  for (;;) {
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return sock;
    if (errno == EINTR) continue;
    int err = errno;
    if (err == ENOENT || err == ECONNREFUSED) return Error::NotFound("nothing listens on " + path);
    return Error::Network(path, std::string("cannot connect: ") + std::strerror(err));
  }
}

}  // namespace xs::transport
