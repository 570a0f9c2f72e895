#include "codec/tls_writer.h"

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <cassert>
#include <utility>

#include "codec/tls_reader.h"

namespace xs::codec {

TlsWriter TlsWriter::ForSecrets() {
  TlsWriter w;
  w.wipes_ = true;
  return w;
}

TlsWriter TlsWriter::Scratch() const { return wipes_ ? ForSecrets() : TlsWriter(); }

TlsWriter::~TlsWriter() { Wipe(); }

TlsWriter& TlsWriter::operator=(TlsWriter&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    wipes_ = other.wipes_;
  }
  return *this;
}

void TlsWriter::Wipe() {
  if (wipes_ && !bytes_.empty()) explicit_bzero(bytes_.data(), bytes_.size());
}

void TlsWriter::Reserve(std::size_t extra) {
  if (bytes_.capacity() - bytes_.size() >= extra) return;
  std::vector<std::uint8_t> grown;
  grown.reserve(std::max(bytes_.size() + extra, 2 * bytes_.capacity()));
  grown.assign(bytes_.begin(), bytes_.end());
  Wipe();
  bytes_.swap(grown);
}

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
  if (wipes_) Reserve(bytes.size());
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
}

void TlsWriter::WriteOpaque(std::span<const std::uint8_t> bytes) {
  WriteVarint(bytes.size());
  WriteFixed(bytes);
}

}  // namespace xs::codec
