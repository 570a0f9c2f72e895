// SecretTree::Encode / Decode: a restored tree continues exactly like the
// original (same keys, same window decisions), consumed keys stay consumed,
// and malformed stored bytes fail cleanly.
#include <gtest/gtest.h>

#include <vector>

#include "mls/secret_tree.h"

namespace xs::mls {
namespace {

crypto::CipherSuite Suite(std::uint16_t id = 3) { return *crypto::CipherSuite::Create(id); }

std::vector<std::uint8_t> Store(const SecretTree& tree) {
  codec::TlsWriter w;
  tree.Encode(w);
  return std::move(w).Take();
}

Result<SecretTree> Load(const std::vector<std::uint8_t>& bytes, std::uint16_t suite = 3) {
  codec::TlsReader r(bytes);
  XS_TRY(SecretTree tree, SecretTree::Decode(Suite(suite), r));
  XS_RETURN_IF_ERROR(r.ExpectEnd());
  return tree;
}

// Both trees answer the same for a sequence of calls.
void ExpectSameBehaviour(SecretTree& a, SecretTree& b) {
  struct Call {
    std::uint32_t leaf;
    RatchetType type;
    std::int64_t generation;  // -1: Next
  };
  const std::vector<Call> calls = {
      {0, RatchetType::kApplication, -1}, {0, RatchetType::kApplication, 4},
      {0, RatchetType::kApplication, 9},  {0, RatchetType::kApplication, 2},
      {3, RatchetType::kHandshake, 7},    {3, RatchetType::kHandshake, 1},
      {5, RatchetType::kApplication, -1}, {6, RatchetType::kHandshake, 0},
      {7, RatchetType::kApplication, 30}, {0, RatchetType::kApplication, 3}};
  for (const Call& c : calls) {
    auto x = c.generation < 0 ? a.Next(c.leaf, c.type)
                              : a.Get(c.leaf, c.type, static_cast<std::uint32_t>(c.generation));
    auto y = c.generation < 0 ? b.Next(c.leaf, c.type)
                              : b.Get(c.leaf, c.type, static_cast<std::uint32_t>(c.generation));
    ASSERT_EQ(x.ok(), y.ok()) << c.leaf << "/" << c.generation;
    if (x.ok()) {
      EXPECT_EQ(x->generation, y->generation);
      EXPECT_TRUE(x->key.Equals(y->key.bytes()));
      EXPECT_TRUE(x->nonce.Equals(y->nonce.bytes()));
    } else {
      EXPECT_EQ(SecretTreeErrorOf(x.error()), SecretTreeErrorOf(y.error()));
    }
  }
}

TEST(MlsSecretTreeStorage, FreshTreeRoundTrips) {
  const crypto::Secret root = crypto::Secret::Random(32);
  SecretTree original(Suite(), root.Clone(), 8);
  auto restored = Load(Store(original));
  ASSERT_TRUE(restored.ok()) << restored.error().ToString();
  EXPECT_EQ(restored->leaf_count(), 8u);
  ExpectSameBehaviour(original, *restored);
}

TEST(MlsSecretTreeStorage, UsedTreeContinuesIdentically) {
  SecretTree original(Suite(), crypto::Secret::Random(32), 8);
  ASSERT_TRUE(original.Next(1, RatchetType::kHandshake).ok());
  ASSERT_TRUE(original.Get(2, RatchetType::kApplication, 8).ok());  // keeps 3..7
  ASSERT_TRUE(original.Get(2, RatchetType::kApplication, 5).ok());
  ASSERT_TRUE(original.Get(0, RatchetType::kApplication, 1).ok());
  const auto bytes = Store(original);
  auto restored = Load(bytes);
  ASSERT_TRUE(restored.ok()) << restored.error().ToString();
  // Canonical: storing the restored tree gives the same bytes.
  EXPECT_EQ(Store(*restored), bytes);
  // What was consumed before storing stays consumed.
  auto reused = restored->Get(2, RatchetType::kApplication, 5);
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(SecretTreeErrorOf(reused.error()), SecretTreeError::kGenerationReused);
  auto kept_original = original.Get(2, RatchetType::kApplication, 6);
  auto kept_restored = restored->Get(2, RatchetType::kApplication, 6);
  ASSERT_TRUE(kept_original.ok() && kept_restored.ok());
  EXPECT_TRUE(kept_original->key.Equals(kept_restored->key.bytes()));
  ExpectSameBehaviour(original, *restored);
}

TEST(MlsSecretTreeStorage, WindowAndInvalidTreesRoundTrip) {
  SecretTree wide(Suite(), crypto::Secret::Random(32), 2, RatchetWindow{7, 5000});
  auto restored = Load(Store(wide));
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->window().out_of_order_tolerance, 7u);
  EXPECT_EQ(restored->window().maximum_forward_distance, 5000u);
  EXPECT_TRUE(restored->Get(1, RatchetType::kApplication, 4000).ok());

  SecretTree invalid(Suite(), crypto::Secret::Random(32), 0);
  auto restored_invalid = Load(Store(invalid));
  ASSERT_TRUE(restored_invalid.ok());
  EXPECT_FALSE(restored_invalid->Next(0, RatchetType::kApplication).ok());
}

TEST(MlsSecretTreeStorage, MalformedBytesFailCleanly) {
  SecretTree tree(Suite(), crypto::Secret::Random(32), 4);
  ASSERT_TRUE(tree.Get(1, RatchetType::kApplication, 3).ok());
  const auto bytes = Store(tree);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(Load(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + n)).ok()) << n;
  }
  // Another suite (1 has a 16-byte AEAD key).
  auto other = Load(bytes, 1);
  ASSERT_FALSE(other.ok());
  EXPECT_TRUE(other.error().IsValidation());
  // Unknown format, invalid leaf count, oversized window.
  auto bad = bytes;
  bad[0] = 2;
  EXPECT_FALSE(Load(bad).ok());
  bad = bytes;
  bad[6] = 3;  // leaf_count 4 -> 3
  EXPECT_FALSE(Load(bad).ok());
  bad = bytes;
  bad[7] = 0xFF;  // tolerance high byte
  EXPECT_FALSE(Load(bad).ok());
  // Every single-bit flip either fails or decodes to a tree that still works.
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bad = bytes;
    bad[i] ^= 0x01;
    auto loaded = Load(bad);
    if (loaded.ok()) (void)loaded->Next(0, RatchetType::kApplication);
  }
}

}  // namespace
}  // namespace xs::mls
