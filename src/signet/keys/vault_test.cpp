#include "signet/keys/vault.h"

#include <gtest/gtest.h>

#include "signet/keys/admin_key.h"
#include "signet/keys/wallet_key.h"
#include "signet/testing/temp_dir.h"
#include "signet/util/util.h"

namespace xs::signet {
namespace {

using testing::FileMode;
using testing::TempDir;

TEST(VaultTest, KeyFileSealRoundTrip) {
  TempDir dir;
  auto v = Vault::Create(dir.path(), KeyPolicy::kOpen, std::nullopt, std::nullopt);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(FileMode(dir.path() + "/vault.db"), 0600u);
  EXPECT_EQ(FileMode(dir.path() + "/vault.key"), 0600u);
  EXPECT_FALSE((*v)->passphrase_sealed());
  auto again = Vault::Unseal(dir.path(), std::nullopt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->root_key().public_key(), (*v)->root_key().public_key());
  EXPECT_EQ(ToHex((*again)->data_key().bytes()), ToHex((*v)->data_key().bytes()));
  // The root and admin keys are independent.
  EXPECT_NE((*v)->root_key().public_key(), (*v)->admin_key().public_key());
  // Owner confirmation without a configured passphrase fails closed.
  EXPECT_TRUE((*v)->VerifyOwner("anything").error().IsPermission());
}

TEST(VaultTest, WrongKeyFileIsAuthError) {
  TempDir dir;
  ASSERT_TRUE(Vault::Create(dir.path(), KeyPolicy::kOpen, std::nullopt, std::nullopt).ok());
  std::string other(32, 'x');
  FILE* f = std::fopen((dir.path() + "/vault.key").c_str(), "wb");
  std::fwrite(other.data(), 1, other.size(), f);
  std::fclose(f);
  auto r = Vault::Unseal(dir.path(), std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsAuth());
}

TEST(VaultTest, PassphraseSealAndWrongPassphrase) {
  TempDir dir;
  auto v = Vault::Create(dir.path(), KeyPolicy::kPasscode, "correct horse battery", std::nullopt);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_TRUE((*v)->passphrase_sealed());
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/vault.key"));
  auto good = Vault::Unseal(dir.path(), "correct horse battery");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ((*good)->admin_key().public_key(), (*v)->admin_key().public_key());
  auto bad = Vault::Unseal(dir.path(), "wrong horse battery");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().IsAuth());
  EXPECT_EQ(bad.error().message().find("correct"), std::string::npos);
  EXPECT_TRUE(Vault::Unseal(dir.path(), std::nullopt).error().IsAuth());
  // The passphrase doubles as the owner confirmation.
  EXPECT_TRUE((*good)->VerifyOwner("correct horse battery").ok());
  EXPECT_TRUE((*good)->VerifyOwner("nope nope nope").error().IsPermission());
  // Secrets never appear in the vault file.
  std::string file = testing::ReadAll(dir.path() + "/vault.db");
  EXPECT_EQ(file.find(ToHex((*v)->data_key().bytes())), std::string::npos);
  EXPECT_EQ(file.find("correct horse"), std::string::npos);
}

TEST(VaultTest, PassphrasePolicyNeedsPassphrase) {
  TempDir dir;
  EXPECT_TRUE(Vault::Create(dir.path(), KeyPolicy::kBiometric, std::nullopt, std::nullopt)
                  .error()
                  .IsValidation());
  ASSERT_TRUE(Vault::Create(dir.path(), KeyPolicy::kOpen, std::nullopt, std::nullopt).ok());
  EXPECT_TRUE(Vault::Create(dir.path(), KeyPolicy::kOpen, std::nullopt, std::nullopt)
                  .error()
                  .IsValidation());
}

TEST(AdminKeyTest, SaveLoadSign) {
  TempDir dir;
  Ed25519Key k = Ed25519Key::Generate();
  ASSERT_TRUE(AdminKey::Save(dir.path(), k).ok());
  EXPECT_EQ(FileMode(AdminKey::PathFor(dir.path())), 0600u);
  auto loaded = AdminKey::Load(dir.path());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->public_key(), k.public_key());
  EXPECT_EQ(loaded->fingerprint().rfind("sha256:", 0), 0u);
  const std::uint8_t msg[] = {1, 2, 3};
  EXPECT_TRUE(Ed25519Key::Verify(k.public_key(), msg, loaded->Sign(msg)));
  TempDir empty;
  EXPECT_TRUE(AdminKey::Load(empty.path()).error().IsAuth());
}

TEST(WalletKeyTest, AddressVectors) {
  // Private key 1 -> the well-known address of the generator point.
  std::vector<std::uint8_t> one(32, 0);
  one[31] = 1;
  auto w = WalletKey::FromPrivate(crypto::Secret::Copy(one));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->address(), "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  EXPECT_TRUE(WalletKey::FromPrivate(crypto::Secret::Copy(std::vector<std::uint8_t>(32, 0)))
                  .error()
                  .IsValidation());
}

}  // namespace
}  // namespace xs::signet
