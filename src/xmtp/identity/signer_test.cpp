// Known answers computed with independent implementations (viem 2 for
// ERC-191, @noble/curves 1 ed25519ph for installation signatures) over the
// verified SDK signature text of protocol.md §3.4.
#include "xmtp/identity/signer.h"

#include <gtest/gtest.h>

#include "codec/hex.h"
#include "xmtp/identity/signature_verifier.h"

namespace xs::xmtp::identity {
namespace {

constexpr char kWalletKey[] = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
constexpr char kWalletAddress[] = "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23";
// RFC 8032 §7.1 TEST 1 secret key.
constexpr char kInstallationSeed[] =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr char kInstallationPublic[] =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

constexpr char kExampleText[] =
    "XMTP : Authenticate to inbox\n"
    "\n"
    "Inbox ID: 45915bad9a857a62ceed43a7573d3eef87966c96961128c520dc1c5d6fa5d38b\n"
    "Current time: 2026-11-23T22:32:36Z\n"
    "\n"
    "- Create inbox\n"
    "  (Owner: 0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a)\n"
    "- Grant messaging access to app\n"
    "  (ID: 638f952f3a2bf8c4e3b39a18f13a4aa99828e6c74b444f9965e1efa7cb78e751)\n"
    "\n"
    "For more info: https://xmtp.org/signatures";

constexpr char kSomeDataSig[] =
    "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2"
    "da167c747ef045e5d18a5f5d4300f8e1a0291c";
constexpr char kExampleWalletSig[] =
    "2802d76ad0d6a624d0499ebc553ad20f1fe1fd9f0e5b7ed792d5f47177f767a17d4410d6da21f2e7fad77c8ce172"
    "597e13909a7aee084b0275c44378c1ff5c931b";
constexpr char kExampleInstallationSig[] =
    "407b6a46c4f265926d41a3ae05934a083c733fd933913add0e5a4845d2c92e0a0c0f7b16cec2b0ac202f56372712"
    "3a1b8f7d73c334ff8387df1d1f752e7b5c07";

std::vector<std::uint8_t> Bytes(std::string_view hex) { return codec::HexDecode(hex).value(); }

TEST(WalletKeyTest, KnownAnswers) {
  auto wallet = WalletKey::FromPrivateKeyHex(kWalletKey);
  ASSERT_TRUE(wallet.ok()) << wallet.error().ToString();
  EXPECT_EQ(wallet->address(), kWalletAddress);
  EXPECT_EQ(WalletKey::FromPrivateKeyHex(std::string("0x") + kWalletKey)->address(),
            kWalletAddress);
  EXPECT_EQ(wallet->SignPersonalMessage("Some data").value(), Bytes(kSomeDataSig));
  EXPECT_EQ(wallet->SignPersonalMessage(kExampleText).value(), Bytes(kExampleWalletSig));
  EXPECT_EQ(wallet->ExportPrivateKeyHex(), kWalletKey);
}

TEST(WalletKeyTest, VerifierRecoversSigner) {
  ::xmtp::identity::associations::Signature sig;
  auto bytes = Bytes(kExampleWalletSig);
  sig.mutable_erc_191()->set_bytes(bytes.data(), bytes.size());
  auto verified = VerifySignature(sig, kExampleText, "sig");
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(verified->signer, MemberId::Ethereum(kWalletAddress));
  EXPECT_EQ(verified->kind, SignatureKind::kErc191);

  // v as 0/1 is accepted too.
  bytes[64] = static_cast<std::uint8_t>(bytes[64] - 27);
  sig.mutable_erc_191()->set_bytes(bytes.data(), bytes.size());
  EXPECT_EQ(VerifySignature(sig, kExampleText, "sig")->signer, MemberId::Ethereum(kWalletAddress));
  bytes[64] = 5;
  sig.mutable_erc_191()->set_bytes(bytes.data(), bytes.size());
  EXPECT_FALSE(VerifySignature(sig, kExampleText, "sig").ok());
}

TEST(WalletKeyTest, RejectsBadKeysWithoutEchoingThem) {
  const std::string bad = "zz0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
  auto r = WalletKey::FromPrivateKeyHex(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsValidation());
  EXPECT_EQ(r.error().ToString().find("0883a691"), std::string::npos);
  EXPECT_EQ(r.error().context_json().find("0883a691"), std::string::npos);
  EXPECT_FALSE(WalletKey::FromPrivateKeyHex(std::string(64, '0')).ok());  // zero scalar
  EXPECT_FALSE(WalletKey::FromPrivateKeyHex(std::string(64, 'f')).ok());  // >= group order
  EXPECT_FALSE(WalletKey::FromPrivateKeyHex("1234").ok());
}

TEST(WalletKeyTest, FromRawPrivateKey) {
  auto wallet = WalletKey::FromPrivateKey(Bytes(kWalletKey));
  ASSERT_TRUE(wallet.ok()) << wallet.error().ToString();
  EXPECT_EQ(wallet->address(), kWalletAddress);
  EXPECT_FALSE(WalletKey::FromPrivateKey(std::vector<std::uint8_t>(31, 1)).ok());
  EXPECT_FALSE(WalletKey::FromPrivateKey(std::vector<std::uint8_t>(32, 0)).ok());
}

TEST(WalletKeyTest, GeneratedKeysDiffer) {
  auto a = WalletKey::Generate();
  auto b = WalletKey::Generate();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->address(), b->address());
  EXPECT_EQ(a->address().size(), 42u);
}

TEST(InstallationKeyTest, KnownAnswers) {
  auto inst = InstallationKey::FromSeed(Bytes(kInstallationSeed));
  ASSERT_TRUE(inst.ok()) << inst.error().ToString();
  EXPECT_EQ(codec::HexEncode(inst->public_key()), kInstallationPublic);
  auto sig = inst->SignText(kExampleText);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(*sig, Bytes(kExampleInstallationSig));

  auto proto = inst->Sign(kExampleText).value();
  auto verified = VerifySignature(proto, kExampleText, "sig");
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(verified->signer, inst->identity());
  EXPECT_EQ(verified->kind, SignatureKind::kInstallationKey);
  // Another context does not verify as an identity signature.
  auto other = inst->SignTextWithContext(kExampleText, "PUBLIC SIGNATURE CONTEXT").value();
  EXPECT_NE(other, *sig);
  proto.mutable_installation_key()->set_bytes(other.data(), other.size());
  EXPECT_FALSE(VerifySignature(proto, kExampleText, "sig").ok());
  EXPECT_FALSE(InstallationKey::FromSeed(std::vector<std::uint8_t>(31, 1)).ok());
}

}  // namespace
}  // namespace xs::xmtp::identity
