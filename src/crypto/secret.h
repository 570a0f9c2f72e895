// Secret: a move-only byte buffer for key material. It wipes itself on
// destruction and when moved from, compares in constant time, and has no
// conversion to strings or streams, so it cannot reach a log by accident.
//
//   Secret seed = Secret::Random(32);
//   Ed25519Sign(seed.bytes(), message);
//
// Thread contract: a plain value; const access is safe from several threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace xs::crypto {

// Overwrites `bytes` with zeros in a way the optimizer cannot elide.
void Wipe(std::span<std::uint8_t> bytes);

class Secret {
 public:
  Secret() = default;
  // `size` zero bytes, to be filled through mutable_bytes().
  explicit Secret(std::size_t size);
  static Secret Copy(std::span<const std::uint8_t> bytes);
  static Secret Random(std::size_t size);

  ~Secret();
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;

  // An explicit copy, for the rare place that needs two owners.
  Secret Clone() const { return Copy(bytes()); }

  std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
  std::span<std::uint8_t> mutable_bytes() { return {data_, size_}; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Constant-time comparison (length is not secret).
  bool Equals(std::span<const std::uint8_t> other) const;

 private:
  void Release();
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace xs::crypto
