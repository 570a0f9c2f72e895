// Secret tree (RFC 9420 §9): every entry of secret-tree.json for suites 1 and
// 3 (receiver and sender side, and the sender-data keys), then the receive
// window: out-of-order tolerance, reuse, forward distance, and bad indices.
#include "mls/secret_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "codec/hex.h"
#include "codec/tls_writer.h"
#include "mls/testing/vectors.h"

namespace xs::mls {
namespace {

using crypto::Bytes;
using testing::HexField;
using testing::SuiteVectorEntry;
using testing::VectorFile;

constexpr char kFile[] = "secret-tree.json";

crypto::CipherSuite Suite3() { return *crypto::CipherSuite::Create(3); }

std::string Hex(const crypto::Secret& s) { return codec::HexEncode(s.bytes()); }

void ExpectKey(const Result<RatchetKey>& got, const nlohmann::json& g, const char* key_field,
               const char* nonce_field, const std::string& where) {
  ASSERT_TRUE(got.ok()) << where << ": " << got.error().ToString();
  EXPECT_EQ(got->generation, g["generation"].get<std::uint32_t>()) << where;
  EXPECT_EQ(Hex(got->key), g[key_field].get<std::string>()) << where << "." << key_field;
  EXPECT_EQ(Hex(got->nonce), g[nonce_field].get<std::string>()) << where << "." << nonce_field;
}

TEST(MlsSecretTreeVectors, AllEntriesSuites1And3) {
  const VectorFile vectors(kFile);
  XS_REQUIRE_VECTORS(vectors);
  const int checked = vectors.ForEachSupportedSuite([](const SuiteVectorEntry& entry) {
    const auto& [e, where, suite_id, suite] = entry;

    // Sender data (§6.3.2): key and nonce from the first Nh ciphertext bytes.
    const auto& sd = e["sender_data"];
    const Bytes sd_secret = HexField(sd, "sender_data_secret");
    Bytes sample = HexField(sd, "ciphertext");
    sample.resize(std::min(sample.size(), suite.hash_size()));
    auto sd_key = suite.ExpandWithLabel(sd_secret, "key", sample, suite.aead_key_size());
    auto sd_nonce = suite.ExpandWithLabel(sd_secret, "nonce", sample, suite.aead_nonce_size());
    ASSERT_TRUE(sd_key.ok() && sd_nonce.ok()) << where;
    EXPECT_EQ(Hex(*sd_key), sd["key"].get<std::string>()) << where << ".sender_data.key";
    EXPECT_EQ(Hex(*sd_nonce), sd["nonce"].get<std::string>()) << where << ".sender_data.nonce";

    const Bytes encryption_secret = HexField(e, "encryption_secret");
    const auto n_leaves = static_cast<std::uint32_t>(e["leaves"].size());
    // Receiver: Get each listed generation (the ratchet steps over the gaps).
    SecretTree receiver(suite, crypto::Secret::Copy(encryption_secret), n_leaves);
    // Sender: Next until the listed generation is reached.
    SecretTree sender(suite, crypto::Secret::Copy(encryption_secret), n_leaves);
    // Leaves in reverse, so lazily derived paths are exercised in another order.
    for (std::uint32_t leaf = n_leaves; leaf-- > 0;) {
      for (const auto& g : e["leaves"][leaf]) {
        const std::string at = where + ".leaves[" + std::to_string(leaf) + "][generation " +
                               std::to_string(g["generation"].get<std::uint32_t>()) + "]";
        const auto generation = g["generation"].get<std::uint32_t>();
        ExpectKey(receiver.Get(leaf, RatchetType::kHandshake, generation), g, "handshake_key",
                  "handshake_nonce", at);
        ExpectKey(receiver.Get(leaf, RatchetType::kApplication, generation), g, "application_key",
                  "application_nonce", at);
        for (RatchetType type : {RatchetType::kHandshake, RatchetType::kApplication}) {
          Result<RatchetKey> next = sender.Next(leaf, type);
          while (next.ok() && next->generation < generation) next = sender.Next(leaf, type);
          if (type == RatchetType::kHandshake) {
            ExpectKey(next, g, "handshake_key", "handshake_nonce", at + ".next");
          } else {
            ExpectKey(next, g, "application_key", "application_nonce", at + ".next");
          }
        }
      }
    }
  });
  EXPECT_EQ(checked, 6);
}

TEST(MlsSecretTree, OutOfOrderWithinToleranceThenReuseIsRejected) {
  SecretTree tree(Suite3(), crypto::Secret::Random(32), 4);
  auto newest = tree.Get(2, RatchetType::kApplication, 10);
  ASSERT_TRUE(newest.ok());
  // The kOutOfOrderTolerance generations below the newest are kept.
  for (std::uint32_t g = 10 - kOutOfOrderTolerance; g < 10; ++g) {
    auto key = tree.Get(2, RatchetType::kApplication, g);
    ASSERT_TRUE(key.ok()) << g << ": " << key.error().ToString();
    EXPECT_EQ(key->generation, g);
    auto again = tree.Get(2, RatchetType::kApplication, g);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(SecretTreeErrorOf(again.error()), SecretTreeError::kGenerationReused);
  }
  auto reused = tree.Get(2, RatchetType::kApplication, 10);
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(SecretTreeErrorOf(reused.error()), SecretTreeError::kGenerationReused);
  auto old = tree.Get(2, RatchetType::kApplication, 10 - kOutOfOrderTolerance - 1);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(SecretTreeErrorOf(old.error()), SecretTreeError::kGenerationTooOld);
  EXPECT_TRUE(old.error().IsValidation());
  // The other ratchet and the other leaves are independent.
  EXPECT_TRUE(tree.Get(2, RatchetType::kHandshake, 0).ok());
  EXPECT_TRUE(tree.Get(3, RatchetType::kApplication, 0).ok());
}

Bytes Encoded(const SecretTree& tree) {
  codec::TlsWriter w;
  tree.Encode(w);
  return std::move(w).Take();
}

// A failed decryption (a forged copy whose sender data is intact) must not
// use up the genuine message's key: Open keeps the tree only on success.
TEST(MlsSecretTree, OpenRollsBackWhenDecryptionFails) {
  SecretTree tree(Suite3(), crypto::Secret::Random(32), 8);
  const auto fail = [](const RatchetKey&) -> Status { return Error::Auth("forged"); };
  const auto succeed = [](const RatchetKey&) { return OkStatus(); };
  struct Case {
    std::uint32_t leaf;
    std::uint32_t generation;
    const char* what;
  };
  // Underived leaf; then, on leaf 2 once derived: ahead, the next one, and
  // one kept in the out-of-order window.
  ASSERT_TRUE(tree.Open(2, RatchetType::kApplication, 6, succeed).ok());
  for (const Case& c : {Case{5, 0, "underived leaf"}, Case{2, 9, "ahead"}, Case{2, 7, "next"},
                        Case{2, 4, "kept below"}}) {
    const Bytes before = Encoded(tree);
    Status forged = tree.Open(c.leaf, RatchetType::kApplication, c.generation, fail);
    ASSERT_FALSE(forged.ok()) << c.what;
    EXPECT_TRUE(forged.error().IsAuth()) << c.what;
    EXPECT_EQ(Encoded(tree), before) << c.what;
    auto genuine = tree.Get(c.leaf, RatchetType::kApplication, c.generation);
    ASSERT_TRUE(genuine.ok()) << c.what << ": " << genuine.error().ToString();
    EXPECT_EQ(genuine->generation, c.generation);
  }
  // Errors of Get itself leave the tree as it was too.
  const Bytes before = Encoded(tree);
  EXPECT_FALSE(tree.Open(2, RatchetType::kApplication, 7, succeed).ok());     // reused
  EXPECT_FALSE(tree.Open(6, RatchetType::kApplication, 5000, succeed).ok());  // too far
  EXPECT_EQ(Encoded(tree), before);
}

TEST(MlsSecretTree, WindowSlidesWhenNewerGenerationsArrive) {
  SecretTree tree(Suite3(), crypto::Secret::Random(32), 2);
  ASSERT_TRUE(tree.Get(0, RatchetType::kApplication, 3).ok());  // keeps 0, 1, 2
  ASSERT_TRUE(tree.Get(0, RatchetType::kApplication, 7).ok());  // keeps 2, 4, 5, 6
  auto dropped = tree.Get(0, RatchetType::kApplication, 1);
  ASSERT_FALSE(dropped.ok());
  EXPECT_EQ(SecretTreeErrorOf(dropped.error()), SecretTreeError::kGenerationTooOld);
  EXPECT_TRUE(tree.Get(0, RatchetType::kApplication, 2).ok());
  EXPECT_TRUE(tree.Get(0, RatchetType::kApplication, 6).ok());
  EXPECT_TRUE(tree.Get(0, RatchetType::kApplication, 8).ok());  // the next in order
}

TEST(MlsSecretTree, ForwardDistanceIsBounded) {
  SecretTree tree(Suite3(), crypto::Secret::Random(32), 2);
  auto far = tree.Get(1, RatchetType::kHandshake, kMaximumForwardDistance + 1);
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(SecretTreeErrorOf(far.error()), SecretTreeError::kGenerationTooFarAhead);
  auto edge = tree.Get(1, RatchetType::kHandshake, kMaximumForwardDistance);
  ASSERT_TRUE(edge.ok());
  EXPECT_EQ(edge->generation, kMaximumForwardDistance);
  // The distance counts from the next expected generation.
  EXPECT_TRUE(tree.Get(1, RatchetType::kHandshake, 2 * kMaximumForwardDistance + 1).ok());
  auto huge = tree.Get(1, RatchetType::kHandshake, 0xFFFFFFFFu);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(SecretTreeErrorOf(huge.error()), SecretTreeError::kGenerationTooFarAhead);
}

TEST(MlsSecretTree, SenderAndReceiverAgree) {
  const crypto::Secret root = crypto::Secret::Random(32);
  SecretTree sender(Suite3(), root.Clone(), 8);
  SecretTree receiver(Suite3(), root.Clone(), 8);
  std::vector<RatchetKey> sent;
  for (int i = 0; i < 4; ++i) sent.push_back(*sender.Next(5, RatchetType::kApplication));
  // Delivered out of order.
  for (std::size_t i : {3u, 0u, 2u, 1u}) {
    auto got = receiver.Get(5, RatchetType::kApplication, sent[i].generation);
    ASSERT_TRUE(got.ok()) << i;
    EXPECT_TRUE(got->key.Equals(sent[i].key.bytes()));
    EXPECT_TRUE(got->nonce.Equals(sent[i].nonce.bytes()));
  }
}

TEST(MlsSecretTree, LeafCountIsRoundedUpToAFullTree) {
  const crypto::Secret root = crypto::Secret::Random(32);
  SecretTree rounded(Suite3(), root.Clone(), 1000);
  SecretTree full(Suite3(), root.Clone(), 1024);
  EXPECT_EQ(rounded.leaf_count(), 1024u);
  for (std::uint32_t leaf : {0u, 511u, 999u, 1023u}) {
    auto a = rounded.Next(leaf, RatchetType::kApplication);
    auto b = full.Next(leaf, RatchetType::kApplication);
    ASSERT_TRUE(a.ok() && b.ok()) << leaf;
    EXPECT_TRUE(a->key.Equals(b->key.bytes())) << leaf;
  }
}

TEST(MlsSecretTree, BadLeavesAndCountsFail) {
  SecretTree tree(Suite3(), crypto::Secret::Random(32), 4);
  auto out = tree.Get(4, RatchetType::kApplication, 0);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(SecretTreeErrorOf(out.error()), SecretTreeError::kLeafOutOfRange);
  EXPECT_FALSE(tree.Next(0xFFFFFFFFu, RatchetType::kHandshake).ok());

  SecretTree empty(Suite3(), crypto::Secret::Random(32), 0);
  auto none = empty.Next(0, RatchetType::kApplication);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(SecretTreeErrorOf(none.error()), SecretTreeError::kLeafOutOfRange);
  SecretTree huge(Suite3(), crypto::Secret::Random(32), 0xFFFFFFFFu);
  EXPECT_FALSE(huge.Next(0, RatchetType::kApplication).ok());

  // The largest tree works: only the path to the leaf is derived.
  SecretTree largest(Suite3(), crypto::Secret::Random(32), kMaxLeafCount);
  EXPECT_TRUE(largest.Next(kMaxLeafCount - 1, RatchetType::kApplication).ok());
  EXPECT_TRUE(largest.Get(12345, RatchetType::kHandshake, 3).ok());
}

// A sender that skips hands out exactly the keys a receiver expects at the
// generations after the skip, and never one below it again.
TEST(MlsSecretTree, SenderSkipsForwardNeverBack) {
  const crypto::Secret root = crypto::Secret::Random(32);
  SecretTree sender(Suite3(), root.Clone(), 2);
  SecretTree receiver(Suite3(), root.Clone(), 2);
  ASSERT_TRUE(sender.Next(1, RatchetType::kApplication).ok());
  EXPECT_EQ(*sender.NextGeneration(1, RatchetType::kApplication), 1u);
  ASSERT_TRUE(sender.SkipTo(1, RatchetType::kApplication, 40).ok());
  EXPECT_EQ(*sender.NextGeneration(1, RatchetType::kApplication), 40u);
  ASSERT_TRUE(sender.SkipTo(1, RatchetType::kApplication, 7).ok());  // no-op backward
  auto sent = sender.Next(1, RatchetType::kApplication);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->generation, 40u);
  auto got = receiver.Get(1, RatchetType::kApplication, 40);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(sent->key.Equals(got->key.bytes()));
  EXPECT_TRUE(sent->nonce.Equals(got->nonce.bytes()));
  // The handshake ratchet of the same leaf did not move.
  EXPECT_EQ(*sender.NextGeneration(1, RatchetType::kHandshake), 0u);
  auto far = sender.SkipTo(1, RatchetType::kApplication, 42 + kMaxStoredForwardDistance);
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(SecretTreeErrorOf(far.error()), SecretTreeError::kGenerationTooFarAhead);
  EXPECT_FALSE(sender.SkipTo(9, RatchetType::kApplication, 3).ok());
}

TEST(MlsSecretTree, ErrorsAreTyped) {
  // The kind is read from data only: the same field and reason without it is none.
  EXPECT_EQ(SecretTreeErrorOf(Error::Validation("mls.SecretTree", "generation was already used")),
            std::nullopt);
  EXPECT_EQ(SecretTreeErrorOf(Error::Internal("x")), std::nullopt);
  for (SecretTreeError kind :
       {SecretTreeError::kLeafOutOfRange, SecretTreeError::kGenerationTooOld,
        SecretTreeError::kGenerationReused, SecretTreeError::kGenerationTooFarAhead,
        SecretTreeError::kRatchetExhausted}) {
    EXPECT_EQ(SecretTreeErrorOf(MakeSecretTreeError(kind)), kind);
    EXPECT_EQ(SecretTreeErrorOf(MakeSecretTreeError(kind).Within("epoch 3")), kind);
  }
  EXPECT_EQ(MakeSecretTreeError(SecretTreeError::kGenerationReused).kind(),
            "mls.secret_tree.generation_reused");
}

}  // namespace
}  // namespace xs::mls
