// Internal helpers of xs_mls's codecs (the mls/messages wire structs and the
// group state's storage form): opaque byte fields, nested vectors, vectors of
// structs and of uint16 values, optionals and enum checks, all bounded by a
// named maximum. Not part of the public API of xs_mls.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "codec/tls_reader.h"
#include "codec/tls_writer.h"
#include "mls/messages/limits.h"

namespace xs::mls::detail {

inline void WriteBytes(codec::TlsWriter& w, std::span<const std::uint8_t> bytes) {
  w.WriteOpaque(bytes);
}

inline Status ReadBytes(codec::TlsReader& r, std::size_t max, Bytes& out) {
  XS_TRY(auto span, r.ReadOpaque(max));
  out.assign(span.begin(), span.end());
  return OkStatus();
}

// Writes `vector<V>` whose body is produced by `body(writer)`; the body's
// writer wipes if `w` does.
template <typename F>
void WriteNested(codec::TlsWriter& w, F&& body) {
  codec::TlsWriter inner = w.Scratch();
  body(inner);
  w.WriteOpaque(inner.bytes());
}

template <typename T>
void WriteList(codec::TlsWriter& w, const std::vector<T>& items) {
  WriteNested(w, [&](codec::TlsWriter& inner) {
    for (const T& item : items) Encode(inner, item);
  });
}

template <typename T>
Status ReadList(codec::TlsReader& r, std::size_t max, std::vector<T>& out) {
  XS_TRY(codec::TlsReader sub, r.ReadVector(max));
  out.clear();
  while (!sub.empty()) {
    T item{};
    XS_RETURN_IF_ERROR(Decode(sub, item));
    out.push_back(std::move(item));
  }
  return OkStatus();
}

// Decodes one alternative of a variant: `read(value)` fills a fresh
// Alternative, which then replaces `out` (left as it was on failure).
template <typename Alternative, typename Variant, typename Read>
Status DecodeInto(Variant& out, Read&& read) {
  Alternative value{};
  XS_RETURN_IF_ERROR(read(value));
  out = std::move(value);
  return OkStatus();
}

// The same with the Alternative's own Decode.
template <typename Alternative, typename Variant>
Status DecodeAlternative(codec::TlsReader& r, Variant& out) {
  return DecodeInto<Alternative>(out, [&r](Alternative& value) { return Decode(r, value); });
}

void WriteU16List(codec::TlsWriter& w, const std::vector<std::uint16_t>& items);
Status ReadU16List(codec::TlsReader& r, std::size_t max, std::vector<std::uint16_t>& out);
void WriteU32List(codec::TlsWriter& w, const std::vector<std::uint32_t>& items);
Status ReadU32List(codec::TlsReader& r, std::size_t max, std::vector<std::uint32_t>& out);

// optional<T>: a presence octet that must be 0 or 1.
Result<bool> ReadPresence(codec::TlsReader& r, std::string_view field);

// Validation error naming the field of an MLS struct.
Error Malformed(std::string_view field, std::string_view reason);

}  // namespace xs::mls::detail
