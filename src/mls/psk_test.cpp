// psk_secret (RFC 9420 §8.4): every entry of psk_secret.json for suites 1 and 3.
#include "mls/psk.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/hex.h"
#include "mls/key_schedule.h"
#include "mls/testing/vectors.h"

namespace xs::mls {
namespace {

using testing::HexField;
using testing::LoadVectors;
using testing::Where;

constexpr char kFile[] = "psk_secret.json";

bool SupportedSuite(std::uint16_t id) { return id == 1 || id == 3; }

TEST(MlsPskVectors, AllEntriesSuites1And3) {
  std::string skip;
  auto vectors = LoadVectors(kFile, &skip);
  if (!vectors) GTEST_SKIP() << skip;
  int checked = 0;
  for (std::size_t i = 0; i < vectors->size(); ++i) {
    const auto& e = (*vectors)[i];
    const auto suite_id = e["cipher_suite"].get<std::uint16_t>();
    if (!SupportedSuite(suite_id)) continue;
    ++checked;
    const crypto::CipherSuite suite = *crypto::CipherSuite::Create(suite_id);
    // The vectors' PSKs are all external (PreSharedKeyID psktype = external).
    std::vector<PskWithSecret> psks;
    for (const auto& p : e["psks"]) {
      PskWithSecret entry;
      entry.id.psk_type = PskType::kExternal;
      entry.id.psk_id = HexField(p, "psk_id");
      entry.id.psk_nonce = HexField(p, "psk_nonce");
      entry.psk = crypto::Secret::Copy(HexField(p, "psk"));
      psks.push_back(std::move(entry));
    }
    auto secret = DerivePskSecret(suite, psks);
    ASSERT_TRUE(secret.ok()) << Where(kFile, i) << ": " << secret.error().ToString();
    EXPECT_EQ(codec::HexEncode(secret->bytes()), e["psk_secret"].get<std::string>())
        << Where(kFile, i) << ".psk_secret (" << psks.size() << " PSKs)";
  }
  EXPECT_EQ(checked, 22);  // suites 1 and 3 in the shared vectors
}

TEST(MlsPsk, NoPsksGiveTheZeroSecret) {
  const crypto::CipherSuite suite = *crypto::CipherSuite::Create(3);
  auto secret = DerivePskSecret(suite, {});
  ASSERT_TRUE(secret.ok());
  EXPECT_TRUE(secret->Equals(ZeroSecret(suite).bytes()));
}

TEST(MlsPsk, OrderMatters) {
  const crypto::CipherSuite suite = *crypto::CipherSuite::Create(3);
  std::vector<PskWithSecret> psks(2);
  psks[0].id.psk_id = {1};
  psks[0].psk = crypto::Secret::Random(32);
  psks[1].id.psk_id = {2};
  psks[1].psk = crypto::Secret::Random(32);
  auto forward = DerivePskSecret(suite, psks);
  std::swap(psks[0], psks[1]);
  auto backward = DerivePskSecret(suite, psks);
  ASSERT_TRUE(forward.ok() && backward.ok());
  EXPECT_FALSE(forward->Equals(backward->bytes()));
}

}  // namespace
}  // namespace xs::mls
