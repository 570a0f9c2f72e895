#include "mls/psk.h"

#include "codec/tls_writer.h"
#include "mls/key_schedule.h"

namespace xs::mls {
namespace {

constexpr std::string_view kDerivedPskLabel = "derived psk";

// PSKLabel { PreSharedKeyID id; uint16 index; uint16 count; } (§8.4).
Bytes EncodePskLabel(const PreSharedKeyId& id, std::uint16_t index, std::uint16_t count) {
  codec::TlsWriter w;
  Encode(w, id);
  w.WriteU16(index);
  w.WriteU16(count);
  return std::move(w).Take();
}

}  // namespace

Result<crypto::Secret> DerivePskSecret(const crypto::CipherSuite& suite,
                                       std::span<const PskWithSecret> psks) {
  if (psks.size() > kMaxPskCount) {
    return Error::Validation("mls.psks", "more PSKs than PSKLabel.count can express");
  }
  const auto count = static_cast<std::uint16_t>(psks.size());
  const crypto::Secret zero = ZeroSecret(suite);
  crypto::Secret psk_secret = ZeroSecret(suite);
  for (std::uint16_t index = 0; index < count; ++index) {
    const PskWithSecret& entry = psks[index];
    const crypto::Secret extracted = suite.Extract(zero.bytes(), entry.psk.bytes());
    XS_TRY(const crypto::Secret input,
           suite.ExpandWithLabel(extracted.bytes(), kDerivedPskLabel,
                                 EncodePskLabel(entry.id, index, count), suite.hash_size()));
    psk_secret = suite.Extract(input.bytes(), psk_secret.bytes());
  }
  return psk_secret;
}

}  // namespace xs::mls
