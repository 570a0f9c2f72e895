// The MLS cipher suites XMTP needs (RFC 9420 §5.1, §17.1):
//   1  MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519        (the RFC's mandatory suite)
//   3  MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519 (what XMTP uses)
// Both share KEM DHKEM(X25519, HKDF-SHA256), KDF HKDF-SHA256, hash SHA-256 and
// Ed25519 signatures; they differ only in the AEAD. The labelled helpers of
// RFC 9420 §5 (ExpandWithLabel, DeriveSecret, RefHash, SignWithLabel,
// EncryptWithLabel) live here so that the MLS layer never touches a primitive.
//
// HPKE is RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256) (kem 0x0020),
// HKDF-SHA256 (kdf 0x0001), the suite's AEAD (0x0001 AES-128-GCM or 0x0003
// ChaCha20-Poly1305).
//
// Key material: private keys and derived secrets are crypto::Secret. Ed25519
// private keys are the 32-byte RFC 8032 seed (the form the MLS test vectors
// use); HPKE private keys are the 32-byte X25519 scalar.
//
// Thread contract: a CipherSuite is an immutable value, safe to share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/secret.h"

namespace xs::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

enum class CipherSuiteId : std::uint16_t {
  kX25519Aes128GcmSha256Ed25519 = 1,
  kX25519ChaCha20Poly1305Sha256Ed25519 = 3,
};

struct SignatureKeyPair {
  Secret private_key;  // Ed25519 seed
  Bytes public_key;    // 32 bytes
};

struct HpkeKeyPair {
  Secret private_key;  // X25519 scalar
  Bytes public_key;    // 32 bytes
};

// HPKE output: the KEM encapsulation and the AEAD ciphertext (RFC 9420
// HPKECiphertext{kem_output, ciphertext}).
struct HpkeSealed {
  Bytes kem_output;
  Bytes ciphertext;
};

class CipherSuite {
 public:
  // Validation error for any suite other than 1 and 3.
  static Result<CipherSuite> Create(std::uint16_t id);

  std::uint16_t id() const { return static_cast<std::uint16_t>(id_); }
  std::size_t hash_size() const { return 32; }        // Nh
  std::size_t aead_key_size() const;                  // Nk: 16 (suite 1) or 32 (suite 3)
  std::size_t aead_nonce_size() const { return 12; }  // Nn
  std::size_t aead_tag_size() const { return 16; }
  std::size_t hpke_public_key_size() const { return 32; }
  std::size_t signature_public_key_size() const { return 32; }

  // Hash, MAC, KDF.
  Bytes Hash(ByteSpan data) const;
  Result<Bytes> Mac(ByteSpan key, ByteSpan data) const;  // HMAC-SHA256
  Secret Extract(ByteSpan salt, ByteSpan ikm) const;
  Result<Secret> Expand(ByteSpan prk, ByteSpan info, std::size_t length) const;
  // RFC 9420 §5.1: KDFLabel{length, "MLS 1.0 " + label, context}.
  Result<Secret> ExpandWithLabel(ByteSpan secret, std::string_view label, ByteSpan context,
                                 std::size_t length) const;
  // ExpandWithLabel(secret, label, "", Nh).
  Result<Secret> DeriveSecret(ByteSpan secret, std::string_view label) const;
  // RFC 9420 §9: ExpandWithLabel(secret, label, uint32 generation, length)
  // (added by helper mlscrypto for the secret tree).
  Result<Secret> DeriveTreeSecret(ByteSpan secret, std::string_view label, std::uint32_t generation,
                                  std::size_t length) const;
  // RFC 9420 §5.2: Hash(RefHashInput{"MLS 1.0 " ... label, value}); `label` is the full
  // label, e.g. "MLS 1.0 KeyPackage Reference".
  Bytes RefHash(std::string_view label, ByteSpan value) const;

  // AEAD (ciphertext includes the 16-byte tag). Open fails with an Auth error.
  Result<Bytes> Seal(ByteSpan key, ByteSpan nonce, ByteSpan aad, ByteSpan plaintext) const;
  Result<Bytes> Open(ByteSpan key, ByteSpan nonce, ByteSpan aad, ByteSpan ciphertext) const;

  // Signatures: Ed25519 over SignContent{"MLS 1.0 " + label, content} (§5.1.2).
  SignatureKeyPair GenerateSignatureKeyPair() const;
  Result<Bytes> SignaturePublicKeyOf(ByteSpan private_key) const;
  Result<Bytes> SignWithLabel(ByteSpan private_key, std::string_view label, ByteSpan content) const;
  // The same with the private key's public key given (Ed25519Sign's rule:
  // only the key that comes with it, e.g. our own leaf's).
  Result<Bytes> SignWithLabel(ByteSpan private_key, ByteSpan public_key, std::string_view label,
                              ByteSpan content) const;
  bool VerifyWithLabel(ByteSpan public_key, std::string_view label, ByteSpan content,
                       ByteSpan signature) const;

  // HPKE (RFC 9180 base mode).
  HpkeKeyPair GenerateHpkeKeyPair() const;
  // DeriveKeyPair(ikm) of RFC 9180 §7.1.3 (used for MLS node keys, §4 of RFC 9420).
  Result<HpkeKeyPair> DeriveHpkeKeyPair(ByteSpan ikm) const;
  Result<Bytes> HpkePublicKeyOf(ByteSpan private_key) const;
  Result<HpkeSealed> HpkeSeal(ByteSpan public_key, ByteSpan info, ByteSpan aad,
                              ByteSpan plaintext) const;
  Result<Bytes> HpkeOpen(ByteSpan private_key, ByteSpan kem_output, ByteSpan info, ByteSpan aad,
                         ByteSpan ciphertext) const;
  // RFC 9420 §5.1.3: HPKE with info = EncryptContext{"MLS 1.0 " + label, context}, empty aad.
  Result<HpkeSealed> EncryptWithLabel(ByteSpan public_key, std::string_view label, ByteSpan context,
                                      ByteSpan plaintext) const;
  Result<Bytes> DecryptWithLabel(ByteSpan private_key, std::string_view label, ByteSpan context,
                                 ByteSpan kem_output, ByteSpan ciphertext) const;

 private:
  explicit CipherSuite(CipherSuiteId id) : id_(id) {}
  CipherSuiteId id_;
};

}  // namespace xs::crypto
