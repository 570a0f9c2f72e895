#include "codec/base64.h"

#include <array>

namespace xs::codec {
namespace {

constexpr std::string_view kStandard =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Encode(std::span<const std::uint8_t> in, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out += alphabet[(v >> shift) & 0x3f];
  }
  std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t v = in[i] << 16 | (rest == 2 ? in[i + 1] << 8 : 0);
    out += alphabet[(v >> 18) & 0x3f];
    out += alphabet[(v >> 12) & 0x3f];
    if (rest == 2) out += alphabet[(v >> 6) & 0x3f];
    if (pad) out.append(3 - rest, '=');
  }
  return out;
}

std::array<int, 256> ReverseTable(std::string_view alphabet) {
  std::array<int, 256> table{};
  table.fill(-1);
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  }
  return table;
}

// `padding`: required (standard) or optional (url).
Result<std::vector<std::uint8_t>> Decode(std::string_view text, std::string_view alphabet,
                                         bool padding_required) {
  static const std::array<int, 256> kStandardTable = ReverseTable(kStandard);
  static const std::array<int, 256> kUrlTable = ReverseTable(kUrl);
  const auto& table = alphabet == kStandard ? kStandardTable : kUrlTable;
  const char* field = padding_required ? "base64" : "base64url";

  std::size_t pads = 0;
  while (pads < 2 && pads < text.size() && text[text.size() - 1 - pads] == '=') ++pads;
  std::string_view body = text.substr(0, text.size() - pads);
  if (padding_required && text.size() % 4 != 0) {
    return Error::Validation(field, "length is not a multiple of 4");
  }
  if (pads > 0 && text.size() % 4 != 0) return Error::Validation(field, "bad padding");
  if (body.size() % 4 == 1) return Error::Validation(field, "truncated input");

  std::vector<std::uint8_t> out;
  out.reserve(body.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : body) {
    int v = table[static_cast<unsigned char>(c)];
    if (v < 0) return Error::Validation(field, "character outside the alphabet");
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return Error::Validation(field, "non-canonical trailing bits");
  return out;
}

}  // namespace

std::string Base64Encode(std::span<const std::uint8_t> bytes) {
  return Encode(bytes, kStandard, true);
}

Result<std::vector<std::uint8_t>> Base64Decode(std::string_view text) {
  return Decode(text, kStandard, true);
}

std::string Base64UrlEncode(std::span<const std::uint8_t> bytes) {
  return Encode(bytes, kUrl, false);
}

Result<std::vector<std::uint8_t>> Base64UrlDecode(std::string_view text) {
  return Decode(text, kUrl, false);
}

}  // namespace xs::codec
