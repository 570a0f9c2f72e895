// Tree hash (RFC 9420 §7.8) and parent hash (§7.9) of PublicTree.
#include <algorithm>

#include "codec/tls_writer.h"
#include "mls/tree/ratchet_tree.h"

namespace xs::mls {
namespace {

// Leaves [first, first + count) under `node`.
std::pair<std::uint32_t, std::uint32_t> LeafSpan(NodeIndex node) {
  const std::uint32_t level = Level(node);
  const std::uint32_t first_node = node.value - ((std::uint32_t{1} << level) - 1);
  return {first_node / 2, std::uint32_t{1} << level};
}

// True when a leaf of `sorted_leaves` lies under `node`.
bool AnyLeafUnder(NodeIndex node, std::span<const std::uint32_t> sorted_leaves) {
  if (sorted_leaves.empty()) return false;
  const auto [first, count] = LeafSpan(node);
  auto it = std::lower_bound(sorted_leaves.begin(), sorted_leaves.end(), first);
  return it != sorted_leaves.end() && *it - first < count;
}

bool Contains(std::span<const std::uint32_t> sorted_leaves, std::uint32_t leaf) {
  return std::binary_search(sorted_leaves.begin(), sorted_leaves.end(), leaf);
}

constexpr std::uint8_t kNodeTypeLeaf = 1;
constexpr std::uint8_t kNodeTypeParent = 2;

}  // namespace

Bytes PublicTree::TreeHash() const { return CachedHash(Root(leaf_count_)); }

Bytes PublicTree::TreeHashOf(NodeIndex node) const {
  if (node.value >= nodes_.size()) return {};
  return CachedHash(node);
}

Bytes PublicTree::TreeHashExcluding(NodeIndex node,
                                    std::span<const std::uint32_t> excluded_leaves) const {
  if (node.value >= nodes_.size()) return {};
  std::vector<std::uint32_t> sorted(excluded_leaves.begin(), excluded_leaves.end());
  std::sort(sorted.begin(), sorted.end());
  if (!AnyLeafUnder(node, sorted)) return CachedHash(node);
  return ComputeNodeHash(node, sorted, /*use_cache=*/true);
}

Bytes PublicTree::ParentHash(NodeIndex parent_index, NodeIndex copath_child) const {
  const ParentNode* parent_node = parent(parent_index);
  if (parent_node == nullptr) return {};
  const Bytes sibling_hash = TreeHashExcluding(copath_child, parent_node->unmerged_leaves);
  codec::TlsWriter w;
  w.WriteOpaque(parent_node->encryption_key);
  w.WriteOpaque(parent_node->parent_hash);
  w.WriteOpaque(sibling_hash);
  return suite_.Hash(w.bytes());
}

const Bytes& PublicTree::CachedHash(NodeIndex node) const {
  Bytes& slot = hash_cache_[node.value];
  if (slot.empty()) slot = ComputeNodeHash(node, {}, /*use_cache=*/true);
  return slot;
}

// One node's TreeHashInput hashed, its children taken from the cache unless
// an excluded leaf lies under them.
Bytes PublicTree::ComputeNodeHash(NodeIndex node, std::span<const std::uint32_t> excluded_leaves,
                                  bool use_cache) const {
  codec::TlsWriter w;
  const std::optional<Node>& slot = nodes_[node.value];
  if (node.IsLeaf()) {
    w.WriteU8(kNodeTypeLeaf);
    w.WriteU32(node.leaf().value);
    const bool present = slot.has_value() && !Contains(excluded_leaves, node.leaf().value);
    w.WriteU8(present ? 1 : 0);
    if (present) Encode(w, std::get<LeafNode>(*slot));
    return suite_.Hash(w.bytes());
  }
  w.WriteU8(kNodeTypeParent);
  if (!slot.has_value()) {
    w.WriteU8(0);
  } else {
    w.WriteU8(1);
    const ParentNode& parent_node = std::get<ParentNode>(*slot);
    if (!AnyLeafUnder(node, excluded_leaves)) {
      Encode(w, parent_node);
    } else {
      ParentNode filtered = parent_node;
      std::erase_if(filtered.unmerged_leaves,
                    [&](std::uint32_t leaf) { return Contains(excluded_leaves, leaf); });
      Encode(w, filtered);
    }
  }
  for (NodeIndex child : {Left(node), Right(node)}) {
    if (use_cache && !AnyLeafUnder(child, excluded_leaves)) {
      w.WriteOpaque(CachedHash(child));
    } else {
      w.WriteOpaque(ComputeNodeHash(child, excluded_leaves, use_cache));
    }
  }
  return suite_.Hash(w.bytes());
}

}  // namespace xs::mls
