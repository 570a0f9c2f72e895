#include "signet/keys/aead.h"

#include <sodium.h>

namespace xs::signet {

namespace {
const std::uint8_t* Ad(std::string_view ad) {
  return reinterpret_cast<const std::uint8_t*>(ad.data());
}
}  // namespace

std::vector<std::uint8_t> AeadSeal(const crypto::Secret& key, std::span<const std::uint8_t> plain,
                                   std::string_view associated_data) {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::vector<std::uint8_t> out(kNonce + plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(out.data(), kNonce);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kNonce, &clen, plain.data(), plain.size(),
                                             Ad(associated_data), associated_data.size(), nullptr,
                                             out.data(), key.data());
  out.resize(kNonce + clen);
  return out;
}

Result<crypto::Secret> AeadOpen(const crypto::Secret& key, std::span<const std::uint8_t> sealed,
                                std::string_view associated_data) {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (key.size() != kDataKeyBytes) return Error::Internal("data key has the wrong size");
  if (sealed.size() < kNonce + kTag) return Error::Auth("sealed blob is too short");
  crypto::Secret plain(sealed.size() - kNonce - kTag);
  unsigned long long plen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.mutable_bytes().data(), &plen, nullptr,
                                                 sealed.data() + kNonce, sealed.size() - kNonce,
                                                 Ad(associated_data), associated_data.size(),
                                                 sealed.data(), key.data()) != 0) {
    return Error::Auth("decryption failed (wrong key or corrupted data)");
  }
  return plain;
}

}  // namespace xs::signet
