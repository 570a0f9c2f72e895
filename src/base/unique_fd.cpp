#include "base/unique_fd.h"

#include <unistd.h>

namespace xs {

void UniqueFd::reset(int fd) noexcept {
  const int old = fd_;
  fd_ = fd < 0 ? -1 : fd;
  if (old >= 0 && old != fd_) ::close(old);
}

}  // namespace xs
