// Tree math (RFC 9420 Appendix C): every entry of tree-math.json, plus the
// direct path / copath / common-ancestor helpers and out-of-range inputs.
#include "mls/tree_math.h"

#include <gtest/gtest.h>

#include <string>

#include "mls/testing/vectors.h"

namespace xs::mls {
namespace {

using testing::VectorEntry;
using testing::VectorFile;

constexpr char kFile[] = "tree-math.json";

// The vectors write "no such node" as null.
void ExpectNode(const nlohmann::json& expected, bool absent, NodeIndex actual,
                const std::string& where) {
  if (expected.is_null()) {
    EXPECT_TRUE(absent) << where << ": expected no node, got " << actual.value;
  } else {
    EXPECT_FALSE(absent) << where << ": expected node " << expected;
    EXPECT_EQ(actual.value, expected.get<std::uint32_t>()) << where;
  }
}

TEST(MlsTreeMathVectors, AllEntries) {
  const VectorFile vectors(kFile);
  XS_REQUIRE_VECTORS(vectors);
  const int checked = vectors.ForEachEntry([](const VectorEntry& entry) {
    const auto& [e, where] = entry;
    const auto n = e["n_leaves"].get<LeafCount>();
    ASSERT_TRUE(IsValidLeafCount(n)) << where;
    EXPECT_EQ(NodeWidth(n), e["n_nodes"].get<std::uint32_t>()) << where << ".n_nodes";
    EXPECT_EQ(Root(n).value, e["root"].get<std::uint32_t>()) << where << ".root";
    ASSERT_EQ(e["left"].size(), NodeWidth(n)) << where;
    for (std::uint32_t x = 0; x < NodeWidth(n); ++x) {
      const NodeIndex node(x);
      const auto at = [&base = where, x](std::string_view field) {
        std::string name = base;
        name.append(".").append(field).append("[").append(std::to_string(x)).append("]");
        return name;
      };
      ExpectNode(e["left"][x], node.IsLeaf(), Left(node), at("left"));
      ExpectNode(e["right"][x], node.IsLeaf(), Right(node), at("right"));
      ExpectNode(e["parent"][x], IsRoot(node, n), Parent(node, n), at("parent"));
      ExpectNode(e["sibling"][x], IsRoot(node, n), Sibling(node, n), at("sibling"));
    }
  });
  EXPECT_EQ(checked, 10);  // all entries in the shared vectors
}

std::vector<std::uint32_t> Values(const std::vector<NodeIndex>& nodes) {
  std::vector<std::uint32_t> out;
  for (NodeIndex n : nodes) out.push_back(n.value);
  return out;
}

TEST(MlsTreeMath, LevelsAndWidths) {
  EXPECT_EQ(Level(NodeIndex(0)), 0u);
  EXPECT_EQ(Level(NodeIndex(1)), 1u);
  EXPECT_EQ(Level(NodeIndex(3)), 2u);
  EXPECT_EQ(Level(NodeIndex(7)), 3u);
  EXPECT_EQ(Level(NodeIndex(0xFFFFFFFFu)), 32u);
  EXPECT_EQ(NodeWidth(0), 0u);
  EXPECT_EQ(NodeWidth(1), 1u);
  EXPECT_EQ(NodeWidth(8), 15u);
  EXPECT_EQ(NodeWidth(kMaxLeafCount), 0xFFFFFFFFu);
  EXPECT_EQ(Root(kMaxLeafCount).value, 0x7FFFFFFFu);
  EXPECT_EQ(LeafIndex(5).node().value, 10u);
  EXPECT_EQ(NodeIndex(10).leaf().value, 5u);
}

TEST(MlsTreeMath, LeafCounts) {
  EXPECT_FALSE(IsValidLeafCount(0));
  EXPECT_TRUE(IsValidLeafCount(1));
  EXPECT_FALSE(IsValidLeafCount(3));
  EXPECT_TRUE(IsValidLeafCount(kMaxLeafCount));
  EXPECT_FALSE(IsValidLeafCount(0xFFFFFFFFu));
  EXPECT_EQ(FullLeafCount(0), 1u);
  EXPECT_EQ(FullLeafCount(3), 4u);
  EXPECT_EQ(FullLeafCount(1000), 1024u);
  EXPECT_EQ(FullLeafCount(1024), 1024u);
  EXPECT_EQ(FullLeafCount(0xFFFFFFFFu), kMaxLeafCount);
}

TEST(MlsTreeMath, DirectPathAndCopath) {
  // 8 leaves: root 7; leaf 2 (node 4) goes up 5, 3, 7.
  EXPECT_EQ(Values(DirectPath(NodeIndex(4), 8)), (std::vector<std::uint32_t>{5, 3, 7}));
  EXPECT_EQ(Values(Copath(NodeIndex(4), 8)), (std::vector<std::uint32_t>{6, 1, 11}));
  EXPECT_TRUE(DirectPath(NodeIndex(7), 8).empty());
  EXPECT_TRUE(Copath(NodeIndex(7), 8).empty());
  EXPECT_TRUE(DirectPath(NodeIndex(0), 1).empty());
  // Out of the tree or a bad count: empty, never a hang.
  EXPECT_TRUE(DirectPath(NodeIndex(15), 8).empty());
  EXPECT_TRUE(DirectPath(NodeIndex(0xFFFFFFFFu), 8).empty());
  EXPECT_TRUE(DirectPath(NodeIndex(2), 3).empty());
  EXPECT_EQ(DirectPath(NodeIndex(0), kMaxLeafCount).size(), 31u);
}

TEST(MlsTreeMath, CommonAncestorAndSubtree) {
  EXPECT_EQ(CommonAncestor(NodeIndex(0), NodeIndex(2)).value, 1u);
  EXPECT_EQ(CommonAncestor(NodeIndex(0), NodeIndex(6)).value, 3u);
  EXPECT_EQ(CommonAncestor(NodeIndex(4), NodeIndex(12)).value, 7u);
  EXPECT_EQ(CommonAncestor(NodeIndex(5), NodeIndex(4)).value, 5u);
  EXPECT_EQ(CommonAncestor(NodeIndex(4), NodeIndex(4)).value, 4u);
  EXPECT_EQ(CommonAncestor(NodeIndex(1), NodeIndex(7)).value, 7u);
  EXPECT_TRUE(InSubtree(NodeIndex(6), NodeIndex(3)));
  EXPECT_FALSE(InSubtree(NodeIndex(8), NodeIndex(3)));
  EXPECT_TRUE(InSubtree(NodeIndex(3), NodeIndex(3)));
  // The ancestor found is on both direct paths.
  for (std::uint32_t a = 0; a < 16; a += 2) {
    for (std::uint32_t b = 0; b < 16; b += 2) {
      const NodeIndex c = CommonAncestor(NodeIndex(a), NodeIndex(b));
      EXPECT_TRUE(InSubtree(NodeIndex(a), c) && InSubtree(NodeIndex(b), c)) << a << "," << b;
      if (a != b) {
        EXPECT_FALSE(InSubtree(NodeIndex(a), Left(c)) && InSubtree(NodeIndex(b), Left(c)));
        EXPECT_FALSE(InSubtree(NodeIndex(a), Right(c)) && InSubtree(NodeIndex(b), Right(c)));
      }
    }
  }
}

TEST(MlsTreeMath, TotalOnMisuse) {
  EXPECT_EQ(Left(NodeIndex(4)).value, 4u);
  EXPECT_EQ(Right(NodeIndex(4)).value, 4u);
  EXPECT_EQ(Parent(NodeIndex(7), 8).value, 7u);
  EXPECT_EQ(Sibling(NodeIndex(7), 8).value, 7u);
  EXPECT_EQ(Parent(NodeIndex(100), 8).value, 100u);
  EXPECT_EQ(Parent(NodeIndex(0xFFFFFFFFu), kMaxLeafCount).value, 0xFFFFFFFFu);
  // Left/Right of the all-ones index must not shift by 32.
  (void)Left(NodeIndex(0xFFFFFFFFu));
  (void)Right(NodeIndex(0xFFFFFFFFu));
}

}  // namespace
}  // namespace xs::mls
