#include "codec/tls_writer.h"

#include <cassert>

#include "codec/tls_reader.h"

namespace xs::codec {

void TlsWriter::WriteU16(std::uint16_t value) {
  WriteU8(static_cast<std::uint8_t>(value >> 8));
  WriteU8(static_cast<std::uint8_t>(value));
}

void TlsWriter::WriteU32(std::uint32_t value) {
  WriteU16(static_cast<std::uint16_t>(value >> 16));
  WriteU16(static_cast<std::uint16_t>(value));
}

void TlsWriter::WriteU64(std::uint64_t value) {
  WriteU32(static_cast<std::uint32_t>(value >> 32));
  WriteU32(static_cast<std::uint32_t>(value));
}

std::size_t TlsVarintSize(std::uint64_t value) {
  if (value < 0x40) return 1;
  if (value < 0x4000) return 2;
  return 4;
}

void TlsWriter::WriteVarint(std::uint64_t value) {
  assert(value <= kMaxTlsVarint);
  switch (TlsVarintSize(value)) {
    case 1:
      WriteU8(static_cast<std::uint8_t>(value));
      break;
    case 2:
      WriteU16(static_cast<std::uint16_t>(0x4000 | value));
      break;
    default:
      WriteU32(static_cast<std::uint32_t>(0x80000000u | value));
      break;
  }
}

void TlsWriter::WriteFixed(std::span<const std::uint8_t> bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
}

void TlsWriter::WriteOpaque(std::span<const std::uint8_t> bytes) {
  WriteVarint(bytes.size());
  WriteFixed(bytes);
}

}  // namespace xs::codec
