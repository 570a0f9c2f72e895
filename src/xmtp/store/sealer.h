// Encryption at rest of the store's secret columns: ChaCha20-Poly1305 under a
// key derived from the store key, a random 96-bit nonce per write, and the
// row's identity (table, column, primary key: RowAad) as associated data, so
// a sealed value moved to another row or column no longer opens.
//
//   sealed = 0x01 || nonce[12] || ciphertext || tag[16]
//
// The store key itself never touches the file: the sealing key and the key
// check value (stored so that a wrong key fails at Open) are two HMAC-SHA256
// derivations of it under distinct labels.
//
// Thread contract: a Sealer is immutable after construction; const methods
// are safe from several threads.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "codec/tls_writer.h"
#include "crypto/secret.h"

namespace xs::xmtp::store {

inline constexpr std::size_t kStoreKeySize = 32;

// The associated data of one sealed cell: table, column, then the parts of
// the row's primary key (and anything else the value must stay bound to).
class RowAad {
 public:
  RowAad(std::string_view table, std::string_view column);
  RowAad& Add(std::span<const std::uint8_t> part);
  RowAad& Add(std::string_view part);
  RowAad& Add(std::int64_t part);
  std::span<const std::uint8_t> bytes() const { return w_.bytes(); }

 private:
  codec::TlsWriter w_;
};

class Sealer {
 public:
  // `store_key` must be kStoreKeySize bytes (checked by Store::Open).
  explicit Sealer(const crypto::Secret& store_key);

  // Stored in the database; equal for equal store keys only.
  std::vector<std::uint8_t> KeyCheck() const;

  Result<std::vector<std::uint8_t>> Seal(const RowAad& row,
                                         std::span<const std::uint8_t> plaintext) const;
  // kSealedRowInvalid when the value was not sealed for this row under this key.
  Result<crypto::Secret> Open(const RowAad& row, std::span<const std::uint8_t> sealed) const;

 private:
  crypto::Secret seal_key_;
  crypto::Secret check_key_;
};

}  // namespace xs::xmtp::store
