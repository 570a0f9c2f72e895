#include "mls/tree_math.h"

#include <bit>

namespace xs::mls {
namespace {

// 64-bit arithmetic so that shifts by a level of up to 32 stay defined.
using Wide = std::uint64_t;

bool InTree(NodeIndex x, LeafCount n) { return IsValidLeafCount(n) && x.value < NodeWidth(n); }

}  // namespace

bool IsValidLeafCount(LeafCount n) {
  return n != 0 && n <= kMaxLeafCount && std::has_single_bit(n);
}

LeafCount FullLeafCount(std::uint32_t n) {
  if (n <= 1) return 1;
  if (n >= kMaxLeafCount) return kMaxLeafCount;
  return std::bit_ceil(n);
}

std::uint32_t Log2(std::uint32_t x) {
  return x == 0 ? 0 : static_cast<std::uint32_t>(std::bit_width(x) - 1);
}

std::uint32_t Level(NodeIndex x) { return static_cast<std::uint32_t>(std::countr_one(x.value)); }

std::uint32_t NodeWidth(LeafCount n) {
  return n == 0 ? 0 : static_cast<std::uint32_t>(2 * (Wide{n} - 1) + 1);
}

NodeIndex Root(LeafCount n) {
  return NodeIndex(static_cast<std::uint32_t>((Wide{1} << Log2(NodeWidth(n))) - 1));
}

bool IsRoot(NodeIndex x, LeafCount n) { return x == Root(n); }

NodeIndex Left(NodeIndex x) {
  const std::uint32_t k = Level(x);
  if (k == 0) return x;
  return NodeIndex(static_cast<std::uint32_t>(x.value ^ (Wide{1} << (k - 1))));
}

NodeIndex Right(NodeIndex x) {
  const std::uint32_t k = Level(x);
  if (k == 0) return x;
  return NodeIndex(static_cast<std::uint32_t>(x.value ^ (Wide{3} << (k - 1))));
}

NodeIndex Parent(NodeIndex x, LeafCount n) {
  if (!InTree(x, n) || IsRoot(x, n)) return x;
  const std::uint32_t k = Level(x);
  const Wide b = (Wide{x.value} >> (k + 1)) & 1;
  return NodeIndex(static_cast<std::uint32_t>((Wide{x.value} | (Wide{1} << k)) ^ (b << (k + 1))));
}

NodeIndex Sibling(NodeIndex x, LeafCount n) {
  const NodeIndex p = Parent(x, n);
  if (p == x) return x;
  return x < p ? Right(p) : Left(p);
}

std::vector<NodeIndex> DirectPath(NodeIndex x, LeafCount n) {
  std::vector<NodeIndex> path;
  if (!InTree(x, n)) return path;
  path.reserve(Log2(n));
  const NodeIndex root = Root(n);
  while (x != root) {
    x = Parent(x, n);
    path.push_back(x);
  }
  return path;
}

std::vector<NodeIndex> Copath(NodeIndex x, LeafCount n) {
  std::vector<NodeIndex> path = DirectPath(x, n);
  if (path.empty()) return path;
  // Siblings of x and of every direct-path node below the root.
  path.pop_back();
  path.insert(path.begin(), x);
  for (NodeIndex& node : path) node = Sibling(node, n);
  return path;
}

NodeIndex CommonAncestor(NodeIndex x, NodeIndex y) {
  if (InSubtree(x, y)) return y;
  if (InSubtree(y, x)) return x;
  Wide xn = x.value;
  Wide yn = y.value;
  std::uint32_t k = 0;
  while (xn != yn) {
    xn >>= 1;
    yn >>= 1;
    ++k;
  }
  return NodeIndex(static_cast<std::uint32_t>((xn << k) + (Wide{1} << (k - 1)) - 1));
}

bool InSubtree(NodeIndex x, NodeIndex ancestor) {
  // The subtree of a node at level k spans the 2^(k+1) - 1 indices centred on it.
  const Wide half = (Wide{1} << Level(ancestor)) - 1;
  const Wide a = ancestor.value;
  return Wide{x.value} + half >= a && Wide{x.value} <= a + half;
}

}  // namespace xs::mls
