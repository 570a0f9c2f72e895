// The secret tree of RFC 9420 §9: per-sender handshake and application
// ratchets derived from an epoch's encryption_secret, giving each message its
// own AEAD key and nonce.
//
//   SecretTree tree(suite, std::move(encryption_secret), leaf_count);
//   XS_TRY(RatchetKey k, tree.Next(my_leaf, RatchetType::kApplication));   // sending
//   XS_TRY(RatchetKey k, tree.Get(sender, RatchetType::kHandshake, gen));  // receiving
//
// Forward secrecy: node secrets are derived lazily along the path to the leaf
// that is asked for; a node's secret is wiped as soon as its children's exist
// (§9 deletion schedule), a ratchet secret as soon as the next one exists, and
// every key is handed out once and then forgotten.
//
// Receiving tolerates reordering the way OpenMLS's default sender-ratchet
// configuration does (profile: out_of_order_tolerance 5, maximum forward
// distance 1000): the unused keys of the kOutOfOrderTolerance generations
// below the newest one received stay available, and a generation may lie at
// most kMaximumForwardDistance beyond the next expected one. Anything else is
// a typed error (SecretTreeErrorOf).
//
// `n_leaves` is the ratchet tree's leaf count; RFC 9420 trees are full, so any
// other count is rounded up to the next power of two. A count of 0 or more
// than kMaxLeafCount gives a tree on which every call fails.
//
// Storage: Encode / Decode write and restore the exact state (frontier node
// secrets, ratchet secrets, kept keys, window), so a stored tree keeps its
// forward secrecy: nothing already consumed can be re-derived from it. The
// encoded bytes are key material; the caller wipes them after use.
//
// Thread contract: not thread-safe (Next and Get mutate); one owner, or
// external locking.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string_view>

#include "base/result.h"
#include "codec/tls_reader.h"
#include "codec/tls_writer.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "mls/tree_math.h"

namespace xs::mls {

inline constexpr std::uint32_t kOutOfOrderTolerance = 5;
inline constexpr std::uint32_t kMaximumForwardDistance = 1000;

enum class RatchetType { kHandshake, kApplication };

struct RatchetKey {
  std::uint32_t generation = 0;
  crypto::Secret key;    // Nk bytes
  crypto::Secret nonce;  // Nn bytes, before the reuse guard is applied
};

// Largest window Decode accepts from stored bytes (bounds the memory of kept
// keys and the work of one Get).
inline constexpr std::uint32_t kMaxStoredOutOfOrderTolerance = 1024;
inline constexpr std::uint32_t kMaxStoredForwardDistance = 1u << 20;

// Receive-window limits; the defaults are XMTP's. Tests of the official
// vectors may widen the forward distance.
struct RatchetWindow {
  std::uint32_t out_of_order_tolerance = kOutOfOrderTolerance;
  std::uint32_t maximum_forward_distance = kMaximumForwardDistance;
};

// Why a Next / Get failed; every such failure is a Validation error on field
// "mls.SecretTree" with Error::kind() "mls.secret_tree.<kind>", which
// SecretTreeErrorOf reads.
enum class SecretTreeError {
  kLeafOutOfRange,         // no such leaf (or the tree's leaf count was invalid)
  kGenerationTooOld,       // below the out-of-order window: key already deleted
  kGenerationReused,       // this generation's key was already handed out
  kGenerationTooFarAhead,  // beyond the maximum forward distance
  kRatchetExhausted,       // the 32-bit generation counter is used up
};

Error MakeSecretTreeError(SecretTreeError kind);
std::optional<SecretTreeError> SecretTreeErrorOf(const Error& error);

class SecretTree {
 public:
  SecretTree(const crypto::CipherSuite& suite, crypto::Secret encryption_secret,
             std::uint32_t n_leaves, RatchetWindow window = {});

  ~SecretTree() = default;
  SecretTree(SecretTree&&) noexcept = default;
  SecretTree& operator=(SecretTree&&) noexcept = default;
  SecretTree(const SecretTree&) = delete;
  SecretTree& operator=(const SecretTree&) = delete;

  // Sender side: the key of the ratchet's next generation, then advances.
  Result<RatchetKey> Next(std::uint32_t leaf, RatchetType type);
  // Receiver side: the key of `generation`, stepping the ratchet forward when
  // needed. The key is removed, so a second Get of it fails (kGenerationReused).
  Result<RatchetKey> Get(std::uint32_t leaf, RatchetType type, std::uint32_t generation);

  // Sender side: the generation Next would hand out now.
  Result<std::uint32_t> NextGeneration(std::uint32_t leaf, RatchetType type);
  // Sender side: moves the ratchet forward to `generation`, as if the keys
  // below it had been handed out (their secrets are wiped, never kept). A
  // sender whose stored state may be older than what it sent (a store that
  // lost its last writes) skips past every generation it may have used, so
  // that no key and nonce serve twice. Never moves backward; at most
  // kMaxStoredForwardDistance at once.
  Status SkipTo(std::uint32_t leaf, RatchetType type, std::uint32_t generation);

  // Receiver side, all or nothing: hands the key of `generation` to `open`
  // (which decrypts with it) and keeps the tree's change only when `open`
  // succeeds. A forged copy of a message (its sender data intact, its
  // content not) must not use up the key of the genuine one.
  Status Open(std::uint32_t leaf, RatchetType type, std::uint32_t generation,
              const std::function<Status(const RatchetKey&)>& open);

  LeafCount leaf_count() const { return leaf_count_; }
  const RatchetWindow& window() const { return window_; }

  // The whole state, in this library's own versioned layout (not an RFC
  // structure). Decode checks every field (suite, sizes, ranges, ordering)
  // and returns a Validation error on field "mls.SecretTree.state".
  void Encode(codec::TlsWriter& w) const;
  static Result<SecretTree> Decode(const crypto::CipherSuite& suite, codec::TlsReader& r);

 private:
  SecretTree(const crypto::CipherSuite& suite, RatchetWindow window)
      : suite_(suite), window_(window) {}

  // One hash ratchet (§9.1): `secret` is the ratchet secret of `generation`,
  // the next generation not yet handed out. `skipped` holds the unused keys
  // of the window below the newest generation handed out.
  struct Ratchet {
    crypto::Secret secret;
    std::uint32_t generation = 0;
    std::map<std::uint32_t, RatchetKey> skipped;
  };
  struct LeafRatchets {
    Ratchet handshake;
    Ratchet application;
  };

  Result<LeafRatchets*> Ratchets(std::uint32_t leaf);
  static Ratchet CloneRatchet(const Ratchet& ratchet);
  Status DeriveLeaf(NodeIndex leaf_node);
  Result<RatchetKey> DeriveKey(const Ratchet& ratchet) const;
  Status Advance(Ratchet& ratchet) const;
  // Deletes the kept keys that fell out of the window below `newest`.
  void DropBelowWindow(Ratchet& ratchet, std::uint32_t newest) const;
  void EncodeRatchet(codec::TlsWriter& w, const Ratchet& ratchet) const;
  Status DecodeRatchet(codec::TlsReader& r, Ratchet& ratchet) const;

  crypto::CipherSuite suite_;
  LeafCount leaf_count_ = 0;
  RatchetWindow window_;
  // The frontier of not yet consumed node secrets: the root at first, then
  // the siblings along each derived path.
  std::map<std::uint32_t, crypto::Secret> node_secrets_;
  std::map<std::uint32_t, LeafRatchets> leaves_;
};

}  // namespace xs::mls
