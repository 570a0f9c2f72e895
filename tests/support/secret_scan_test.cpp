// The scan finds what it claims to find: every form of a planted secret, a
// token outside its issuing output or repeated in it, a secret in a file, and
// the secrets a real data dir holds (read through the vault and store).
#include "support/secret_scan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "codec/base64.h"
#include "codec/hex.h"
#include "signet/core/runtime.h"
#include "signet/testing/temp_dir.h"
#include "support/data_dir_secrets.h"

namespace xs::testing {
namespace {

const std::vector<std::uint8_t> kSeed = {
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TEST(SecretScanTest, CleanOutputsHaveNoFindings) {
  SecretScan scan;
  scan.AddSecret("seed", kSeed);
  scan.AddOutput("xs status", "{\"state\":\"running\"}");
  EXPECT_TRUE(scan.Findings().empty());
}

TEST(SecretScanTest, NamesWhatItSearchesForButNotTooShortSecrets) {
  SecretScan scan;
  scan.AddSecret("seed", kSeed);
  scan.AddSecret("pin", std::string_view("1234"));
  EXPECT_EQ(scan.SecretNames(), std::set<std::string>{"seed"});
}

TEST(SecretScanTest, FindsEveryFormOfASecretInAnOutput) {
  const std::string raw(kSeed.begin(), kSeed.end());
  std::vector<std::uint8_t> longer(3, 0x7f);  // the secret inside a longer blob
  for (std::uint8_t b : kSeed) longer.push_back(b);
  longer.push_back(0x42);
  for (const std::string& form : {raw, codec::HexEncode(kSeed), Upper(codec::HexEncode(kSeed)),
                                  codec::Base64Encode(kSeed), codec::Base64UrlEncode(kSeed),
                                  codec::Base64Encode(longer), "0x" + codec::HexEncode(longer)}) {
    SecretScan scan;
    scan.AddSecret("seed", kSeed);
    scan.AddOutput("xs key list", "keys: " + form + "\n");
    auto findings = scan.Findings();
    ASSERT_FALSE(findings.empty()) << form;
    EXPECT_NE(findings[0].find("seed"), std::string::npos) << findings[0];
    EXPECT_NE(findings[0].find("xs key list"), std::string::npos) << findings[0];
  }
}

TEST(SecretScanTest, FindsATextSecretAndASecretInAFile) {
  signet::testing::TempDir dir;
  const std::string log = dir.path() + "/signet.log";
  std::ofstream(log) << "{\"msg\":\"unsealed with correct horse battery\"}\n";
  SecretScan scan;
  scan.AddSecret("passphrase", std::string_view("correct horse battery"));
  scan.AddFilesUnder(dir.path());
  auto findings = scan.Findings();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].find("passphrase (raw) appears in file " + log), std::string::npos)
      << findings[0];
}

TEST(SecretScanTest, HolderFilesAreSkipped) {
  signet::testing::TempDir dir;
  std::ofstream(dir.path() + "/vault.key") << codec::HexEncode(kSeed);
  SecretScan scan;
  scan.AddSecret("seed", kSeed);
  scan.AddFilesUnder(dir.path(), SecretHolderFiles());
  EXPECT_TRUE(scan.Findings().empty());
  scan.AddFilesUnder(dir.path());
  EXPECT_EQ(scan.Findings().size(), 1u);
}

TEST(SecretScanTest, TokenOnlyOnceAndOnlyInItsIssuingOutput) {
  const std::string token = "tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd";
  {
    SecretScan scan;
    std::size_t issued = scan.AddOutput("xs cred issue", "{\"token\":\"" + token + "\"}");
    scan.AddToken("token", token, issued);
    scan.AddOutput("xs cred list", "[]");
    EXPECT_TRUE(scan.Findings().empty());
  }
  {
    SecretScan scan;
    std::size_t issued = scan.AddOutput("xs cred issue", token + "\n" + token);
    scan.AddToken("token", token, issued);
    ASSERT_EQ(scan.Findings().size(), 1u);
    EXPECT_NE(scan.Findings()[0].find("appears 2 times (want 1)"), std::string::npos);
  }
  {
    SecretScan scan;
    std::size_t issued = scan.AddOutput("xs cred issue", token);
    scan.AddToken("token", token, issued);
    scan.AddOutput("xs cred info", "token " + token);
    ASSERT_EQ(scan.Findings().size(), 1u);
    EXPECT_NE(scan.Findings()[0].find("xs cred info"), std::string::npos);
  }
  {
    SecretScan scan;
    std::size_t issued = scan.AddOutput("xs cred issue", "no token here");
    scan.AddToken("token", token, issued);
    EXPECT_EQ(scan.Findings().size(), 1u);
  }
}

TEST(SecretScanTest, DataDirSecretsAreReadThroughTheVault) {
  signet::testing::TempDir dir;
  signet::RuntimeOptions options;
  options.data_dir = dir.path();
  auto rt = signet::Runtime::Init(options);
  ASSERT_TRUE(rt.ok()) << rt.error().ToString();
  const std::string key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
  auto wallet =
      (*rt)->Call("wallet.import", {{"label", "w"}, {"privateKey", key}}, signet::CallContext{});
  ASSERT_TRUE(wallet.ok()) << wallet.error().ToString();
  rt->reset();

  SecretScan scan;
  ASSERT_TRUE(AddDataDirSecrets(dir.path(), std::nullopt, scan).ok());
  EXPECT_TRUE(scan.Findings().empty());
  // The wallet key sealed in the store is found where it leaks.
  scan.AddOutput("xs wallet info", "0x" + key);
  // The admin.key file holds the admin seed in hex: found when not skipped.
  scan.AddFile(signet::AdminKey::PathFor(dir.path()));
  auto findings = scan.Findings();
  ASSERT_EQ(findings.size(), 2u) << findings.size();
  EXPECT_NE(findings[0].find("private key (hex) appears in output of xs wallet info"),
            std::string::npos)
      << findings[0];
  EXPECT_NE(findings[1].find("admin seed (hex) appears in file"), std::string::npos) << findings[1];
}

}  // namespace
}  // namespace xs::testing
