// KeyPackage creation and validation (RFC 9420 §10, §10.1, §7.3 and the XMTP
// profile §1.4-§1.7, §2.2): one test per rule, named by its section.
#include <gtest/gtest.h>

#include "mls/group/group_testing.h"
#include "mls/messages/extensions.h"
#include "mls/messages/serialize.h"
#include "mls/tree/tree_validation.h"

namespace xs::mls {
namespace {

constexpr std::uint64_t kNow = 1'750'000'000;

class KeyPackageTest : public ::testing::Test {
 protected:
  KeyPackageTest() : suite_(*crypto::CipherSuite::Create(kXmtpCipherSuite)) {
    signature_ = suite_.GenerateSignatureKeyPair();
  }

  KeyPackageBundle Make(const KeyPackageOptions& options) {
    auto bundle = CreateKeyPackage(options, signature_.private_key.bytes());
    EXPECT_TRUE(bundle.ok()) << bundle.error().ToString();
    return std::move(bundle).value();
  }
  KeyPackageBundle MakeXmtp() { return Make(XmtpKeyPackageOptions(kInbox, kNow)); }

  // Re-signs the leaf and the package after a test changed them.
  void Resign(KeyPackage& kp) {
    ASSERT_TRUE(
        SignLeafNode(suite_, kp.leaf_node, signature_.private_key.bytes(), {}, LeafIndex(0)).ok());
    auto signature = suite_.SignWithLabel(signature_.private_key.bytes(), "KeyPackageTBS",
                                          EncodeKeyPackageTbs(kp));
    ASSERT_TRUE(signature.ok());
    kp.signature = *signature;
  }

  KeyPackageValidationOptions XmtpValidation() {
    KeyPackageValidationOptions options;
    options.now = kNow;
    options.require_last_resort = true;
    required_ = XmtpRequiredCapabilities();
    options.required_capabilities = &required_;
    return options;
  }

  Status Validate(const KeyPackage& kp) { return ValidateKeyPackage(suite_, kp, XmtpValidation()); }

  static constexpr char kInbox[] =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  crypto::CipherSuite suite_;
  crypto::SignatureKeyPair signature_;
  RequiredCapabilities required_;
};

TEST_F(KeyPackageTest, Profile2_2_XmtpKeyPackageShape) {
  KeyPackageBundle bundle = MakeXmtp();
  const KeyPackage& kp = bundle.key_package;
  EXPECT_EQ(kp.cipher_suite, 3);
  EXPECT_EQ(kp.leaf_node.signature_key, signature_.public_key);
  EXPECT_EQ(kp.leaf_node.credential.credential_type, kCredentialTypeBasic);
  // MlsCredential{inbox_id}: field 1, length 64.
  ASSERT_EQ(kp.leaf_node.credential.identity.size(), 66u);
  EXPECT_EQ(kp.leaf_node.credential.identity[0], 0x0A);
  EXPECT_EQ(kp.leaf_node.credential.identity[1], 0x40);
  EXPECT_EQ(kp.leaf_node.lifetime.not_after - kp.leaf_node.lifetime.not_before,
            kMaxLeafLifetimeRangeSeconds);
  ASSERT_NE(FindExtension(kp.extensions, kExtensionLastResort), nullptr);
  const Extension* app_id = FindExtension(kp.leaf_node.extensions, kExtensionApplicationId);
  ASSERT_NE(app_id, nullptr);
  EXPECT_EQ(*ParseApplicationIdExtension(*app_id), Bytes(kInbox, kInbox + 64));
  EXPECT_EQ(*suite_.HpkePublicKeyOf(bundle.init_private_key.bytes()), kp.init_key);
  EXPECT_EQ(*suite_.HpkePublicKeyOf(bundle.encryption_private_key.bytes()),
            kp.leaf_node.encryption_key);
  EXPECT_TRUE(Validate(kp).ok()) << Validate(kp).error().ToString();
  // Wire round trip keeps the reference.
  auto decoded = Deserialize<KeyPackage>(Serialize(kp));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(MakeKeyPackageRef(suite_, *decoded), MakeKeyPackageRef(suite_, kp));
}

TEST_F(KeyPackageTest, Rfc10_1_SignatureMustVerify) {
  KeyPackage kp = MakeXmtp().key_package;
  kp.signature[5] ^= 1;
  EXPECT_FALSE(Validate(kp).ok());
}

TEST_F(KeyPackageTest, Rfc7_3_LeafSignatureMustVerify) {
  KeyPackage kp = MakeXmtp().key_package;
  kp.leaf_node.signature[5] ^= 1;
  auto signature = suite_.SignWithLabel(signature_.private_key.bytes(), "KeyPackageTBS",
                                        EncodeKeyPackageTbs(kp));
  kp.signature = *signature;
  EXPECT_FALSE(Validate(kp).ok());
}

TEST_F(KeyPackageTest, Rfc10_1_CipherSuiteMustMatch) {
  KeyPackageOptions options = XmtpKeyPackageOptions(kInbox, kNow);
  options.cipher_suite = 1;
  KeyPackage kp = Make(options).key_package;
  EXPECT_FALSE(Validate(kp).ok());
}

TEST_F(KeyPackageTest, Rfc10_1_VersionMustBeMls10) {
  KeyPackage kp = MakeXmtp().key_package;
  kp.version = 2;
  Resign(kp);
  EXPECT_FALSE(Validate(kp).ok());
}

TEST_F(KeyPackageTest, Rfc7_3_LeafSourceMustBeKeyPackage) {
  KeyPackage kp = MakeXmtp().key_package;
  kp.leaf_node.source = LeafNodeSource::kUpdate;
  Resign(kp);
  EXPECT_FALSE(Validate(kp).ok());
}

TEST_F(KeyPackageTest, Rfc10_1_InitKeyMustDifferFromEncryptionKey) {
  KeyPackage kp = MakeXmtp().key_package;
  kp.init_key = kp.leaf_node.encryption_key;
  Resign(kp);
  EXPECT_FALSE(Validate(kp).ok());
}

TEST_F(KeyPackageTest, Rfc7_3_CurrentTimeMustBeInsideTheLifetime) {
  KeyPackage kp = MakeXmtp().key_package;
  KeyPackageValidationOptions options = XmtpValidation();
  options.now = kNow + kKeyPackageLifetimeSeconds + 1;
  EXPECT_FALSE(ValidateKeyPackage(suite_, kp, options).ok());
  options.now = kNow - 2 * kKeyPackageNotBeforeSkewSeconds;
  EXPECT_FALSE(ValidateKeyPackage(suite_, kp, options).ok());
}

TEST_F(KeyPackageTest, Profile1_7_LifetimeLongerThan84DaysIsRejected) {
  KeyPackageOptions options = XmtpKeyPackageOptions(kInbox, kNow);
  options.lifetime.not_after += 1;
  EXPECT_FALSE(Validate(Make(options).key_package).ok());
}

TEST_F(KeyPackageTest, Profile1_7_LastResortRequired) {
  KeyPackageOptions options = XmtpKeyPackageOptions(kInbox, kNow);
  options.extensions.clear();
  EXPECT_FALSE(Validate(Make(options).key_package).ok());
}

TEST_F(KeyPackageTest, Profile1_6_ApplicationIdBelongsInTheLeaf) {
  KeyPackageOptions options = XmtpKeyPackageOptions(kInbox, kNow);
  options.extensions.push_back(MakeApplicationIdExtension(Bytes{1}));
  EXPECT_FALSE(Validate(Make(options).key_package).ok());
}

TEST_F(KeyPackageTest, Profile1_5_RequiredCapabilitiesMustBeListed) {
  KeyPackageOptions options = XmtpKeyPackageOptions(kInbox, kNow);
  auto& extensions = options.leaf.capabilities.extensions;
  extensions.erase(std::find(extensions.begin(), extensions.end(), kExtensionXmtpGroupMembership));
  EXPECT_FALSE(Validate(Make(options).key_package).ok());
}

TEST_F(KeyPackageTest, Rfc7_2_NonDefaultLeafExtensionsMustBeListed) {
  KeyPackageOptions options = XmtpKeyPackageOptions(kInbox, kNow);
  options.leaf.extensions.push_back(Extension{0xFF70, {1}});
  EXPECT_FALSE(Validate(Make(options).key_package).ok());
  options.leaf.capabilities.extensions.push_back(0xFF70);
  EXPECT_TRUE(Validate(Make(options).key_package).ok());
}

TEST_F(KeyPackageTest, Rfc7_2_CredentialTypeMustBeListed) {
  KeyPackageOptions options = XmtpKeyPackageOptions(kInbox, kNow);
  options.leaf.capabilities.credentials = {kCredentialTypeX509};
  EXPECT_FALSE(Validate(Make(options).key_package).ok());
}

TEST_F(KeyPackageTest, Rfc13_4_ExtensionTypesAreUnique) {
  KeyPackageOptions options = XmtpKeyPackageOptions(kInbox, kNow);
  options.extensions.push_back(MakeLastResortExtension());
  EXPECT_FALSE(Validate(Make(options).key_package).ok());
}

}  // namespace
}  // namespace xs::mls
