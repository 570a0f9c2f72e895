// Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded on output;
// padding optional on input). Decoders reject characters outside the
// alphabet, bad padding and non-canonical trailing bits.
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

std::string Base64Encode(std::span<const std::uint8_t> bytes);
Result<std::vector<std::uint8_t>> Base64Decode(std::string_view text);

std::string Base64UrlEncode(std::span<const std::uint8_t> bytes);
Result<std::vector<std::uint8_t>> Base64UrlDecode(std::string_view text);

}  // namespace xs::codec
