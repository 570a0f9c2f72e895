// Key schedule (RFC 9420 §8): every epoch of every key-schedule.json entry for
// suites 1 and 3: GroupContext encoding, joiner / welcome / epoch-derived
// secrets, the next init_secret, external_pub and the MLS-Exporter.
#include "mls/key_schedule.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/hex.h"
#include "mls/messages/serialize.h"
#include "mls/testing/vectors.h"

namespace xs::mls {
namespace {

using testing::HexField;
using testing::SuiteVectorEntry;
using testing::VectorFile;

constexpr char kFile[] = "key-schedule.json";

std::string Hex(std::span<const std::uint8_t> bytes) { return codec::HexEncode(bytes); }

void CheckEpoch(const crypto::CipherSuite& suite, const nlohmann::json& ep,
                const crypto::Secret& init_secret, const std::string& where) {
  const Bytes context = HexField(ep, "group_context");
  const crypto::Secret commit = crypto::Secret::Copy(HexField(ep, "commit_secret"));
  const crypto::Secret psk = crypto::Secret::Copy(HexField(ep, "psk_secret"));
  auto secrets = DeriveEpochSecrets(suite, init_secret, commit, psk, context);
  ASSERT_TRUE(secrets.ok()) << where << ": " << secrets.error().ToString();

  const auto expect = [&](const crypto::Secret& got, const char* field) {
    EXPECT_EQ(Hex(got.bytes()), ep[field].get<std::string>()) << where << "." << field;
  };
  expect(secrets->joiner_secret, "joiner_secret");
  expect(secrets->welcome_secret, "welcome_secret");
  expect(secrets->sender_data_secret, "sender_data_secret");
  expect(secrets->encryption_secret, "encryption_secret");
  expect(secrets->exporter_secret, "exporter_secret");
  expect(secrets->external_secret, "external_secret");
  expect(secrets->confirmation_key, "confirmation_key");
  expect(secrets->membership_key, "membership_key");
  expect(secrets->resumption_psk, "resumption_psk");
  expect(secrets->epoch_authenticator, "epoch_authenticator");
  expect(secrets->init_secret, "init_secret");

  // A joiner reaches the same epoch from joiner_secret alone.
  auto joined = DeriveEpochSecretsFromJoiner(suite, secrets->joiner_secret, psk, context);
  ASSERT_TRUE(joined.ok()) << where;
  EXPECT_TRUE(joined->epoch_authenticator.Equals(secrets->epoch_authenticator.bytes())) << where;
  auto welcome = DeriveWelcomeSecret(suite, secrets->joiner_secret, psk);
  ASSERT_TRUE(welcome.ok()) << where;
  expect(*welcome, "welcome_secret");

  auto external = DeriveExternalKeyPair(suite, secrets->external_secret);
  ASSERT_TRUE(external.ok()) << where << ": " << external.error().ToString();
  EXPECT_EQ(Hex(external->public_key), ep["external_pub"].get<std::string>())
      << where << ".external_pub";

  const auto& ex = ep["exporter"];
  // The generator of these vectors passed the label's hex text itself as the
  // exporter label (checked: the decoded bytes do not reproduce `secret`).
  const std::string label_text = ex["label"].get<std::string>();
  auto exported = MlsExporter(suite, secrets->exporter_secret, label_text, HexField(ex, "context"),
                              ex["length"].get<std::size_t>());
  ASSERT_TRUE(exported.ok()) << where;
  EXPECT_EQ(Hex(exported->bytes()), ex["secret"].get<std::string>()) << where << ".exporter";
}

TEST(MlsKeyScheduleVectors, AllEpochsSuites1And3) {
  const VectorFile vectors(kFile);
  XS_REQUIRE_VECTORS(vectors);
  int epochs_checked = 0;
  const int checked = vectors.ForEachSupportedSuite([&](const SuiteVectorEntry& entry) {
    const auto& e = entry.json;
    const Bytes group_id = HexField(e, "group_id");
    crypto::Secret init_secret = crypto::Secret::Copy(HexField(e, "initial_init_secret"));
    ASSERT_FALSE(e["epochs"].empty());
    for (std::size_t epoch = 0; epoch < e["epochs"].size(); ++epoch) {
      ++epochs_checked;
      const auto& ep = e["epochs"][epoch];
      const std::string where = entry.where + ".epochs[" + std::to_string(epoch) + "]";
      // The vectors' GroupContext: this epoch number, no extensions.
      GroupContext gc;
      gc.cipher_suite = entry.suite_id;
      gc.group_id = group_id;
      gc.epoch = epoch;
      gc.tree_hash = HexField(ep, "tree_hash");
      gc.confirmed_transcript_hash = HexField(ep, "confirmed_transcript_hash");
      EXPECT_EQ(Hex(Serialize(gc)), ep["group_context"].get<std::string>())
          << where << ".group_context";
      CheckEpoch(entry.suite, ep, init_secret, where);
      init_secret = crypto::Secret::Copy(HexField(ep, "init_secret"));
    }
  });
  EXPECT_EQ(checked, 2);          // suites 1 and 3 in the shared vectors
  EXPECT_EQ(epochs_checked, 10);  // their epochs
}

TEST(MlsKeySchedule, WelcomeKeyAndZeroSecret) {
  const crypto::CipherSuite suite1 = *crypto::CipherSuite::Create(1);
  const crypto::CipherSuite suite3 = *crypto::CipherSuite::Create(3);
  const crypto::Secret welcome = crypto::Secret::Random(32);
  auto k1 = DeriveWelcomeKey(suite1, welcome);
  auto k3 = DeriveWelcomeKey(suite3, welcome);
  ASSERT_TRUE(k1.ok() && k3.ok());
  EXPECT_EQ(k1->key.size(), 16u);
  EXPECT_EQ(k3->key.size(), 32u);
  EXPECT_EQ(k3->nonce.size(), 12u);
  // KDFLabel carries the length, so the two keys are unrelated.
  EXPECT_FALSE(k3->key.Equals(k1->key.bytes()));
  const crypto::Secret zero = ZeroSecret(suite3);
  EXPECT_EQ(zero.size(), 32u);
  EXPECT_TRUE(zero.Equals(Bytes(32, 0)));
}

TEST(MlsKeySchedule, WrongSizedSecretsAreRejected) {
  const crypto::CipherSuite suite = *crypto::CipherSuite::Create(3);
  const crypto::Secret good = crypto::Secret::Random(32);
  const crypto::Secret short_secret = crypto::Secret::Random(16);
  const Bytes context = {1, 2, 3};
  EXPECT_FALSE(DeriveEpochSecrets(suite, short_secret, good, good, context).ok());
  EXPECT_FALSE(DeriveEpochSecrets(suite, good, short_secret, good, context).ok());
  EXPECT_FALSE(DeriveEpochSecrets(suite, good, good, short_secret, context).ok());
  EXPECT_FALSE(DeriveEpochSecretsFromJoiner(suite, short_secret, good, context).ok());
  EXPECT_TRUE(DeriveEpochSecrets(suite, good, good, good, context).ok());
}

}  // namespace
}  // namespace xs::mls
