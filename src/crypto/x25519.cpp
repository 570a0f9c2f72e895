#include "crypto/x25519.h"

#include <openssl/evp.h>

#include <memory>

#include "crypto/hash.h"

namespace xs::crypto {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct PkeyContextDeleter {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, PkeyContextDeleter>;

// OpenSSL wipes the private key buffer it copies when the EVP_PKEY is freed.
Result<Pkey> PrivateKey(std::span<const std::uint8_t> private_key) {
  if (private_key.size() != kX25519KeySize) {
    return Error::Validation("x25519 private key", "an X25519 private key is 32 bytes");
  }
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(),
                                        private_key.size()));
  if (!key) return Error::Internal("X25519 private key import failed");
  return key;
}

Result<std::vector<std::uint8_t>> PublicKeyOf(const Pkey& key) {
  std::vector<std::uint8_t> public_key(kX25519KeySize);
  std::size_t size = public_key.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), public_key.data(), &size) != 1 ||
      size != kX25519KeySize) {
    return Error::Internal("X25519 public key export failed");
  }
  return public_key;
}

}  // namespace

Result<std::vector<std::uint8_t>> X25519PublicKeyOf(std::span<const std::uint8_t> private_key) {
  XS_TRY(Pkey key, PrivateKey(private_key));
  return PublicKeyOf(key);
}

Result<X25519Agreement> X25519Agree(std::span<const std::uint8_t> private_key,
                                    std::span<const std::uint8_t> peer_public_key) {
  if (peer_public_key.size() != kX25519KeySize) {
    return Error::Validation("x25519 public key", "an X25519 public key is 32 bytes");
  }
  XS_TRY(Pkey key, PrivateKey(private_key));
  Pkey peer(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer_public_key.data(),
                                        peer_public_key.size()));
  if (!peer) return Error::Validation("x25519 public key", "not an X25519 public key");
  PkeyContext context(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!context || EVP_PKEY_derive_init(context.get()) != 1) {
    return Error::Internal("X25519 derive setup failed");
  }
  if (EVP_PKEY_derive_set_peer(context.get(), peer.get()) != 1) {
    return Error::Validation("x25519 public key", "rejected peer public key");
  }
  Secret shared(kX25519KeySize);
  std::size_t size = shared.size();
  // OpenSSL itself fails the derivation when the result is all zeros.
  if (EVP_PKEY_derive(context.get(), shared.mutable_bytes().data(), &size) != 1) {
    return Error::Validation("x25519 public key", "low-order peer public key");
  }
  static constexpr std::uint8_t kZeros[kX25519KeySize] = {};
  if (size != kX25519KeySize || ConstantTimeEquals(shared.bytes(), kZeros)) {
    return Error::Validation("x25519 public key", "low-order peer public key");
  }
  XS_TRY(std::vector<std::uint8_t> public_key, PublicKeyOf(key));
  return X25519Agreement{std::move(shared), std::move(public_key)};
}

}  // namespace xs::crypto
