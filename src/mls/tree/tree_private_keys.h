// The private half of a member's view of the ratchet tree (RFC 9420 §7.4):
// the HPKE private key of its own leaf and of the parent nodes on its direct
// path whose path secrets it learned (from its own UpdatePath, a received
// UpdatePath, or the Welcome's path_secret, §12.4.3.1).
//
// Every key is stored with the public key it belongs to; a key is only
// handed out (PrivateKeyFor) while the tree still has that public key at that
// node, so keys made stale by blanking or by another member's commit can
// never be used by mistake. Prune() drops them.
//
// Path secrets are not kept: only the node private keys derived from them
// (forward secrecy, §7.4 "delete path secrets after use").
//
// Thread contract: a move-only value (Secrets); Clone() for a provisional
// copy. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "base/result.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "mls/tree/ratchet_tree.h"

namespace xs::mls {

// One stored key, as exported for persistence.
struct NodePrivateKey {
  NodeIndex node;
  crypto::Secret private_key;  // X25519 scalar
  Bytes public_key;
};

class TreePrivateKeys {
 public:
  // Keys of a member at `own_leaf` with the leaf's HPKE private key; checks
  // that it matches the tree's leaf encryption_key (kPrivateKeyMismatch,
  // kBlankLeaf, kLeafOutOfRange).
  static Result<TreePrivateKeys> Create(const PublicTree& tree, LeafIndex own_leaf,
                                        crypto::Secret leaf_private_key);
  // Restores exported keys without checking them against a tree.
  static TreePrivateKeys FromEntries(LeafIndex own_leaf, std::vector<NodePrivateKey> entries);

  ~TreePrivateKeys() = default;
  TreePrivateKeys(TreePrivateKeys&&) noexcept = default;
  TreePrivateKeys& operator=(TreePrivateKeys&&) noexcept = default;
  TreePrivateKeys(const TreePrivateKeys&) = delete;
  TreePrivateKeys& operator=(const TreePrivateKeys&) = delete;
  TreePrivateKeys Clone() const;

  LeafIndex own_leaf() const { return own_leaf_; }

  // The private key for `node` if one is held and the tree's public key at
  // `node` is still the one it belongs to; nullptr otherwise.
  const crypto::Secret* PrivateKeyFor(const PublicTree& tree, NodeIndex node) const;
  bool Holds(NodeIndex node) const { return keys_.count(node.value) != 0; }
  std::size_t size() const { return keys_.size(); }

  // Stores (or replaces) the key pair of `node`.
  void Set(NodeIndex node, crypto::Secret private_key, Bytes public_key);
  // Derives node_secret = DeriveSecret(path_secret, "node") and the key pair
  // DeriveHpkeKeyPair(node_secret); stores it for `node` when its public key
  // equals the tree's at `node` (kPrivateKeyMismatch otherwise).
  Status SetFromPathSecret(const PublicTree& tree, NodeIndex node,
                           std::span<const std::uint8_t> path_secret);
  // §12.4.3.1 Welcome: `path_secret` belongs to the lowest node of the
  // committer's filtered direct path that is an ancestor of own_leaf(); the
  // keys of that node and every node above it on the committer's filtered
  // direct path are derived (path_secret[n+1] = DeriveSecret(path_secret[n],
  // "path")) and checked against the tree. kPrivateKeyMismatch when a
  // derived public key differs, kLeafOutOfRange when there is no such node.
  Status ImplantPathSecret(const PublicTree& tree, LeafIndex committer,
                           std::span<const std::uint8_t> path_secret);
  // Drops every key whose node is blank, holds another public key, or is not
  // own_leaf() or on its direct path.
  void Prune(const PublicTree& tree);
  void Erase(NodeIndex node) { keys_.erase(node.value); }

  // Copies of all keys, for persistence.
  std::vector<NodePrivateKey> Entries() const;

 private:
  struct Entry {
    crypto::Secret private_key;
    Bytes public_key;
  };
  explicit TreePrivateKeys(LeafIndex own_leaf) : own_leaf_(own_leaf) {}

  LeafIndex own_leaf_;
  std::map<std::uint32_t, Entry> keys_;
};

// node_secret = DeriveSecret(path_secret, "node"), then DeriveHpkeKeyPair.
Result<crypto::HpkeKeyPair> DeriveNodeKeyPair(const crypto::CipherSuite& suite,
                                              std::span<const std::uint8_t> path_secret);
// path_secret[n+1] = DeriveSecret(path_secret[n], "path") (also the
// commit_secret after the last node, §7.4).
Result<crypto::Secret> NextPathSecret(const crypto::CipherSuite& suite,
                                      std::span<const std::uint8_t> path_secret);

}  // namespace xs::mls
