// PublicTree membership operations (RFC 9420 §12.1), views (§4.1) and the
// incremental tree hash, checked against trees hashed from scratch.
#include "mls/tree/ratchet_tree.h"

#include <gtest/gtest.h>

#include <random>

#include "base/testing/seed.h"
#include "mls/messages/serialize.h"
#include "mls/tree/test_members.h"

namespace xs::mls {
namespace {

using testing::MakeMember;

crypto::CipherSuite Suite() { return *crypto::CipherSuite::Create(3); }

Bytes FreshHash(const PublicTree& tree) {
  auto fresh = PublicTree::FromWire(tree.suite(), tree.ToWire());
  EXPECT_TRUE(fresh.ok());
  return fresh.ok() ? fresh->TreeHash() : Bytes{};
}

PublicTree TreeOf(std::uint32_t members) {
  const crypto::CipherSuite suite = Suite();
  PublicTree tree = PublicTree::Create(suite, MakeMember(suite, 0).leaf);
  for (std::uint32_t i = 1; i < members; ++i)
    EXPECT_TRUE(tree.AddLeaf(MakeMember(suite, i).leaf).ok());
  return tree;
}

TEST(MlsPublicTree, CreateHasOneLeaf) {
  PublicTree tree = TreeOf(1);
  EXPECT_EQ(tree.leaf_count(), 1u);
  EXPECT_EQ(tree.node_width(), 1u);
  EXPECT_EQ(tree.member_count(), 1u);
  EXPECT_TRUE(tree.FilteredDirectPath(LeafIndex(0)).empty());
  EXPECT_EQ(tree.ToWire().size(), 1u);
}

TEST(MlsPublicTree, Rfc9420_12_1_1_AddExtendsByDoubling) {
  PublicTree tree = TreeOf(1);
  const crypto::CipherSuite suite = Suite();
  for (std::uint32_t i = 1; i < 5; ++i) {
    auto added = tree.AddLeaf(MakeMember(suite, i).leaf);
    ASSERT_TRUE(added.ok());
    EXPECT_EQ(added->value, i);
  }
  EXPECT_EQ(tree.leaf_count(), 8u);
  EXPECT_EQ(tree.member_count(), 5u);
  // Wire form drops the three trailing blank leaves and their parents.
  EXPECT_EQ(tree.ToWire().size(), 9u);
}

TEST(MlsPublicTree, Rfc9420_12_1_1_AddTakesLeftmostBlankLeaf) {
  PublicTree tree = TreeOf(4);
  ASSERT_TRUE(tree.RemoveLeaf(LeafIndex(1)).ok());
  auto added = tree.AddLeaf(MakeMember(Suite(), 9).leaf);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->value, 1u);
  EXPECT_EQ(tree.leaf_count(), 4u);
}

TEST(MlsPublicTree, Rfc9420_12_1_1_AddRecordsUnmergedLeavesOnNonBlankParents) {
  const crypto::CipherSuite suite = Suite();
  auto group = testing::BuildTestGroup(suite, 3, LeafIndex(1), {LeafIndex(0)});
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  PublicTree& tree = group->tree;
  // Leaf 0's commit set nodes 1 and 3; leaf 3 joins under node 3 only.
  ASSERT_NE(tree.parent(NodeIndex(3)), nullptr);
  auto added = tree.AddLeaf(MakeMember(suite, 7).leaf);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->value, 3u);
  EXPECT_EQ(tree.parent(NodeIndex(3))->unmerged_leaves, std::vector<std::uint32_t>{3});
  EXPECT_EQ(tree.parent(NodeIndex(5)), nullptr);
  // The resolution of node 3 is itself followed by its unmerged leaf.
  EXPECT_EQ(tree.Resolution(NodeIndex(3)), (std::vector<NodeIndex>{NodeIndex(3), NodeIndex(6)}));
  EXPECT_EQ(tree.Resolution(NodeIndex(3), std::vector<LeafIndex>{LeafIndex(3)}),
            std::vector<NodeIndex>{NodeIndex(3)});
}

TEST(MlsPublicTree, Rfc9420_12_1_2_UpdateBlanksDirectPath) {
  const crypto::CipherSuite suite = Suite();
  auto group = testing::BuildTestGroup(suite, 4, LeafIndex(1), {LeafIndex(0)});
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  PublicTree& tree = group->tree;
  ASSERT_NE(tree.parent(NodeIndex(1)), nullptr);
  ASSERT_TRUE(tree.UpdateLeaf(LeafIndex(0), MakeMember(suite, 10).leaf).ok());
  EXPECT_EQ(tree.parent(NodeIndex(1)), nullptr);
  EXPECT_EQ(tree.parent(NodeIndex(3)), nullptr);
  EXPECT_EQ(tree.TreeHash(), FreshHash(tree));
  EXPECT_EQ(TreeErrorOf(tree.UpdateLeaf(LeafIndex(4), MakeMember(suite, 11).leaf).error()),
            TreeError::kLeafOutOfRange);
}

TEST(MlsPublicTree, Rfc9420_12_1_3_RemoveTruncates) {
  PublicTree tree = TreeOf(5);
  ASSERT_EQ(tree.leaf_count(), 8u);
  ASSERT_TRUE(tree.RemoveLeaf(LeafIndex(4)).ok());
  EXPECT_EQ(tree.leaf_count(), 4u);
  ASSERT_TRUE(tree.RemoveLeaf(LeafIndex(3)).ok());
  ASSERT_TRUE(tree.RemoveLeaf(LeafIndex(2)).ok());
  EXPECT_EQ(tree.leaf_count(), 2u);
  ASSERT_TRUE(tree.RemoveLeaf(LeafIndex(1)).ok());
  EXPECT_EQ(tree.leaf_count(), 1u);
  EXPECT_EQ(tree.member_count(), 1u);
  EXPECT_EQ(TreeErrorOf(tree.RemoveLeaf(LeafIndex(1)).error()), TreeError::kLeafOutOfRange);
}

TEST(MlsPublicTree, RemoveOfBlankLeafIsRejected) {
  PublicTree tree = TreeOf(4);
  ASSERT_TRUE(tree.RemoveLeaf(LeafIndex(1)).ok());
  EXPECT_EQ(TreeErrorOf(tree.RemoveLeaf(LeafIndex(1)).error()), TreeError::kBlankLeaf);
}

TEST(MlsPublicTree, Rfc9420_4_1_2_FilteredDirectPathSkipsEmptyCopaths) {
  PublicTree tree = TreeOf(5);  // leaves 0..4 of 8
  // Leaf 4: node 8 -> parents 9 (copath 10, blank), 11 (copath 13, blank), 7 (copath 3).
  const auto path = tree.FilteredDirectPath(LeafIndex(4));
  ASSERT_EQ(path.size(), 1u);
  EXPECT_EQ(path[0], (FilteredPathStep{NodeIndex(7), NodeIndex(3)}));
  const auto full = tree.FilteredDirectPath(LeafIndex(0));
  ASSERT_EQ(full.size(), 3u);
  EXPECT_EQ(full[2], (FilteredPathStep{NodeIndex(7), NodeIndex(11)}));
}

TEST(MlsPublicTree, IncrementalHashMatchesFreshHashOverRandomOperations) {
  const crypto::CipherSuite suite = Suite();
  auto group = testing::BuildTestGroup(suite, 12, LeafIndex(5), {LeafIndex(0), LeafIndex(9)});
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  PublicTree& tree = group->tree;
  const std::uint32_t seed = ::xs::testing::TestSeed();
  XS_TRACE_SEED(seed);
  std::mt19937 rng(seed);
  std::uint32_t next_id = 100;
  for (int step = 0; step < 60; ++step) {
    const std::uint32_t op = rng() % 3;
    const LeafIndex leaf(rng() % tree.leaf_count());
    if (op == 0 || tree.member_count() <= 2) {
      ASSERT_TRUE(tree.AddLeaf(MakeMember(suite, next_id++).leaf).ok());
    } else if (tree.leaf(leaf) != nullptr && op == 1) {
      ASSERT_TRUE(tree.UpdateLeaf(leaf, MakeMember(suite, next_id++).leaf).ok());
    } else if (tree.leaf(leaf) != nullptr) {
      ASSERT_TRUE(tree.RemoveLeaf(leaf).ok());
    }
    ASSERT_EQ(tree.TreeHash(), FreshHash(tree)) << "step " << step;
  }
}

TEST(MlsPublicTree, Rfc9420_7_9_TreeHashExcludingBlanksLeavesAndUnmergedEntries) {
  const crypto::CipherSuite suite = Suite();
  auto group = testing::BuildTestGroup(suite, 3, LeafIndex(1), {LeafIndex(0)});
  ASSERT_TRUE(group.ok());
  PublicTree with = group->tree;
  ASSERT_TRUE(with.AddLeaf(MakeMember(suite, 3).leaf).ok());  // leaf 3, unmerged at node 3
  const std::vector<std::uint32_t> excluded{3};
  // Excluding leaf 3 gives the hash of the tree before the Add.
  EXPECT_EQ(with.TreeHashExcluding(Root(with.leaf_count()), excluded), group->tree.TreeHash());
  EXPECT_EQ(with.TreeHashExcluding(NodeIndex(5), excluded), group->tree.TreeHashOf(NodeIndex(5)));
}

TEST(MlsPublicTree, Rfc9420_12_4_3_3_MalformedWireTreesAreRejected) {
  const crypto::CipherSuite suite = Suite();
  PublicTree tree = TreeOf(3);
  RatchetTree wire = tree.ToWire();
  EXPECT_EQ(TreeErrorOf(PublicTree::FromWire(suite, {}).error()), TreeError::kMalformedTree);

  RatchetTree trailing = wire;
  trailing.push_back(std::nullopt);
  trailing.push_back(std::nullopt);
  EXPECT_EQ(TreeErrorOf(PublicTree::FromWire(suite, trailing).error()), TreeError::kMalformedTree);

  RatchetTree parent_at_leaf = wire;
  parent_at_leaf[2] = Node(ParentNode{});
  EXPECT_EQ(TreeErrorOf(PublicTree::FromWire(suite, parent_at_leaf).error()),
            TreeError::kMalformedTree);

  RatchetTree leaf_at_parent = wire;
  leaf_at_parent[1] = wire[0];
  EXPECT_EQ(TreeErrorOf(PublicTree::FromWire(suite, leaf_at_parent).error()),
            TreeError::kMalformedTree);

  RatchetTree ends_with_parent = wire;
  ends_with_parent.resize(4);
  ends_with_parent[3] = Node(ParentNode{Bytes(32, 1), {}, {}});
  EXPECT_EQ(TreeErrorOf(PublicTree::FromWire(suite, ends_with_parent).error()),
            TreeError::kMalformedTree);

  RatchetTree unmerged_outside = wire;
  unmerged_outside[1] = Node(ParentNode{Bytes(32, 1), {}, {9}});
  EXPECT_EQ(TreeErrorOf(PublicTree::FromWire(suite, unmerged_outside).error()),
            TreeError::kUnmergedLeavesInvalid);
}

TEST(MlsPublicTree, WireRoundTrip) {
  PublicTree tree = TreeOf(6);
  auto again = PublicTree::FromWire(tree.suite(), tree.ToWire());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Serialize(again->ToWire()), Serialize(tree.ToWire()));
  EXPECT_EQ(again->leaf_count(), 8u);
  EXPECT_EQ(again->FindLeafBySignatureKey(tree.leaf(LeafIndex(4))->signature_key),
            std::optional<LeafIndex>(LeafIndex(4)));
}

TEST(MlsTreeError, KindIsCarriedAsData) {
  for (int i = 0; i <= static_cast<int>(TreeError::kPrivateKeyMismatch); ++i) {
    const auto kind = static_cast<TreeError>(i);
    const Error error = MakeTreeError(kind, "detail");
    EXPECT_TRUE(error.IsValidation());
    EXPECT_EQ(error.kind(), "mls.tree." + std::string(TreeErrorName(kind)));
    EXPECT_EQ(TreeErrorOf(error), kind);
    // Context added in front of the message keeps the kind.
    EXPECT_EQ(TreeErrorOf(MakeTreeError(kind).Within("commit")), kind) << TreeErrorName(kind);
  }
  EXPECT_EQ(MakeTreeError(TreeError::kParentHashMismatch).kind(), "mls.tree.parent_hash_mismatch");
  // The kind is read from data only: text spelled like a tree error is none.
  EXPECT_FALSE(TreeErrorOf(Error::Validation("mls.tree.parent_hash_mismatch", "x")).has_value());
  EXPECT_FALSE(TreeErrorOf(Error::Validation("mls.other", "x")).has_value());
  EXPECT_FALSE(TreeErrorOf(Error::Internal("x")).has_value());
  EXPECT_FALSE(TreeErrorOf(Error::Internal("x").WithKind("mls.tree.no_such_kind")).has_value());
}

}  // namespace
}  // namespace xs::mls
