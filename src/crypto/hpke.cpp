#include "crypto/hpke.h"

#include <algorithm>
#include <array>

#include "crypto/hash.h"
#include "crypto/x25519.h"

namespace xs::crypto {
namespace {

constexpr std::string_view kVersionLabel = "HPKE-v1";
constexpr std::uint16_t kKemId = 0x0020;
constexpr std::uint16_t kKdfId = 0x0001;
constexpr std::size_t kNsecret = 32;  // DHKEM(X25519) shared secret size
constexpr std::size_t kNh = 32;       // HKDF-SHA256 output size
constexpr std::uint8_t kModeBase = 0x00;

// suite_id of §4.1 ("KEM" || kem_id) and §5.1 ("HPKE" || kem || kdf || aead).
using KemSuiteId = std::array<std::uint8_t, 5>;
using HpkeSuiteId = std::array<std::uint8_t, 10>;

constexpr KemSuiteId kKemSuiteId = {'K', 'E', 'M', kKemId >> 8, kKemId & 0xFF};

HpkeSuiteId HpkeSuite(AeadAlgorithm aead) {
  const auto aead_id = static_cast<std::uint16_t>(aead);
  return {'H',
          'P',
          'K',
          'E',
          kKemId >> 8,
          kKemId & 0xFF,
          kKdfId >> 8,
          kKdfId & 0xFF,
          static_cast<std::uint8_t>(aead_id >> 8),
          static_cast<std::uint8_t>(aead_id & 0xFF)};
}

void Append(std::uint8_t*& cursor, ByteSpan bytes) {
  cursor = std::copy(bytes.begin(), bytes.end(), cursor);
}

// LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id ||
// label || ikm). The ikm is often a DH output, so the input is a Secret.
Secret LabeledExtract(ByteSpan suite_id, ByteSpan salt, std::string_view label, ByteSpan ikm) {
  Secret input(kVersionLabel.size() + suite_id.size() + label.size() + ikm.size());
  std::uint8_t* cursor = input.mutable_bytes().data();
  Append(cursor, AsBytes(kVersionLabel));
  Append(cursor, suite_id);
  Append(cursor, AsBytes(label));
  Append(cursor, ikm);
  return HkdfExtract(salt, input.bytes());
}

// LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) || "HPKE-v1" ||
// suite_id || label || info, L). The info here is public.
Result<Secret> LabeledExpand(ByteSpan suite_id, ByteSpan prk, std::string_view label, ByteSpan info,
                             std::size_t length) {
  Bytes labeled_info;
  labeled_info.reserve(2 + kVersionLabel.size() + suite_id.size() + label.size() + info.size());
  labeled_info.push_back(static_cast<std::uint8_t>(length >> 8));
  labeled_info.push_back(static_cast<std::uint8_t>(length));
  auto append = [&labeled_info](ByteSpan bytes) {
    labeled_info.insert(labeled_info.end(), bytes.begin(), bytes.end());
  };
  append(AsBytes(kVersionLabel));
  append(suite_id);
  append(AsBytes(label));
  append(info);
  return HkdfExpand(prk, labeled_info, length);
}

// ExtractAndExpand of the DHKEM (§4.1), kem_context = enc || pkR.
Result<Secret> ExtractAndExpand(const Secret& dh, ByteSpan enc, ByteSpan recipient_public_key) {
  Bytes kem_context(enc.begin(), enc.end());
  kem_context.insert(kem_context.end(), recipient_public_key.begin(), recipient_public_key.end());
  Secret eae_prk = LabeledExtract(kKemSuiteId, {}, "eae_prk", dh.bytes());
  return LabeledExpand(kKemSuiteId, eae_prk.bytes(), "shared_secret", kem_context, kNsecret);
}

Result<HpkeSealed> SealWithEncapsulation(AeadAlgorithm aead, HpkeEncapsulation encapsulation,
                                         ByteSpan info, ByteSpan aad, ByteSpan plaintext) {
  XS_TRY(HpkeContextSecrets context,
         HpkeKeyScheduleBase(aead, encapsulation.shared_secret.bytes(), info));
  // Sequence number 0: the nonce is base_nonce itself (§5.2).
  XS_TRY(Bytes ciphertext,
         AeadSeal(aead, context.key.bytes(), context.base_nonce.bytes(), aad, plaintext));
  return HpkeSealed{std::move(encapsulation.enc), std::move(ciphertext)};
}

}  // namespace

Result<HpkeKeyPair> HpkeDeriveKeyPair(ByteSpan ikm) {
  Secret dkp_prk = LabeledExtract(kKemSuiteId, {}, "dkp_prk", ikm);
  XS_TRY(Secret private_key, LabeledExpand(kKemSuiteId, dkp_prk.bytes(), "sk", {}, kX25519KeySize));
  XS_TRY(Bytes public_key, X25519PublicKeyOf(private_key.bytes()));
  return HpkeKeyPair{std::move(private_key), std::move(public_key)};
}

Result<HpkeEncapsulation> HpkeEncapWithEphemeral(ByteSpan ephemeral_private_key,
                                                 ByteSpan recipient_public_key) {
  XS_TRY(X25519Agreement agreement, X25519Agree(ephemeral_private_key, recipient_public_key));
  XS_TRY(Secret shared_secret,
         ExtractAndExpand(agreement.shared_secret, agreement.public_key, recipient_public_key));
  return HpkeEncapsulation{std::move(shared_secret), std::move(agreement.public_key)};
}

Result<Secret> HpkeDecap(ByteSpan enc, ByteSpan recipient_private_key) {
  XS_TRY(X25519Agreement agreement, X25519Agree(recipient_private_key, enc));
  return ExtractAndExpand(agreement.shared_secret, enc, agreement.public_key);
}

Result<HpkeContextSecrets> HpkeKeyScheduleBase(AeadAlgorithm aead, ByteSpan shared_secret,
                                               ByteSpan info) {
  const HpkeSuiteId suite_id = HpkeSuite(aead);
  // psk and psk_id are empty in base mode.
  Secret psk_id_hash = LabeledExtract(suite_id, {}, "psk_id_hash", {});
  Secret info_hash = LabeledExtract(suite_id, {}, "info_hash", info);
  Bytes key_schedule_context;
  key_schedule_context.reserve(1 + 2 * kNh);
  key_schedule_context.push_back(kModeBase);
  key_schedule_context.insert(key_schedule_context.end(), psk_id_hash.bytes().begin(),
                              psk_id_hash.bytes().end());
  key_schedule_context.insert(key_schedule_context.end(), info_hash.bytes().begin(),
                              info_hash.bytes().end());
  Secret secret = LabeledExtract(suite_id, shared_secret, "secret", {});
  XS_TRY(Secret key,
         LabeledExpand(suite_id, secret.bytes(), "key", key_schedule_context, AeadKeySize(aead)));
  XS_TRY(Secret base_nonce, LabeledExpand(suite_id, secret.bytes(), "base_nonce",
                                          key_schedule_context, kAeadNonceSize));
  XS_TRY(Secret exporter_secret,
         LabeledExpand(suite_id, secret.bytes(), "exp", key_schedule_context, kNh));
  return HpkeContextSecrets{std::move(key), std::move(base_nonce), std::move(exporter_secret)};
}

Result<HpkeSealed> HpkeSealBase(AeadAlgorithm aead, ByteSpan recipient_public_key, ByteSpan info,
                                ByteSpan aad, ByteSpan plaintext) {
  // A uniformly random 32-byte string is a valid X25519 private key.
  Secret ephemeral = Secret::Random(kX25519KeySize);
  return HpkeSealBaseWithEphemeral(aead, ephemeral.bytes(), recipient_public_key, info, aad,
                                   plaintext);
}

Result<HpkeSealed> HpkeSealBaseWithEphemeral(AeadAlgorithm aead, ByteSpan ephemeral_private_key,
                                             ByteSpan recipient_public_key, ByteSpan info,
                                             ByteSpan aad, ByteSpan plaintext) {
  XS_TRY(HpkeEncapsulation encapsulation,
         HpkeEncapWithEphemeral(ephemeral_private_key, recipient_public_key));
  return SealWithEncapsulation(aead, std::move(encapsulation), info, aad, plaintext);
}

Result<Bytes> HpkeOpenBase(AeadAlgorithm aead, ByteSpan recipient_private_key, ByteSpan enc,
                           ByteSpan info, ByteSpan aad, ByteSpan ciphertext) {
  XS_TRY(Secret shared_secret, HpkeDecap(enc, recipient_private_key));
  XS_TRY(HpkeContextSecrets context, HpkeKeyScheduleBase(aead, shared_secret.bytes(), info));
  return AeadOpen(aead, context.key.bytes(), context.base_nonce.bytes(), aad, ciphertext);
}

}  // namespace xs::crypto
