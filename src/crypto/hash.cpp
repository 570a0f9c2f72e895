#include "crypto/hash.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace xs::crypto {
namespace {

constexpr std::size_t kKeccak256Rate = 136;  // (1600 - 2 * 256) / 8
constexpr std::size_t kKeccakRounds = 24;
constexpr std::size_t kHkdfMaxLength = 255 * kSha256Size;

constexpr std::uint64_t kRoundConstants[kKeccakRounds] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

// Rotation offsets r[x + 5y] (FIPS 202 §3.2.2).
constexpr int kRotations[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

std::uint64_t Rotl(std::uint64_t v, int n) { return n == 0 ? v : (v << n) | (v >> (64 - n)); }

// Keccak-f[1600] (FIPS 202 §3.3), lanes indexed x + 5y.
void KeccakF(std::uint64_t (&a)[25]) {
  for (std::uint64_t rc : kRoundConstants) {
    std::uint64_t c[5], b[25];
    for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; ++x) {
      std::uint64_t d = c[(x + 4) % 5] ^ Rotl(c[(x + 1) % 5], 1);
      for (int y = 0; y < 25; y += 5) a[x + y] ^= d;
    }
    for (int x = 0; x < 5; ++x) {
      for (int y = 0; y < 5; ++y) {
        b[y + 5 * ((2 * x + 3 * y) % 5)] = Rotl(a[x + 5 * y], kRotations[x + 5 * y]);
      }
    }
    for (int y = 0; y < 25; y += 5) {
      for (int x = 0; x < 5; ++x) a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
    }
    a[0] ^= rc;
  }
}

void AbsorbBlock(std::uint64_t (&state)[25], const std::uint8_t* block) {
  for (std::size_t i = 0; i < kKeccak256Rate / 8; ++i) {
    std::uint64_t lane = 0;
    for (int j = 7; j >= 0; --j) lane = (lane << 8) | block[8 * i + j];
    state[i] ^= lane;
  }
  KeccakF(state);
}

}  // namespace

std::span<const std::uint8_t> AsBytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Digest256 Sha256(std::span<const std::uint8_t> data) {
  Digest256 out;
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Digest256 Sha256(std::string_view data) { return Sha256(AsBytes(data)); }

struct Sha256Hasher::State {
  crypto_hash_sha256_state st;
};

Sha256Hasher::Sha256Hasher() : state_(std::make_unique<State>()) {
  crypto_hash_sha256_init(&state_->st);
}
Sha256Hasher::~Sha256Hasher() = default;
Sha256Hasher::Sha256Hasher(Sha256Hasher&&) noexcept = default;
Sha256Hasher& Sha256Hasher::operator=(Sha256Hasher&&) noexcept = default;

void Sha256Hasher::Update(std::span<const std::uint8_t> data) {
  crypto_hash_sha256_update(&state_->st, data.data(), data.size());
}

Digest256 Sha256Hasher::Final() {
  Digest256 out;
  crypto_hash_sha256_final(&state_->st, out.data());
  crypto_hash_sha256_init(&state_->st);
  return out;
}

Digest256 Keccak256(std::span<const std::uint8_t> data) {
  std::uint64_t state[25] = {};
  std::size_t offset = 0;
  for (; offset + kKeccak256Rate <= data.size(); offset += kKeccak256Rate) {
    AbsorbBlock(state, data.data() + offset);
  }
  std::uint8_t last[kKeccak256Rate] = {};
  std::size_t rest = data.size() - offset;
  if (rest > 0) std::memcpy(last, data.data() + offset, rest);
  last[rest] ^= 0x01;  // original Keccak padding, not SHA-3's 0x06
  last[kKeccak256Rate - 1] ^= 0x80;
  AbsorbBlock(state, last);
  Digest256 out;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::uint8_t>(state[i / 8] >> (8 * (i % 8)));
  }
  return out;
}

Digest256 Keccak256(std::string_view data) { return Keccak256(AsBytes(data)); }

Digest256 HmacSha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  Digest256 out;
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key.size());
  crypto_auth_hmacsha256_update(&st, data.data(), data.size());
  crypto_auth_hmacsha256_final(&st, out.data());
  sodium_memzero(&st, sizeof st);
  return out;
}

Secret HkdfExtract(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm) {
  static const std::uint8_t kZeroSalt[kSha256Size] = {};
  auto prk = HmacSha256(salt.empty() ? std::span<const std::uint8_t>(kZeroSalt) : salt, ikm);
  Secret out = Secret::Copy(prk);
  Wipe(prk);
  return out;
}

Result<Secret> HkdfExpand(std::span<const std::uint8_t> prk, std::span<const std::uint8_t> info,
                          std::size_t length) {
  if (length > kHkdfMaxLength) {
    return Error::Validation("length", "HKDF-Expand output longer than 255 hash lengths");
  }
  Secret out(length);
  std::vector<std::uint8_t> block;
  Digest256 t{};
  std::size_t produced = 0;
  for (std::uint8_t counter = 1; produced < length; ++counter) {
    block.clear();
    if (counter > 1) block.insert(block.end(), t.begin(), t.end());
    block.insert(block.end(), info.begin(), info.end());
    block.push_back(counter);
    t = HmacSha256(prk, block);
    std::size_t n = std::min(t.size(), length - produced);
    std::memcpy(out.mutable_bytes().data() + produced, t.data(), n);
    produced += n;
  }
  Wipe(t);
  Wipe(block);
  return out;
}

bool ConstantTimeEquals(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace xs::crypto
