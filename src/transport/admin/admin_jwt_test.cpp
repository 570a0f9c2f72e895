#include "transport/admin/admin_jwt.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "codec/base64.h"
#include "signet/testing/temp_dir.h"

namespace xs::transport {
namespace {

using Json = nlohmann::json;
using signet::AdminKey;
using signet::Ed25519Key;

constexpr std::int64_t kNow = 1'700'000'000;

class AdminJwtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(AdminKey::Save(dir_.path(), Ed25519Key::Generate()).ok());
    auto key = AdminKey::Load(dir_.path());
    ASSERT_TRUE(key.ok());
    key_.emplace(std::move(key).value());
  }
  Result<AdminJwtClaims> Verify(const std::string& token, std::int64_t now = kNow) {
    return VerifyAdminJwt(token, key_->public_key(), key_->fingerprint(), now);
  }
  static std::string Segment(const Json& j) {
    std::string text = j.dump();
    return codec::Base64UrlEncode(
        {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  }
  // A token with arbitrary header/claims, signed by `signer`.
  std::string Forge(const Json& header, const Json& claims, const AdminKey& signer) {
    std::string input = Segment(header) + "." + Segment(claims);
    auto sig = signer.Sign({reinterpret_cast<const std::uint8_t*>(input.data()), input.size()});
    return input + "." + codec::Base64UrlEncode(sig);
  }
  Json Claims(std::int64_t iat, std::int64_t exp) {
    return {{"iss", key_->fingerprint()},
            {"sub", "admin"},
            {"iat", iat},
            {"exp", exp},
            {"jti", "00112233445566778899aabbccddeeff"}};
  }
  static void ExpectAuth(const Result<AdminJwtClaims>& r, std::string_view reason) {
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().IsAuth()) << r.error().ToString();
    EXPECT_EQ(Json::parse(r.error().context_json())["reason"], reason) << r.error().ToString();
  }

  signet::testing::TempDir dir_;
  std::optional<AdminKey> key_;
};

TEST_F(AdminJwtTest, MintedTokenHasTheSpecifiedShapeAndVerifies) {
  auto token = MintAdminJwt(*key_, kNow);
  ASSERT_TRUE(token.ok());
  auto dot1 = token->find('.');
  auto dot2 = token->rfind('.');
  auto header = codec::Base64UrlDecode(token->substr(0, dot1));
  auto claims = codec::Base64UrlDecode(token->substr(dot1 + 1, dot2 - dot1 - 1));
  ASSERT_TRUE(header.ok() && claims.ok());
  Json h = Json::parse(header->begin(), header->end());
  Json c = Json::parse(claims->begin(), claims->end());
  EXPECT_EQ(h, (Json{{"alg", "EdDSA"}, {"typ", "JWT"}}));
  EXPECT_EQ(c["iss"], key_->fingerprint());
  EXPECT_EQ(c["sub"], "admin");
  EXPECT_EQ(c["iat"], kNow);
  EXPECT_EQ(c["exp"], kNow + 120);
  EXPECT_EQ(c["jti"].get<std::string>().size(), 32u);
  EXPECT_EQ(token->find('='), std::string::npos);

  auto verified = Verify(*token);
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(verified->iss, key_->fingerprint());
  EXPECT_EQ(verified->exp, kNow + 120);

  // Two tokens minted in the same second still differ (jti).
  EXPECT_NE(*token, *MintAdminJwt(*key_, kNow));
}

TEST_F(AdminJwtTest, ExpiryAndIssueTimeAllowThirtySecondsOfSkew) {
  std::string token = *MintAdminJwt(*key_, kNow);
  EXPECT_TRUE(Verify(token, kNow + 120 + 29).ok());
  ExpectAuth(Verify(token, kNow + 120 + 30), admin_jwt_failure::kExpired);
  EXPECT_TRUE(Verify(token, kNow - 30).ok());
  ExpectAuth(Verify(token, kNow - 31), admin_jwt_failure::kNotYetValid);
}

TEST_F(AdminJwtTest, LifetimeIsBounded) {
  EXPECT_TRUE(MintAdminJwt(*key_, kNow, 3600).ok());
  EXPECT_TRUE(MintAdminJwt(*key_, kNow, 3601).error().IsValidation());
  EXPECT_TRUE(MintAdminJwt(*key_, kNow, 0).error().IsValidation());
  std::string forged = Forge({{"alg", "EdDSA"}, {"typ", "JWT"}}, Claims(kNow, kNow + 7200), *key_);
  ExpectAuth(Verify(forged), admin_jwt_failure::kLifetimeTooLong);
  forged = Forge({{"alg", "EdDSA"}}, Claims(kNow, kNow), *key_);
  ExpectAuth(Verify(forged), admin_jwt_failure::kMalformed);
}

TEST_F(AdminJwtTest, WrongKeyIsRejected) {
  signet::testing::TempDir other_dir;
  ASSERT_TRUE(AdminKey::Save(other_dir.path(), Ed25519Key::Generate()).ok());
  auto other = AdminKey::Load(other_dir.path());
  ASSERT_TRUE(other.ok());
  // Signed by another key, claiming to be ours.
  ExpectAuth(Verify(Forge({{"alg", "EdDSA"}, {"typ", "JWT"}}, Claims(kNow, kNow + 60), *other)),
             admin_jwt_failure::kBadSignature);
  // Signed by another key under its own name: verified against our key -> bad signature.
  ExpectAuth(Verify(*MintAdminJwt(*other, kNow)), admin_jwt_failure::kBadSignature);
  // Valid signature but a foreign issuer.
  Json claims = Claims(kNow, kNow + 60);
  claims["iss"] = other->fingerprint();
  ExpectAuth(Verify(Forge({{"alg", "EdDSA"}, {"typ", "JWT"}}, claims, *key_)),
             admin_jwt_failure::kWrongIssuer);
}

TEST_F(AdminJwtTest, AlgNoneAndOtherAlgorithmsAreRejected) {
  Json claims = Claims(kNow, kNow + 60);
  std::string unsigned_token =
      Segment({{"alg", "none"}, {"typ", "JWT"}}) + "." + Segment(claims) + ".";
  ExpectAuth(Verify(unsigned_token), admin_jwt_failure::kUnsupportedAlgorithm);
  std::string none_with_sig = Forge({{"alg", "none"}, {"typ", "JWT"}}, claims, *key_);
  ExpectAuth(Verify(none_with_sig), admin_jwt_failure::kUnsupportedAlgorithm);
  ExpectAuth(Verify(Forge({{"alg", "HS256"}, {"typ", "JWT"}}, claims, *key_)),
             admin_jwt_failure::kUnsupportedAlgorithm);
  ExpectAuth(Verify(Forge({{"typ", "JWT"}}, claims, *key_)),
             admin_jwt_failure::kUnsupportedAlgorithm);
  ExpectAuth(Verify(Forge({{"alg", "EdDSA"}, {"typ", "JWE"}}, claims, *key_)),
             admin_jwt_failure::kMalformed);
}

TEST_F(AdminJwtTest, TamperedAndMalformedTokensAreRejected) {
  std::string token = *MintAdminJwt(*key_, kNow);
  // Change the claims but keep the signature.
  Json claims = Claims(kNow, kNow + 100);
  std::string tampered =
      token.substr(0, token.find('.') + 1) + Segment(claims) + token.substr(token.rfind('.'));
  ExpectAuth(Verify(tampered), admin_jwt_failure::kBadSignature);
  for (std::string bad :
       {std::string(), std::string("abc"), std::string("a.b"), std::string("a.b.c.d"), token + "=",
        std::string(5000, 'a'), std::string("!!!.???.***")}) {
    auto r = Verify(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.error().IsAuth()) << bad;
  }
  // Claims that are not integers.
  Json string_times = Claims(kNow, kNow + 60);
  string_times["exp"] = "later";
  ExpectAuth(Verify(Forge({{"alg", "EdDSA"}}, string_times, *key_)), admin_jwt_failure::kMalformed);
  Json wrong_sub = Claims(kNow, kNow + 60);
  wrong_sub["sub"] = "operator";
  ExpectAuth(Verify(Forge({{"alg", "EdDSA"}}, wrong_sub, *key_)), admin_jwt_failure::kMalformed);
}

TEST_F(AdminJwtTest, SignerFunctionMatchesKey) {
  auto token = MintAdminJwtWith([this](std::span<const std::uint8_t> m) { return key_->Sign(m); },
                                key_->fingerprint(), kNow, 60);
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(Verify(*token).ok());
}

}  // namespace
}  // namespace xs::transport
