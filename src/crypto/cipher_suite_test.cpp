// CipherSuite against the MLS working group's crypto-basics.json vectors
// (suites 1 and 3, every entry), plus round trips and bad-input cases.
//
// The vectors are located through XS_MLS_TEST_VECTORS, else
// $XS_SHARED_DIR/mls/test-vectors, else the shared/ folder next to the
// source tree (compile definition XS_SHARED_DIR); absent vectors skip.
#include "crypto/cipher_suite.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "codec/hex.h"
#include "crypto/hash.h"

namespace xs::crypto {
namespace {

constexpr std::uint16_t kSuites[] = {1, 3};

Bytes Hex(std::string_view hex) { return codec::HexDecode(hex).value(); }
Bytes HexField(const nlohmann::json& object, const char* key) {
  return Hex(object.at(key).get<std::string>());
}
std::string ToHex(ByteSpan bytes) { return codec::HexEncode(bytes); }

std::filesystem::path VectorDirectory() {
  if (const char* dir = std::getenv("XS_MLS_TEST_VECTORS"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  if (const char* shared = std::getenv("XS_SHARED_DIR"); shared != nullptr && *shared != '\0') {
    return std::filesystem::path(shared) / "mls" / "test-vectors";
  }
  return std::filesystem::path(XS_SHARED_DIR) / "mls" / "test-vectors";
}

struct VectorFile {
  std::filesystem::path path;
  bool present = false;
  std::optional<nlohmann::json> cases;  // empty when absent or not a JSON array
};

VectorFile LoadVectors(const char* name) {
  VectorFile file{VectorDirectory() / name, false, std::nullopt};
  std::ifstream in(file.path);
  if (!in) return file;
  file.present = true;
  auto parsed = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded() && parsed.is_array()) file.cases = std::move(parsed);
  return file;
}

const VectorFile& CryptoBasics() {
  static const VectorFile file = LoadVectors("crypto-basics.json");
  return file;
}

CipherSuite Suite(std::uint16_t id) { return CipherSuite::Create(id).value(); }

// Runs `check` on every entry of crypto-basics.json for suites 1 and 3 with
// the file and entry index in the failure trace. Returns the number run.
template <typename Check>
int ForEachEntry(const Check& check) {
  const VectorFile& file = CryptoBasics();
  int count = 0;
  for (std::size_t index = 0; index < file.cases->size(); ++index) {
    const nlohmann::json& entry = (*file.cases)[index];
    const auto id = entry.at("cipher_suite").get<std::uint16_t>();
    if (id != 1 && id != 3) continue;
    SCOPED_TRACE(file.path.string() + " entry " + std::to_string(index) + " (cipher suite " +
                 std::to_string(id) + ")");
    check(Suite(id), entry);
    ++count;
  }
  return count;
}

class CryptoBasicsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!CryptoBasics().present) {
      // Under CI=true the vectors are required: a missing file is a failure.
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true") {
        FAIL() << "MLS test vector file not found or unreadable: " << CryptoBasics().path.string()
               << " (CI=true requires it)";
      }
      GTEST_SKIP() << "MLS test vectors not found at " << CryptoBasics().path
                   << " (set XS_MLS_TEST_VECTORS or XS_SHARED_DIR)";
    }
    ASSERT_TRUE(CryptoBasics().cases.has_value())
        << CryptoBasics().path << " is not a JSON array of test cases";
  }
};

TEST_F(CryptoBasicsTest, RefHash) {
  const int count = ForEachEntry([](const CipherSuite& suite, const nlohmann::json& entry) {
    const auto& vector = entry.at("ref_hash");
    EXPECT_EQ(
        ToHex(suite.RefHash(vector.at("label").get<std::string>(), HexField(vector, "value"))),
        vector.at("out").get<std::string>());
  });
  EXPECT_EQ(count, 2);
}

TEST_F(CryptoBasicsTest, ExpandWithLabel) {
  const int count = ForEachEntry([](const CipherSuite& suite, const nlohmann::json& entry) {
    const auto& vector = entry.at("expand_with_label");
    auto out =
        suite.ExpandWithLabel(HexField(vector, "secret"), vector.at("label").get<std::string>(),
                              HexField(vector, "context"), vector.at("length").get<std::size_t>());
    ASSERT_TRUE(out.ok()) << out.error().ToString();
    EXPECT_EQ(ToHex(out->bytes()), vector.at("out").get<std::string>());
  });
  EXPECT_EQ(count, 2);  // suites 1 and 3 in the shared vectors
}

TEST_F(CryptoBasicsTest, DeriveSecret) {
  const int count = ForEachEntry([](const CipherSuite& suite, const nlohmann::json& entry) {
    const auto& vector = entry.at("derive_secret");
    auto out =
        suite.DeriveSecret(HexField(vector, "secret"), vector.at("label").get<std::string>());
    ASSERT_TRUE(out.ok()) << out.error().ToString();
    EXPECT_EQ(ToHex(out->bytes()), vector.at("out").get<std::string>());
  });
  EXPECT_EQ(count, 2);  // suites 1 and 3 in the shared vectors
}

TEST_F(CryptoBasicsTest, DeriveTreeSecret) {
  const int count = ForEachEntry([](const CipherSuite& suite, const nlohmann::json& entry) {
    const auto& vector = entry.at("derive_tree_secret");
    auto out = suite.DeriveTreeSecret(
        HexField(vector, "secret"), vector.at("label").get<std::string>(),
        vector.at("generation").get<std::uint32_t>(), vector.at("length").get<std::size_t>());
    ASSERT_TRUE(out.ok()) << out.error().ToString();
    EXPECT_EQ(ToHex(out->bytes()), vector.at("out").get<std::string>());
  });
  EXPECT_EQ(count, 2);  // suites 1 and 3 in the shared vectors
}

TEST_F(CryptoBasicsTest, SignWithLabel) {
  const int count = ForEachEntry([](const CipherSuite& suite, const nlohmann::json& entry) {
    const auto& vector = entry.at("sign_with_label");
    const std::string label = vector.at("label").get<std::string>();
    const Bytes private_key = HexField(vector, "priv");
    const Bytes public_key = HexField(vector, "pub");
    const Bytes content = HexField(vector, "content");
    const Bytes signature = HexField(vector, "signature");

    auto derived_public = suite.SignaturePublicKeyOf(private_key);
    ASSERT_TRUE(derived_public.ok());
    EXPECT_EQ(*derived_public, public_key);
    EXPECT_TRUE(suite.VerifyWithLabel(public_key, label, content, signature));

    auto own = suite.SignWithLabel(private_key, label, content);
    ASSERT_TRUE(own.ok()) << own.error().ToString();
    EXPECT_TRUE(suite.VerifyWithLabel(public_key, label, content, *own));
    // Ed25519 is deterministic, so our signature is the vector's.
    EXPECT_EQ(ToHex(*own), ToHex(signature));

    EXPECT_FALSE(suite.VerifyWithLabel(public_key, label + "x", content, signature));
    Bytes tampered = signature;
    tampered[10] ^= 0x01;
    EXPECT_FALSE(suite.VerifyWithLabel(public_key, label, content, tampered));
  });
  EXPECT_EQ(count, 2);  // suites 1 and 3 in the shared vectors
}

TEST_F(CryptoBasicsTest, EncryptWithLabel) {
  const int count = ForEachEntry([](const CipherSuite& suite, const nlohmann::json& entry) {
    const auto& vector = entry.at("encrypt_with_label");
    const std::string label = vector.at("label").get<std::string>();
    const Bytes private_key = HexField(vector, "priv");
    const Bytes public_key = HexField(vector, "pub");
    const Bytes context = HexField(vector, "context");
    const Bytes plaintext = HexField(vector, "plaintext");

    auto derived_public = suite.HpkePublicKeyOf(private_key);
    ASSERT_TRUE(derived_public.ok());
    EXPECT_EQ(*derived_public, public_key);

    auto opened =
        suite.DecryptWithLabel(private_key, label, context, HexField(vector, "kem_output"),
                               HexField(vector, "ciphertext"));
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    EXPECT_EQ(ToHex(*opened), ToHex(plaintext));

    auto sealed = suite.EncryptWithLabel(public_key, label, context, plaintext);
    ASSERT_TRUE(sealed.ok()) << sealed.error().ToString();
    auto round_trip =
        suite.DecryptWithLabel(private_key, label, context, sealed->kem_output, sealed->ciphertext);
    ASSERT_TRUE(round_trip.ok()) << round_trip.error().ToString();
    EXPECT_EQ(*round_trip, plaintext);

    auto wrong_label = suite.DecryptWithLabel(private_key, label + "x", context, sealed->kem_output,
                                              sealed->ciphertext);
    ASSERT_FALSE(wrong_label.ok());
    EXPECT_TRUE(wrong_label.error().IsAuth());
  });
  EXPECT_EQ(count, 2);  // suites 1 and 3 in the shared vectors
}

TEST(CipherSuite, CreateRejectsUnknownSuites) {
  for (std::uint16_t id : {0, 2, 4, 5, 6, 7, 0xFFFF}) {
    auto suite = CipherSuite::Create(id);
    ASSERT_FALSE(suite.ok()) << id;
    EXPECT_TRUE(suite.error().IsValidation()) << id;
  }
  EXPECT_EQ(Suite(1).id(), 1);
  EXPECT_EQ(Suite(3).id(), 3);
  EXPECT_EQ(Suite(1).aead_key_size(), 16u);
  EXPECT_EQ(Suite(3).aead_key_size(), 32u);
}

TEST(CipherSuite, HashAndMacAreSha256) {
  const CipherSuite suite = Suite(3);
  EXPECT_EQ(ToHex(suite.Hash(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  auto mac = suite.Mac(AsBytes("Jefe"), AsBytes("what do ya want for nothing?"));
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(ToHex(*mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CipherSuite, AeadRoundTripAndBadInput) {
  for (std::uint16_t id : kSuites) {
    SCOPED_TRACE("suite " + std::to_string(id));
    const CipherSuite suite = Suite(id);
    const Secret key = Secret::Random(suite.aead_key_size());
    const Bytes nonce(12, 0x24);
    const Bytes aad = {1, 2, 3};
    const Bytes plaintext(100, 0x5A);

    auto sealed = suite.Seal(key.bytes(), nonce, aad, plaintext);
    ASSERT_TRUE(sealed.ok()) << sealed.error().ToString();
    EXPECT_EQ(sealed->size(), plaintext.size() + suite.aead_tag_size());
    auto opened = suite.Open(key.bytes(), nonce, aad, *sealed);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, plaintext);

    auto empty = suite.Seal(key.bytes(), nonce, {}, {});
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty->size(), 16u);
    auto empty_opened = suite.Open(key.bytes(), nonce, {}, *empty);
    ASSERT_TRUE(empty_opened.ok());
    EXPECT_TRUE(empty_opened->empty());

    for (std::size_t position : {std::size_t{0}, std::size_t{50}, sealed->size() - 1}) {
      Bytes tampered = *sealed;
      tampered[position] ^= 0x80;
      auto result = suite.Open(key.bytes(), nonce, aad, tampered);
      ASSERT_FALSE(result.ok());
      EXPECT_TRUE(result.error().IsAuth()) << result.error().ToString();
    }
    auto wrong_aad = suite.Open(key.bytes(), nonce, Bytes{1, 2}, *sealed);
    ASSERT_FALSE(wrong_aad.ok());
    EXPECT_TRUE(wrong_aad.error().IsAuth());

    const Bytes short_key(suite.aead_key_size() - 1, 0);
    const Bytes long_key(suite.aead_key_size() + 1, 0);
    EXPECT_TRUE(suite.Seal(short_key, nonce, aad, plaintext).error().IsValidation());
    EXPECT_TRUE(suite.Seal(long_key, nonce, aad, plaintext).error().IsValidation());
    EXPECT_TRUE(suite.Open(short_key, nonce, aad, *sealed).error().IsValidation());
    EXPECT_TRUE(suite.Seal(key.bytes(), Bytes(11, 0), aad, plaintext).error().IsValidation());
    EXPECT_TRUE(suite.Open(key.bytes(), Bytes(13, 0), aad, *sealed).error().IsValidation());
    EXPECT_TRUE(suite.Open(key.bytes(), nonce, aad, Bytes(15, 0)).error().IsValidation());
  }
}

TEST(CipherSuite, ExpandWithLabelRejectsOversizeLength) {
  const CipherSuite suite = Suite(3);
  const Bytes secret(32, 7);
  EXPECT_TRUE(suite.ExpandWithLabel(secret, "x", {}, 70000).error().IsValidation());
  // HKDF-SHA256 stops at 255 * 32 bytes.
  EXPECT_TRUE(suite.ExpandWithLabel(secret, "x", {}, 255 * 32 + 1).error().IsValidation());
  EXPECT_TRUE(suite.ExpandWithLabel(secret, "x", {}, 255 * 32).ok());
}

TEST(CipherSuite, SignatureBadInput) {
  const CipherSuite suite = Suite(3);
  SignatureKeyPair pair = suite.GenerateSignatureKeyPair();
  EXPECT_EQ(*suite.SignaturePublicKeyOf(pair.private_key.bytes()), pair.public_key);
  EXPECT_TRUE(suite.SignaturePublicKeyOf(Bytes(31, 0)).error().IsValidation());
  EXPECT_TRUE(suite.SignWithLabel(Bytes(33, 0), "l", {}).error().IsValidation());
  auto signature = suite.SignWithLabel(pair.private_key.bytes(), "l", Bytes{9});
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(suite.VerifyWithLabel(pair.public_key, "l", Bytes{9}, *signature));
  EXPECT_FALSE(suite.VerifyWithLabel(pair.public_key, "l", Bytes{8}, *signature));
  EXPECT_FALSE(suite.VerifyWithLabel(Bytes(31, 0), "l", Bytes{9}, *signature));
  EXPECT_FALSE(suite.VerifyWithLabel(pair.public_key, "l", Bytes{9}, Bytes(63, 0)));
}

TEST(CipherSuite, HpkeBadInput) {
  for (std::uint16_t id : kSuites) {
    SCOPED_TRACE("suite " + std::to_string(id));
    const CipherSuite suite = Suite(id);
    HpkeKeyPair pair = suite.GenerateHpkeKeyPair();
    EXPECT_EQ(*suite.HpkePublicKeyOf(pair.private_key.bytes()), pair.public_key);
    const Bytes info = {1}, aad = {2}, plaintext(40, 3);
    auto sealed = suite.HpkeSeal(pair.public_key, info, aad, plaintext);
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(sealed->kem_output.size(), 32u);
    EXPECT_EQ(*suite.HpkeOpen(pair.private_key.bytes(), sealed->kem_output, info, aad,
                              sealed->ciphertext),
              plaintext);

    Bytes tampered = sealed->ciphertext;
    tampered.back() ^= 1;
    auto bad = suite.HpkeOpen(pair.private_key.bytes(), sealed->kem_output, info, aad, tampered);
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(bad.error().IsAuth());

    Bytes other_enc = sealed->kem_output;
    other_enc[0] ^= 0x40;
    auto wrong_enc =
        suite.HpkeOpen(pair.private_key.bytes(), other_enc, info, aad, sealed->ciphertext);
    ASSERT_FALSE(wrong_enc.ok());
    EXPECT_TRUE(wrong_enc.error().IsAuth());

    auto wrong_info = suite.HpkeOpen(pair.private_key.bytes(), sealed->kem_output, Bytes{}, aad,
                                     sealed->ciphertext);
    ASSERT_FALSE(wrong_info.ok());
    EXPECT_TRUE(wrong_info.error().IsAuth());

    EXPECT_TRUE(suite.HpkeSeal(Bytes(31, 1), info, aad, plaintext).error().IsValidation());
    EXPECT_TRUE(
        suite.HpkeOpen(pair.private_key.bytes(), Bytes(33, 1), info, aad, sealed->ciphertext)
            .error()
            .IsValidation());
    EXPECT_TRUE(suite.HpkeOpen(Bytes(31, 1), sealed->kem_output, info, aad, sealed->ciphertext)
                    .error()
                    .IsValidation());
    EXPECT_TRUE(suite.HpkePublicKeyOf(Bytes(16, 1)).error().IsValidation());
    // The all-zero point has low order: the DH output is zero and must be rejected.
    EXPECT_TRUE(suite.HpkeSeal(Bytes(32, 0), info, aad, plaintext).error().IsValidation());
  }
}

}  // namespace
}  // namespace xs::crypto
