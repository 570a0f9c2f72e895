#include "signet/core/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "base/clock.h"
#include "base/unique_fd.h"
#include "signet/util/file_util.h"

namespace xs::signet {

Status AuditLog::Append(std::string_view action, const Json& fields) {
  Json entry = {{"timestamp", IsoTime(clock_->NowMs())}, {"action", std::string(action)}};
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) entry[it.key()] = it.value();
  }
  std::string line = SafeDump(entry) + "\n";
  std::lock_guard lock(mu_);
  auto slash = path_.rfind('/');
  if (slash != std::string::npos && slash > 0) XS_RETURN_IF_ERROR(MakeDirs(path_.substr(0, slash)));
  UniqueFd fd(::open(path_.c_str(), O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, kPrivateFileMode));
  if (!fd) return Error::Internal("cannot open audit log " + path_);
  // O_APPEND makes a single write of one line atomic with respect to other
  // appenders; a short write leaves a torn last line that Read() skips.
  ssize_t n;
  do {
    n = ::write(fd.get(), line.data(), line.size());
  } while (n < 0 && errno == EINTR);
  const bool ok = n == static_cast<ssize_t>(line.size()) && ::fdatasync(fd.get()) == 0;
  if (!ok) return Error::Internal("cannot append to audit log " + path_);
  return OkStatus();
}

Result<std::vector<Json>> AuditLog::Read(std::optional<std::int64_t> since_ms,
                                         std::size_t limit) const {
  XS_TRY(std::string text, Export());
  std::vector<Json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.size() > kAuditMaxLineBytes) continue;
    Json j = Json::parse(line, nullptr, false);
    if (!j.is_object()) continue;  // torn line from a crash
    if (since_ms) {
      auto it = j.find("timestamp");
      if (it == j.end() || !it->is_string()) continue;
      auto ts = ParseIsoTime(it->get_ref<const std::string&>(), "ts");
      if (!ts.ok() || *ts < *since_ms) continue;
    }
    out.push_back(std::move(j));
  }
  if (limit > 0 && out.size() > limit) {
    out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
  }
  return out;
}

Result<std::string> AuditLog::Export() const {
  std::lock_guard lock(mu_);
  auto text = ReadSmallFile(path_, kAuditMaxFileBytes);
  if (!text.ok() && text.error().IsNotFound()) return std::string();
  return text;
}

}  // namespace xs::signet
