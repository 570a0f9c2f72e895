#include "mls/tree/treekem.h"

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "codec/tls_writer.h"
#include "mls/messages/serialize.h"
#include "mls/tree/tree_validation.h"

namespace xs::mls {
namespace {

constexpr std::string_view kUpdatePathNodeLabel = "UpdatePathNode";
// UpdatePaths with at least this many HPKE encryptions use several threads
// (thread start-up costs about as much as one encryption).
constexpr std::size_t kParallelSealThreshold = 16;
constexpr std::size_t kMaxSealThreads = 4;

bool SameBytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

std::string NodeText(NodeIndex node) { return "node " + std::to_string(node.value); }

// The sender's leaf slot and direct path as they were, to undo a merge when a
// later step fails.
class PathSnapshot {
 public:
  PathSnapshot(const PublicTree& tree, LeafIndex leaf)
      : leaf_(leaf), leaf_node_(tree.node(leaf.node())) {
    for (NodeIndex node : DirectPath(leaf.node(), tree.leaf_count())) {
      path_.emplace_back(node, tree.node(node));
    }
  }
  void Restore(PublicTree& tree) const {
    for (const auto& [node, slot] : path_) {
      if (slot.has_value()) {
        (void)tree.SetParent(node, std::get<ParentNode>(*slot));
      } else {
        (void)tree.Blank(node);
      }
    }
    if (leaf_node_.has_value()) {
      (void)tree.SetLeaf(leaf_, std::get<LeafNode>(*leaf_node_));
    } else {
      (void)tree.Blank(leaf_.node());
    }
  }

 private:
  LeafIndex leaf_;
  std::optional<Node> leaf_node_;
  std::vector<std::pair<NodeIndex, std::optional<Node>>> path_;
};

// §7.9: Hash(ParentHashInput{encryption_key, parent_hash, sibling hash}).
Bytes HashParent(const crypto::CipherSuite& suite, std::span<const std::uint8_t> encryption_key,
                 std::span<const std::uint8_t> parent_hash,
                 std::span<const std::uint8_t> sibling_tree_hash) {
  codec::TlsWriter w;
  w.WriteOpaque(encryption_key);
  w.WriteOpaque(parent_hash);
  w.WriteOpaque(sibling_tree_hash);
  return suite.Hash(w.bytes());
}

// Parent hashes of new path nodes (empty unmerged leaves), top-down: entry i
// is the parent_hash field of path node i; the last entry is the leaf's.
// The copath subtrees are disjoint from the path, so their cached hashes are
// those of the tree after the merge.
std::vector<Bytes> PathParentHashes(const PublicTree& tree,
                                    const std::vector<FilteredPathStep>& path,
                                    const std::vector<std::span<const std::uint8_t>>& keys) {
  // hashes[k] for k < size: path node k's field (the root-most one is
  // empty); hashes[size]: the leaf's field (empty for an empty path).
  std::vector<Bytes> hashes(path.size() + 1);
  if (path.empty()) return hashes;
  for (std::size_t k = path.size() - 1; k > 0; --k) {
    hashes[k - 1] =
        HashParent(tree.suite(), keys[k], hashes[k], tree.TreeHashOf(path[k].copath_child));
  }
  hashes[path.size()] =
      HashParent(tree.suite(), keys[0], hashes[0], tree.TreeHashOf(path[0].copath_child));
  return hashes;
}

Status CheckSenderLeaf(const PublicTree& tree, LeafIndex leaf) {
  if (leaf.value >= tree.leaf_count()) return MakeTreeError(TreeError::kLeafOutOfRange);
  if (tree.leaf(leaf) == nullptr) return MakeTreeError(TreeError::kBlankLeaf);
  return OkStatus();
}

// Sets the new path nodes and the leaf (after blanking the direct path).
void WritePath(PublicTree& tree, LeafIndex leaf, const std::vector<FilteredPathStep>& path,
               const std::vector<std::span<const std::uint8_t>>& keys,
               std::vector<Bytes> parent_hashes, LeafNode leaf_node) {
  (void)tree.BlankDirectPath(leaf);
  for (std::size_t k = 0; k < path.size(); ++k) {
    ParentNode node;
    node.encryption_key.assign(keys[k].begin(), keys[k].end());
    node.parent_hash = std::move(parent_hashes[k]);
    (void)tree.SetParent(path[k].node, std::move(node));
  }
  (void)tree.SetLeaf(leaf, std::move(leaf_node));
}

Bytes ContextWithTreeHash(GroupContext context, Bytes tree_hash) {
  context.tree_hash = std::move(tree_hash);
  return Serialize(context);
}

}  // namespace

std::optional<crypto::Secret> CreatedUpdatePath::PathSecretFor(LeafIndex joiner) const {
  for (std::size_t k = 0; k < filtered_path.size() && k < path_secrets.size(); ++k) {
    if (InSubtree(joiner.node(), filtered_path[k].node)) return path_secrets[k].Clone();
  }
  return std::nullopt;
}

Result<std::vector<FilteredPathStep>> MergeUpdatePath(PublicTree& tree, LeafIndex sender,
                                                      const UpdatePath& path) {
  XS_RETURN_IF_ERROR(CheckSenderLeaf(tree, sender));
  if (path.leaf_node.source != LeafNodeSource::kCommit) {
    return MakeTreeError(TreeError::kLeafSourceInvalid, "update path leaf source is not commit");
  }
  std::vector<FilteredPathStep> filtered = tree.FilteredDirectPath(sender);
  if (path.nodes.size() != filtered.size()) {
    return MakeTreeError(TreeError::kPathLengthMismatch,
                         "update path has " + std::to_string(path.nodes.size()) +
                             " nodes, the filtered direct path " + std::to_string(filtered.size()));
  }
  std::vector<std::span<const std::uint8_t>> keys;
  keys.reserve(path.nodes.size());
  for (const UpdatePathNode& node : path.nodes) keys.emplace_back(node.encryption_key);
  std::vector<Bytes> hashes = PathParentHashes(tree, filtered, keys);
  if (!SameBytes(hashes.back(), path.leaf_node.parent_hash)) {
    return MakeTreeError(TreeError::kParentHashMismatch,
                         "update path leaf parent_hash does not match its path");
  }
  hashes.pop_back();
  WritePath(tree, sender, filtered, keys, std::move(hashes), path.leaf_node);
  return filtered;
}

Result<CreatedUpdatePath> CreateUpdatePath(PublicTree& tree, TreePrivateKeys& keys,
                                           const UpdatePathRequest& request,
                                           const crypto::Secret& signature_private_key) {
  const crypto::CipherSuite& suite = tree.suite();
  const LeafIndex committer = request.committer;
  XS_RETURN_IF_ERROR(CheckSenderLeaf(tree, committer));
  if (keys.own_leaf() != committer) {
    return MakeTreeError(TreeError::kPrivateKeyMismatch, "keys belong to another leaf");
  }

  CreatedUpdatePath out;
  out.filtered_path = tree.FilteredDirectPath(committer);
  const std::vector<FilteredPathStep>& filtered = out.filtered_path;

  // §7.4: fresh leaf key, path secrets up the filtered path, node key pairs.
  crypto::HpkeKeyPair leaf_keys = suite.GenerateHpkeKeyPair();
  std::vector<crypto::HpkeKeyPair> node_keys;
  crypto::Secret secret = crypto::Secret::Random(suite.hash_size());
  for (std::size_t k = 0; k < filtered.size(); ++k) {
    XS_TRY(crypto::HpkeKeyPair pair, DeriveNodeKeyPair(suite, secret.bytes()));
    node_keys.push_back(std::move(pair));
    XS_TRY(crypto::Secret next, NextPathSecret(suite, secret.bytes()));
    out.path_secrets.push_back(std::move(secret));
    secret = std::move(next);
  }
  if (filtered.empty()) {
    XS_TRY(secret, NextPathSecret(suite, secret.bytes()));
  }
  out.commit_secret = std::move(secret);

  std::vector<std::span<const std::uint8_t>> public_keys;
  public_keys.reserve(node_keys.size());
  for (const crypto::HpkeKeyPair& pair : node_keys) public_keys.emplace_back(pair.public_key);
  std::vector<Bytes> hashes = PathParentHashes(tree, filtered, public_keys);

  LeafNode leaf = request.leaf;
  leaf.encryption_key = leaf_keys.public_key;
  leaf.source = LeafNodeSource::kCommit;
  leaf.lifetime = {};
  leaf.parent_hash = std::move(hashes.back());
  hashes.pop_back();
  XS_RETURN_IF_ERROR(SignLeafNode(suite, leaf, signature_private_key.bytes(),
                                  request.provisional_context.group_id, committer));

  const PathSnapshot snapshot(tree, committer);
  WritePath(tree, committer, filtered, public_keys, std::move(hashes), leaf);
  out.tree_hash = tree.TreeHash();
  out.group_context = ContextWithTreeHash(request.provisional_context, out.tree_hash);

  // §7.6: each path secret to the copath child's resolution minus joiners.
  // Right after a group is created most parents are blank and this means one
  // HPKE encryption per member (~65 µs each), so large batches are spread
  // over the cores; the inputs are copied out of the tree first (the tree is
  // not thread-safe), and the suite and secrets are only read.
  struct SealJob {
    std::size_t path_index;
    NodeIndex target;
    Bytes public_key;
    std::optional<Result<crypto::HpkeSealed>> sealed;
  };
  std::vector<SealJob> jobs;
  for (std::size_t k = 0; k < filtered.size(); ++k) {
    for (NodeIndex target : tree.Resolution(filtered[k].copath_child, request.excluded_leaves)) {
      const auto key = tree.EncryptionKey(target);
      jobs.push_back({k, target, Bytes(key.begin(), key.end()), std::nullopt});
    }
  }
  const auto seal_every = [&](std::size_t first, std::size_t stride) {
    for (std::size_t i = first; i < jobs.size(); i += stride) {
      jobs[i].sealed =
          suite.EncryptWithLabel(jobs[i].public_key, kUpdatePathNodeLabel, out.group_context,
                                 out.path_secrets[jobs[i].path_index].bytes());
    }
  };
  std::size_t workers = 1;
  if (jobs.size() >= kParallelSealThreshold) {
    workers = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxSealThreads);
  }
  {
    std::vector<std::jthread> helpers;
    for (std::size_t w = 1; w < workers; ++w) helpers.emplace_back(seal_every, w, workers);
    seal_every(0, workers);
  }
  out.path.leaf_node = std::move(leaf);
  out.path.nodes.resize(filtered.size());
  for (std::size_t k = 0; k < filtered.size(); ++k) {
    out.path.nodes[k].encryption_key = node_keys[k].public_key;
  }
  for (SealJob& job : jobs) {
    if (!job.sealed->ok()) {
      snapshot.Restore(tree);
      return MakeTreeError(TreeError::kPathKeyMismatch,
                           "cannot encrypt to the public key of " + NodeText(job.target));
    }
    out.path.nodes[job.path_index].encrypted_path_secret.push_back(
        {std::move((*job.sealed)->kem_output), std::move((*job.sealed)->ciphertext)});
  }

  keys.Set(committer.node(), std::move(leaf_keys.private_key), std::move(leaf_keys.public_key));
  for (std::size_t k = 0; k < filtered.size(); ++k) {
    keys.Set(filtered[k].node, std::move(node_keys[k].private_key),
             std::move(node_keys[k].public_key));
  }
  keys.Prune(tree);
  return out;
}

Result<AppliedUpdatePath> ApplyUpdatePath(PublicTree& tree, TreePrivateKeys& keys, LeafIndex sender,
                                          const UpdatePath& path,
                                          const GroupContext& provisional_context,
                                          std::span<const LeafIndex> excluded_leaves) {
  const crypto::CipherSuite& suite = tree.suite();
  XS_RETURN_IF_ERROR(CheckSenderLeaf(tree, sender));
  if (sender == keys.own_leaf()) {
    return MakeTreeError(TreeError::kPathDecryptionFailed, "cannot apply our own update path");
  }
  if (path.leaf_node.source != LeafNodeSource::kCommit) {
    return MakeTreeError(TreeError::kLeafSourceInvalid, "update path leaf source is not commit");
  }
  XS_RETURN_IF_ERROR(
      VerifyLeafNodeSignature(suite, path.leaf_node, provisional_context.group_id, sender));

  const PathSnapshot snapshot(tree, sender);
  XS_TRY(std::vector<FilteredPathStep> filtered, MergeUpdatePath(tree, sender, path));
  auto fail = [&](TreeError kind, const std::string& detail) {
    snapshot.Restore(tree);
    return MakeTreeError(kind, detail);
  };

  // Ciphertext counts of every step, and the step whose copath subtree holds us.
  std::optional<std::size_t> our_step;
  std::vector<NodeIndex> our_resolution;
  for (std::size_t k = 0; k < filtered.size(); ++k) {
    std::vector<NodeIndex> resolution = tree.Resolution(filtered[k].copath_child, excluded_leaves);
    if (resolution.size() != path.nodes[k].encrypted_path_secret.size()) {
      return fail(TreeError::kPathLengthMismatch,
                  "update path node " + std::to_string(k) + " has the wrong number of ciphertexts");
    }
    if (InSubtree(keys.own_leaf().node(), filtered[k].copath_child)) {
      our_step = k;
      our_resolution = std::move(resolution);
    }
  }
  if (!our_step.has_value()) {
    return fail(TreeError::kPathDecryptionFailed, "no update path node covers our leaf");
  }
  std::optional<std::size_t> position;
  const crypto::Secret* private_key = nullptr;
  for (std::size_t j = 0; j < our_resolution.size() && private_key == nullptr; ++j) {
    private_key = keys.PrivateKeyFor(tree, our_resolution[j]);
    if (private_key != nullptr) position = j;
  }
  if (private_key == nullptr) {
    return fail(TreeError::kPathDecryptionFailed, "no private key for the copath resolution");
  }

  AppliedUpdatePath out;
  out.tree_hash = tree.TreeHash();
  out.group_context = ContextWithTreeHash(provisional_context, out.tree_hash);
  out.decrypted_node = filtered[*our_step].node;
  const HpkeCiphertext& ciphertext = path.nodes[*our_step].encrypted_path_secret[*position];
  auto opened =
      suite.DecryptWithLabel(private_key->bytes(), kUpdatePathNodeLabel, out.group_context,
                             ciphertext.kem_output, ciphertext.ciphertext);
  if (!opened.ok()) return fail(TreeError::kPathDecryptionFailed, "HPKE open failed");
  crypto::Secret secret = crypto::Secret::Copy(*opened);
  crypto::Wipe(std::span<std::uint8_t>(*opened));
  out.path_secret = secret.Clone();

  std::vector<std::pair<NodeIndex, crypto::HpkeKeyPair>> derived;
  for (std::size_t k = *our_step; k < filtered.size(); ++k) {
    auto pair = DeriveNodeKeyPair(suite, secret.bytes());
    if (!pair.ok()) return fail(TreeError::kPathDecryptionFailed, "node key derivation failed");
    if (!SameBytes(pair->public_key, path.nodes[k].encryption_key)) {
      return fail(TreeError::kPathKeyMismatch,
                  "derived public key differs at " + NodeText(filtered[k].node));
    }
    derived.emplace_back(filtered[k].node, std::move(pair).value());
    auto next = NextPathSecret(suite, secret.bytes());
    if (!next.ok()) return fail(TreeError::kPathDecryptionFailed, "path secret derivation failed");
    secret = std::move(next).value();
  }
  out.commit_secret = std::move(secret);
  for (auto& [node, pair] : derived) {
    keys.Set(node, std::move(pair.private_key), std::move(pair.public_key));
  }
  keys.Prune(tree);
  return out;
}

}  // namespace xs::mls
