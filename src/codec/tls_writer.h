// Writer for the TLS presentation language as MLS uses it (RFC 9420 §2.1),
// the counterpart of TlsReader: big-endian integers, fixed bytes, and
// varint-length-prefixed vectors (always minimally encoded).
//
// A writer made by ForSecrets() holds key material: when its buffer grows it
// copies the bytes and wipes the old buffer, and its destructor wipes what
// is left, so no copy outlives the writer except what Take() hands over.
//
// Thread contract: a value type; one writer per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace xs::codec {

class TlsWriter {
 public:
  TlsWriter() = default;
  // A writer that wipes every buffer it lets go of (see above).
  static TlsWriter ForSecrets();
  // An empty writer that wipes if this one does: for nested vectors.
  TlsWriter Scratch() const;
  bool wipes() const { return wipes_; }

  ~TlsWriter();
  TlsWriter(TlsWriter&&) noexcept = default;
  TlsWriter& operator=(TlsWriter&&) noexcept;
  TlsWriter(const TlsWriter&) = delete;
  TlsWriter& operator=(const TlsWriter&) = delete;

  void WriteU8(std::uint8_t value) {
    if (wipes_) Reserve(1);
    bytes_.push_back(value);
  }
  void WriteU16(std::uint16_t value);
  void WriteU32(std::uint32_t value);
  void WriteU64(std::uint64_t value);
  // Minimal varint; `value` must be at most kMaxTlsVarint (a larger value is
  // a programming error: no MLS structure can be that long).
  void WriteVarint(std::uint64_t value);
  void WriteFixed(std::span<const std::uint8_t> bytes);
  // opaque data<V>: varint length + bytes.
  void WriteOpaque(std::span<const std::uint8_t> bytes);

  std::span<const std::uint8_t> bytes() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }
  std::vector<std::uint8_t> Take() && { return std::move(bytes_); }

 private:
  // Room for `extra` more bytes, moved to a new buffer (the old one wiped)
  // when the current one is too small.
  void Reserve(std::size_t extra);
  void Wipe();

  std::vector<std::uint8_t> bytes_;
  bool wipes_ = false;
};

// Bytes of the minimal varint encoding of `value` (1, 2 or 4).
std::size_t TlsVarintSize(std::uint64_t value);

}  // namespace xs::codec
