#include "mls/tree/tree_private_keys.h"

#include <algorithm>
#include <string>
#include <utility>

namespace xs::mls {
namespace {

bool SameBytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

std::string NodeText(NodeIndex node) { return "node " + std::to_string(node.value); }

}  // namespace

Result<crypto::HpkeKeyPair> DeriveNodeKeyPair(const crypto::CipherSuite& suite,
                                              std::span<const std::uint8_t> path_secret) {
  XS_TRY(crypto::Secret node_secret, suite.DeriveSecret(path_secret, "node"));
  return suite.DeriveHpkeKeyPair(node_secret.bytes());
}

Result<crypto::Secret> NextPathSecret(const crypto::CipherSuite& suite,
                                      std::span<const std::uint8_t> path_secret) {
  return suite.DeriveSecret(path_secret, "path");
}

Result<TreePrivateKeys> TreePrivateKeys::Create(const PublicTree& tree, LeafIndex own_leaf,
                                                crypto::Secret leaf_private_key) {
  if (own_leaf.value >= tree.leaf_count()) return MakeTreeError(TreeError::kLeafOutOfRange);
  const LeafNode* leaf = tree.leaf(own_leaf);
  if (leaf == nullptr) return MakeTreeError(TreeError::kBlankLeaf);
  XS_TRY(Bytes public_key, tree.suite().HpkePublicKeyOf(leaf_private_key.bytes()));
  if (!SameBytes(public_key, leaf->encryption_key)) {
    return MakeTreeError(TreeError::kPrivateKeyMismatch,
                         "leaf private key does not match the leaf's encryption key");
  }
  TreePrivateKeys keys(own_leaf);
  keys.Set(own_leaf.node(), std::move(leaf_private_key), std::move(public_key));
  return keys;
}

TreePrivateKeys TreePrivateKeys::FromEntries(LeafIndex own_leaf,
                                             std::vector<NodePrivateKey> entries) {
  TreePrivateKeys keys(own_leaf);
  for (NodePrivateKey& entry : entries) {
    keys.Set(entry.node, std::move(entry.private_key), std::move(entry.public_key));
  }
  return keys;
}

TreePrivateKeys TreePrivateKeys::Clone() const {
  TreePrivateKeys copy(own_leaf_);
  for (const auto& [node, entry] : keys_) {
    copy.keys_.emplace(node, Entry{entry.private_key.Clone(), entry.public_key});
  }
  return copy;
}

const crypto::Secret* TreePrivateKeys::PrivateKeyFor(const PublicTree& tree, NodeIndex node) const {
  auto it = keys_.find(node.value);
  if (it == keys_.end()) return nullptr;
  const std::span<const std::uint8_t> current = tree.EncryptionKey(node);
  if (current.empty() || !SameBytes(current, it->second.public_key)) return nullptr;
  return &it->second.private_key;
}

void TreePrivateKeys::Set(NodeIndex node, crypto::Secret private_key, Bytes public_key) {
  keys_.insert_or_assign(node.value, Entry{std::move(private_key), std::move(public_key)});
}

Status TreePrivateKeys::SetFromPathSecret(const PublicTree& tree, NodeIndex node,
                                          std::span<const std::uint8_t> path_secret) {
  XS_TRY(crypto::HpkeKeyPair pair, DeriveNodeKeyPair(tree.suite(), path_secret));
  if (tree.IsBlank(node) || !SameBytes(pair.public_key, tree.EncryptionKey(node))) {
    return MakeTreeError(TreeError::kPrivateKeyMismatch,
                         "path secret does not match the public key of " + NodeText(node));
  }
  Set(node, std::move(pair.private_key), std::move(pair.public_key));
  return OkStatus();
}

Status TreePrivateKeys::ImplantPathSecret(const PublicTree& tree, LeafIndex committer,
                                          std::span<const std::uint8_t> path_secret) {
  const std::vector<FilteredPathStep> path = tree.FilteredDirectPath(committer);
  auto start = std::find_if(path.begin(), path.end(), [&](const FilteredPathStep& step) {
    return InSubtree(own_leaf_.node(), step.node);
  });
  if (start == path.end()) {
    return MakeTreeError(TreeError::kLeafOutOfRange,
                         "no node of the committer's path lies above our leaf");
  }
  // Derive and check everything before storing anything.
  std::vector<std::pair<NodeIndex, crypto::HpkeKeyPair>> derived;
  crypto::Secret secret = crypto::Secret::Copy(path_secret);
  for (auto step = start; step != path.end(); ++step) {
    XS_TRY(crypto::HpkeKeyPair pair, DeriveNodeKeyPair(tree.suite(), secret.bytes()));
    if (!SameBytes(pair.public_key, tree.EncryptionKey(step->node))) {
      return MakeTreeError(TreeError::kPrivateKeyMismatch,
                           "path secret does not match the public key of " + NodeText(step->node));
    }
    derived.emplace_back(step->node, std::move(pair));
    XS_TRY(secret, NextPathSecret(tree.suite(), secret.bytes()));
  }
  for (auto& [node, pair] : derived) {
    Set(node, std::move(pair.private_key), std::move(pair.public_key));
  }
  return OkStatus();
}

void TreePrivateKeys::Prune(const PublicTree& tree) {
  const NodeIndex own = own_leaf_.node();
  for (auto it = keys_.begin(); it != keys_.end();) {
    const NodeIndex node(it->first);
    const bool on_path =
        node == own || (!node.IsLeaf() && InSubtree(own, node) && node.value < tree.node_width());
    const std::span<const std::uint8_t> current = tree.EncryptionKey(node);
    const bool current_key = !current.empty() && SameBytes(current, it->second.public_key);
    it = (on_path && current_key) ? std::next(it) : keys_.erase(it);
  }
}

std::vector<NodePrivateKey> TreePrivateKeys::Entries() const {
  std::vector<NodePrivateKey> out;
  out.reserve(keys_.size());
  for (const auto& [node, entry] : keys_) {
    out.push_back({NodeIndex(node), entry.private_key.Clone(), entry.public_key});
  }
  return out;
}

}  // namespace xs::mls
