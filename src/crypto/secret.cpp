#include "crypto/secret.h"

#include <sodium.h>

#include <cstring>

#include "crypto/random.h"

namespace xs::crypto {

void Wipe(std::span<std::uint8_t> bytes) {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

Secret::Secret(std::size_t size) : data_(size ? new std::uint8_t[size]() : nullptr), size_(size) {}

Secret Secret::Copy(std::span<const std::uint8_t> bytes) {
  Secret s(bytes.size());
  if (!bytes.empty()) std::memcpy(s.data_, bytes.data(), bytes.size());
  return s;
}

Secret Secret::Random(std::size_t size) {
  Secret s(size);
  RandomBytes(s.mutable_bytes());
  return s;
}

Secret::~Secret() { Release(); }

Secret::Secret(Secret&& other) noexcept : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

bool Secret::Equals(std::span<const std::uint8_t> other) const {
  if (other.size() != size_) return false;
  return size_ == 0 || sodium_memcmp(data_, other.data(), size_) == 0;
}

void Secret::Release() {
  Wipe(mutable_bytes());
  delete[] data_;
  data_ = nullptr;
  size_ = 0;
}

}  // namespace xs::crypto
