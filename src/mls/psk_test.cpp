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
using testing::SuiteVectorEntry;
using testing::VectorFile;

constexpr char kFile[] = "psk_secret.json";

TEST(MlsPskVectors, AllEntriesSuites1And3) {
  const VectorFile vectors(kFile);
  XS_REQUIRE_VECTORS(vectors);
  const int checked = vectors.ForEachSupportedSuite([](const SuiteVectorEntry& entry) {
    // The vectors' PSKs are all external (PreSharedKeyID psktype = external).
    std::vector<PskWithSecret> psks;
    for (const auto& p : entry.json["psks"]) {
      PskWithSecret psk;
      psk.id.psk_type = PskType::kExternal;
      psk.id.psk_id = HexField(p, "psk_id");
      psk.id.psk_nonce = HexField(p, "psk_nonce");
      psk.psk = crypto::Secret::Copy(HexField(p, "psk"));
      psks.push_back(std::move(psk));
    }
    auto secret = DerivePskSecret(entry.suite, psks);
    ASSERT_TRUE(secret.ok()) << entry.where << ": " << secret.error().ToString();
    EXPECT_EQ(codec::HexEncode(secret->bytes()), entry.json["psk_secret"].get<std::string>())
        << entry.where << ".psk_secret (" << psks.size() << " PSKs)";
  });
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
