// Array-based tree arithmetic of RFC 9420 Appendix C, shared by the secret
// tree, the ratchet tree and TreeKEM. Nodes are numbered left to right, leaves
// at even indices, parents at odd indices; leaf i is node 2i. RFC 9420 trees
// are always full (§7.8): the leaf count is a power of two, so every function
// taking a LeafCount expects one (IsValidLeafCount) and callers validate a
// count that came from the network before using it here.
//
// LeafIndex and NodeIndex are distinct types because mixing the two numbering
// schemes is the classic tree-code bug; conversions are explicit.
//
// The functions are total: asking for the child of a leaf or the parent of the
// root returns the node itself instead of failing, so a caller can never
// trigger undefined behaviour; IsLeaf() / IsRoot() tell the cases apart.
//
// Thread contract: constexpr-friendly pure functions on plain values.
#pragma once

#include <compare>
#include <cstdint>
#include <vector>

namespace xs::mls {

struct NodeIndex;

struct LeafIndex {
  std::uint32_t value = 0;
  constexpr LeafIndex() = default;
  constexpr explicit LeafIndex(std::uint32_t v) : value(v) {}
  // Node 2i. Valid for every leaf of a tree of at most kMaxLeafCount leaves.
  constexpr NodeIndex node() const;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads defaulted <=>.
  constexpr auto operator<=>(const LeafIndex&) const = default;
};

struct NodeIndex {
  std::uint32_t value = 0;
  constexpr NodeIndex() = default;
  constexpr explicit NodeIndex(std::uint32_t v) : value(v) {}
  constexpr bool IsLeaf() const { return (value & 1u) == 0; }
  // The leaf this node is (value / 2); meaningful only when IsLeaf().
  constexpr LeafIndex leaf() const { return LeafIndex(value >> 1); }
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads defaulted <=>.
  constexpr auto operator<=>(const NodeIndex&) const = default;
};

constexpr NodeIndex LeafIndex::node() const { return NodeIndex(value << 1); }

// Number of leaves of a full tree. 2^31 leaves is the largest tree whose node
// indices fit in 32 bits (width 2^32 - 1).
using LeafCount = std::uint32_t;
inline constexpr LeafCount kMaxLeafCount = LeafCount{1} << 31;

// True for a power of two in [1, kMaxLeafCount].
bool IsValidLeafCount(LeafCount n);
// The smallest valid leaf count holding `n` leaves (1 for n = 0); n must be
// at most kMaxLeafCount.
LeafCount FullLeafCount(std::uint32_t n);

// floor(log2(x)), 0 for x = 0.
std::uint32_t Log2(std::uint32_t x);
// Height of a node above the leaves: the number of trailing one bits.
std::uint32_t Level(NodeIndex x);
// Number of nodes of a tree with `n` leaves: 2(n - 1) + 1, 0 for n = 0.
std::uint32_t NodeWidth(LeafCount n);
NodeIndex Root(LeafCount n);
bool IsRoot(NodeIndex x, LeafCount n);

// Children of a parent node (x itself for a leaf).
NodeIndex Left(NodeIndex x);
NodeIndex Right(NodeIndex x);
// Parent and sibling (x itself for the root).
NodeIndex Parent(NodeIndex x, LeafCount n);
NodeIndex Sibling(NodeIndex x, LeafCount n);

// Parents of x from its parent up to and including the root; empty for the root.
std::vector<NodeIndex> DirectPath(NodeIndex x, LeafCount n);
// Siblings of x and of each node of its direct path except the root.
std::vector<NodeIndex> Copath(NodeIndex x, LeafCount n);
// The lowest node whose subtree holds both x and y (x when x == y).
NodeIndex CommonAncestor(NodeIndex x, NodeIndex y);
// True when `ancestor` is x or lies on x's direct path.
bool InSubtree(NodeIndex x, NodeIndex ancestor);

}  // namespace xs::mls
