// The state of one member in one MLS group (RFC 9420 §8-§12): the
// GroupContext, the public ratchet tree and this member's private keys in it,
// the epoch's secrets and secret tree, the interim transcript hash, our leaf
// index and signature key, the proposals received this epoch (by
// ProposalRef), and the secret trees of the last few epochs so that late
// application messages still decrypt (XMTP keeps 3, profile §0).
//
// The operations are free functions, one file per operation:
//   create.h      CreateGroup                 new group, epoch 0
//   propose.h     ProposeAdd / Remove / Update / GroupContextExtensions
//   commit.h      CreateCommit                commit + Welcome + StagedCommit
//   process.h     ProcessMessage              application / proposal / StagedCommit
//   staged_commit.h  StagedCommit, Merge      stage, persist, then merge
//   welcome.h     JoinFromWelcome
//   application.h EncryptApplicationMessage / DecryptApplicationMessage
//
// Persistence: Serialize() writes the whole state, secrets included, into a
// crypto::Secret (every intermediate buffer is wiped); the caller encrypts it
// at rest. Deserialize() restores it.
//
// Persistence by part, for a store that writes per change: the epoch part
// (context, trees, private keys, epoch secrets, proposals, past epochs but
// their secret trees) changes on commits, proposals and removal; the ratchet
// part (the secret tree and the past epochs' secret trees) changes on every
// message sent or decrypted, so per message only the ratchet part is
// rewritten. Both carry the epoch; DeserializeParts rejects a pair written
// for different epochs (kStateCorrupt).
//
// Thread contract: a move-only value; not thread-safe (every operation,
// including decryption, mutates it). One owner per group, or external
// locking; persist after each mutating call.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "mls/group/xmtp_profile.h"
#include "mls/key_schedule.h"
#include "mls/messages/framed.h"
#include "mls/messages/group.h"
#include "mls/secret_tree.h"
#include "mls/tree/ratchet_tree.h"
#include "mls/tree/tree_private_keys.h"

namespace xs::mls {

// Local policy of a group. The defaults are XMTP's (profile §0, §1.1); the
// relaxations exist for the RFC test vectors, which use PublicMessage
// handshakes, PSKs and eternal lifetimes.
struct GroupConfig {
  std::uint32_t max_past_epochs = 3;
  RatchetWindow ratchet_window;
  std::uint32_t padding_size = 0;
  // Accept PublicMessage proposals and commits (XMTP: rejected, §1.2).
  bool accept_public_messages = false;
  // Accept PreSharedKey proposals and Welcome PSKs (XMTP: rejected, §1.3).
  bool allow_psks = false;
  // Resumption PSKs of this many past epochs are kept (XMTP: 0).
  std::uint32_t resumption_psks_kept = 0;
  // Check that now lies inside the lifetime of KeyPackages in Add
  // proposals (the RFC recommends it; libxmtp checks fetched KeyPackages).
  bool check_key_package_lifetime = true;
  // Longest acceptable leaf lifetime (0 = unlimited).
  std::uint64_t max_lifetime_range = kMaxLeafLifetimeRangeSeconds;
  // The time of lifetime checks and of new leaves' lifetimes. Not part of
  // the serialized state: a restored group uses the system clock until the
  // owner sets another.
  const Clock* clock = SystemClock::Get();
};

// A proposal received (or sent) in the current epoch, kept for commits that
// reference it.
struct CachedProposal {
  Bytes ref;  // ProposalRef
  Proposal proposal;
  std::uint32_t sender = 0;  // member leaf index
};

// Our own Update proposal of this epoch: the private key of its new leaf is
// needed if a commit includes it.
struct PendingUpdate {
  Bytes ref;
  crypto::Secret encryption_private_key;
  Bytes encryption_key;
};

// What is kept of a past epoch to decrypt late application messages.
struct PastEpoch {
  std::uint64_t epoch = 0;
  crypto::Secret sender_data_secret;
  SecretTree secret_tree;
  Bytes group_context;                // serialized, for signature checks
  std::vector<Bytes> signature_keys;  // by leaf index; empty for blank leaves
};

struct Member {
  LeafIndex leaf;
  const LeafNode* leaf_node = nullptr;
};

class GroupState {
 public:
  GroupState(crypto::CipherSuite suite, PublicTree tree, TreePrivateKeys keys,
             SecretTree secret_tree);

  ~GroupState() = default;
  GroupState(GroupState&&) noexcept = default;
  GroupState& operator=(GroupState&&) noexcept = default;
  GroupState(const GroupState&) = delete;
  GroupState& operator=(const GroupState&) = delete;

  // ---- Read access ----
  const crypto::CipherSuite& suite() const { return cipher_suite; }
  const GroupContext& context() const { return group_context; }
  const Bytes& group_id() const { return group_context.group_id; }
  std::uint64_t epoch() const { return group_context.epoch; }
  LeafIndex own_leaf() const { return own_leaf_index; }
  const PublicTree& tree() const { return public_tree; }
  bool active() const { return is_active; }
  // §8: epoch_authenticator of the current epoch.
  std::span<const std::uint8_t> epoch_authenticator() const {
    return secrets.epoch_authenticator.bytes();
  }
  // §8.5 MLS-Exporter of the current epoch.
  Result<crypto::Secret> Export(std::string_view label, std::span<const std::uint8_t> context,
                                std::size_t length) const;
  // The non-blank leaves, left to right (pointers into tree()).
  std::vector<Member> Members() const;
  // Test vectors and tests only: external PSKs by psk_id.
  void AddExternalPsk(Bytes psk_id, crypto::Secret psk);

  // ---- Our own application ratchet (sender side of the secret tree) ----
  // The generation our next application message will use.
  Result<std::uint32_t> NextOwnApplicationGeneration();
  // Skips our application ratchet forward to `generation` (SecretTree::SkipTo).
  Status SkipOwnApplicationGenerations(std::uint32_t generation);

  // ---- Persistence ----
  crypto::Secret Serialize() const;
  static Result<GroupState> Deserialize(std::span<const std::uint8_t> bytes);
  crypto::Secret SerializeEpochPart() const;
  crypto::Secret SerializeRatchetPart() const;
  static Result<GroupState> DeserializeParts(std::span<const std::uint8_t> epoch_part,
                                             std::span<const std::uint8_t> ratchet_part);

  // ---- The state itself. Public for the operation files (create.cpp,
  // commit.cpp, ...); callers outside mls/group use the accessors and
  // operations. ----
  crypto::CipherSuite cipher_suite;
  GroupConfig config;
  GroupContext group_context;
  PublicTree public_tree;
  TreePrivateKeys private_keys;
  LeafIndex own_leaf_index;
  crypto::Secret signature_private_key;
  EpochSecrets secrets;  // encryption_secret moved into secret_tree
  SecretTree secret_tree;
  Bytes interim_transcript_hash;
  std::vector<CachedProposal> proposals;
  std::vector<PendingUpdate> pending_updates;
  std::deque<PastEpoch> past_epochs;                        // newest first
  std::map<std::uint64_t, crypto::Secret> resumption_psks;  // by epoch
  std::map<Bytes, crypto::Secret> external_psks;            // by psk_id
  bool is_active = true;

  // Serialized GroupContext of the current epoch.
  Bytes ContextBytes() const;
};

}  // namespace xs::mls
