// Validation of ratchet trees and leaf nodes received from the network
// (RFC 9420 §7.3, §7.9.2, §12.4.3.1). Only the rules that need no group
// state beyond the tree itself live here; the group layer adds the rest
// (required_capabilities of the GroupContext, the XMTP credential rules, the
// KeyPackage checks of §10.1).
//
//   // Joining from a Welcome (§12.4.3.1):
//   XS_TRY(PublicTree tree, PublicTree::FromWire(suite, wire));
//   XS_RETURN_IF_ERROR(ValidateTree(tree, group_context.group_id, group_context.tree_hash));
//
// Every failure is a typed tree error (tree_error.h); tests recover the kind
// with TreeErrorOf.
//
// Thread contract: pure functions (they fill the tree's hash cache, so do not
// call them concurrently on one tree).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "base/result.h"
#include "mls/messages/leaf.h"
#include "mls/tree/ratchet_tree.h"

namespace xs::mls {

struct TreeValidationOptions {
  // When set (seconds since the epoch), key_package-source leaves must have
  // not_before <= now <= not_after (§7.3). XMTP skips lifetimes when joining
  // from a Welcome (profile §1.1), so the default is unset.
  std::optional<std::uint64_t> now;
};

// §12.4.3.1 "verify the integrity of the ratchet tree", all of it that needs
// no group state:
//   tree hash == expected_tree_hash                          (kTreeHashMismatch)
//   every non-blank parent is parent-hash valid (§7.9.2)     (kParentHashMismatch)
//   unmerged_leaves consistent                               (kUnmergedLeavesInvalid)
//   encryption keys unique across all nodes                  (kDuplicateEncryptionKey)
//   every leaf valid per ValidateTreeLeaves                  (see there)
Status ValidateTree(const PublicTree& tree, std::span<const std::uint8_t> group_id,
                    std::span<const std::uint8_t> expected_tree_hash,
                    const TreeValidationOptions& options = {});

// §7.9.2: every non-blank parent node P is parent-hash valid: for one child C
// of P (copath child S the other one), some node D in C's resolution has
// D.parent_hash == ParentHash(P, S), and C's resolution without D equals
// P's unmerged leaves that lie under C. kParentHashMismatch names P.
Status VerifyParentHashes(const PublicTree& tree);

// §12.4.3.1: every entry of a parent's unmerged_leaves is a non-blank leaf
// below that parent, listed at most once, and every non-blank parent between
// the leaf and that parent lists it too. kUnmergedLeavesInvalid.
Status VerifyUnmergedLeaves(const PublicTree& tree);

// §7.3 / §12.4.3.1: no encryption key appears in two nodes, no signature key
// in two leaves. kDuplicateEncryptionKey / kDuplicateSignatureKey.
Status VerifyUniqueKeys(const PublicTree& tree);

// §7.3 for every non-blank leaf of the tree: the signature (LeafNodeTBS with
// group_id and leaf index for update/commit sources), extensions listed in
// the leaf's own capabilities (RFC default types 1-5 exempt), every member's
// credential type supported by every other member, lifetime when
// options.now is set.
Status ValidateTreeLeaves(const PublicTree& tree, std::span<const std::uint8_t> group_id,
                          const TreeValidationOptions& options = {});

// Signature of one leaf node (§7.2): SignWithLabel "LeafNodeTBS".
// kLeafSignatureInvalid.
Status VerifyLeafNodeSignature(const crypto::CipherSuite& suite, const LeafNode& leaf,
                               std::span<const std::uint8_t> group_id, LeafIndex leaf_index);

// Signs `leaf` in place (sets leaf.signature); for update/commit sources the
// TBS binds group_id and leaf_index.
Status SignLeafNode(const crypto::CipherSuite& suite, LeafNode& leaf,
                    std::span<const std::uint8_t> signature_private_key,
                    std::span<const std::uint8_t> group_id, LeafIndex leaf_index);

// §7.3 for one LeafNode arriving in an Add (source key_package), an Update
// proposal (source update) or an UpdatePath (source commit), checked against
// the current tree: source as expected, signature, extensions in the
// capabilities, credential support in both directions, signature and
// encryption keys unused by any other node (the leaf being replaced,
// `replaces`, is ignored), lifetime when options.now is set.
struct LeafNodeCheck {
  LeafNodeSource expected_source = LeafNodeSource::kKeyPackage;
  std::span<const std::uint8_t> group_id;  // update / commit sources
  LeafIndex leaf_index;                    // update / commit sources
  std::optional<LeafIndex> replaces;       // update / commit: the leaf's current slot
  TreeValidationOptions options;
};
Status ValidateLeafNode(const PublicTree& tree, const LeafNode& leaf, const LeafNodeCheck& check);

}  // namespace xs::mls
