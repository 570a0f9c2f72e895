// Known-answer tests of the basic primitives against published vectors:
// FIPS 180-2 (SHA-256), the Keccak team's Keccak-256, RFC 4231 (HMAC),
// RFC 5869 (HKDF), RFC 8032 §7.1/§7.3 (Ed25519, Ed25519ph) and the classic
// web3.js personal_sign example (secp256k1 / EIP-191), the GCM spec test
// cases 13-14 (AES-256-GCM).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/hex.h"
#include "crypto/aead.h"
#include "crypto/ed25519.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/secp256k1.h"
#include "crypto/secret.h"

namespace xs::crypto {
namespace {

std::vector<std::uint8_t> Hex(std::string_view hex) { return codec::HexDecode(hex).value(); }
template <typename T>
std::string ToHex(const T& bytes) {
  return codec::HexEncode(std::span<const std::uint8_t>(bytes.data(), bytes.size()));
}

TEST(Sha256, Fips180Vectors) {
  EXPECT_EQ(ToHex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256Hasher hasher;
  hasher.Update("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(ToHex(hasher.Final()),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Keccak256, KnownAnswers) {
  EXPECT_EQ(ToHex(Keccak256("")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(ToHex(Keccak256("abc")),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  // Many 136-byte blocks.
  std::string million_a(1000000, 'a');
  EXPECT_EQ(ToHex(Keccak256(million_a)),
            "fadae6b49f129bbb812be8407b7b2894f34aecf6dbd1f9b0f0c7e9853098fc96");
}

TEST(Hmac, Rfc4231Case1And2) {
  auto key = Hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  EXPECT_EQ(ToHex(HmacSha256(key, AsBytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(ToHex(HmacSha256(AsBytes("Jefe"), AsBytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hkdf, Rfc5869Case1) {
  auto ikm = Hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  auto salt = Hex("000102030405060708090a0b0c");
  auto info = Hex("f0f1f2f3f4f5f6f7f8f9");
  Secret prk = HkdfExtract(salt, ikm);
  EXPECT_EQ(codec::HexEncode(prk.bytes()),
            "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  auto okm = HkdfExpand(prk.bytes(), info, 42);
  ASSERT_TRUE(okm.ok());
  EXPECT_EQ(codec::HexEncode(okm->bytes()),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  EXPECT_FALSE(HkdfExpand(prk.bytes(), info, 255 * 32 + 1).ok());
}

TEST(Aes256Gcm, GcmSpecCases13And14) {
  const auto key = Hex(std::string(64, '0'));
  const auto nonce = Hex(std::string(24, '0'));
  auto empty = AeadSeal(AeadAlgorithm::kAes256Gcm, key, nonce, {}, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(ToHex(*empty), "530f8afbc74536b9a963b4f1c4cb738b");
  const auto block = Hex(std::string(32, '0'));
  auto sealed = AeadSeal(AeadAlgorithm::kAes256Gcm, key, nonce, {}, block);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(ToHex(*sealed), "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919");
  auto opened = AeadOpen(AeadAlgorithm::kAes256Gcm, key, nonce, {}, *sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, block);
  EXPECT_FALSE(AeadSeal(AeadAlgorithm::kAes256Gcm, Hex(std::string(32, '0')), nonce, {}, {}).ok());
}

TEST(Ed25519, Rfc8032Test1) {
  auto pair =
      Ed25519FromSeed(Hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(ToHex(pair->public_key),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto sig = Ed25519Sign(pair->seed.bytes(), {});
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(
      ToHex(*sig),
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
      "1cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(Ed25519Verify(pair->public_key, {}, *sig));
  (*sig)[0] ^= 1;
  EXPECT_FALSE(Ed25519Verify(pair->public_key, {}, *sig));
  EXPECT_FALSE(Ed25519Sign(Hex("00"), {}).ok());
}

// Given the seed's public key, the signature is the same (RFC 8032 is
// deterministic); a public key of the wrong size is refused.
TEST(Ed25519, SignWithTheGivenPublicKey) {
  auto pair =
      Ed25519FromSeed(Hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
  ASSERT_TRUE(pair.ok());
  auto message = AsBytes("abc");
  auto derived = Ed25519Sign(pair->seed.bytes(), message);
  auto given = Ed25519Sign(pair->seed.bytes(), pair->public_key, message);
  ASSERT_TRUE(derived.ok() && given.ok());
  EXPECT_EQ(ToHex(*given), ToHex(*derived));
  EXPECT_TRUE(Ed25519Verify(pair->public_key, message, *given));
  EXPECT_FALSE(Ed25519Sign(pair->seed.bytes(), Hex("00"), message).ok());
}

TEST(Ed25519ph, Rfc8032Section73) {
  auto seed = Hex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42");
  auto pair = Ed25519FromSeed(seed);
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(ToHex(pair->public_key),
            "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf");
  auto message = AsBytes("abc");
  auto sig = Ed25519phSign(seed, message, "");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(
      ToHex(*sig),
      "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d0"
      "62adf5aaa10b8c61e636062aaad11c2a26083406");
  EXPECT_TRUE(Ed25519phVerify(pair->public_key, message, *sig, ""));
  EXPECT_FALSE(Ed25519phVerify(pair->public_key, message, *sig, "other context"));
  EXPECT_FALSE(Ed25519phVerify(pair->public_key, AsBytes("abd"), *sig, ""));
  EXPECT_FALSE(Ed25519Verify(pair->public_key, message, *sig));
}

TEST(Ed25519ph, RoundTripWithContextAndRejectsNonCanonicalS) {
  Ed25519KeyPair pair = Ed25519Generate();
  auto message = AsBytes("IDENTITY UPDATE text");
  auto sig = Ed25519phSign(pair.seed.bytes(), message, "IDENTITY UPDATE SIGNATURE");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(Ed25519phVerify(pair.public_key, message, *sig, "IDENTITY UPDATE SIGNATURE"));
  Ed25519Signature high = *sig;
  high[63] |= 0xf0;  // S >= L
  EXPECT_FALSE(Ed25519phVerify(pair.public_key, message, high, "IDENTITY UPDATE SIGNATURE"));
  EXPECT_FALSE(Ed25519phVerify(pair.public_key, message, std::vector<std::uint8_t>(63), ""));
}

TEST(Secp256k1, Web3PersonalSignExample) {
  auto key = Hex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  auto pub = Secp256k1PublicKeyOf(key);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(EthereumAddress(*pub), "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23");
  auto sig = EthPersonalSign(key, AsBytes("Some data"));
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(ToHex(*sig),
            "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186"
            "422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c");
  auto signer = EthRecoverPersonalSigner(AsBytes("Some data"), *sig);
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(*signer, "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23");
  auto other = EthRecoverPersonalSigner(AsBytes("Other data"), *sig);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, *signer);
  EXPECT_TRUE(Secp256k1Verify(*pub, Eip191Hash(AsBytes("Some data")),
                              std::span<const std::uint8_t>(sig->data(), 64)));
}

TEST(Secp256k1, RejectsBadKeysAndSignatures) {
  EXPECT_FALSE(Secp256k1CheckPrivateKey(std::vector<std::uint8_t>(32, 0)).ok());
  EXPECT_FALSE(Secp256k1CheckPrivateKey(std::vector<std::uint8_t>(31, 1)).ok());
  EXPECT_FALSE(Secp256k1CheckPrivateKey(
                   Hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"))
                   .ok());
  EXPECT_FALSE(EthRecoverPersonalSigner(AsBytes("x"), std::vector<std::uint8_t>(64)).ok());
  std::vector<std::uint8_t> bad_v(65, 1);
  bad_v[64] = 29;
  EXPECT_FALSE(EthRecoverPersonalSigner(AsBytes("x"), bad_v).ok());
  Secret key = Secp256k1GeneratePrivateKey();
  EXPECT_TRUE(Secp256k1CheckPrivateKey(key.bytes()).ok());
  EXPECT_TRUE(IsEthereumAddress("0x2c7536e3605d9c16a7a3d7b1898e529396a65c23"));
  EXPECT_FALSE(IsEthereumAddress("2c7536e3605d9c16a7a3d7b1898e529396a65c23"));
  EXPECT_FALSE(IsEthereumAddress("0x2c7536e3605d9c16a7a3d7b1898e529396a65c2g"));
}

TEST(Secret, WipesOnMoveAndComparesInConstantTime) {
  Secret a = Secret::Copy(Hex("0102"));
  Secret b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  EXPECT_TRUE(b.Equals(Hex("0102")));
  EXPECT_FALSE(b.Equals(Hex("0103")));
  Secret c = b.Clone();
  EXPECT_TRUE(c.Equals(b.bytes()));
  EXPECT_EQ(Secret::Random(16).size(), 16u);
  EXPECT_LT(RandomUniform(10), 10u);
  EXPECT_TRUE(ConstantTimeEquals(Hex("aa"), Hex("aa")));
  EXPECT_FALSE(ConstantTimeEquals(Hex("aa"), Hex("aabb")));
}

}  // namespace
}  // namespace xs::crypto
