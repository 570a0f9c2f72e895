#include "signet/util/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"

namespace xs::signet {

namespace {
std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}
}  // namespace

Status WriteFileAtomic(const std::string& path, std::span<const std::uint8_t> data, unsigned mode) {
  std::string tmp = path + ".tmp";
  {
    UniqueFd fd(::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode));
    if (!fd) return Error::Internal("cannot write " + path + ": " + std::strerror(errno));
    ::fchmod(fd.get(), static_cast<mode_t>(mode));
    std::size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Error::Internal("cannot write " + path);
      off += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return Error::Internal("cannot sync " + path);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Error::Internal("cannot rename " + path);
  UniqueFd dir(::open(DirOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir) ::fsync(dir.get());
  return OkStatus();
}

Status WriteFileAtomic(const std::string& path, const std::string& text, unsigned mode) {
  return WriteFileAtomic(path,
                         std::span<const std::uint8_t>(
                             reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                         mode);
}

Result<std::string> ReadSmallFile(const std::string& path, std::size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Error::NotFound("file not found: " + path);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::Internal("cannot read " + path);
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) return Error::Validation("file", path + " is too large");
  }
  return out;
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Status MakeDirs(const std::string& path) {
  if (path.empty()) return Error::Validation("dataDir", "is empty");
  std::string cur;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    cur = path.substr(0, pos);
    if (cur.empty()) continue;
    if (::mkdir(cur.c_str(), kPrivateDirMode) != 0 && errno != EEXIST) {
      return Error::Internal("cannot create directory " + cur);
    }
  }
  return OkStatus();
}

}  // namespace xs::signet
