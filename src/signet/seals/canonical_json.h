// Canonical JSON (seals.md §3): the bytes a seal signature covers. It is
// what JavaScript's JSON.stringify prints for the same value once every
// object's keys are sorted, recursively, in UTF-16 code-unit order (the order
// of JavaScript's default Array.prototype.sort on strings):
//   - no whitespace; arrays keep their order; null stays null;
//   - numbers in JavaScript's shortest round-trip form (Number::toString:
//     1 not 1.0, 1e+21, 1e-7, -0 as 0); integers become doubles first, as
//     JSON.parse makes them; NaN and infinities print as null;
//   - strings escaped as JSON.stringify does: \" \\ \b \f \n \r \t, other
//     controls below U+0020 as \u00XX (lowercase hex), everything else as
//     is (non-ASCII unescaped), except lone UTF-16 surrogates, which only
//     appear here as their generalized UTF-8 (WTF-8) bytes ED A0..BF xx and
//     print as \udXXX.
// Other invalid UTF-8 and binary values are validation errors: such a value
// has no JSON.stringify counterpart, so no verifier could rebuild its bytes.
//
// Thread contract: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "base/result.h"

namespace xs::signet::seals {

using Json = nlohmann::json;

Result<std::string> CanonicalJson(const Json& value);

// Whether `a` sorts before `b` in UTF-16 code-unit order (both UTF-8).
bool Utf16Less(std::string_view a, std::string_view b);

// A double as JavaScript's Number.prototype.toString() prints it.
std::string JsNumber(double value);

}  // namespace xs::signet::seals
