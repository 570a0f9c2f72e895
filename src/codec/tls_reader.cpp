#include "codec/tls_reader.h"

#include <string>

namespace xs::codec {

Error TlsReader::Short(std::size_t wanted) const {
  return Error::Validation(field_, "truncated: needs " + std::to_string(wanted) +
                                       " more bytes at offset " + std::to_string(position_) +
                                       ", has " + std::to_string(remaining()));
}

template <typename T>
Result<T> TlsReader::ReadBigEndian() {
  if (remaining() < sizeof(T)) return Short(sizeof(T));
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value = static_cast<T>((value << 8) | bytes_[position_ + i]);
  }
  position_ += sizeof(T);
  return value;
}

Result<std::uint8_t> TlsReader::ReadU8() { return ReadBigEndian<std::uint8_t>(); }
Result<std::uint16_t> TlsReader::ReadU16() { return ReadBigEndian<std::uint16_t>(); }
Result<std::uint32_t> TlsReader::ReadU32() { return ReadBigEndian<std::uint32_t>(); }
Result<std::uint64_t> TlsReader::ReadU64() { return ReadBigEndian<std::uint64_t>(); }

Result<std::uint64_t> TlsReader::ReadVarint() {
  if (empty()) return Short(1);
  const std::uint8_t first = bytes_[position_];
  const std::size_t prefix = first >> 6;
  if (prefix == 3) {
    return Error::Validation(field_, "varint with 8-byte prefix is not allowed in MLS");
  }
  const std::size_t length = std::size_t{1} << prefix;
  if (remaining() < length) return Short(length);
  std::uint64_t value = first & 0x3F;
  for (std::size_t i = 1; i < length; ++i) value = (value << 8) | bytes_[position_ + i];
  // RFC 9420 §2.1.2: the minimum number of bytes must be used.
  if ((length == 2 && value < 0x40) || (length == 4 && value < 0x4000)) {
    return Error::Validation(field_, "varint is not minimally encoded");
  }
  position_ += length;
  return value;
}

Result<std::span<const std::uint8_t>> TlsReader::ReadFixed(std::size_t size) {
  if (remaining() < size) return Short(size);
  auto out = bytes_.subspan(position_, size);
  position_ += size;
  return out;
}

Result<std::span<const std::uint8_t>> TlsReader::ReadOpaque(std::size_t max) {
  const std::size_t start = position_;
  XS_TRY(std::uint64_t length, ReadVarint());
  if (length > max) {
    position_ = start;
    return Error::Validation(field_, "vector of " + std::to_string(length) +
                                         " bytes exceeds the maximum of " + std::to_string(max));
  }
  if (remaining() < length) {
    position_ = start;
    return Short(static_cast<std::size_t>(length));
  }
  auto out = bytes_.subspan(position_, static_cast<std::size_t>(length));
  position_ += static_cast<std::size_t>(length);
  return out;
}

Result<TlsReader> TlsReader::ReadVector(std::size_t max) {
  XS_TRY(auto body, ReadOpaque(max));
  return TlsReader(body, field_);
}

Status TlsReader::ExpectEnd() const {
  if (empty()) return OkStatus();
  return Error::Validation(field_, std::to_string(remaining()) + " unexpected trailing bytes");
}

}  // namespace xs::codec
