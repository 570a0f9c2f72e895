// The CSPRNG (libsodium randombytes, which reads the kernel's getrandom).
//
// Thread contract: safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace xs::crypto {

void RandomBytes(std::span<std::uint8_t> out);
std::vector<std::uint8_t> RandomVector(std::size_t size);
// Uniform in [0, upper_bound); upper_bound > 0.
std::uint32_t RandomUniform(std::uint32_t upper_bound);

}  // namespace xs::crypto
