// Hex encoding for bytes crossing text boundaries (ids, keys, addresses).
// Encoding is lowercase; decoding accepts either case and rejects odd
// lengths and non-hex characters with a validation error.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace xs::codec {

std::string HexEncode(std::span<const std::uint8_t> bytes);
std::string HexEncode(std::string_view bytes);

// Strict: no "0x" prefix, even length, [0-9a-fA-F] only.
Result<std::vector<std::uint8_t>> HexDecode(std::string_view hex);

// Returns `text` without a leading "0x" or "0X".
std::string_view StripHexPrefix(std::string_view text);

// Decodes into a fixed-size buffer; the length must match exactly.
Status HexDecodeInto(std::string_view hex, std::span<std::uint8_t> out);

}  // namespace xs::codec
