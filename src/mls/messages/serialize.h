// Whole-buffer helpers over the per-struct Encode/Decode overloads of
// mls/messages: Serialize(value) -> bytes, and Deserialize<T>(bytes), which
// requires the input to be consumed exactly (trailing bytes are an error).
//
// Thread contract: pure functions.
#pragma once

#include <span>

#include "base/result.h"
#include "codec/tls_reader.h"
#include "codec/tls_writer.h"
#include "mls/messages/framed.h"

namespace xs::mls {

template <typename T>
Bytes Serialize(const T& value) {
  codec::TlsWriter w;
  Encode(w, value);
  return std::move(w).Take();
}

template <typename T>
Result<T> Deserialize(std::span<const std::uint8_t> bytes) {
  codec::TlsReader r(bytes);
  T out{};
  XS_RETURN_IF_ERROR(Decode(r, out));
  XS_RETURN_IF_ERROR(r.ExpectEnd());
  return out;
}

}  // namespace xs::mls
