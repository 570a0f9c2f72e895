// Shared checks of request sizes against the limits in limits.h, used by
// the handlers; each failure is an Error::Validation naming the field and
// the limit (INVALID_ARGUMENT on the wire).
//
// Thread contract: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace xs::node {

// `n` repeated entries: at most `max`; at least one unless `allow_empty`.
inline Status CheckCount(std::size_t n, std::size_t max, std::string_view field, bool allow_empty) {
  if (!allow_empty && n == 0) return Error::Validation(field, "empty");
  if (n > max) {
    return Error::Validation(
        field, std::to_string(n) + " entries exceed the limit of " + std::to_string(max));
  }
  return OkStatus();
}

// A bytes/string field: at most `max` bytes; non-empty unless `allow_empty`.
inline Status CheckBytes(const std::string& value, std::size_t max, std::string_view field,
                         bool allow_empty) {
  if (!allow_empty && value.empty()) return Error::Validation(field, "empty");
  if (value.size() > max) {
    return Error::Validation(
        field, std::to_string(value.size()) + " bytes exceed the limit of " + std::to_string(max));
  }
  return OkStatus();
}

}  // namespace xs::node
