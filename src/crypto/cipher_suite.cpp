#include "crypto/cipher_suite.h"

#include <string>

#include "codec/tls_reader.h"
#include "codec/tls_writer.h"
#include "crypto/aead.h"
#include "crypto/ed25519.h"
#include "crypto/hash.h"
#include "crypto/hpke.h"
#include "crypto/x25519.h"

namespace xs::crypto {
namespace {

// RFC 9420 §5.1: every MLS label is prefixed with the protocol version.
constexpr std::string_view kLabelPrefix = "MLS 1.0 ";
constexpr std::size_t kMaxExpandLength = 0xFFFF;  // KDFLabel.length is a uint16

AeadAlgorithm AeadOf(CipherSuiteId id) {
  return id == CipherSuiteId::kX25519Aes128GcmSha256Ed25519 ? AeadAlgorithm::kAes128Gcm
                                                            : AeadAlgorithm::kChaCha20Poly1305;
}

bool FitsVarint(std::size_t size) { return size <= codec::kMaxTlsVarint; }

// opaque label<V> = "MLS 1.0 " + label, written without building the string.
void WriteLabel(codec::TlsWriter& writer, std::string_view label) {
  writer.WriteVarint(kLabelPrefix.size() + label.size());
  writer.WriteFixed(AsBytes(kLabelPrefix));
  writer.WriteFixed(AsBytes(label));
}

// The struct {opaque label<V>; opaque body<V>;} shared by SignContent and
// EncryptContext (§5.1.2, §5.1.3).
Result<Bytes> LabeledStruct(std::string_view label, ByteSpan body, std::string_view field) {
  if (!FitsVarint(kLabelPrefix.size() + label.size()) || !FitsVarint(body.size())) {
    return Error::Validation(field, "longer than an MLS vector can be");
  }
  codec::TlsWriter writer;
  WriteLabel(writer, label);
  writer.WriteOpaque(body);
  return std::move(writer).Take();
}

}  // namespace

Result<CipherSuite> CipherSuite::Create(std::uint16_t id) {
  switch (id) {
    case static_cast<std::uint16_t>(CipherSuiteId::kX25519Aes128GcmSha256Ed25519):
    case static_cast<std::uint16_t>(CipherSuiteId::kX25519ChaCha20Poly1305Sha256Ed25519):
      return CipherSuite(static_cast<CipherSuiteId>(id));
    default:
      return Error::Validation("cipher_suite", "unsupported cipher suite " + std::to_string(id));
  }
}

std::size_t CipherSuite::aead_key_size() const { return AeadKeySize(AeadOf(id_)); }

Bytes CipherSuite::Hash(ByteSpan data) const {
  const Digest256 digest = Sha256(data);
  return Bytes(digest.begin(), digest.end());
}

Result<Bytes> CipherSuite::Mac(ByteSpan key, ByteSpan data) const {
  const Digest256 mac = HmacSha256(key, data);
  return Bytes(mac.begin(), mac.end());
}

Secret CipherSuite::Extract(ByteSpan salt, ByteSpan ikm) const { return HkdfExtract(salt, ikm); }

Result<Secret> CipherSuite::Expand(ByteSpan prk, ByteSpan info, std::size_t length) const {
  return HkdfExpand(prk, info, length);
}

Result<Secret> CipherSuite::ExpandWithLabel(ByteSpan secret, std::string_view label,
                                            ByteSpan context, std::size_t length) const {
  if (length > kMaxExpandLength) {
    return Error::Validation("length", "ExpandWithLabel length exceeds 65535");
  }
  if (!FitsVarint(kLabelPrefix.size() + label.size()) || !FitsVarint(context.size())) {
    return Error::Validation("context", "longer than an MLS vector can be");
  }
  // KDFLabel {uint16 length; opaque label<V>; opaque context<V>;}
  codec::TlsWriter kdf_label;
  kdf_label.WriteU16(static_cast<std::uint16_t>(length));
  WriteLabel(kdf_label, label);
  kdf_label.WriteOpaque(context);
  return HkdfExpand(secret, kdf_label.bytes(), length);
}

Result<Secret> CipherSuite::DeriveSecret(ByteSpan secret, std::string_view label) const {
  return ExpandWithLabel(secret, label, {}, hash_size());
}

Result<Secret> CipherSuite::DeriveTreeSecret(ByteSpan secret, std::string_view label,
                                             std::uint32_t generation, std::size_t length) const {
  codec::TlsWriter context;
  context.WriteU32(generation);
  return ExpandWithLabel(secret, label, context.bytes(), length);
}

Bytes CipherSuite::RefHash(std::string_view label, ByteSpan value) const {
  if (!FitsVarint(label.size()) || !FitsVarint(value.size())) return {};
  // RefHashInput {opaque label<V>; opaque value<V>;}, hashed incrementally so
  // that a large value is not copied.
  codec::TlsWriter label_prefix;
  label_prefix.WriteOpaque(AsBytes(label));
  label_prefix.WriteVarint(value.size());
  Sha256Hasher hasher;
  hasher.Update(label_prefix.bytes());
  hasher.Update(value);
  const Digest256 digest = hasher.Final();
  return Bytes(digest.begin(), digest.end());
}

Result<Bytes> CipherSuite::Seal(ByteSpan key, ByteSpan nonce, ByteSpan aad,
                                ByteSpan plaintext) const {
  return AeadSeal(AeadOf(id_), key, nonce, aad, plaintext);
}

Result<Bytes> CipherSuite::Open(ByteSpan key, ByteSpan nonce, ByteSpan aad,
                                ByteSpan ciphertext) const {
  return AeadOpen(AeadOf(id_), key, nonce, aad, ciphertext);
}

SignatureKeyPair CipherSuite::GenerateSignatureKeyPair() const {
  Ed25519KeyPair pair = Ed25519Generate();
  return SignatureKeyPair{std::move(pair.seed),
                          Bytes(pair.public_key.begin(), pair.public_key.end())};
}

Result<Bytes> CipherSuite::SignaturePublicKeyOf(ByteSpan private_key) const {
  XS_TRY(Ed25519KeyPair pair, Ed25519FromSeed(private_key));
  return Bytes(pair.public_key.begin(), pair.public_key.end());
}

Result<Bytes> CipherSuite::SignWithLabel(ByteSpan private_key, std::string_view label,
                                         ByteSpan content) const {
  XS_TRY(Bytes sign_content, LabeledStruct(label, content, "content"));
  XS_TRY(Ed25519Signature signature, Ed25519Sign(private_key, sign_content));
  return Bytes(signature.begin(), signature.end());
}

Result<Bytes> CipherSuite::SignWithLabel(ByteSpan private_key, ByteSpan public_key,
                                         std::string_view label, ByteSpan content) const {
  XS_TRY(Bytes sign_content, LabeledStruct(label, content, "content"));
  XS_TRY(Ed25519Signature signature, Ed25519Sign(private_key, public_key, sign_content));
  return Bytes(signature.begin(), signature.end());
}

bool CipherSuite::VerifyWithLabel(ByteSpan public_key, std::string_view label, ByteSpan content,
                                  ByteSpan signature) const {
  auto sign_content = LabeledStruct(label, content, "content");
  if (!sign_content.ok()) return false;
  return Ed25519Verify(public_key, *sign_content, signature);
}

HpkeKeyPair CipherSuite::GenerateHpkeKeyPair() const {
  Secret private_key = Secret::Random(kX25519KeySize);
  // Cannot fail: the key has the right size.
  Bytes public_key = X25519PublicKeyOf(private_key.bytes()).value();
  return HpkeKeyPair{std::move(private_key), std::move(public_key)};
}

Result<HpkeKeyPair> CipherSuite::DeriveHpkeKeyPair(ByteSpan ikm) const {
  return HpkeDeriveKeyPair(ikm);
}

Result<Bytes> CipherSuite::HpkePublicKeyOf(ByteSpan private_key) const {
  return X25519PublicKeyOf(private_key);
}

Result<HpkeSealed> CipherSuite::HpkeSeal(ByteSpan public_key, ByteSpan info, ByteSpan aad,
                                         ByteSpan plaintext) const {
  return HpkeSealBase(AeadOf(id_), public_key, info, aad, plaintext);
}

Result<Bytes> CipherSuite::HpkeOpen(ByteSpan private_key, ByteSpan kem_output, ByteSpan info,
                                    ByteSpan aad, ByteSpan ciphertext) const {
  return HpkeOpenBase(AeadOf(id_), private_key, kem_output, info, aad, ciphertext);
}

Result<HpkeSealed> CipherSuite::EncryptWithLabel(ByteSpan public_key, std::string_view label,
                                                 ByteSpan context, ByteSpan plaintext) const {
  XS_TRY(Bytes encrypt_context, LabeledStruct(label, context, "context"));
  return HpkeSeal(public_key, encrypt_context, {}, plaintext);
}

Result<Bytes> CipherSuite::DecryptWithLabel(ByteSpan private_key, std::string_view label,
                                            ByteSpan context, ByteSpan kem_output,
                                            ByteSpan ciphertext) const {
  XS_TRY(Bytes encrypt_context, LabeledStruct(label, context, "context"));
  return HpkeOpen(private_key, kem_output, encrypt_context, {}, ciphertext);
}

}  // namespace xs::crypto
