#include "mls/tree/tree_validation.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "crypto/hash.h"

namespace xs::mls {
namespace {

constexpr std::string_view kLeafNodeTbsLabel = "LeafNodeTBS";

std::string NodeText(NodeIndex node) { return "node " + std::to_string(node.value); }
std::string LeafText(LeafIndex leaf) { return "leaf " + std::to_string(leaf.value); }

bool SameBytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

bool Lists(const std::vector<std::uint16_t>& list, std::uint16_t value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// RFC 9420 §7.2: the extension types the RFC defines are "default" and need
// not be listed in capabilities.extensions.
bool IsDefaultExtensionType(std::uint16_t type) {
  return type >= kExtensionApplicationId && type <= kExtensionExternalSenders;
}

// The parent_hash a node carries: a parent's field, a commit-source leaf's
// field; nothing for other leaves.
std::span<const std::uint8_t> CarriedParentHash(const PublicTree& tree, NodeIndex node) {
  if (node.IsLeaf()) {
    const LeafNode* leaf = tree.leaf(node.leaf());
    if (leaf == nullptr || leaf->source != LeafNodeSource::kCommit) return {};
    return leaf->parent_hash;
  }
  const ParentNode* parent = tree.parent(node);
  return parent != nullptr ? std::span<const std::uint8_t>(parent->parent_hash)
                           : std::span<const std::uint8_t>();
}

bool UnderNode(NodeIndex node, NodeIndex ancestor) { return InSubtree(node, ancestor); }

// §7.9.2 for one parent P through child C (copath child S).
bool ParentHashValidThrough(const PublicTree& tree, NodeIndex parent_index, NodeIndex child,
                            NodeIndex copath_child) {
  const Bytes expected = tree.ParentHash(parent_index, copath_child);
  std::vector<NodeIndex> resolution = tree.Resolution(child);
  auto match = std::find_if(resolution.begin(), resolution.end(), [&](NodeIndex d) {
    return SameBytes(CarriedParentHash(tree, d), expected);
  });
  if (match == resolution.end()) return false;
  resolution.erase(match);
  // The rest of C's resolution must be exactly P's unmerged leaves under C.
  std::vector<std::uint32_t> rest;
  rest.reserve(resolution.size());
  for (NodeIndex n : resolution) rest.push_back(n.value);
  std::vector<std::uint32_t> unmerged;
  for (std::uint32_t leaf : tree.parent(parent_index)->unmerged_leaves) {
    const NodeIndex leaf_node = LeafIndex(leaf).node();
    if (UnderNode(leaf_node, child)) unmerged.push_back(leaf_node.value);
  }
  std::sort(rest.begin(), rest.end());
  std::sort(unmerged.begin(), unmerged.end());
  return rest == unmerged;
}

Status CheckLifetime(const LeafNode& leaf, const TreeValidationOptions& options,
                     const std::string& where) {
  if (!options.now.has_value() || leaf.source != LeafNodeSource::kKeyPackage) return OkStatus();
  if (*options.now < leaf.lifetime.not_before || *options.now > leaf.lifetime.not_after) {
    return MakeTreeError(TreeError::kLeafLifetimeInvalid, where + " is outside its lifetime");
  }
  return OkStatus();
}

Status CheckExtensionsListed(const LeafNode& leaf, const std::string& where) {
  for (const Extension& ext : leaf.extensions) {
    if (IsDefaultExtensionType(ext.extension_type)) continue;
    if (!Lists(leaf.capabilities.extensions, ext.extension_type)) {
      return MakeTreeError(TreeError::kUnsupportedExtension,
                           where + " carries extension " + std::to_string(ext.extension_type) +
                               " missing from its capabilities");
    }
  }
  return OkStatus();
}

}  // namespace

Status VerifyLeafNodeSignature(const crypto::CipherSuite& suite, const LeafNode& leaf,
                               std::span<const std::uint8_t> group_id, LeafIndex leaf_index) {
  const Bytes tbs = EncodeLeafNodeTbs(leaf, group_id, leaf_index.value);
  if (!suite.VerifyWithLabel(leaf.signature_key, kLeafNodeTbsLabel, tbs, leaf.signature)) {
    return MakeTreeError(TreeError::kLeafSignatureInvalid,
                         "signature of " + LeafText(leaf_index) + " does not verify");
  }
  return OkStatus();
}

Status SignLeafNode(const crypto::CipherSuite& suite, LeafNode& leaf,
                    std::span<const std::uint8_t> signature_private_key,
                    std::span<const std::uint8_t> group_id, LeafIndex leaf_index) {
  const Bytes tbs = EncodeLeafNodeTbs(leaf, group_id, leaf_index.value);
  XS_TRY(leaf.signature, suite.SignWithLabel(signature_private_key, kLeafNodeTbsLabel, tbs));
  return OkStatus();
}

Status VerifyParentHashes(const PublicTree& tree) {
  for (std::uint32_t i = 1; i < tree.node_width(); i += 2) {
    const NodeIndex p(i);
    if (tree.parent(p) == nullptr) continue;
    const NodeIndex left = Left(p);
    const NodeIndex right = Right(p);
    if (!ParentHashValidThrough(tree, p, left, right) &&
        !ParentHashValidThrough(tree, p, right, left)) {
      return MakeTreeError(TreeError::kParentHashMismatch,
                           NodeText(p) + " is not parent-hash valid");
    }
  }
  return OkStatus();
}

Status VerifyUnmergedLeaves(const PublicTree& tree) {
  for (std::uint32_t i = 1; i < tree.node_width(); i += 2) {
    const NodeIndex p(i);
    const ParentNode* parent = tree.parent(p);
    if (parent == nullptr) continue;
    std::set<std::uint32_t> seen;
    for (std::uint32_t leaf_value : parent->unmerged_leaves) {
      const LeafIndex leaf(leaf_value);
      const std::string where = NodeText(p) + " unmerged " + LeafText(leaf);
      if (!seen.insert(leaf_value).second) {
        return MakeTreeError(TreeError::kUnmergedLeavesInvalid, where + " is listed twice");
      }
      if (leaf_value >= tree.leaf_count() || tree.leaf(leaf) == nullptr) {
        return MakeTreeError(TreeError::kUnmergedLeavesInvalid, where + " is blank");
      }
      if (!UnderNode(leaf.node(), p)) {
        return MakeTreeError(TreeError::kUnmergedLeavesInvalid, where + " is not a descendant");
      }
      for (NodeIndex between = Parent(leaf.node(), tree.leaf_count()); between != p;
           between = Parent(between, tree.leaf_count())) {
        const ParentNode* mid = tree.parent(between);
        if (mid != nullptr &&
            !std::count(mid->unmerged_leaves.begin(), mid->unmerged_leaves.end(), leaf_value)) {
          return MakeTreeError(TreeError::kUnmergedLeavesInvalid,
                               where + " is missing from " + NodeText(between));
        }
      }
    }
  }
  return OkStatus();
}

Status VerifyUniqueKeys(const PublicTree& tree) {
  std::vector<std::span<const std::uint8_t>> encryption_keys;
  std::vector<std::span<const std::uint8_t>> signature_keys;
  for (std::uint32_t i = 0; i < tree.node_width(); ++i) {
    const NodeIndex node(i);
    if (tree.IsBlank(node)) continue;
    encryption_keys.push_back(tree.EncryptionKey(node));
    if (node.IsLeaf()) signature_keys.emplace_back(tree.leaf(node.leaf())->signature_key);
  }
  auto has_duplicate = [](std::vector<std::span<const std::uint8_t>>& keys) {
    auto less = [](std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    };
    std::sort(keys.begin(), keys.end(), less);
    return std::adjacent_find(keys.begin(), keys.end(),
                              [](auto a, auto b) { return SameBytes(a, b); }) != keys.end();
  };
  if (has_duplicate(encryption_keys)) return MakeTreeError(TreeError::kDuplicateEncryptionKey);
  if (has_duplicate(signature_keys)) return MakeTreeError(TreeError::kDuplicateSignatureKey);
  return OkStatus();
}

Status ValidateTreeLeaves(const PublicTree& tree, std::span<const std::uint8_t> group_id,
                          const TreeValidationOptions& options) {
  std::set<std::uint16_t> credential_types;
  tree.ForEachLeaf([&](LeafIndex, const LeafNode& leaf) {
    credential_types.insert(leaf.credential.credential_type);
  });
  for (std::uint32_t i = 0; i < tree.leaf_count(); ++i) {
    const LeafIndex index(i);
    const LeafNode* leaf = tree.leaf(index);
    if (leaf == nullptr) continue;
    const std::string where = LeafText(index);
    XS_RETURN_IF_ERROR(VerifyLeafNodeSignature(tree.suite(), *leaf, group_id, index));
    XS_RETURN_IF_ERROR(CheckExtensionsListed(*leaf, where));
    XS_RETURN_IF_ERROR(CheckLifetime(*leaf, options, where));
    for (std::uint16_t type : credential_types) {
      if (!Lists(leaf->capabilities.credentials, type)) {
        return MakeTreeError(TreeError::kUnsupportedCredential,
                             where + " does not support credential type " + std::to_string(type));
      }
    }
  }
  return OkStatus();
}

Status ValidateTree(const PublicTree& tree, std::span<const std::uint8_t> group_id,
                    std::span<const std::uint8_t> expected_tree_hash,
                    const TreeValidationOptions& options) {
  if (!SameBytes(tree.TreeHash(), expected_tree_hash)) {
    return MakeTreeError(TreeError::kTreeHashMismatch);
  }
  XS_RETURN_IF_ERROR(VerifyUnmergedLeaves(tree));
  XS_RETURN_IF_ERROR(VerifyParentHashes(tree));
  XS_RETURN_IF_ERROR(VerifyUniqueKeys(tree));
  return ValidateTreeLeaves(tree, group_id, options);
}

Status ValidateLeafNode(const PublicTree& tree, const LeafNode& leaf, const LeafNodeCheck& check) {
  const std::string where = "new leaf node";
  if (leaf.source != check.expected_source) {
    return MakeTreeError(TreeError::kLeafSourceInvalid);
  }
  XS_RETURN_IF_ERROR(VerifyLeafNodeSignature(tree.suite(), leaf, check.group_id, check.leaf_index));
  XS_RETURN_IF_ERROR(CheckExtensionsListed(leaf, where));
  XS_RETURN_IF_ERROR(CheckLifetime(leaf, check.options, where));

  const LeafNode* replaced = check.replaces.has_value() ? tree.leaf(*check.replaces) : nullptr;
  if (replaced != nullptr && SameBytes(replaced->encryption_key, leaf.encryption_key)) {
    return MakeTreeError(TreeError::kDuplicateEncryptionKey,
                         "new leaf node reuses the encryption key it replaces");
  }
  Status status = OkStatus();
  tree.ForEachLeaf([&](LeafIndex index, const LeafNode& other) {
    if (!status.ok() || (check.replaces.has_value() && *check.replaces == index)) return;
    if (SameBytes(other.signature_key, leaf.signature_key)) {
      status = MakeTreeError(TreeError::kDuplicateSignatureKey,
                             "signature key is used by " + LeafText(index));
    } else if (!Lists(other.capabilities.credentials, leaf.credential.credential_type)) {
      status = MakeTreeError(TreeError::kUnsupportedCredential,
                             LeafText(index) + " does not support the new credential type");
    } else if (!Lists(leaf.capabilities.credentials, other.credential.credential_type)) {
      status = MakeTreeError(TreeError::kUnsupportedCredential,
                             "new leaf does not support the credential type of " + LeafText(index));
    }
  });
  XS_RETURN_IF_ERROR(status);
  for (std::uint32_t i = 0; i < tree.node_width(); ++i) {
    const NodeIndex node(i);
    if (check.replaces.has_value() && node == check.replaces->node()) continue;
    if (!tree.IsBlank(node) && SameBytes(tree.EncryptionKey(node), leaf.encryption_key)) {
      return MakeTreeError(TreeError::kDuplicateEncryptionKey,
                           "encryption key appears at " + NodeText(node));
    }
  }
  return OkStatus();
}

}  // namespace xs::mls
