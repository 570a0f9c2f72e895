#include "cli/qr.h"

#include <qrencode.h>

#include <memory>
#include <string>

namespace xs::cli {

namespace {

constexpr int kQuietZone = 2;
constexpr const char* kUpper = "\u2580";  // ▀
constexpr const char* kLower = "\u2584";  // ▄
constexpr const char* kFull = "\u2588";   // █

}  // namespace

Result<std::string> TerminalQr(std::string_view text) {
  const std::string input(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!code) return Error::Validation("link", "too long for a QR code");
  const int width = code->width;
  // Light (true) outside the symbol and for light modules.
  auto light = [&](int row, int col) {
    if (row < 0 || col < 0 || row >= width || col >= width) return true;
    return (code->data[row * width + col] & 1) == 0;
  };
  std::string out;
  for (int row = -kQuietZone; row < width + kQuietZone; row += 2) {
    for (int col = -kQuietZone; col < width + kQuietZone; ++col) {
      const bool top = light(row, col);
      const bool bottom = light(row + 1, col);
      out += top && bottom ? kFull : top ? kUpper : bottom ? kLower : " ";
    }
    out += '\n';
  }
  return out;
}

}  // namespace xs::cli
