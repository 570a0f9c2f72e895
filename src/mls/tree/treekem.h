// TreeKEM (RFC 9420 §7.4-7.6, §12.4.1-12.4.2): creating the UpdatePath of a
// commit and applying a received one.
//
// Committer (after applying the commit's proposals to `tree`):
//   XS_TRY(CreatedUpdatePath created,
//          CreateUpdatePath(tree, my_keys, {my_leaf, leaf_template, provisional_context,
//                                           added_leaves}, signature_private_key));
//   commit.path = created.path;   // created.commit_secret feeds the key schedule
//   // GroupSecrets.path_secret for joiner j: created.PathSecretFor(j)
//
// Receiver (after applying the same proposals):
//   XS_TRY(AppliedUpdatePath applied,
//          ApplyUpdatePath(tree, my_keys, sender, *commit.path, provisional_context,
//          added_leaves));
//
// The provisional GroupContext (§12.4.1-12.4.2) is the new epoch's context
// before the confirmed transcript hash is updated: epoch + 1, the extensions
// after any GroupContextExtensions proposal, the *old* confirmed transcript
// hash. Its tree_hash is filled in here, after the path is merged, and its
// serialization is the HPKE context of EncryptWithLabel("UpdatePathNode").
//
// Both calls change `tree` and the keys only when they succeed.
//
// Thread contract: pure functions over caller-owned state.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "crypto/secret.h"
#include "mls/messages/group.h"
#include "mls/messages/proposals.h"
#include "mls/tree/ratchet_tree.h"
#include "mls/tree/tree_private_keys.h"

namespace xs::mls {

struct UpdatePathRequest {
  LeafIndex committer;
  // The committer's new leaf: credential, capabilities, extensions and
  // signature_key as they should be. encryption_key (fresh), source
  // (commit), parent_hash and signature are filled in; lifetime is ignored.
  LeafNode leaf;
  // The provisional GroupContext; tree_hash is overwritten.
  GroupContext provisional_context;
  // Leaves added by this commit: they get the path secret through the
  // Welcome, not through the UpdatePath (§12.4.2).
  std::vector<LeafIndex> excluded_leaves;
};

struct CreatedUpdatePath {
  UpdatePath path;
  crypto::Secret commit_secret;
  Bytes tree_hash;      // root tree hash after the merge
  Bytes group_context;  // serialized provisional GroupContext (with tree_hash)
  std::vector<FilteredPathStep> filtered_path;
  std::vector<crypto::Secret> path_secrets;  // one per filtered_path step

  // GroupSecrets.path_secret for a joiner (§12.4.3.1): the path secret of
  // the lowest filtered-path node that is an ancestor of `joiner`; nullopt
  // when there is none (empty path).
  std::optional<crypto::Secret> PathSecretFor(LeafIndex joiner) const;
};

// §7.4-7.6, §12.4.1: blanks the committer's direct path, draws a fresh leaf
// key pair and path secrets, sets the new parent nodes (keys, empty
// unmerged_leaves, parent hashes computed top-down) and the new signed leaf
// (source commit, parent_hash of its first filtered-path node), computes the
// tree hash, and encrypts each path secret to the copath child's resolution
// minus excluded_leaves. `keys` then holds the committer's new leaf and path
// private keys (older ones are pruned). The committer leaf must be occupied.
Result<CreatedUpdatePath> CreateUpdatePath(PublicTree& tree, TreePrivateKeys& keys,
                                           const UpdatePathRequest& request,
                                           const crypto::Secret& signature_private_key);

struct AppliedUpdatePath {
  crypto::Secret commit_secret;
  Bytes tree_hash;      // root tree hash after the merge
  Bytes group_context;  // serialized provisional GroupContext (with tree_hash)
  // The sender's filtered-path node whose path secret was decrypted, and
  // that path secret (kept for test vectors; callers may drop it).
  NodeIndex decrypted_node;
  crypto::Secret path_secret;
};

// §12.4.2 for a member other than the sender:
//   - path.leaf_node: source commit, signature with group_id / sender
//     (kLeafSourceInvalid, kLeafSignatureInvalid);
//   - path.nodes has one entry per filtered-direct-path node and each
//     encrypted_path_secret one ciphertext per node of the copath child's
//     resolution minus excluded_leaves (kPathLengthMismatch);
//   - merge: blank the sender's direct path, set the path keys, compute the
//     parent hashes, set the leaf; the leaf's parent_hash must match
//     (kParentHashMismatch);
//   - decrypt the one ciphertext for a node we hold a key for
//     (kPathDecryptionFailed), derive the path secrets up to the root, check
//     every derived public key against the path (kPathKeyMismatch), store our
//     new private keys.
// Other §7.3 checks of the new leaf (key uniqueness, capabilities) are
// ValidateLeafNode's, which the group layer runs first.
Result<AppliedUpdatePath> ApplyUpdatePath(PublicTree& tree, TreePrivateKeys& keys, LeafIndex sender,
                                          const UpdatePath& path,
                                          const GroupContext& provisional_context,
                                          std::span<const LeafIndex> excluded_leaves);

// The public part of applying an UpdatePath, for a caller without keys (and
// for the test vectors): length checks, merge and the leaf parent-hash check.
// Returns the sender's filtered direct path.
Result<std::vector<FilteredPathStep>> MergeUpdatePath(PublicTree& tree, LeafIndex sender,
                                                      const UpdatePath& path);

}  // namespace xs::mls
