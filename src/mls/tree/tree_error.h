// Typed failures of the ratchet tree and TreeKEM (RFC 9420 §4, §7, §12.4).
// Every failure is an Error::Validation whose field and Error::kind() are
// "mls.tree.<kind>" (kind spelled by TreeErrorName), so callers branch on it with
// TreeErrorOf while logs still read naturally. The reason text names node or
// leaf indices only, never key or secret bytes.
//
// Thread contract: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "base/error.h"

namespace xs::mls {

enum class TreeError {
  kMalformedTree,   // wire tree shape: empty, trailing blank, leaf/parent at wrong index, too wide
  kLeafOutOfRange,  // leaf index beyond the tree
  kBlankLeaf,       // the operation needs an occupied leaf
  kTreeFull,        // adding would exceed kMaxLeafCount leaves
  kTreeHashMismatch,    // §12.4.3.1: tree hash differs from the GroupContext's
  kParentHashMismatch,  // §7.9.2: a parent node is not parent-hash valid / leaf parent_hash wrong
  kLeafSignatureInvalid,    // §7.3: LeafNode signature does not verify
  kLeafSourceInvalid,       // §7.3: leaf_node_source not allowed here
  kLeafLifetimeInvalid,     // §7.3: current time outside the key_package lifetime
  kUnsupportedExtension,    // §7.3: leaf extension type missing from its own capabilities
  kUnsupportedCredential,   // §7.3: credential type not supported by every member (or vice versa)
  kDuplicateSignatureKey,   // §7.3: signature_key shared by two leaves
  kDuplicateEncryptionKey,  // §7.3, §12.4.3.1: encryption_key appears twice in the tree
  kUnmergedLeavesInvalid,   // §12.4.3.1: unmerged_leaves entry blank / not a descendant / not on
                            // every node between
  kPathLengthMismatch,  // §12.4.2: UpdatePath nodes or ciphertexts do not fit the filtered direct
                        // path
  kPathKeyMismatch,     // §12.4.2: derived public key differs from the UpdatePath's
  kPathDecryptionFailed,  // §12.4.2: no ciphertext we can open, or HPKE open failed
  kPrivateKeyMismatch,    // private key or path secret does not match the tree's public key
};

std::string_view TreeErrorName(TreeError kind);
// Error::Validation("mls.tree.<name>", detail or a default reason).
Error MakeTreeError(TreeError kind, std::string_view detail = {});
// The kind of an error made by MakeTreeError, nullopt for any other error.
std::optional<TreeError> TreeErrorOf(const Error& error);

}  // namespace xs::mls
