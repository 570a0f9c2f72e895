#include "mls/tree/ratchet_tree.h"

#include <string>
#include <utility>

namespace xs::mls {
namespace {

const std::optional<Node> kBlankNode;

std::string NodeText(NodeIndex node) { return "node " + std::to_string(node.value); }

// The first and last node index of the subtree under `node` (contiguous in
// array order).
std::pair<std::uint32_t, std::uint32_t> SubtreeSpan(NodeIndex node) {
  const std::uint32_t half = (std::uint32_t{1} << Level(node)) - 1;
  return {node.value - half, node.value + half};
}

}  // namespace

PublicTree::PublicTree(const crypto::CipherSuite& suite, LeafCount leaf_count)
    : suite_(suite),
      leaf_count_(leaf_count),
      nodes_(NodeWidth(leaf_count)),
      hash_cache_(NodeWidth(leaf_count)) {}

PublicTree PublicTree::Create(const crypto::CipherSuite& suite, LeafNode creator) {
  PublicTree tree(suite, 1);
  tree.nodes_[0].emplace(std::in_place_type<LeafNode>, std::move(creator));
  return tree;
}

Result<PublicTree> PublicTree::FromWire(const crypto::CipherSuite& suite, const RatchetTree& wire) {
  if (wire.empty()) return MakeTreeError(TreeError::kMalformedTree, "ratchet tree is empty");
  if (!wire.back().has_value()) {
    return MakeTreeError(TreeError::kMalformedTree, "ratchet tree ends with a blank node");
  }
  // A tree whose last non-blank node is a parent cannot be valid: that
  // parent's right subtree would be entirely blank.
  if (wire.size() % 2 == 0) {
    return MakeTreeError(TreeError::kMalformedTree, "ratchet tree ends with a parent node");
  }
  const std::uint64_t leaves_needed = (wire.size() + 1) / 2;
  if (leaves_needed > kMaxLeafCount) {
    return MakeTreeError(TreeError::kMalformedTree, "ratchet tree is too wide");
  }
  const LeafCount leaf_count = FullLeafCount(static_cast<std::uint32_t>(leaves_needed));
  PublicTree tree(suite, leaf_count);
  for (std::uint32_t i = 0; i < wire.size(); ++i) {
    const std::optional<Node>& node = wire[i];
    if (!node.has_value()) continue;
    const bool is_leaf_slot = NodeIndex(i).IsLeaf();
    if (is_leaf_slot != std::holds_alternative<LeafNode>(*node)) {
      return MakeTreeError(TreeError::kMalformedTree,
                           NodeText(NodeIndex(i)) + " has the wrong node type for its position");
    }
    if (const auto* parent = std::get_if<ParentNode>(&*node)) {
      for (std::uint32_t leaf : parent->unmerged_leaves) {
        if (leaf >= leaf_count) {
          return MakeTreeError(TreeError::kUnmergedLeavesInvalid,
                               NodeText(NodeIndex(i)) + " lists an unmerged leaf outside the tree");
        }
      }
    }
    tree.nodes_[i] = *node;
  }
  return tree;
}

RatchetTree PublicTree::ToWire() const {
  std::size_t end = nodes_.size();
  while (end > 0 && !nodes_[end - 1].has_value()) --end;
  return RatchetTree(nodes_.begin(), nodes_.begin() + static_cast<std::ptrdiff_t>(end));
}

std::uint32_t PublicTree::member_count() const {
  std::uint32_t count = 0;
  for (std::uint32_t i = 0; i < nodes_.size(); i += 2) {
    if (nodes_[i].has_value()) ++count;
  }
  return count;
}

bool PublicTree::IsBlank(NodeIndex node) const {
  return node.value >= nodes_.size() || !nodes_[node.value].has_value();
}

const std::optional<Node>& PublicTree::node(NodeIndex node) const {
  if (node.value >= nodes_.size()) return kBlankNode;
  return nodes_[node.value];
}

const LeafNode* PublicTree::leaf(LeafIndex leaf) const {
  if (leaf.value >= leaf_count_) return nullptr;
  const std::optional<Node>& slot = nodes_[leaf.node().value];
  return slot.has_value() ? std::get_if<LeafNode>(&*slot) : nullptr;
}

const ParentNode* PublicTree::parent(NodeIndex node) const {
  if (node.value >= nodes_.size() || node.IsLeaf()) return nullptr;
  const std::optional<Node>& slot = nodes_[node.value];
  return slot.has_value() ? std::get_if<ParentNode>(&*slot) : nullptr;
}

std::span<const std::uint8_t> PublicTree::EncryptionKey(NodeIndex node) const {
  if (node.IsLeaf()) {
    const LeafNode* leaf_node = leaf(node.leaf());
    return leaf_node != nullptr ? std::span<const std::uint8_t>(leaf_node->encryption_key)
                                : std::span<const std::uint8_t>();
  }
  const ParentNode* parent_node = parent(node);
  return parent_node != nullptr ? std::span<const std::uint8_t>(parent_node->encryption_key)
                                : std::span<const std::uint8_t>();
}

void PublicTree::ForEachLeaf(const std::function<void(LeafIndex, const LeafNode&)>& visit) const {
  for (std::uint32_t i = 0; i < leaf_count_; ++i) {
    if (const LeafNode* leaf_node = leaf(LeafIndex(i))) visit(LeafIndex(i), *leaf_node);
  }
}

std::optional<LeafIndex> PublicTree::FindLeaf(
    const std::function<bool(LeafIndex, const LeafNode&)>& match) const {
  for (std::uint32_t i = 0; i < leaf_count_; ++i) {
    const LeafNode* leaf_node = leaf(LeafIndex(i));
    if (leaf_node != nullptr && match(LeafIndex(i), *leaf_node)) return LeafIndex(i);
  }
  return std::nullopt;
}

std::optional<LeafIndex> PublicTree::FindLeafBySignatureKey(
    std::span<const std::uint8_t> signature_key) const {
  return FindLeaf([&](LeafIndex, const LeafNode& leaf_node) {
    return std::equal(leaf_node.signature_key.begin(), leaf_node.signature_key.end(),
                      signature_key.begin(), signature_key.end());
  });
}

// ---- Membership operations ----

Result<LeafIndex> PublicTree::AddLeaf(LeafNode leaf_node) {
  std::optional<LeafIndex> slot;
  for (std::uint32_t i = 0; i < leaf_count_; ++i) {
    if (!nodes_[LeafIndex(i).node().value].has_value()) {
      slot = LeafIndex(i);
      break;
    }
  }
  if (!slot.has_value()) {
    const LeafCount old_count = leaf_count_;
    XS_RETURN_IF_ERROR(Extend());
    slot = LeafIndex(old_count);
  }
  const NodeIndex leaf_node_index = slot->node();
  for (NodeIndex ancestor : DirectPath(leaf_node_index, leaf_count_)) {
    auto& entry = nodes_[ancestor.value];
    if (!entry.has_value()) continue;
    std::get<ParentNode>(*entry).unmerged_leaves.push_back(slot->value);
  }
  nodes_[leaf_node_index.value].emplace(std::in_place_type<LeafNode>, std::move(leaf_node));
  Invalidate(leaf_node_index);
  return *slot;
}

Status PublicTree::UpdateLeaf(LeafIndex leaf_index, LeafNode replacement) {
  if (leaf_index.value >= leaf_count_) return MakeTreeError(TreeError::kLeafOutOfRange);
  if (leaf(leaf_index) == nullptr) return MakeTreeError(TreeError::kBlankLeaf);
  XS_RETURN_IF_ERROR(BlankDirectPath(leaf_index));
  nodes_[leaf_index.node().value].emplace(std::in_place_type<LeafNode>, std::move(replacement));
  Invalidate(leaf_index.node());
  return OkStatus();
}

Status PublicTree::RemoveLeaf(LeafIndex leaf_index) {
  if (leaf_index.value >= leaf_count_) return MakeTreeError(TreeError::kLeafOutOfRange);
  if (leaf(leaf_index) == nullptr) return MakeTreeError(TreeError::kBlankLeaf);
  XS_RETURN_IF_ERROR(BlankDirectPath(leaf_index));
  XS_RETURN_IF_ERROR(Blank(leaf_index.node()));
  Truncate();
  return OkStatus();
}

// ---- Views ----

std::vector<NodeIndex> PublicTree::Resolution(NodeIndex node) const { return Resolution(node, {}); }

std::vector<NodeIndex> PublicTree::Resolution(NodeIndex node,
                                              std::span<const LeafIndex> excluded) const {
  std::vector<NodeIndex> out;
  auto is_excluded = [&](std::uint32_t leaf_index) {
    for (LeafIndex e : excluded) {
      if (e.value == leaf_index) return true;
    }
    return false;
  };
  // Explicit stack, right child pushed first so the left subtree comes first.
  std::vector<NodeIndex> pending{node};
  while (!pending.empty()) {
    const NodeIndex x = pending.back();
    pending.pop_back();
    if (x.value >= nodes_.size()) continue;
    const std::optional<Node>& slot = nodes_[x.value];
    if (x.IsLeaf()) {
      if (slot.has_value() && !is_excluded(x.leaf().value)) out.push_back(x);
      continue;
    }
    if (!slot.has_value()) {
      pending.push_back(Right(x));
      pending.push_back(Left(x));
      continue;
    }
    out.push_back(x);
    for (std::uint32_t leaf_index : std::get<ParentNode>(*slot).unmerged_leaves) {
      if (!is_excluded(leaf_index)) out.push_back(LeafIndex(leaf_index).node());
    }
  }
  return out;
}

std::vector<FilteredPathStep> PublicTree::FilteredDirectPath(LeafIndex leaf_index) const {
  std::vector<FilteredPathStep> out;
  if (leaf_index.value >= leaf_count_) return out;
  NodeIndex child = leaf_index.node();
  while (!IsRoot(child, leaf_count_)) {
    const NodeIndex parent_index = Parent(child, leaf_count_);
    const NodeIndex copath_child = Sibling(child, leaf_count_);
    // The resolution of a subtree is empty exactly when every node in it is
    // blank, and a subtree is a contiguous run of the array.
    const auto [first, last] = SubtreeSpan(copath_child);
    bool any = false;
    for (std::uint32_t i = first; i <= last && !any; ++i) any = nodes_[i].has_value();
    if (any) out.push_back({parent_index, copath_child});
    child = parent_index;
  }
  return out;
}

// ---- Low-level writes ----

Status PublicTree::SetParent(NodeIndex node, ParentNode parent_node) {
  if (node.value >= nodes_.size() || node.IsLeaf()) {
    return MakeTreeError(TreeError::kMalformedTree, NodeText(node) + " is not a parent slot");
  }
  nodes_[node.value].emplace(std::in_place_type<ParentNode>, std::move(parent_node));
  Invalidate(node);
  return OkStatus();
}

Status PublicTree::SetLeaf(LeafIndex leaf_index, LeafNode leaf_node) {
  if (leaf_index.value >= leaf_count_) return MakeTreeError(TreeError::kLeafOutOfRange);
  nodes_[leaf_index.node().value].emplace(std::in_place_type<LeafNode>, std::move(leaf_node));
  Invalidate(leaf_index.node());
  return OkStatus();
}

Status PublicTree::Blank(NodeIndex node) {
  if (node.value >= nodes_.size()) {
    return MakeTreeError(TreeError::kMalformedTree, NodeText(node) + " is outside the tree");
  }
  if (nodes_[node.value].has_value()) {
    nodes_[node.value].reset();
    Invalidate(node);
  }
  return OkStatus();
}

Status PublicTree::BlankDirectPath(LeafIndex leaf_index) {
  if (leaf_index.value >= leaf_count_) return MakeTreeError(TreeError::kLeafOutOfRange);
  for (NodeIndex ancestor : DirectPath(leaf_index.node(), leaf_count_)) {
    XS_RETURN_IF_ERROR(Blank(ancestor));
  }
  return OkStatus();
}

// ---- Width changes ----

Status PublicTree::Extend() {
  if (leaf_count_ >= kMaxLeafCount) return MakeTreeError(TreeError::kTreeFull);
  leaf_count_ *= 2;
  // Node indices of the old tree are unchanged in the wider tree, so the
  // cached hashes of the left half stay valid; the new nodes start stale.
  nodes_.resize(NodeWidth(leaf_count_));
  hash_cache_.resize(NodeWidth(leaf_count_));
  return OkStatus();
}

void PublicTree::Truncate() {
  while (leaf_count_ > 1) {
    const std::uint32_t half_width = NodeWidth(leaf_count_ / 2);
    bool right_blank = true;
    // The right half is everything after the old root (index half_width).
    for (std::uint32_t i = half_width + 1; i < nodes_.size() && right_blank; ++i) {
      right_blank = !nodes_[i].has_value();
    }
    if (!right_blank) break;
    leaf_count_ /= 2;
    nodes_.resize(half_width);
    hash_cache_.resize(half_width);
  }
}

void PublicTree::Invalidate(NodeIndex node) {
  NodeIndex x = node;
  while (true) {
    if (x.value < hash_cache_.size()) hash_cache_[x.value].clear();
    if (IsRoot(x, leaf_count_)) break;
    const NodeIndex up = Parent(x, leaf_count_);
    if (up == x) break;
    x = up;
  }
}

}  // namespace xs::mls
