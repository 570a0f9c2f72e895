// The public half of an MLS ratchet tree (RFC 9420 §4, §7): the leaf and
// parent nodes of a full left-balanced binary tree in array order (tree_math),
// the membership operations of §12.1 (add, update, remove with truncation),
// resolutions and filtered direct paths (§4.1.1, §4.1.2), the tree hash
// (§7.8) and the parent hash (§7.9).
//
//   XS_TRY(PublicTree tree, PublicTree::FromWire(suite, ratchet_tree_extension));
//   XS_RETURN_IF_ERROR(ValidateTree(tree, group_id, group_info_tree_hash));  // tree_validation.h
//   XS_TRY(LeafIndex joiner, tree.AddLeaf(key_package.leaf_node));
//   Bytes hash = tree.TreeHash();
//
// Named PublicTree because the wire form `RatchetTree` (mls/messages/leaf.h,
// `vector<optional<Node>>`) already owns that name; the private keys a member
// holds live apart in TreePrivateKeys (tree_private_keys.h), and TreeKEM
// (treekem.h) ties the two together.
//
// Width: the tree always has a power-of-two number of leaves (leaf_count()),
// like the RFC's trees; the wire form drops trailing blank nodes and FromWire
// pads back. A tree has at least one leaf.
//
// Hashing is incremental: each node's tree hash is cached and a change to a
// node invalidates only that node and its direct path, so after a leaf change
// TreeHash() costs log2(n) + 1 hashes. Extending the tree hashes the new blank
// right half once; truncating keeps the left half's hashes.
//
// Mutators keep the tree structurally consistent (node kinds at the right
// indices, unmerged leaves maintained by AddLeaf) but do not check the
// cryptographic validity of what they store; ValidateTree / ValidateLeafNode
// (tree_validation.h) do that before untrusted data gets here.
//
// Thread contract: a copyable value. Not thread-safe, not even for concurrent
// const calls: the hash cache is filled lazily by const methods.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "crypto/cipher_suite.h"
#include "mls/messages/leaf.h"
#include "mls/tree/tree_error.h"
#include "mls/tree_math.h"

namespace xs::mls {

// One node of a leaf's filtered direct path (§4.1.2): a direct-path node
// whose copath child has a non-empty resolution, with that copath child.
struct FilteredPathStep {
  NodeIndex node;
  NodeIndex copath_child;
  bool operator==(const FilteredPathStep&) const = default;
};

class PublicTree {
 public:
  // A one-member tree (group creation, §11): `creator` at leaf 0.
  static PublicTree Create(const crypto::CipherSuite& suite, LeafNode creator);
  // From the ratchet_tree extension body. Checks the shape only (non-empty,
  // last node non-blank, leaves at even and parents at odd indices, width at
  // most NodeWidth(kMaxLeafCount)); errors are kMalformedTree. Run
  // ValidateTree before trusting the content.
  static Result<PublicTree> FromWire(const crypto::CipherSuite& suite, const RatchetTree& wire);
  // The ratchet_tree extension body: array order, trailing blanks removed.
  RatchetTree ToWire() const;

  const crypto::CipherSuite& suite() const { return suite_; }
  // Number of leaves of the full tree (a power of two, at least 1).
  LeafCount leaf_count() const { return leaf_count_; }
  // NodeWidth(leaf_count()).
  std::uint32_t node_width() const { return static_cast<std::uint32_t>(nodes_.size()); }
  // Number of non-blank leaves.
  std::uint32_t member_count() const;

  // ---- Node access (out-of-range indices read as blank) ----
  bool IsBlank(NodeIndex node) const;
  const std::optional<Node>& node(NodeIndex node) const;
  // The leaf node at `leaf`, or nullptr when blank or out of range.
  const LeafNode* leaf(LeafIndex leaf) const;
  // The parent node at `node`, or nullptr when blank, a leaf or out of range.
  const ParentNode* parent(NodeIndex node) const;
  // The HPKE public key of a non-blank node; empty for a blank node.
  std::span<const std::uint8_t> EncryptionKey(NodeIndex node) const;
  // Calls `visit` for every non-blank leaf, left to right.
  void ForEachLeaf(const std::function<void(LeafIndex, const LeafNode&)>& visit) const;
  // The first non-blank leaf for which `match` is true.
  std::optional<LeafIndex> FindLeaf(
      const std::function<bool(LeafIndex, const LeafNode&)>& match) const;
  std::optional<LeafIndex> FindLeafBySignatureKey(
      std::span<const std::uint8_t> signature_key) const;

  // ---- Membership operations (§12.1) ----
  // §12.1.1 Add: the leftmost blank leaf, else the tree doubles and the new
  // leaf is the first of the new right half; the new leaf is appended to the
  // unmerged_leaves of every non-blank parent on its direct path. kTreeFull
  // beyond kMaxLeafCount.
  Result<LeafIndex> AddLeaf(LeafNode leaf);
  // §12.1.2 Update: replaces an occupied leaf and blanks its direct path.
  // kLeafOutOfRange / kBlankLeaf.
  Status UpdateLeaf(LeafIndex leaf, LeafNode replacement);
  // §12.1.3 Remove: blanks an occupied leaf and its direct path, then halves
  // the tree while its right half is entirely blank (truncation).
  Status RemoveLeaf(LeafIndex leaf);

  // ---- Views (§4.1) ----
  // §4.1.1 resolution, in the RFC's order (left subtree first; a non-blank
  // parent is followed by its unmerged leaves in stored order).
  std::vector<NodeIndex> Resolution(NodeIndex node) const;
  // The resolution without the given leaves (§7.6: newly added members get
  // no path secret through the UpdatePath).
  std::vector<NodeIndex> Resolution(NodeIndex node, std::span<const LeafIndex> excluded) const;
  // §4.1.2 filtered direct path of `leaf`, bottom-up (empty for a
  // one-leaf tree or when every copath resolution is empty).
  std::vector<FilteredPathStep> FilteredDirectPath(LeafIndex leaf) const;

  // ---- Hashes (§7.8, §7.9) ----
  // Tree hash of the root: the GroupContext.tree_hash.
  Bytes TreeHash() const;
  // Tree hash of the subtree under `node` (must be < node_width()).
  Bytes TreeHashOf(NodeIndex node) const;
  // §7.9: tree hash of `node`'s subtree with the given leaves blanked and
  // removed from every unmerged_leaves list (the original_sibling_tree_hash).
  Bytes TreeHashExcluding(NodeIndex node, std::span<const std::uint32_t> excluded_leaves) const;
  // §7.9 ParentHash of the non-blank parent `parent` with copath child
  // `copath_child`: Hash(ParentHashInput{encryption_key, parent_hash,
  // original_sibling_tree_hash}). Empty for a blank or leaf `parent`.
  Bytes ParentHash(NodeIndex parent, NodeIndex copath_child) const;

  // ---- Low-level writes used by TreeKEM (treekem.cpp) and tests ----
  // Stores a parent node / a leaf node in place (no path blanking, no
  // unmerged-leaves bookkeeping) and invalidates the affected hashes.
  Status SetParent(NodeIndex node, ParentNode parent);
  Status SetLeaf(LeafIndex leaf, LeafNode leaf_node);
  // Blanks one node (leaf or parent).
  Status Blank(NodeIndex node);
  // Blanks every parent on `leaf`'s direct path.
  Status BlankDirectPath(LeafIndex leaf);

 private:
  PublicTree(const crypto::CipherSuite& suite, LeafCount leaf_count);

  // Grows to twice the width (the new right half blank).
  Status Extend();
  // Halves while the right half is blank, keeping at least one leaf.
  void Truncate();
  // Marks `node` and its direct path as needing a new hash.
  void Invalidate(NodeIndex node);
  const Bytes& CachedHash(NodeIndex node) const;
  Bytes ComputeNodeHash(NodeIndex node, std::span<const std::uint32_t> excluded_leaves,
                        bool use_cache) const;

  crypto::CipherSuite suite_;
  LeafCount leaf_count_ = 1;
  std::vector<std::optional<Node>> nodes_;
  // Per node: the cached tree hash, empty when stale.
  mutable std::vector<Bytes> hash_cache_;
};

}  // namespace xs::mls
