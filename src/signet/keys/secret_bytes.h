// SecretBytes: a move-only byte buffer for key material that wipes itself
// with sodium_memzero on destruction and move-from. It never converts to a
// string or vector implicitly and has no stream operator, so it cannot end up
// in logs or error messages by accident.
//
// Thread contract: a plain value; not shared between threads.
#pragma once

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace xs::signet {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t n) : b_(n, 0) {}
  SecretBytes(std::span<const std::uint8_t> data) : b_(data.begin(), data.end()) {}  // NOLINT
  static SecretBytes Random(std::size_t n) {
    SecretBytes s(n);
    randombytes_buf(s.data(), n);
    return s;
  }
  ~SecretBytes() { Wipe(); }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& o) noexcept : b_(std::move(o.b_)) { o.b_.clear(); }
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
      Wipe();
      b_ = std::move(o.b_);
      o.b_.clear();
    }
    return *this;
  }
  SecretBytes Clone() const { return SecretBytes(span()); }

  std::uint8_t* data() { return b_.data(); }
  const std::uint8_t* data() const { return b_.data(); }
  std::size_t size() const { return b_.size(); }
  bool empty() const { return b_.empty(); }
  std::span<const std::uint8_t> span() const { return {b_.data(), b_.size()}; }
  std::span<std::uint8_t> mutable_span() { return {b_.data(), b_.size()}; }

 private:
  void Wipe() {
    if (!b_.empty()) sodium_memzero(b_.data(), b_.size());
  }
  std::vector<std::uint8_t> b_;
};

}  // namespace xs::signet
