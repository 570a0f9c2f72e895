// Test-only helper (header-only, not part of the library's API): a fresh
// directory per test, a store key, and rows filled with recognisable
// values, for the store tests, the crash test and the store benchmark.
//
// Thread contract: plain values.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "crypto/secret.h"
#include "xmtp/store/records.h"

namespace xs::xmtp::store::testing {

// A directory removed (with its files) when the object goes.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("xs-store-" + tag + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline crypto::Secret TestKey(std::uint8_t fill = 0x42) {
  crypto::Secret key(32);
  for (auto& b : key.mutable_bytes()) b = fill;
  return key;
}

inline Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

// A message `n` of `group` owned by `owner`, id "msg-<n>", sent at n seconds.
inline StoredMessage MakeMessage(const Bytes& owner, const Bytes& group, std::uint64_t n,
                                 const std::string& text) {
  StoredMessage m;
  m.owner = owner;
  m.id = B("msg-" + std::to_string(n));
  m.group_id = group;
  m.sender_inbox_id = std::string(64, 'a');
  m.sender_installation_key = Bytes(32, 0x07);
  m.sent_ns = static_cast<std::int64_t>(n) * 1'000'000'000;
  m.node_id = n;
  m.content_type = "xmtp.org/text:1.0";
  m.kind = MessageKind::kApplication;
  m.content = B(text);
  m.delivery = DeliveryState::kPublished;
  return m;
}

}  // namespace xs::xmtp::store::testing
