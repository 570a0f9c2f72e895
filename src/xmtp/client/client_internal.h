// Private to xmtp/client: the per-group record a Client keeps in memory (the
// store holds the durable copy), the serialized forms of key-package bundles
// and pending commits, and small helpers shared by client.cpp, sync.cpp and
// stream.cpp.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/secret.h"
#include "mls/group/group_state.h"
#include "mls/group/key_package.h"
#include "xmtp/client/client.h"
#include "xmtp/group/commit_validation.h"
#include "xmtp/group/extensions.h"
#include "xmtp/store/records.h"

namespace xs::xmtp::client {

// A commit of ours on the network whose fate (first of its epoch, or lost to
// another) is not known yet. Persisted as an intent before it is sent, so a
// restart in between can still merge it when it comes back.
struct PendingCommit {
  std::int64_t intent_id = 0;
  Bytes data;  // the MLSMessage as sent
  std::uint64_t from_epoch = 0;
  crypto::Secret next_state;  // GroupState::Serialize of the staged next epoch
  Bytes welcome;              // MLSMessage(Welcome), empty when nobody is added
  // (installation key, init key) of every added KeyPackage.
  std::vector<std::pair<Bytes, Bytes>> recipients;
  // Set once merged: the welcomes still have to go out.
  bool committed = false;
  std::uint64_t node_id = 0;
};

crypto::Secret EncodePendingCommit(const PendingCommit& pending);
Result<PendingCommit> DecodePendingCommit(std::span<const std::uint8_t> bytes);

// One of our application messages on the network, not yet read back.
// Persisted as an intent (with the ratchet that encrypted it) before it is
// sent. Keeps the plaintext: read back behind a commit that ended its epoch,
// it is encrypted again in the new one and sent again (same message id).
struct PendingSend {
  std::int64_t intent_id = 0;
  Bytes message_id;
  std::uint64_t epoch = 0;  // encrypted in
  Bytes plaintext;          // the PlaintextEnvelope
  Bytes data;               // the MLSMessage as sent
  // The node's created_ns of the first copy read back (0: none yet): the
  // time libxmtp members that read that copy show it at.
  std::uint64_t first_node_ns = 0;
};

crypto::Secret EncodePendingSend(const PendingSend& send);
Result<PendingSend> DecodePendingSend(std::span<const std::uint8_t> bytes);

// KeyPackageBundle <-> the sealed private_parts column.
crypto::Secret EncodeBundle(const mls::KeyPackageBundle& bundle);
Result<mls::KeyPackageBundle> DecodeBundle(std::span<const std::uint8_t> bytes);

// The publishes of one group, in the order their turns were taken. A turn is
// taken under the client's lock, so the order is that of encryption; a
// Send publishes in its turn after releasing the lock, so several groups'
// publishes (and the next batch's encryption) overlap. A holder of a turn
// never takes the client's lock: whoever waits for a turn may hold it.
class PublishLane {
 public:
  std::uint64_t Take() {
    std::lock_guard lock(mu_);
    return next_++;
  }
  // Blocks until every turn before `turn` is done. Returns the error of an
  // earlier publish that failed since the last Recover (its messages go out
  // again with the group's resume, and those after them with it).
  std::optional<Error> Wait(std::uint64_t turn) {
    std::unique_lock lock(mu_);
    turn_done_.wait(lock, [&] { return serving_ == turn; });
    return failure_;
  }
  // Ends the turn being served; `failure` marks the lane failed.
  void Done(std::optional<Error> failure = std::nullopt) {
    {
      std::lock_guard lock(mu_);
      if (failure) failure_ = std::move(failure);
      ++serving_;
    }
    turn_done_.notify_all();
  }
  // After a resume published everything queued (in its turn).
  void Recover() {
    std::lock_guard lock(mu_);
    failure_.reset();
  }

 private:
  std::mutex mu_;
  std::condition_variable turn_done_;
  std::uint64_t next_ = 0, serving_ = 0;
  std::optional<Error> failure_;
};

struct Client::Change {
  std::vector<mls::Proposal> proposals;
  std::vector<mls::KeyPackage> added;  // get Welcomes
};

// Runs `body` in one store transaction; returns its error from the caller.
// (A macro of its own so that XS_RETURN_IF_ERROR inside `body` does not
// shadow it.)
#define XS_STORE_WRITE(store, body)                                         \
  do {                                                                      \
    ::xs::Status xs_write_status_ = (store).Write(body);                    \
    if (!xs_write_status_.ok()) return std::move(xs_write_status_).error(); \
  } while (0)

struct Client::GroupRecord {
  explicit GroupRecord(mls::GroupState s) : state(std::move(s)) {}
  mls::GroupState state;
  group::GroupExtensions ext;
  std::uint64_t cursor = 0;  // last node message id applied (durable in the store)
  // Generations of our application ratchet reserved durably (Client::Send).
  std::optional<store::SendReservation> send_reserved;
  std::int64_t created_ns = 0;
  std::int64_t last_activity_ns = 0;
  bool active = true;
  // Our application messages not yet read back, by the data sent.
  std::map<Bytes, PendingSend> unconfirmed;
  // Set when a read-back sent one of them again: read on for it.
  bool read_again = false;
  // Our commit in flight (or merged with welcomes still to send), and what
  // became of the last one (true: first of its epoch; false: another won).
  std::optional<PendingCommit> pending_commit;
  std::optional<bool> commit_outcome;
  // Loaded from the store: unsent messages and commits to settle first.
  bool needs_resume = false;
  // In the stream's live subscription: the stream reads this group's
  // messages as the node takes them (Client::ReadBack::kStream).
  bool streamed = false;
  // The ratchet part changed in memory and is written at the end of the
  // page's transaction.
  bool ratchets_dirty = false;
  // Our commits that lost their epoch: skipped when they come back.
  std::set<Bytes> abandoned_commits;
  // Members that sent a LeaveRequest and are not removed yet (leave.cpp).
  std::set<std::string> pending_removals;
  // Messages stored since the last Emit (what a stream delivers next).
  std::vector<Message> fresh;
};

// The inbox id in an XMTP basic credential (MlsCredential{inbox_id}).
Result<std::string> InboxOfCredential(const mls::Credential& credential);
Result<group::LeafIdentity> IdentityOfLeaf(const mls::PublicTree& tree, mls::LeafIndex leaf);
std::vector<group::LeafIdentity> TreeIdentities(const mls::PublicTree& tree);

// The commit's effect on the tree, as the XMTP checks want it: leaves added,
// removed, replaced (removed + added) and updated, by comparing the two
// trees; the committer is `committer`'s leaf in `before`.
Result<group::CommitFacts> FactsByDiff(const mls::PublicTree& before, const mls::PublicTree& after,
                                       mls::LeafIndex committer);

store::StoredMessage ToStored(const Message& message, const Bytes& owner);
Result<Message> FromStored(const store::StoredMessage& stored);
// The groups-table row of a record (the cursor is written separately).
store::StoredGroup StoredGroupOf(const Bytes& owner, const Client::GroupRecord& record);

}  // namespace xs::xmtp::client
