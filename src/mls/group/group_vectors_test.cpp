// Known-answer tests of the group layer against the official MLS vectors
// (shared/mls/test-vectors), suites 1 and 3:
//   welcome.json                        open a Welcome, verify the GroupInfo and its tag
//   passive-client-welcome.json         join, compare the epoch authenticator
//   passive-client-handling-commit.json join, then follow each epoch's proposals + commit
//   passive-client-random.json          the same over a long random run
// The vectors use PublicMessage handshakes, PSKs and eternal lifetimes, so the
// passive client runs with the relaxed GroupConfig (the XMTP policy refuses
// all three).
#include <gtest/gtest.h>

#include <string>

#include "mls/group/group_error.h"
#include "mls/group/process.h"
#include "mls/group/staged_commit.h"
#include "mls/group/welcome.h"
#include "mls/key_schedule.h"
#include "mls/messages/serialize.h"
#include "mls/testing/vectors.h"
#include "mls/transcript_hash.h"

namespace xs::mls {
namespace {

using testing::HexField;
using testing::SuiteVectorEntry;
using testing::VectorFile;

Bytes HexString(const nlohmann::json& value) {
  auto decoded = codec::HexDecode(value.get<std::string>());
  return decoded.ok() ? std::move(decoded).value() : Bytes{};
}

Result<MlsMessage> DecodeMessage(const Bytes& bytes) { return Deserialize<MlsMessage>(bytes); }

Bytes AsBytes(std::span<const std::uint8_t> span) { return Bytes(span.begin(), span.end()); }

TEST(GroupVectorsTest, WelcomeJson) {
  const VectorFile vectors("welcome.json");
  XS_REQUIRE_VECTORS(vectors);
  const int checked = vectors.ForEachSupportedSuite([](const SuiteVectorEntry& entry) {
    const auto& [e, where, suite_id, suite] = entry;
    SCOPED_TRACE(where);
    auto kp_message = DecodeMessage(HexField(e, "key_package"));
    auto welcome_message = DecodeMessage(HexField(e, "welcome"));
    ASSERT_TRUE(kp_message.ok() && welcome_message.ok());
    const auto& kp = std::get<KeyPackage>(kp_message->body);
    const auto& welcome = std::get<Welcome>(welcome_message->body);

    const Bytes init_priv = HexField(e, "init_priv");
    auto opened = OpenWelcome(suite, welcome, kp, init_priv);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    EXPECT_TRUE(
        VerifyGroupInfoSignature(suite, opened->group_info, HexField(e, "signer_pub")).ok());

    const GroupContext& context = opened->group_info.group_context;
    auto secrets = DeriveEpochSecretsFromJoiner(
        suite, crypto::Secret::Copy(opened->group_secrets.joiner_secret), ZeroSecret(suite),
        Serialize(context));
    ASSERT_TRUE(secrets.ok());
    EXPECT_TRUE(VerifyConfirmationTag(suite, secrets->confirmation_key,
                                      context.confirmed_transcript_hash,
                                      opened->group_info.confirmation_tag)
                    .ok());
  });
  EXPECT_EQ(checked, 2);  // suites 1 and 3 in the shared vectors
}

// The relaxed policy the RFC vectors need.
JoinOptions PassiveOptions(const nlohmann::json& e) {
  JoinOptions options;
  options.config.accept_public_messages = true;
  options.config.allow_psks = true;
  options.config.resumption_psks_kept = 1000;
  options.config.check_key_package_lifetime = false;
  options.config.max_lifetime_range = 0;
  if (e.contains("ratchet_tree") && e["ratchet_tree"].is_string()) {
    auto tree = Deserialize<RatchetTree>(HexField(e, "ratchet_tree"));
    if (tree.ok()) options.ratchet_tree = std::move(tree).value();
  }
  for (const auto& psk : e["external_psks"]) {
    options.external_psks[HexString(psk["psk_id"])] = crypto::Secret::Copy(HexString(psk["psk"]));
  }
  return options;
}

// Joins as the passive client, then follows every epoch. Returns how many
// epochs were checked, or -1 after a failure (already reported).
int RunPassiveClient(const SuiteVectorEntry& entry) {
  const auto& [e, where, suite_id, suite] = entry;
  auto kp_message = DecodeMessage(HexField(e, "key_package"));
  auto welcome_message = DecodeMessage(HexField(e, "welcome"));
  EXPECT_TRUE(kp_message.ok() && welcome_message.ok()) << where;
  if (!kp_message.ok() || !welcome_message.ok()) return -1;

  KeyPackageBundle bundle;
  bundle.key_package = std::get<KeyPackage>(kp_message->body);
  bundle.init_private_key = crypto::Secret::Copy(HexField(e, "init_priv"));
  bundle.encryption_private_key = crypto::Secret::Copy(HexField(e, "encryption_priv"));
  const Bytes signature_priv = HexField(e, "signature_priv");
  // The given private keys belong to the KeyPackage.
  EXPECT_EQ(*suite.HpkePublicKeyOf(bundle.init_private_key.bytes()), bundle.key_package.init_key)
      << where;
  EXPECT_EQ(*suite.HpkePublicKeyOf(bundle.encryption_private_key.bytes()),
            bundle.key_package.leaf_node.encryption_key)
      << where;
  EXPECT_EQ(*suite.SignaturePublicKeyOf(signature_priv), bundle.key_package.leaf_node.signature_key)
      << where;

  auto joined = JoinFromWelcome(std::get<Welcome>(welcome_message->body), bundle, signature_priv,
                                PassiveOptions(e));
  EXPECT_TRUE(joined.ok()) << where << " join: " << joined.error().ToString();
  if (!joined.ok()) return -1;
  GroupState group = std::move(joined).value();
  EXPECT_EQ(AsBytes(group.epoch_authenticator()), HexField(e, "initial_epoch_authenticator"))
      << where;

  int epochs = 0;
  for (const auto& epoch : e["epochs"]) {
    const std::string at = where + " epoch " + std::to_string(epochs);
    for (const auto& proposal : epoch["proposals"]) {
      auto message = DecodeMessage(HexString(proposal));
      EXPECT_TRUE(message.ok()) << at;
      if (!message.ok()) return -1;
      auto processed = ProcessMessage(group, *message);
      EXPECT_TRUE(processed.ok()) << at << " proposal: " << processed.error().ToString();
      if (!processed.ok()) return -1;
      EXPECT_EQ(processed->kind, ProcessedMessage::Kind::kProposal) << at;
    }
    auto commit = DecodeMessage(HexString(epoch["commit"]));
    EXPECT_TRUE(commit.ok()) << at;
    if (!commit.ok()) return -1;
    auto processed = ProcessMessage(group, *commit);
    EXPECT_TRUE(processed.ok()) << at << " commit: " << processed.error().ToString();
    if (!processed.ok()) return -1;
    EXPECT_EQ(processed->kind, ProcessedMessage::Kind::kCommit) << at;
    auto merged = Merge(group, std::move(processed->commit));
    EXPECT_TRUE(merged.ok()) << at;
    if (!merged.ok()) return -1;
    EXPECT_EQ(AsBytes(group.epoch_authenticator()), HexString(epoch["epoch_authenticator"])) << at;
    if (AsBytes(group.epoch_authenticator()) != HexString(epoch["epoch_authenticator"])) return -1;
    ++epochs;
  }
  return epochs;
}

// `expected_clients` / `expected_epochs`: the entries of suites 1 and 3 in
// the shared vectors, and their epochs in total.
void RunPassiveFile(const std::string& file, int expected_clients, int expected_epochs) {
  const VectorFile vectors(file);
  XS_REQUIRE_VECTORS(vectors);
  int clients = 0;
  int epochs = 0;
  const int checked = vectors.ForEachSupportedSuite([&](const SuiteVectorEntry& entry) {
    const int followed = RunPassiveClient(entry);
    if (followed < 0) return;
    ++clients;
    epochs += followed;
  });
  EXPECT_EQ(checked, expected_clients) << file;
  EXPECT_EQ(clients, expected_clients) << file << ": clients followed to the end";
  EXPECT_EQ(epochs, expected_epochs) << file;
  ::testing::Test::RecordProperty("clients", clients);
  ::testing::Test::RecordProperty("epochs", epochs);
}

TEST(GroupVectorsTest, PassiveClientWelcome) {
  RunPassiveFile("passive-client-welcome.json", 16, 0);
}

TEST(GroupVectorsTest, PassiveClientHandlingCommit) {
  RunPassiveFile("passive-client-handling-commit.json", 26, 52);
}

TEST(GroupVectorsTest, PassiveClientRandom) {
  RunPassiveFile("passive-client-random.json", 1, 200);
}

}  // namespace
}  // namespace xs::mls
