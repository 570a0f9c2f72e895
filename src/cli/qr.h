// Terminal QR codes (libqrencode): `xs chat invite --format qr|both` shows a
// Convos invite link as a QR code a phone can scan off the screen.
//
// Thread contract: pure functions (libqrencode's encoder is reentrant).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace xs::cli {

// The QR code of `text` (error correction M, byte mode) drawn with Unicode
// half blocks, two modules per character row, light modules as blocks and a
// two-module quiet zone, so that it reads as dark-on-light on a dark
// terminal (what `qrencode -t UTF8` prints). One line per two module rows,
// each ending in '\n'. An error when the text does not fit a QR code.
Result<std::string> TerminalQr(std::string_view text);

}  // namespace xs::cli
