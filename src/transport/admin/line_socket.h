// LineSocket: an owned stream-socket descriptor with newline framing, used by
// both ends of the admin socket. Reads are bounded (a line longer than the
// limit is reported, never buffered without bound) and may time out; writes
// never raise SIGPIPE.
//
// Thread contract: one reader thread and one writer thread at most;
// ShutdownRead() may be called from any thread to wake a blocked reader.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace xs::transport {

class LineSocket {
 public:
  enum class ReadStatus { kLine, kEof, kTooLong, kTimeout, kError };

  LineSocket() = default;
  explicit LineSocket(int fd) : fd_(fd) {}
  LineSocket(LineSocket&& other) noexcept;
  LineSocket& operator=(LineSocket&& other) noexcept;
  LineSocket(const LineSocket&) = delete;
  LineSocket& operator=(const LineSocket&) = delete;

  bool is_open() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }

  // Reads the next line (without its '\n'; a trailing '\r' is kept).
  // timeout_ms < 0 waits indefinitely.
  ReadStatus ReadLine(std::string* line, std::size_t max_bytes, int timeout_ms);
  // Writes `line` and a '\n'; false when the peer is gone.
  bool WriteLine(std::string_view line);
  // True when the peer closed its end (or the socket failed); never blocks
  // and never consumes buffered input.
  bool PeerClosed();
  void ShutdownRead();
  // Also fails a send blocked on a peer that stopped reading.
  void ShutdownBoth();
  void Close();

 private:
  UniqueFd fd_;
  std::string buffer_;
  std::size_t scanned_ = 0;  // bytes of buffer_ known to hold no '\n'
};

// A listening Unix stream socket and the identity of its file.
struct UnixListener {
  UniqueFd fd;
  dev_t dev = 0;
  ino_t ino = 0;
};

// Binds and listens on `path` (its directory created if needed): a stale
// socket file nobody answers on is replaced; a live one, or a file that is
// not a socket, is a validation error on `field`. The file is 0600 before
// anyone can be accepted.
Result<UnixListener> ListenUnixSocket(const std::string& path, std::string_view field);
// Removes the socket file if it is still the listener's (a newer server may
// have replaced it).
void RemoveUnixSocket(const std::string& path, const UnixListener& listener);

// Connects to a Unix stream socket. ENOENT / ECONNREFUSED come back as a
// not_found error (nobody listening), anything else as a network error.
Result<LineSocket> ConnectUnixSocket(const std::string& path);

}  // namespace xs::transport
