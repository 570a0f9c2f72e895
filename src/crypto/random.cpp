#include "crypto/random.h"

#include <sodium.h>

#include <cstdlib>

namespace xs::crypto {
namespace {

// sodium_init is idempotent and thread-safe; it fails only when the kernel
// offers no entropy source, in which case nothing secure can be done.
void EnsureSodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) std::abort();
    return true;
  }();
  (void)ready;
}

}  // namespace

void RandomBytes(std::span<std::uint8_t> out) {
  EnsureSodium();
  randombytes_buf(out.data(), out.size());
}

std::vector<std::uint8_t> RandomVector(std::size_t size) {
  std::vector<std::uint8_t> out(size);
  RandomBytes(out);
  return out;
}

std::uint32_t RandomUniform(std::uint32_t upper_bound) {
  EnsureSodium();
  return randombytes_uniform(upper_bound);
}

}  // namespace xs::crypto
