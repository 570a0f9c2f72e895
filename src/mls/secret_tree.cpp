#include "mls/secret_tree.h"

#include <array>
#include <limits>
#include <utility>

namespace xs::mls {
namespace {

constexpr std::string_view kErrorField = "mls.SecretTree";

// §9: labels of the tree and ratchet derivations.
constexpr std::string_view kTreeLabel = "tree";
constexpr std::array<std::uint8_t, 4> kLeftContext = {'l', 'e', 'f', 't'};
constexpr std::array<std::uint8_t, 5> kRightContext = {'r', 'i', 'g', 'h', 't'};
constexpr std::string_view kHandshakeLabel = "handshake";
constexpr std::string_view kApplicationLabel = "application";
constexpr std::string_view kKeyLabel = "key";
constexpr std::string_view kNonceLabel = "nonce";
constexpr std::string_view kSecretLabel = "secret";

// The last generation is never handed out, so that the counter cannot wrap.
constexpr std::uint32_t kLastGeneration = std::numeric_limits<std::uint32_t>::max();

struct SecretTreeErrorInfo {
  SecretTreeError kind;
  std::string_view name;  // Error::kind()
  std::string_view reason;
};

constexpr std::array<SecretTreeErrorInfo, 5> kErrorInfos = {{
    {SecretTreeError::kLeafOutOfRange, "mls.secret_tree.leaf_out_of_range",
     "leaf index is outside the tree"},
    {SecretTreeError::kGenerationTooOld, "mls.secret_tree.generation_too_old",
     "generation is older than the out-of-order window"},
    {SecretTreeError::kGenerationReused, "mls.secret_tree.generation_reused",
     "generation was already used"},
    {SecretTreeError::kGenerationTooFarAhead, "mls.secret_tree.generation_too_far_ahead",
     "generation is beyond the maximum forward distance"},
    {SecretTreeError::kRatchetExhausted, "mls.secret_tree.ratchet_exhausted",
     "ratchet generations are exhausted"},
}};

}  // namespace

Error MakeSecretTreeError(SecretTreeError kind) {
  for (const SecretTreeErrorInfo& info : kErrorInfos) {
    if (info.kind == kind) {
      return Error::Validation(kErrorField, info.reason).WithKind(std::string(info.name));
    }
  }
  return Error::Validation(kErrorField, "unknown secret tree error");
}

std::optional<SecretTreeError> SecretTreeErrorOf(const Error& error) {
  for (const SecretTreeErrorInfo& info : kErrorInfos) {
    if (error.kind() == info.name) return info.kind;
  }
  return std::nullopt;
}

SecretTree::SecretTree(const crypto::CipherSuite& suite, crypto::Secret encryption_secret,
                       std::uint32_t n_leaves, RatchetWindow window)
    : suite_(suite), window_(window) {
  if (n_leaves == 0 || n_leaves > kMaxLeafCount) return;  // every call fails
  leaf_count_ = FullLeafCount(n_leaves);
  node_secrets_.emplace(Root(leaf_count_).value, std::move(encryption_secret));
}

Result<SecretTree::LeafRatchets*> SecretTree::Ratchets(std::uint32_t leaf) {
  if (leaf_count_ == 0 || leaf >= leaf_count_) {
    return MakeSecretTreeError(SecretTreeError::kLeafOutOfRange);
  }
  if (auto it = leaves_.find(leaf); it != leaves_.end()) return &it->second;
  XS_RETURN_IF_ERROR(DeriveLeaf(LeafIndex(leaf).node()));
  return &leaves_.at(leaf);
}

Status SecretTree::DeriveLeaf(NodeIndex leaf_node) {
  // The lowest node on the leaf's path whose secret is still held; every node
  // below it on the path has not been derived yet.
  NodeIndex node = leaf_node;
  auto held = node_secrets_.find(node.value);
  while (held == node_secrets_.end()) {
    const NodeIndex parent = Parent(node, leaf_count_);
    if (parent == node) return Error::Internal("mls: secret tree path was already consumed");
    node = parent;
    held = node_secrets_.find(node.value);
  }
  while (node != leaf_node) {
    crypto::Secret secret = std::move(held->second);
    node_secrets_.erase(held);
    XS_TRY(crypto::Secret left,
           suite_.ExpandWithLabel(secret.bytes(), kTreeLabel, kLeftContext, suite_.hash_size()));
    XS_TRY(crypto::Secret right,
           suite_.ExpandWithLabel(secret.bytes(), kTreeLabel, kRightContext, suite_.hash_size()));
    const NodeIndex left_node = Left(node);
    const NodeIndex right_node = Right(node);
    node_secrets_.insert_or_assign(left_node.value, std::move(left));
    node_secrets_.insert_or_assign(right_node.value, std::move(right));
    node = InSubtree(leaf_node, left_node) ? left_node : right_node;
    held = node_secrets_.find(node.value);
  }
  crypto::Secret leaf_secret = std::move(held->second);
  node_secrets_.erase(held);
  LeafRatchets ratchets;
  XS_TRY(ratchets.handshake.secret,
         suite_.ExpandWithLabel(leaf_secret.bytes(), kHandshakeLabel, {}, suite_.hash_size()));
  XS_TRY(ratchets.application.secret,
         suite_.ExpandWithLabel(leaf_secret.bytes(), kApplicationLabel, {}, suite_.hash_size()));
  leaves_.emplace(leaf_node.leaf().value, std::move(ratchets));
  return OkStatus();
}

Result<RatchetKey> SecretTree::DeriveKey(const Ratchet& ratchet) const {
  RatchetKey out;
  out.generation = ratchet.generation;
  XS_TRY(out.key, suite_.DeriveTreeSecret(ratchet.secret.bytes(), kKeyLabel, ratchet.generation,
                                          suite_.aead_key_size()));
  XS_TRY(out.nonce, suite_.DeriveTreeSecret(ratchet.secret.bytes(), kNonceLabel, ratchet.generation,
                                            suite_.aead_nonce_size()));
  return out;
}

Status SecretTree::Advance(Ratchet& ratchet) const {
  XS_TRY(crypto::Secret next, suite_.DeriveTreeSecret(ratchet.secret.bytes(), kSecretLabel,
                                                      ratchet.generation, suite_.hash_size()));
  ratchet.secret = std::move(next);  // the old secret is wiped by the move
  ++ratchet.generation;
  return OkStatus();
}

void SecretTree::DropBelowWindow(Ratchet& ratchet, std::uint32_t newest) const {
  const std::uint32_t window_start =
      newest > window_.out_of_order_tolerance ? newest - window_.out_of_order_tolerance : 0;
  ratchet.skipped.erase(ratchet.skipped.begin(), ratchet.skipped.lower_bound(window_start));
}

Result<RatchetKey> SecretTree::Next(std::uint32_t leaf, RatchetType type) {
  XS_TRY(LeafRatchets * ratchets, Ratchets(leaf));
  Ratchet& ratchet = type == RatchetType::kHandshake ? ratchets->handshake : ratchets->application;
  if (ratchet.generation == kLastGeneration) {
    return MakeSecretTreeError(SecretTreeError::kRatchetExhausted);
  }
  XS_TRY(RatchetKey key, DeriveKey(ratchet));
  XS_RETURN_IF_ERROR(Advance(ratchet));
  DropBelowWindow(ratchet, key.generation);
  return key;
}

Result<std::uint32_t> SecretTree::NextGeneration(std::uint32_t leaf, RatchetType type) {
  XS_TRY(LeafRatchets * ratchets, Ratchets(leaf));
  return (type == RatchetType::kHandshake ? ratchets->handshake : ratchets->application).generation;
}

Status SecretTree::SkipTo(std::uint32_t leaf, RatchetType type, std::uint32_t generation) {
  XS_TRY(LeafRatchets * ratchets, Ratchets(leaf));
  Ratchet& ratchet = type == RatchetType::kHandshake ? ratchets->handshake : ratchets->application;
  if (generation <= ratchet.generation) return OkStatus();
  if (generation - ratchet.generation > kMaxStoredForwardDistance) {
    return MakeSecretTreeError(SecretTreeError::kGenerationTooFarAhead);
  }
  while (ratchet.generation < generation) XS_RETURN_IF_ERROR(Advance(ratchet));
  ratchet.skipped.clear();  // a sender keeps no keys
  return OkStatus();
}

Result<RatchetKey> SecretTree::Get(std::uint32_t leaf, RatchetType type, std::uint32_t generation) {
  XS_TRY(LeafRatchets * ratchets, Ratchets(leaf));
  Ratchet& ratchet = type == RatchetType::kHandshake ? ratchets->handshake : ratchets->application;

  if (generation < ratchet.generation) {
    // The newest generation handed out is ratchet.generation - 1; the window
    // holds the out_of_order_tolerance generations below it.
    const std::uint32_t newest = ratchet.generation - 1;
    if (newest - generation > window_.out_of_order_tolerance) {
      return MakeSecretTreeError(SecretTreeError::kGenerationTooOld);
    }
    auto it = ratchet.skipped.find(generation);
    if (it == ratchet.skipped.end()) {
      return MakeSecretTreeError(SecretTreeError::kGenerationReused);
    }
    RatchetKey key = std::move(it->second);
    ratchet.skipped.erase(it);
    return key;
  }
  if (generation - ratchet.generation > window_.maximum_forward_distance) {
    return MakeSecretTreeError(SecretTreeError::kGenerationTooFarAhead);
  }
  if (generation == kLastGeneration) {
    return MakeSecretTreeError(SecretTreeError::kRatchetExhausted);
  }

  // Keys of skipped generations are kept only when they will fall inside the
  // window below `generation`; older ones are never materialized.
  const std::uint32_t window_start =
      generation > window_.out_of_order_tolerance ? generation - window_.out_of_order_tolerance : 0;
  while (ratchet.generation < generation) {
    if (ratchet.generation >= window_start) {
      XS_TRY(RatchetKey skipped, DeriveKey(ratchet));
      ratchet.skipped.insert_or_assign(ratchet.generation, std::move(skipped));
    }
    XS_RETURN_IF_ERROR(Advance(ratchet));
  }
  XS_TRY(RatchetKey key, DeriveKey(ratchet));
  XS_RETURN_IF_ERROR(Advance(ratchet));
  DropBelowWindow(ratchet, generation);
  return key;
}

SecretTree::Ratchet SecretTree::CloneRatchet(const Ratchet& ratchet) {
  Ratchet out;
  out.secret = ratchet.secret.Clone();
  out.generation = ratchet.generation;
  for (const auto& [generation, key] : ratchet.skipped) {
    out.skipped.emplace(generation, RatchetKey{key.generation, key.key.Clone(), key.nonce.Clone()});
  }
  return out;
}

Status SecretTree::Open(std::uint32_t leaf, RatchetType type, std::uint32_t generation,
                        const std::function<Status(const RatchetKey&)>& open) {
  if (leaf_count_ == 0 || leaf >= leaf_count_) {
    return MakeSecretTreeError(SecretTreeError::kLeafOutOfRange);
  }
  // What Get can change: the leaf's ratchets when they exist; otherwise the
  // lowest held ancestor, which DeriveLeaf replaces by secrets inside its
  // subtree (nothing in that subtree is held before).
  std::optional<LeafRatchets> saved_leaf;
  std::optional<std::pair<NodeIndex, crypto::Secret>> saved_ancestor;
  if (auto it = leaves_.find(leaf); it != leaves_.end()) {
    saved_leaf =
        LeafRatchets{CloneRatchet(it->second.handshake), CloneRatchet(it->second.application)};
  } else {
    NodeIndex node = LeafIndex(leaf).node();
    auto held = node_secrets_.find(node.value);
    while (held == node_secrets_.end()) {
      const NodeIndex parent = Parent(node, leaf_count_);
      if (parent == node) break;
      node = parent;
      held = node_secrets_.find(node.value);
    }
    if (held != node_secrets_.end()) saved_ancestor.emplace(node, held->second.Clone());
  }
  const auto restore = [&] {
    if (saved_leaf) {
      leaves_.insert_or_assign(leaf, std::move(*saved_leaf));
      return;
    }
    leaves_.erase(leaf);
    if (!saved_ancestor) return;
    std::erase_if(node_secrets_, [&](const auto& entry) {
      return InSubtree(NodeIndex(entry.first), saved_ancestor->first);
    });
    node_secrets_.insert_or_assign(saved_ancestor->first.value, std::move(saved_ancestor->second));
  };
  auto key = Get(leaf, type, generation);
  Status result = key.ok() ? open(*key) : Status(key.error());
  if (!result.ok()) restore();
  return result;
}

}  // namespace xs::mls
