#include "xmtp/store/sealer.h"

#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "xmtp/store/store_error.h"

namespace xs::xmtp::store {
namespace {

constexpr std::uint8_t kSealFormat = 1;
constexpr std::string_view kAadLabel = "xs.xmtp.store.row.v1";
constexpr std::string_view kSealKeyLabel = "xs.xmtp.store.seal-key.v1";
constexpr std::string_view kCheckLabel = "xs.xmtp.store.key-check.v1";
constexpr auto kAlgorithm = crypto::AeadAlgorithm::kChaCha20Poly1305;

std::span<const std::uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

crypto::Secret Derive(const crypto::Secret& key, std::string_view label) {
  crypto::Digest256 d = crypto::HmacSha256(key.bytes(), AsBytes(label));
  crypto::Secret out = crypto::Secret::Copy(d);
  crypto::Wipe(d);
  return out;
}

}  // namespace

RowAad::RowAad(std::string_view table, std::string_view column) {
  w_.WriteOpaque(AsBytes(kAadLabel));
  w_.WriteOpaque(AsBytes(table));
  w_.WriteOpaque(AsBytes(column));
}

RowAad& RowAad::Add(std::span<const std::uint8_t> part) {
  w_.WriteOpaque(part);
  return *this;
}

RowAad& RowAad::Add(std::string_view part) { return Add(AsBytes(part)); }

RowAad& RowAad::Add(std::int64_t part) {
  w_.WriteU64(static_cast<std::uint64_t>(part));
  return *this;
}

Sealer::Sealer(const crypto::Secret& store_key)
    : seal_key_(Derive(store_key, kSealKeyLabel)), check_key_(Derive(store_key, kCheckLabel)) {}

std::vector<std::uint8_t> Sealer::KeyCheck() const {
  return std::vector<std::uint8_t>(check_key_.bytes().begin(), check_key_.bytes().end());
}

Result<std::vector<std::uint8_t>> Sealer::Seal(const RowAad& row,
                                               std::span<const std::uint8_t> plaintext) const {
  std::vector<std::uint8_t> nonce = crypto::RandomVector(crypto::kAeadNonceSize);
  XS_TRY(std::vector<std::uint8_t> ct,
         crypto::AeadSeal(kAlgorithm, seal_key_.bytes(), nonce, row.bytes(), plaintext));
  std::vector<std::uint8_t> out;
  out.reserve(1 + nonce.size() + ct.size());
  out.push_back(kSealFormat);
  out.insert(out.end(), nonce.begin(), nonce.end());
  out.insert(out.end(), ct.begin(), ct.end());
  return out;
}

Result<crypto::Secret> Sealer::Open(const RowAad& row, std::span<const std::uint8_t> sealed) const {
  constexpr std::size_t kHeader = 1 + crypto::kAeadNonceSize;
  if (sealed.size() < kHeader + crypto::kAeadTagSize || sealed[0] != kSealFormat) {
    return MakeStoreError(StoreError::kSealedRowInvalid, "sealed value is malformed");
  }
  auto plain =
      crypto::AeadOpen(kAlgorithm, seal_key_.bytes(), sealed.subspan(1, crypto::kAeadNonceSize),
                       row.bytes(), sealed.subspan(kHeader));
  if (!plain.ok()) {
    return MakeStoreError(StoreError::kSealedRowInvalid, "sealed value does not open for this row");
  }
  crypto::Secret out = crypto::Secret::Copy(plain.value());
  crypto::Wipe(plain.value());
  return out;
}

}  // namespace xs::xmtp::store
