// HPKE against RFC 9180 Appendix A.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
// AES-128-GCM) and A.2 (... ChaCha20Poly1305), base mode: DeriveKeyPair of
// both parties, the encapsulation, key schedule and the sequence-0
// encryption. The values are the RFC's published test vector.
#include "crypto/hpke.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/hex.h"

namespace xs::crypto {
namespace {

Bytes Hex(std::string_view hex) { return codec::HexDecode(hex).value(); }
std::string ToHex(ByteSpan bytes) { return codec::HexEncode(bytes); }

struct Rfc9180Vector {
  const char* name;
  AeadAlgorithm aead;
  const char* ikm_e;
  const char* pk_em;
  const char* sk_em;
  const char* ikm_r;
  const char* pk_rm;
  const char* sk_rm;
  const char* shared_secret;
  const char* key;
  const char* base_nonce;
  const char* ciphertext;  // sequence number 0
};

// Shared by both vectors.
constexpr const char* kInfo = "4f6465206f6e2061204772656369616e2055726e";
constexpr const char* kPlaintext = "4265617574792069732074727574682c20747275746820626561757479";
constexpr const char* kAad = "436f756e742d30";

const Rfc9180Vector kVectors[] = {
    {"A.1 AES-128-GCM", AeadAlgorithm::kAes128Gcm,
     "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
     "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
     "52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736",
     "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
     "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
     "4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8",
     "fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc",
     "4531685d41d65f03dc48f6b8302c05b0", "56d890e5accaaf011cff4b7d",
     "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a"},
    {"A.2 ChaCha20Poly1305", AeadAlgorithm::kChaCha20Poly1305,
     "909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b",
     "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
     "f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600",
     "1ac01f181fdf9f352797655161c58b75c656a6cc2716dcb66372da835542e1df",
     "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a",
     "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb",
     "0bbe78490412b4bbea4812666f7916932b828bba79942424abb65244930d69a7",
     "ad2744de8e17f4ebba575b3f5f5a8fa1f69c2a07f6e7500bc60ca6e3e3ec1c91", "5c4d98150661b848853b547f",
     "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28"},
};

TEST(HpkeRfc9180, DeriveKeyPair) {
  for (const Rfc9180Vector& vector : kVectors) {
    SCOPED_TRACE(vector.name);
    auto ephemeral = HpkeDeriveKeyPair(Hex(vector.ikm_e));
    ASSERT_TRUE(ephemeral.ok()) << ephemeral.error().ToString();
    EXPECT_EQ(ToHex(ephemeral->private_key.bytes()), vector.sk_em);
    EXPECT_EQ(ToHex(ephemeral->public_key), vector.pk_em);
    auto recipient = HpkeDeriveKeyPair(Hex(vector.ikm_r));
    ASSERT_TRUE(recipient.ok());
    EXPECT_EQ(ToHex(recipient->private_key.bytes()), vector.sk_rm);
    EXPECT_EQ(ToHex(recipient->public_key), vector.pk_rm);
  }
}

TEST(HpkeRfc9180, EncapAndKeySchedule) {
  for (const Rfc9180Vector& vector : kVectors) {
    SCOPED_TRACE(vector.name);
    auto encapsulation = HpkeEncapWithEphemeral(Hex(vector.sk_em), Hex(vector.pk_rm));
    ASSERT_TRUE(encapsulation.ok()) << encapsulation.error().ToString();
    EXPECT_EQ(ToHex(encapsulation->enc), vector.pk_em);
    EXPECT_EQ(ToHex(encapsulation->shared_secret.bytes()), vector.shared_secret);

    auto decapsulated = HpkeDecap(Hex(vector.pk_em), Hex(vector.sk_rm));
    ASSERT_TRUE(decapsulated.ok());
    EXPECT_EQ(ToHex(decapsulated->bytes()), vector.shared_secret);

    auto context = HpkeKeyScheduleBase(vector.aead, Hex(vector.shared_secret), Hex(kInfo));
    ASSERT_TRUE(context.ok());
    EXPECT_EQ(ToHex(context->key.bytes()), vector.key);
    EXPECT_EQ(ToHex(context->base_nonce.bytes()), vector.base_nonce);
  }
  // A.1 also publishes the exporter secret.
  auto context =
      HpkeKeyScheduleBase(AeadAlgorithm::kAes128Gcm, Hex(kVectors[0].shared_secret), Hex(kInfo));
  ASSERT_TRUE(context.ok());
  EXPECT_EQ(ToHex(context->exporter_secret.bytes()),
            "45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8");
}

TEST(HpkeRfc9180, SealAndOpenSequenceZero) {
  for (const Rfc9180Vector& vector : kVectors) {
    SCOPED_TRACE(vector.name);
    auto sealed = HpkeSealBaseWithEphemeral(vector.aead, Hex(vector.sk_em), Hex(vector.pk_rm),
                                            Hex(kInfo), Hex(kAad), Hex(kPlaintext));
    ASSERT_TRUE(sealed.ok()) << sealed.error().ToString();
    EXPECT_EQ(ToHex(sealed->kem_output), vector.pk_em);
    EXPECT_EQ(ToHex(sealed->ciphertext), vector.ciphertext);

    auto opened = HpkeOpenBase(vector.aead, Hex(vector.sk_rm), Hex(vector.pk_em), Hex(kInfo),
                               Hex(kAad), Hex(vector.ciphertext));
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    EXPECT_EQ(ToHex(*opened), kPlaintext);

    Bytes tampered = Hex(vector.ciphertext);
    tampered[0] ^= 1;
    auto rejected = HpkeOpenBase(vector.aead, Hex(vector.sk_rm), Hex(vector.pk_em), Hex(kInfo),
                                 Hex(kAad), tampered);
    ASSERT_FALSE(rejected.ok());
    EXPECT_TRUE(rejected.error().IsAuth());
  }
}

TEST(Hpke, CipherSuiteUsesTheSuiteAead) {
  // Suite 1 seals with AES-128-GCM and suite 3 with ChaCha20-Poly1305: a
  // ciphertext of one does not open under the other.
  const CipherSuite aes = CipherSuite::Create(1).value();
  const CipherSuite chacha = CipherSuite::Create(3).value();
  auto pair = aes.DeriveHpkeKeyPair(Hex(kVectors[1].ikm_r));
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(ToHex(pair->public_key), kVectors[1].pk_rm);
  auto sealed = chacha.HpkeSeal(pair->public_key, Hex(kInfo), Hex(kAad), Hex(kPlaintext));
  ASSERT_TRUE(sealed.ok());
  EXPECT_TRUE(chacha
                  .HpkeOpen(pair->private_key.bytes(), sealed->kem_output, Hex(kInfo), Hex(kAad),
                            sealed->ciphertext)
                  .ok());
  auto cross = aes.HpkeOpen(pair->private_key.bytes(), sealed->kem_output, Hex(kInfo), Hex(kAad),
                            sealed->ciphertext);
  ASSERT_FALSE(cross.ok());
  EXPECT_TRUE(cross.error().IsAuth());
}

TEST(Hpke, RejectsLowOrderPoints) {
  const Bytes private_key = Hex(kVectors[0].sk_rm);
  // u = 0 and u = 1 are points of small order on Curve25519.
  Bytes zero(32, 0);
  Bytes one(32, 0);
  one[0] = 1;
  for (const Bytes& point : {zero, one}) {
    auto result = HpkeDecap(point, private_key);
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(result.error().IsValidation()) << result.error().ToString();
  }
}

}  // namespace
}  // namespace xs::crypto
