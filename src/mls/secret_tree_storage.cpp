// SecretTree::Encode / Decode: the stored form of a secret tree.
//
//   uint8  format (1)
//   uint16 cipher_suite
//   uint32 leaf_count (0 for a tree whose every call fails)
//   uint32 out_of_order_tolerance; uint32 maximum_forward_distance
//   NodeSecret node_secrets<V>    NodeSecret { uint32 node; opaque secret<V>; }
//   LeafState  leaves<V>          LeafState  { uint32 leaf; Ratchet handshake; Ratchet application;
//   } Ratchet    { uint32 generation; opaque secret<V>; KeptKey kept<V>; } KeptKey    { uint32
//   generation; opaque key<V>; opaque nonce<V>; }
//
// Lists are in strictly increasing order, so every state has one encoding.
#include <utility>
#include <vector>

#include "mls/secret_tree.h"

namespace xs::mls {
namespace {

constexpr std::uint8_t kStateFormat = 1;
constexpr std::string_view kStateField = "mls.SecretTree.state";

Error Bad(std::string_view reason) { return Error::Validation(kStateField, reason); }

Result<crypto::Secret> ReadSecret(codec::TlsReader& r, std::size_t size) {
  XS_TRY(auto bytes, r.ReadOpaque(size));
  if (bytes.size() != size) return Bad("secret has the wrong length");
  return crypto::Secret::Copy(bytes);
}

}  // namespace

void SecretTree::EncodeRatchet(codec::TlsWriter& w, const Ratchet& ratchet) const {
  w.WriteU32(ratchet.generation);
  w.WriteOpaque(ratchet.secret.bytes());
  codec::TlsWriter kept = codec::TlsWriter::ForSecrets();  // holds key material
  for (const auto& [generation, key] : ratchet.skipped) {
    kept.WriteU32(generation);
    kept.WriteOpaque(key.key.bytes());
    kept.WriteOpaque(key.nonce.bytes());
  }
  w.WriteOpaque(kept.bytes());
}

Status SecretTree::DecodeRatchet(codec::TlsReader& r, Ratchet& ratchet) const {
  XS_TRY(ratchet.generation, r.ReadU32());
  XS_TRY(ratchet.secret, ReadSecret(r, suite_.hash_size()));
  XS_TRY(codec::TlsReader kept, r.ReadVector(codec::kMaxTlsVarint));
  while (!kept.empty()) {
    RatchetKey key;
    XS_TRY(key.generation, kept.ReadU32());
    XS_TRY(key.key, ReadSecret(kept, suite_.aead_key_size()));
    XS_TRY(key.nonce, ReadSecret(kept, suite_.aead_nonce_size()));
    // Kept keys lie below the ratchet, inside the window of its newest generation.
    if (key.generation >= ratchet.generation ||
        ratchet.generation - 1 - key.generation > window_.out_of_order_tolerance) {
      return Bad("kept key outside the out-of-order window");
    }
    if (!ratchet.skipped.empty() && ratchet.skipped.rbegin()->first >= key.generation) {
      return Bad("kept keys out of order");
    }
    const std::uint32_t generation = key.generation;
    ratchet.skipped.emplace(generation, std::move(key));
  }
  return OkStatus();
}

void SecretTree::Encode(codec::TlsWriter& w) const {
  w.WriteU8(kStateFormat);
  w.WriteU16(suite_.id());
  w.WriteU32(leaf_count_);
  w.WriteU32(window_.out_of_order_tolerance);
  w.WriteU32(window_.maximum_forward_distance);
  codec::TlsWriter nodes = codec::TlsWriter::ForSecrets();  // holds key material
  for (const auto& [node, secret] : node_secrets_) {
    nodes.WriteU32(node);
    nodes.WriteOpaque(secret.bytes());
  }
  w.WriteOpaque(nodes.bytes());
  codec::TlsWriter leaves = codec::TlsWriter::ForSecrets();  // holds key material
  for (const auto& [leaf, ratchets] : leaves_) {
    leaves.WriteU32(leaf);
    EncodeRatchet(leaves, ratchets.handshake);
    EncodeRatchet(leaves, ratchets.application);
  }
  w.WriteOpaque(leaves.bytes());
}

Result<SecretTree> SecretTree::Decode(const crypto::CipherSuite& suite, codec::TlsReader& r) {
  XS_TRY(std::uint8_t format, r.ReadU8());
  if (format != kStateFormat) return Bad("unknown format");
  XS_TRY(std::uint16_t suite_id, r.ReadU16());
  if (suite_id != suite.id()) return Bad("stored for another cipher suite");
  XS_TRY(std::uint32_t leaf_count, r.ReadU32());
  if (leaf_count != 0 && !IsValidLeafCount(leaf_count)) return Bad("invalid leaf count");
  RatchetWindow window;
  XS_TRY(window.out_of_order_tolerance, r.ReadU32());
  XS_TRY(window.maximum_forward_distance, r.ReadU32());
  if (window.out_of_order_tolerance > kMaxStoredOutOfOrderTolerance ||
      window.maximum_forward_distance > kMaxStoredForwardDistance) {
    return Bad("receive window too large");
  }
  SecretTree tree(suite, window);
  tree.leaf_count_ = leaf_count;

  XS_TRY(codec::TlsReader nodes, r.ReadVector(codec::kMaxTlsVarint));
  while (!nodes.empty()) {
    XS_TRY(std::uint32_t node, nodes.ReadU32());
    if (node >= NodeWidth(leaf_count)) return Bad("node outside the tree");
    if (!tree.node_secrets_.empty() && tree.node_secrets_.rbegin()->first >= node) {
      return Bad("node secrets out of order");
    }
    XS_TRY(crypto::Secret secret, ReadSecret(nodes, suite.hash_size()));
    tree.node_secrets_.emplace(node, std::move(secret));
  }

  XS_TRY(codec::TlsReader leaves, r.ReadVector(codec::kMaxTlsVarint));
  while (!leaves.empty()) {
    XS_TRY(std::uint32_t leaf, leaves.ReadU32());
    if (leaf >= leaf_count) return Bad("leaf outside the tree");
    if (!tree.leaves_.empty() && tree.leaves_.rbegin()->first >= leaf) {
      return Bad("leaves out of order");
    }
    LeafRatchets ratchets;
    XS_RETURN_IF_ERROR(tree.DecodeRatchet(leaves, ratchets.handshake));
    XS_RETURN_IF_ERROR(tree.DecodeRatchet(leaves, ratchets.application));
    tree.leaves_.emplace(leaf, std::move(ratchets));
  }
  return tree;
}

}  // namespace xs::mls
