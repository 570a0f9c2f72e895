#include "signet/keys/hd.h"

#include <gtest/gtest.h>

#include "signet/keys/wallet_key.h"
#include "signet/util/util.h"

namespace xs::signet {
namespace {

crypto::Secret Hex(std::string_view h) { return crypto::Secret::Copy(*FromHex(h)); }

TEST(HdTest, Bip39TrezorVector) {
  // Trezor python-mnemonic vectors.json, first entry (passphrase "TREZOR").
  auto seed = Bip39Seed(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
      "about",
      "TREZOR");
  ASSERT_TRUE(seed.ok());
  EXPECT_EQ(ToHex(seed->bytes()),
            "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1"
            "e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04");
}

TEST(HdTest, Bip32Vector1) {
  crypto::Secret seed = Hex("000102030405060708090a0b0c0d0e0f");
  auto m = Bip32Master(seed);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(ToHex(m->key.bytes()),
            "e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35");
  EXPECT_EQ(ToHex(m->chain_code.bytes()),
            "873dff81c02f525623fd1fe5167eac3a55a049de3d314bb42ee227ffed37d508");
  auto child = Bip32Derive(seed, "m/0'");
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(ToHex(child->key.bytes()),
            "edb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea");
  auto normal = Bip32Derive(seed, "m/0'/1");
  ASSERT_TRUE(normal.ok());
  EXPECT_EQ(ToHex(normal->key.bytes()),
            "3c6cb8d0f6a264c91ea8b5030fadaa8e538b020f0a387421a12de9319dc93368");
}

TEST(HdTest, Slip10Ed25519Vector1) {
  crypto::Secret seed = Hex("000102030405060708090a0b0c0d0e0f");
  auto m = Slip10Ed25519Master(seed);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(ToHex(m->key.bytes()),
            "2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7");
  EXPECT_EQ(ToHex(m->chain_code.bytes()),
            "90046a93de5380a72b5e45010748567d5ea02bbf6522f979e05c0d8d8ca9fffb");
  auto c = Slip10Ed25519Derive(seed, "m/0'");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(ToHex(c->key.bytes()),
            "68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3");
  EXPECT_TRUE(Slip10Ed25519Derive(seed, "m/0").error().IsValidation());
}

TEST(HdTest, PathParsing) {
  auto p = ParsePath(kEvmPath);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (std::vector<std::uint32_t>{44 | kHardened, 60 | kHardened, kHardened, 0, 0}));
  EXPECT_TRUE(ParsePath("m").ok());
  EXPECT_TRUE(ParsePath("x/1").error().IsValidation());
  EXPECT_TRUE(ParsePath("m/").error().IsValidation());
  EXPECT_TRUE(ParsePath("m/2147483648").error().IsValidation());
  EXPECT_TRUE(ParsePath("m/1a").error().IsValidation());
}

TEST(HdTest, EvmAddressFromAbandonMnemonic) {
  // Well-known: the all-"abandon … about" mnemonic (no passphrase) at
  // m/44'/60'/0'/0/0 is 0x9858EfFD232B4033E47d90003D41EC34EcaEda94.
  auto seed = Bip39Seed(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
      "about",
      "");
  ASSERT_TRUE(seed.ok());
  auto k = Bip32Derive(*seed, kEvmPath);
  ASSERT_TRUE(k.ok());
  auto w = WalletKey::FromPrivate(std::move(k->key));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->address(), "0x9858effd232b4033e47d90003d41ec34ecaeda94");
}

}  // namespace
}  // namespace xs::signet
