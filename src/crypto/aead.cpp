#include "crypto/aead.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "crypto/secret.h"

namespace xs::crypto {
namespace {

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

// Fetched once: the implicit fetch behind EVP_aes_128_gcm() costs a provider
// lookup on every initialisation in OpenSSL 3.
const EVP_CIPHER* Cipher(AeadAlgorithm algorithm) {
  static EVP_CIPHER* const aes = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  static EVP_CIPHER* const aes256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  static EVP_CIPHER* const chacha = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  switch (algorithm) {
    case AeadAlgorithm::kAes128Gcm:
      return aes;
    case AeadAlgorithm::kAes256Gcm:
      return aes256;
    case AeadAlgorithm::kChaCha20Poly1305:
      return chacha;
  }
  return nullptr;
}

// OpenSSL takes int lengths; MLS messages are far below 2 GiB, but an
// attacker-sized buffer must not wrap.
constexpr std::size_t kMaxAeadInput = std::size_t{1} << 30;

Status CheckSizes(AeadAlgorithm algorithm, std::span<const std::uint8_t> key,
                  std::span<const std::uint8_t> nonce, std::size_t aad_size,
                  std::size_t text_size) {
  if (key.size() != AeadKeySize(algorithm)) {
    return Error::Validation("aead key", "wrong key size for the AEAD");
  }
  if (nonce.size() != kAeadNonceSize) {
    return Error::Validation("aead nonce", "an AEAD nonce is 12 bytes");
  }
  if (aad_size > kMaxAeadInput || text_size > kMaxAeadInput) {
    return Error::Validation("aead input", "longer than 2^30 bytes");
  }
  return OkStatus();
}

Result<CipherContext> Start(AeadAlgorithm algorithm, std::span<const std::uint8_t> key,
                            std::span<const std::uint8_t> nonce, std::span<const std::uint8_t> aad,
                            bool encrypt) {
  const EVP_CIPHER* cipher = Cipher(algorithm);
  CipherContext context(EVP_CIPHER_CTX_new());
  if (cipher == nullptr || !context) return Error::Internal("AEAD cipher unavailable");
  const int enc = encrypt ? 1 : 0;
  if (EVP_CipherInit_ex(context.get(), cipher, nullptr, nullptr, nullptr, enc) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(kAeadNonceSize),
                          nullptr) != 1 ||
      EVP_CipherInit_ex(context.get(), nullptr, nullptr, key.data(), nonce.data(), enc) != 1) {
    return Error::Internal("AEAD initialisation failed");
  }
  if (!aad.empty()) {
    int ignored = 0;
    if (EVP_CipherUpdate(context.get(), nullptr, &ignored, aad.data(),
                         static_cast<int>(aad.size())) != 1) {
      return Error::Internal("AEAD aad failed");
    }
  }
  return context;
}

}  // namespace

std::size_t AeadKeySize(AeadAlgorithm algorithm) {
  return algorithm == AeadAlgorithm::kAes128Gcm ? 16 : 32;  // AES-256 and ChaCha20: 32
}

Result<std::vector<std::uint8_t>> AeadSeal(AeadAlgorithm algorithm,
                                           std::span<const std::uint8_t> key,
                                           std::span<const std::uint8_t> nonce,
                                           std::span<const std::uint8_t> aad,
                                           std::span<const std::uint8_t> plaintext) {
  XS_RETURN_IF_ERROR(CheckSizes(algorithm, key, nonce, aad.size(), plaintext.size()));
  XS_TRY(CipherContext context, Start(algorithm, key, nonce, aad, /*encrypt=*/true));
  std::vector<std::uint8_t> out(plaintext.size() + kAeadTagSize);
  int written = 0;
  if (!plaintext.empty() && EVP_CipherUpdate(context.get(), out.data(), &written, plaintext.data(),
                                             static_cast<int>(plaintext.size())) != 1) {
    return Error::Internal("AEAD encryption failed");
  }
  // Stream AEADs emit nothing at Final; a scratch block keeps the pointer
  // valid even for an empty plaintext.
  std::uint8_t final_block[kAeadTagSize];
  int final_written = 0;
  if (EVP_CipherFinal_ex(context.get(), final_block, &final_written) != 1 || final_written != 0 ||
      static_cast<std::size_t>(written) != plaintext.size() ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kAeadTagSize),
                          out.data() + plaintext.size()) != 1) {
    return Error::Internal("AEAD encryption failed");
  }
  return out;
}

Result<std::vector<std::uint8_t>> AeadOpen(AeadAlgorithm algorithm,
                                           std::span<const std::uint8_t> key,
                                           std::span<const std::uint8_t> nonce,
                                           std::span<const std::uint8_t> aad,
                                           std::span<const std::uint8_t> ciphertext) {
  XS_RETURN_IF_ERROR(CheckSizes(algorithm, key, nonce, aad.size(), ciphertext.size()));
  if (ciphertext.size() < kAeadTagSize) {
    return Error::Validation("aead ciphertext", "shorter than the 16-byte tag");
  }
  const std::size_t body_size = ciphertext.size() - kAeadTagSize;
  XS_TRY(CipherContext context, Start(algorithm, key, nonce, aad, /*encrypt=*/false));
  // The tag is an input; OpenSSL's ctrl takes a non-const pointer.
  std::uint8_t tag[kAeadTagSize];
  std::copy(ciphertext.begin() + static_cast<std::ptrdiff_t>(body_size), ciphertext.end(), tag);
  std::vector<std::uint8_t> out(body_size);
  int written = 0;
  if (body_size > 0 && EVP_CipherUpdate(context.get(), out.data(), &written, ciphertext.data(),
                                        static_cast<int>(body_size)) != 1) {
    return Error::Internal("AEAD decryption failed");
  }
  if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kAeadTagSize),
                          tag) != 1) {
    return Error::Internal("AEAD decryption failed");
  }
  std::uint8_t final_block[kAeadTagSize];
  int final_written = 0;
  if (EVP_CipherFinal_ex(context.get(), final_block, &final_written) != 1 || final_written != 0 ||
      static_cast<std::size_t>(written) != body_size) {
    // Unauthenticated plaintext must not survive the failure.
    Wipe(out);
    return Error::Auth("AEAD authentication failed");
  }
  return out;
}

}  // namespace xs::crypto
