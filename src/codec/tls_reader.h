// Reader for the TLS presentation language as MLS uses it (RFC 9420 §2.1):
// big-endian fixed-width integers, fixed byte strings, and variable-length
// vectors whose length is a QUIC-style varint (RFC 9000 §16, at most 2^30-1,
// minimal encoding required).
//
// The reader is a bounds-checked cursor over borrowed bytes: nothing is
// copied, every read past the end or beyond a caller-named maximum is a
// Validation error, and a failed read leaves the cursor where it was.
//
// Thread contract: a value type; one reader per thread. The underlying bytes
// must outlive the reader and every span it returns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/result.h"

namespace xs::codec {

// RFC 9420 §2.1.2: vector lengths are varints of at most 30 bits.
inline constexpr std::uint64_t kMaxTlsVarint = (std::uint64_t{1} << 30) - 1;

class TlsReader {
 public:
  TlsReader() = default;
  explicit TlsReader(std::span<const std::uint8_t> bytes, std::string_view field = "tls")
      : bytes_(bytes), field_(field) {}

  // Names the field that the following reads report in their Validation
  // errors, for one reader walking several fields: in.Named("epoch").ReadU64().
  // The name is borrowed and must outlive the reader.
  TlsReader& Named(std::string_view field) {
    field_ = field;
    return *this;
  }

  Result<std::uint8_t> ReadU8();
  Result<std::uint16_t> ReadU16();
  Result<std::uint32_t> ReadU32();
  Result<std::uint64_t> ReadU64();
  // A varint, rejected unless minimally encoded and at most kMaxTlsVarint.
  Result<std::uint64_t> ReadVarint();

  // Exactly `size` bytes.
  Result<std::span<const std::uint8_t>> ReadFixed(std::size_t size);
  // opaque data<V>: a varint length, at most `max`, then that many bytes.
  Result<std::span<const std::uint8_t>> ReadOpaque(std::size_t max);
  // The body of a vector<V> of structs, as a reader over just that body.
  Result<TlsReader> ReadVector(std::size_t max);

  bool empty() const { return position_ == bytes_.size(); }
  std::size_t remaining() const { return bytes_.size() - position_; }
  std::size_t position() const { return position_; }
  // Validation error unless every byte has been read.
  Status ExpectEnd() const;

 private:
  Error Short(std::size_t wanted) const;
  template <typename T>
  Result<T> ReadBigEndian();

  std::span<const std::uint8_t> bytes_;
  std::size_t position_ = 0;
  std::string_view field_ = "tls";
};

}  // namespace xs::codec
