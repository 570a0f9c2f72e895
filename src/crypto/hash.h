// Hashes and MACs: SHA-256 (one-shot and incremental), Keccak-256 (the
// Ethereum variant, original padding 0x01 — OpenSSL 3.0 lacks it), HMAC-SHA256
// and HKDF-SHA256 (RFC 5869).
//
// Thread contract: pure functions; a Sha256Hasher is a plain value.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "base/result.h"
#include "crypto/secret.h"

namespace xs::crypto {

inline constexpr std::size_t kSha256Size = 32;
using Digest256 = std::array<std::uint8_t, kSha256Size>;

// Bytes of a string, for hashing text without copies.
std::span<const std::uint8_t> AsBytes(std::string_view text);

Digest256 Sha256(std::span<const std::uint8_t> data);
Digest256 Sha256(std::string_view data);

class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  Sha256Hasher(Sha256Hasher&&) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept;
  void Update(std::span<const std::uint8_t> data);
  void Update(std::string_view data) { Update(AsBytes(data)); }
  Digest256 Final();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

Digest256 Keccak256(std::span<const std::uint8_t> data);
Digest256 Keccak256(std::string_view data);

Digest256 HmacSha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

// HKDF-Extract: PRK = HMAC(salt, ikm). An empty salt means 32 zero bytes.
Secret HkdfExtract(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm);
// HKDF-Expand; length <= 255 * 32, else a validation error.
Result<Secret> HkdfExpand(std::span<const std::uint8_t> prk, std::span<const std::uint8_t> info,
                          std::size_t length);

// Constant-time equality of two byte strings (false when lengths differ).
bool ConstantTimeEquals(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace xs::crypto
