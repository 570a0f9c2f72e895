#include "codec/hex.h"

namespace xs::codec {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

int Nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status CheckHex(std::string_view hex, std::size_t expected_bytes) {
  if (hex.size() % 2 != 0) return Error::Validation("hex", "odd number of hex digits");
  if (expected_bytes != hex.size() / 2) {
    return Error::Validation("hex", "expected " + std::to_string(expected_bytes * 2) +
                                        " hex digits, got " + std::to_string(hex.size()));
  }
  for (char c : hex) {
    if (Nibble(c) < 0) return Error::Validation("hex", "not a hex digit");
  }
  return OkStatus();
}

void DecodeChecked(std::string_view hex, std::uint8_t* out) {
  for (std::size_t i = 0; i < hex.size() / 2; ++i) {
    out[i] = static_cast<std::uint8_t>(Nibble(hex[2 * i]) << 4 | Nibble(hex[2 * i + 1]));
  }
}

}  // namespace

std::string HexEncode(std::span<const std::uint8_t> bytes) {
  std::string out(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return out;
}

std::string HexEncode(std::string_view bytes) {
  return HexEncode(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

Result<std::vector<std::uint8_t>> HexDecode(std::string_view hex) {
  XS_RETURN_IF_ERROR(CheckHex(hex, hex.size() / 2));
  std::vector<std::uint8_t> out(hex.size() / 2);
  DecodeChecked(hex, out.data());
  return out;
}

Status HexDecodeInto(std::string_view hex, std::span<std::uint8_t> out) {
  XS_RETURN_IF_ERROR(CheckHex(hex, out.size()));
  DecodeChecked(hex, out.data());
  return OkStatus();
}

std::string_view StripHexPrefix(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    return text.substr(2);
  }
  return text;
}

}  // namespace xs::codec
