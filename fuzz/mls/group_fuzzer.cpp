// Stateful fuzzing of the MLS group state machine.
//
// The input is a program. Each byte picks an operation and its arguments for
// a group of up to kMaxMembers members: commits that add, remove or only
// update (always with a path), proposals by reference, application messages,
// save / restore of a member, and the delivery order. Everything a member
// sends goes to one server log, whose order is the order every member
// receives in (XMTP's model): the first commit of an epoch in the log wins,
// a commit made in an epoch the log has already left loses, and its author
// drops its staged commit once it has processed the winner. A commit may
// stay unpublished for a while (other commits race it) or be dropped before
// it reaches the server. Members read the log at their own pace; an
// application message can be held back and delivered late (from a past
// epoch), a message can be delivered twice, or a corrupted copy delivered.
//
// Checked, abort on violation:
//   * members at the same epoch agree on the epoch authenticator and the tree
//     hash; at the end, every member still in the group is at the log's epoch;
//   * every application message of an epoch the receiver is in or recently
//     was in (max_past_epochs, within the sender ratchet's window) decrypts to
//     the bytes sent, and every other one is rejected (the window is
//     modelled: kGenerationTooOld / kGenerationReused);
//   * a rejected message, duplicate or corrupted copy gives a typed error
//     (Validation / Auth, never Internal) and leaves the member's state
//     unchanged (Serialize() before == after);
//   * operations of valid members never fail; operations of removed members
//     fail with kInactive;
//   * a corrupted Welcome is refused (typed) unless only another joiner's
//     part of it was hit;
//   * Serialize / Deserialize round-trips exactly.
// MLSFUZZ_STATS=1 prints how often each interesting case was reached.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mls/framing/private_message.h"
#include "mls/group/group_error.h"
#include "mls/group/group_testing.h"
#include "mls/messages/serialize.h"
#include "mls/secret_tree.h"

namespace {

using namespace xs;       // NOLINT
using namespace xs::mls;  // NOLINT
using mls::testing::CreateTestGroup;
using mls::testing::MakeClient;
using mls::testing::MakeKeyPackage;
using mls::testing::TestClient;

// Bounds of one execution: ~60-190 executions per second under ASan + UBSan
// on one (shared) core, depending on the program's length.
constexpr std::size_t kMaxOperations = 40;
constexpr std::size_t kMaxMembers = 8;   // waiting joiners + members in the group
constexpr std::size_t kMaxRecords = 14;  // including removed members
constexpr std::size_t kMaxDeferred = 8;
constexpr std::size_t kMaxRemembered = 12;  // processed entries kept for duplicates
constexpr std::uint64_t kPastEpochs = 3;    // GroupConfig default (XMTP)

// Finding 2 of docs/mls.md ("Fuzzing"), fixed: a PrivateMessage whose
// sender data opens but whose content does not (ciphertext altered after the
// first Nh bytes) used to take the generation's key out of the secret tree.
// SecretTree::Open now keeps the key unless decryption succeeds, so corrupted
// copies are checked on the member itself. True would probe them on a clone.
constexpr bool kContentAeadFailureConsumesKey = false;

const crypto::CipherSuite& Suite() {
  static const crypto::CipherSuite suite = *crypto::CipherSuite::Create(kXmtpCipherSuite);
  return suite;
}

[[noreturn]] void Fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "group_fuzzer: %s %s\n", what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

void Check(bool condition, const char* what) {
  if (!condition) Fail(what);
}

// A failure must be one of the library's typed errors.
void CheckTyped(const Error& error, const char* what) {
  if (!error.IsValidation() && !error.IsAuth()) Fail(what, error.ToString());
}

// Event counts, printed at exit when MLSFUZZ_STATS is set (to see that the
// programs reach the interesting cases).
enum Event {
  kCommitWon,
  kCommitLost,
  kCommitDropped,
  kOwnCommitSuperseded,
  kJoined,
  kRemovedMember,
  kDecryptedCurrent,
  kDecryptedPast,
  kDecryptedAfterRemoval,
  kRefusedEpoch,
  kRefusedWindow,
  kRefusedDuplicate,
  kRefusedCorrupted,
  kCorruptedConsumedKey,
  kRefusedWelcome,
  kRefusedInactive,
  kSavedRestored,
  kSavedRestoredRemoved,
  kEventCount
};
constexpr const char* kEventNames[kEventCount] = {"commit won",
                                                  "commit lost",
                                                  "commit dropped",
                                                  "own commit superseded",
                                                  "joined",
                                                  "member removed",
                                                  "decrypted current",
                                                  "decrypted past epoch",
                                                  "decrypted after removal",
                                                  "refused: epoch",
                                                  "refused: window",
                                                  "refused: duplicate",
                                                  "refused: corrupted",
                                                  "corrupted: key consumed",
                                                  "refused: corrupted Welcome",
                                                  "refused: inactive",
                                                  "saved/restored",
                                                  "saved/restored removed"};
std::uint64_t event_counts[kEventCount] = {};

void Count(Event event) { ++event_counts[event]; }

void PrintEvents() {
  for (int i = 0; i < kEventCount; ++i) {
    std::fprintf(stderr, "  %-28s %llu\n", kEventNames[i],
                 static_cast<unsigned long long>(event_counts[i]));
  }
}

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool done() const { return at_ >= size_; }
  std::uint8_t Byte() { return at_ < size_ ? data_[at_++] : 0; }
  std::uint32_t Pick(std::size_t n) { return n == 0 ? 0 : Byte() % static_cast<std::uint32_t>(n); }
  bool Bit() { return (Byte() & 1) != 0; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

// The receive window of one sender's application ratchet (secret_tree.h):
// the next generation not yet reached and the generations handed out.
struct RatchetModel {
  std::uint32_t next = 0;
  std::set<std::uint32_t> handed_out;

  std::optional<SecretTreeError> Expect(std::uint32_t generation) const {
    if (generation >= next) return std::nullopt;  // forward distance never reached here
    if (next - 1 - generation > kOutOfOrderTolerance) return SecretTreeError::kGenerationTooOld;
    if (handed_out.count(generation) != 0) return SecretTreeError::kGenerationReused;
    return std::nullopt;
  }
  void Hand(std::uint32_t generation) {
    handed_out.insert(generation);
    if (generation >= next) next = generation + 1;
  }
};

enum class EntryKind { kCommit, kProposal, kApplication };

// One message in the server's log.
struct LogEntry {
  EntryKind kind = EntryKind::kApplication;
  MlsMessage message;  // decoded from the wire bytes
  std::uint64_t epoch = 0;
  std::size_t sender = 0;  // member record
  std::uint32_t sender_leaf = 0;
  std::uint64_t commit_id = 0;   // commits
  bool wins = false;             // commits: first of its epoch in the log
  Bytes plaintext;               // application
  std::uint32_t generation = 0;  // application
};

struct PendingCommit {
  std::uint64_t id = 0;
  std::uint64_t epoch = 0;
  MlsMessage message;
  StagedCommit staged;
  std::optional<MlsMessage> welcome;
  std::vector<std::size_t> joiners;  // member records added by it
  bool published = false;
};

enum class Status { kWaiting, kWelcomed, kActive, kRemoved };

struct Participant {
  TestClient client;
  std::optional<KeyPackageBundle> key_package;  // joiners
  Status status = Status::kWaiting;
  std::unique_ptr<GroupState> state;
  MlsMessage welcome;
  std::uint64_t expected_join_epoch = 0;
  std::uint64_t join_epoch = 0;
  std::size_t cursor = 0;  // next log entry
  std::optional<PendingCommit> pending;
  std::vector<std::size_t> deferred;   // application messages held back
  std::vector<std::size_t> processed;  // recent entries, for duplicates
  std::map<std::pair<std::uint64_t, std::uint32_t>, RatchetModel> windows;  // (epoch, leaf)
};

MlsMessage WireCopy(const MlsMessage& message) {
  auto decoded = Deserialize<MlsMessage>(Serialize(message));
  if (!decoded.ok()) Fail("own message does not decode", decoded.error().ToString());
  return std::move(decoded).value();
}

class Simulation {
 public:
  explicit Simulation(Input& input) : in_(input) {
    // References into members_ are held across NewJoiner: never reallocate.
    members_.reserve(kMaxRecords);
    Participant creator;
    creator.client = MakeClient(Suite(), next_client_++);
    creator.state = std::make_unique<GroupState>(CreateTestGroup(creator.client));
    creator.status = Status::kActive;
    members_.push_back(std::move(creator));
    EnterEpoch(members_[0]);

    // A head start: the creator adds a few members in one commit.
    const std::uint32_t initial = in_.Pick(4);
    if (initial > 0) {
      CommitOptions options;
      for (std::uint32_t i = 0; i < initial; ++i) {
        const std::size_t joiner = NewJoiner();
        options.proposals.emplace_back(AddProposal{members_[joiner].key_package->key_package});
      }
      MakeCommit(0, options, true);
      for (std::size_t i = 0; i < members_.size(); ++i) CatchUp(i);
    }
  }

  void Run() {
    for (std::size_t op = 0; op < kMaxOperations && !in_.done(); ++op) Step();
    Finish();
  }

 private:
  // ---- Member selection ----
  std::size_t AnyMember() { return in_.Pick(members_.size()); }
  bool HasState(const Participant& m) const {
    return m.status == Status::kActive || m.status == Status::kRemoved;
  }
  std::size_t InGroupCount() const {
    std::size_t n = 0;
    for (const Participant& m : members_) n += m.status != Status::kRemoved ? 1 : 0;
    return n;
  }

  void Step() {
    const std::uint32_t op = in_.Pick(20);
    const std::size_t who = AnyMember();
    switch (op) {
      case 0:
      case 1:
      case 2:
        return DeliverNext(who);
      case 3:
        return CatchUp(who);
      case 4:
      case 5:
        return SendApplication(who);
      case 6:
        return CommitAdd(who);
      case 7:
        return CommitRemove(who);
      case 8:
        return CommitUpdate(who);
      case 9:
        return Propose(who);
      case 10:
        return Publish(who);
      case 11:
        return DropPending(who);
      case 12:
        return Defer(who);
      case 13:
        return DeliverDeferred(who);
      case 14:
        return Duplicate(who);
      case 15:
        return Tamper(who);
      case 16:
        return SaveRestore(who);
      case 17:
        for (std::size_t i = 0; i < members_.size(); ++i) CatchUp(i);
        return;
      default:
        return DeliverNext(who);
    }
  }

  // ---- Epoch agreement ----
  void EnterEpoch(const Participant& m) {
    const GroupState& state = *m.state;
    Bytes authenticator(state.epoch_authenticator().begin(), state.epoch_authenticator().end());
    Bytes tree_hash = state.tree().TreeHash();
    auto [it, inserted] =
        epochs_.try_emplace(state.epoch(), std::move(authenticator), std::move(tree_hash));
    if (inserted) return;
    if (!std::equal(it->second.first.begin(), it->second.first.end(),
                    state.epoch_authenticator().begin(), state.epoch_authenticator().end())) {
      Fail("epoch authenticators differ at epoch", std::to_string(state.epoch()));
    }
    if (it->second.second != state.tree().TreeHash()) {
      Fail("tree hashes differ at epoch", std::to_string(state.epoch()));
    }
  }

  // ---- Rejection checks ----
  // The state serializes to exactly `before`.
  static bool Unchanged(const GroupState& state, const crypto::Secret& before) {
    return state.Serialize().Equals(before.bytes());
  }

  void ExpectRejected(Participant& m, const MlsMessage& message, const char* what) {
    const crypto::Secret before = m.state->Serialize();
    auto processed = ProcessMessage(*m.state, message);
    if (processed.ok()) Fail("accepted a message it must reject:", what);
    CheckTyped(processed.error(), "untyped rejection");
    if (!Unchanged(*m.state, before)) {
      Fail("a rejected message changed the state:",
           std::string(what) + " / " + processed.error().ToString());
    }
  }

  template <typename Operation>
  void ExpectInactive(Participant& m, Operation operation) {
    const crypto::Secret before = m.state->Serialize();
    auto result = operation();
    if (result.ok()) Fail("a removed member could still act");
    if (GroupErrorOf(result.error()) != GroupError::kInactive) {
      Fail("removed member: not kInactive", result.error().ToString());
    }
    if (!Unchanged(*m.state, before)) Fail("a refused operation changed the state");
    Count(kRefusedInactive);
  }

  static std::optional<EncryptedGroupSecrets> OwnSecrets(const Welcome& welcome,
                                                         const Participant& m) {
    const Bytes ref = MakeKeyPackageRef(Suite(), m.key_package->key_package);
    for (const EncryptedGroupSecrets& secrets : welcome.secrets) {
      if (secrets.new_member == ref) return secrets;
    }
    return std::nullopt;
  }

  // Flips bits of one byte.
  void Corrupt(Bytes& wire) {
    const std::size_t high = in_.Byte();
    const std::size_t at = (high << 8 | in_.Byte()) % wire.size();
    wire[at] ^= static_cast<std::uint8_t>(in_.Byte() | 1);
  }

  // ---- Joiners ----
  std::size_t NewJoiner() {
    Participant joiner;
    joiner.client = MakeClient(Suite(), next_client_++);
    joiner.key_package = MakeKeyPackage(joiner.client);
    members_.push_back(std::move(joiner));
    return members_.size() - 1;
  }

  // A waiting joiner (reused or new), or nullopt at the caps.
  std::optional<std::size_t> PickJoiner() {
    std::vector<std::size_t> waiting;
    for (std::size_t i = 0; i < members_.size(); ++i) {
      if (members_[i].status == Status::kWaiting) waiting.push_back(i);
    }
    if (!waiting.empty() && in_.Bit()) return waiting[in_.Pick(waiting.size())];
    if (InGroupCount() >= kMaxMembers || members_.size() >= kMaxRecords) {
      if (waiting.empty()) return std::nullopt;
      return waiting[in_.Pick(waiting.size())];
    }
    return NewJoiner();
  }

  void Join(std::size_t index) {
    Participant& m = members_[index];
    const Welcome& welcome = std::get<Welcome>(m.welcome.body);
    if (in_.Bit()) {
      // A corrupted Welcome first: refused with a typed error.
      Bytes wire = Serialize(welcome);
      Corrupt(wire);
      auto bad = Deserialize<Welcome>(wire);
      if (bad.ok()) {
        auto joined = JoinFromWelcome(*bad, *m.key_package, m.client.signature.private_key.bytes());
        // Only our own part matters: another joiner's secrets may be hit.
        const bool ours_intact = bad->cipher_suite == welcome.cipher_suite &&
                                 bad->encrypted_group_info == welcome.encrypted_group_info &&
                                 OwnSecrets(*bad, m) == OwnSecrets(welcome, m);
        if (joined.ok()) {
          if (!ours_intact) Fail("joined from a corrupted Welcome");
        } else {
          if (ours_intact) {
            Fail("Welcome refused over another joiner's part", joined.error().ToString());
          }
          CheckTyped(joined.error(), "corrupted Welcome: untyped error");
          Count(kRefusedWelcome);
        }
      }
    }
    auto joined = JoinFromWelcome(welcome, *m.key_package, m.client.signature.private_key.bytes());
    if (!joined.ok()) Fail("JoinFromWelcome failed", joined.error().ToString());
    m.state = std::make_unique<GroupState>(std::move(joined).value());
    m.status = Status::kActive;
    m.join_epoch = m.state->epoch();
    Count(kJoined);
    Check(m.join_epoch == m.expected_join_epoch, "joined at an unexpected epoch");
    EnterEpoch(m);
  }

  // ---- Receiving ----
  void DeliverNext(std::size_t index) {
    Participant& m = members_[index];
    if (m.status == Status::kWaiting) return;
    if (m.status == Status::kWelcomed) return Join(index);
    if (m.cursor < log_.size()) {
      const std::size_t entry = m.cursor++;
      Receive(index, entry);
      Remember(m, entry);
    } else if (!m.deferred.empty()) {
      const std::size_t entry = m.deferred.front();
      m.deferred.erase(m.deferred.begin());
      Receive(index, entry);
      Remember(m, entry);
    }
  }

  void CatchUp(std::size_t index) {
    Participant& m = members_[index];
    if (m.status == Status::kWaiting) return;
    if (m.status == Status::kWelcomed) Join(index);
    while (m.cursor < log_.size()) DeliverNext(index);
  }

  void Remember(Participant& m, std::size_t entry) {
    m.processed.push_back(entry);
    if (m.processed.size() > kMaxRemembered) m.processed.erase(m.processed.begin());
  }

  void Receive(std::size_t index, std::size_t entry) {
    if (log_[entry].kind == EntryKind::kApplication) return ReceiveApplication(index, entry);
    ReceiveHandshake(index, entry);
  }

  void ReceiveHandshake(std::size_t index, std::size_t entry_index) {
    Participant& m = members_[index];
    const LogEntry& entry = log_[entry_index];
    if (m.status == Status::kRemoved) return ExpectRejected(m, entry.message, "after removal");
    if (entry.sender == index) {
      if (entry.kind == EntryKind::kCommit && m.pending && m.pending->id == entry.commit_id &&
          m.state->epoch() == entry.epoch) {
        Check(entry.wins, "own commit reached in its epoch but lost");
        auto merged = Merge(*m.state, std::move(m.pending->staged));
        if (!merged.ok()) Fail("Merge of own commit failed", merged.error().ToString());
        m.pending.reset();
        return EnterEpoch(m);
      }
      return ExpectRejected(m, entry.message, "own handshake message");
    }
    if (entry.epoch != m.state->epoch()) {
      return ExpectRejected(m, entry.message, "handshake message of another epoch");
    }
    auto processed = ProcessMessage(*m.state, entry.message);
    if (!processed.ok()) Fail("valid handshake message rejected", processed.error().ToString());
    if (entry.kind == EntryKind::kProposal) {
      Check(processed->kind == ProcessedMessage::Kind::kProposal, "proposal kind");
      Check(processed->proposal.sender == entry.sender_leaf, "proposal sender");
      return;
    }
    Check(processed->kind == ProcessedMessage::Kind::kCommit, "commit kind");
    Check(entry.wins, "a losing commit was reached in its epoch");
    Check(processed->commit.summary.committer == entry.sender_leaf, "committer leaf");
    if (m.pending) Count(kOwnCommitSuperseded);
    m.pending.reset();  // our own commit of this epoch, if any, lost
    const bool removed = processed->commit.removes_self();
    auto merged = Merge(*m.state, std::move(processed->commit));
    if (!merged.ok()) Fail("Merge failed", merged.error().ToString());
    if (removed) {
      Check(!m.state->active(), "removed member still active");
      m.status = Status::kRemoved;
      Count(kRemovedMember);
      return;
    }
    Check(m.state->active(), "member inactive after merge");
    Check(m.state->epoch() == entry.epoch + 1, "epoch after merge");
    EnterEpoch(m);
  }

  void ReceiveApplication(std::size_t index, std::size_t entry_index) {
    Participant& m = members_[index];
    const LogEntry& entry = log_[entry_index];
    if (entry.sender == index) return ExpectRejected(m, entry.message, "own application message");
    // The newest epoch the member was in, and the epoch it would be in.
    const std::uint64_t last = m.state->epoch();
    const std::uint64_t now = m.status == Status::kRemoved ? last + 1 : last;
    bool readable =
        entry.epoch >= m.join_epoch && entry.epoch <= last && now - entry.epoch <= kPastEpochs;
    RatchetModel& window = m.windows[{entry.epoch, entry.sender_leaf}];
    std::optional<SecretTreeError> window_error;
    if (readable) window_error = window.Expect(entry.generation);
    if (!readable || window_error) {
      const crypto::Secret before = m.state->Serialize();
      auto processed = ProcessMessage(*m.state, entry.message);
      if (processed.ok()) {
        Fail("decrypted an application message it cannot have keys for",
             "epoch " + std::to_string(entry.epoch) + " member epoch " + std::to_string(last) +
                 " join " + std::to_string(m.join_epoch));
      }
      CheckTyped(processed.error(), "untyped rejection of an application message");
      if (window_error && SecretTreeErrorOf(processed.error()) != window_error) {
        Fail("unexpected window error", processed.error().ToString());
      }
      if (!Unchanged(*m.state, before)) Fail("a rejected application message changed the state");
      Count(window_error ? kRefusedWindow : kRefusedEpoch);
      return;
    }
    auto processed = ProcessMessage(*m.state, entry.message);
    if (!processed.ok()) {
      Fail("application message not decrypted",
           processed.error().ToString() + " epoch " + std::to_string(entry.epoch) +
               " member epoch " + std::to_string(last) + (m.state->active() ? "" : " (removed)"));
    }
    Check(processed->kind == ProcessedMessage::Kind::kApplication, "application kind");
    Check(processed->application.data == entry.plaintext, "plaintext differs");
    Check(processed->application.sender == entry.sender_leaf, "sender leaf differs");
    Check(processed->application.epoch == entry.epoch, "epoch differs");
    window.Hand(entry.generation);
    if (m.status == Status::kRemoved) {
      Count(kDecryptedAfterRemoval);
    } else {
      Count(entry.epoch == last ? kDecryptedCurrent : kDecryptedPast);
    }
  }

  void Defer(std::size_t index) {
    Participant& m = members_[index];
    if (!HasState(m) || m.cursor >= log_.size() || m.deferred.size() >= kMaxDeferred) return;
    if (log_[m.cursor].kind != EntryKind::kApplication) return DeliverNext(index);
    m.deferred.push_back(m.cursor++);
  }

  void DeliverDeferred(std::size_t index) {
    Participant& m = members_[index];
    if (!HasState(m) || m.deferred.empty()) return;
    const std::size_t k = in_.Pick(m.deferred.size());
    const std::size_t entry = m.deferred[k];
    m.deferred.erase(m.deferred.begin() + static_cast<std::ptrdiff_t>(k));
    ReceiveApplication(index, entry);
    Remember(m, entry);
  }

  void Duplicate(std::size_t index) {
    Participant& m = members_[index];
    if (!HasState(m) || m.processed.empty()) return;
    const std::size_t entry = m.processed[in_.Pick(m.processed.size())];
    ExpectRejected(m, log_[entry].message, "duplicate");
    Count(kRefusedDuplicate);
  }

  void Tamper(std::size_t index) {
    Participant& m = members_[index];
    if (!HasState(m) || log_.empty()) return;
    const std::size_t entry =
        in_.Bit() && m.cursor < log_.size() ? m.cursor : in_.Pick(log_.size());
    Bytes wire = Serialize(log_[entry].message);
    Corrupt(wire);
    auto decoded = Deserialize<MlsMessage>(wire);
    if (!decoded.ok()) {
      CheckTyped(decoded.error(), "decode error untyped");
      return;
    }
    if (*decoded == log_[entry].message) return;  // same message, other encoding
    Count(kRefusedCorrupted);
    if (!kContentAeadFailureConsumesKey) return ExpectRejected(m, *decoded, "corrupted copy");
    // The known issue (top of file): probe a copy of the member, so that a
    // consumed key does not desynchronize the member from the model; any
    // other change of state still fails.
    const crypto::Secret before = m.state->Serialize();
    auto probe = GroupState::Deserialize(before.bytes());
    if (!probe.ok()) Fail("Deserialize of a stored state failed", probe.error().ToString());
    auto processed = ProcessMessage(*probe, *decoded);
    if (processed.ok()) Fail("accepted a corrupted copy");
    CheckTyped(processed.error(), "untyped rejection of a corrupted copy");
    const bool known =
        processed.error().IsAuth() && processed.error().kind() == kContentUndecryptableKind;
    const bool changed = !Unchanged(*probe, before);
    if (!known && changed) {
      Fail("a rejected corrupted copy changed the state", processed.error().ToString());
    }
    if (changed) Count(kCorruptedConsumedKey);
  }

  // ---- Sending ----
  void SendApplication(std::size_t index) {
    Participant& m = members_[index];
    if (!HasState(m)) return;
    const std::string text = "message " + std::to_string(messages_++);
    const Bytes plaintext(text.begin(), text.end());
    if (m.status == Status::kRemoved) {
      return ExpectInactive(m, [&] { return EncryptApplicationMessage(*m.state, plaintext); });
    }
    if (!m.state->proposals.empty()) {
      const crypto::Secret before = m.state->Serialize();
      auto refused = EncryptApplicationMessage(*m.state, plaintext);
      Check(!refused.ok() && GroupErrorOf(refused.error()) == GroupError::kPendingProposals,
            "application message with pending proposals not refused");
      Check(Unchanged(*m.state, before), "refused send changed the state");
      return;
    }
    auto message = EncryptApplicationMessage(*m.state, plaintext);
    if (!message.ok()) Fail("EncryptApplicationMessage failed", message.error().ToString());
    LogEntry entry;
    entry.kind = EntryKind::kApplication;
    entry.message = WireCopy(*message);
    entry.epoch = m.state->epoch();
    entry.sender = index;
    entry.sender_leaf = m.state->own_leaf().value;
    entry.plaintext = plaintext;
    entry.generation = sent_[{index, entry.epoch}]++;
    log_.push_back(std::move(entry));
  }

  bool CanCommit(std::size_t index) {
    Participant& m = members_[index];
    if (!HasState(m) || m.pending) return false;
    if (m.status == Status::kRemoved) {
      ExpectInactive(m, [&] { return CreateCommit(*m.state); });
      return false;
    }
    return true;
  }

  void MakeCommit(std::size_t index, const CommitOptions& options, bool publish) {
    Participant& m = members_[index];
    auto out = CreateCommit(*m.state, options);
    if (!out.ok()) Fail("CreateCommit failed", out.error().ToString());
    PendingCommit pending;
    pending.id = next_commit_++;
    pending.epoch = m.state->epoch();
    pending.message = WireCopy(out->commit);
    const StagedCommit& staged = out->staged;
    Check(staged.next != nullptr, "own commit removes us");
    for (LeafIndex leaf : staged.summary.added) {
      const LeafNode* node = staged.next->tree().leaf(leaf);
      Check(node != nullptr, "added leaf blank");
      bool found = false;
      for (std::size_t i = 0; i < members_.size(); ++i) {
        // Not necessarily waiting: a committer behind the log may add a
        // joiner that a winning commit already added (its commit loses).
        if (members_[i].key_package &&
            members_[i].client.signature.public_key == node->signature_key) {
          pending.joiners.push_back(i);
          found = true;
        }
      }
      Check(found, "commit adds an unknown KeyPackage");
    }
    Check(pending.joiners.empty() == !out->welcome.has_value(), "Welcome iff adds");
    if (out->welcome) pending.welcome = WireCopy(*out->welcome);
    pending.staged = std::move(out->staged);
    m.pending = std::move(pending);
    if (publish) Publish(index);
  }

  void CommitAdd(std::size_t index) {
    if (!CanCommit(index)) return;
    CommitOptions options;
    const std::uint32_t count = 1 + in_.Pick(2);
    std::set<std::size_t> chosen;
    for (std::uint32_t i = 0; i < count; ++i) {
      auto joiner = PickJoiner();
      if (!joiner || !chosen.insert(*joiner).second) continue;
      options.proposals.emplace_back(AddProposal{members_[*joiner].key_package->key_package});
    }
    if (options.proposals.empty()) return;
    MakeCommit(index, options, in_.Bit());
  }

  void CommitRemove(std::size_t index) {
    if (!CanCommit(index)) return;
    const GroupState& state = *members_[index].state;
    std::vector<std::uint32_t> others;
    for (const xs::mls::Member& member : state.Members()) {
      if (member.leaf != state.own_leaf()) others.push_back(member.leaf.value);
    }
    if (others.empty()) return;
    CommitOptions options;
    options.proposals.emplace_back(RemoveProposal{others[in_.Pick(others.size())]});
    MakeCommit(index, options, in_.Bit());
  }

  void CommitUpdate(std::size_t index) {
    if (!CanCommit(index)) return;
    MakeCommit(index, CommitOptions{}, in_.Bit());
  }

  void Propose(std::size_t index) {
    Participant& m = members_[index];
    if (!HasState(m)) return;
    const std::uint32_t kind = in_.Pick(4);
    if (m.status == Status::kRemoved) {
      return ExpectInactive(m, [&] { return ProposeUpdate(*m.state); });
    }
    GroupState& state = *m.state;
    Result<ProposalOutput> out = Error::Internal("unset");
    if (kind == 0) {
      auto joiner = PickJoiner();
      if (!joiner) return;
      out = ProposeAdd(state, members_[*joiner].key_package->key_package);
    } else if (kind == 1) {
      const auto members = state.Members();
      out = ProposeRemove(state, members[in_.Pick(members.size())].leaf);
    } else if (kind == 2) {
      out = ProposeUpdate(state);
    } else {
      out = ProposeGroupContextExtensions(state, state.context().extensions);
    }
    if (!out.ok()) Fail("proposal failed", out.error().ToString());
    LogEntry entry;
    entry.kind = EntryKind::kProposal;
    entry.message = WireCopy(out->message);
    entry.epoch = state.epoch();
    entry.sender = index;
    entry.sender_leaf = state.own_leaf().value;
    log_.push_back(std::move(entry));
  }

  void Publish(std::size_t index) {
    Participant& m = members_[index];
    if (!m.pending || m.pending->published) return;
    PendingCommit& pending = *m.pending;
    pending.published = true;
    LogEntry entry;
    entry.kind = EntryKind::kCommit;
    entry.message = pending.message;
    entry.epoch = pending.epoch;
    entry.sender = index;
    entry.sender_leaf = m.state->own_leaf().value;
    entry.commit_id = pending.id;
    Check(pending.epoch <= log_epoch_, "commit from a future epoch");
    entry.wins = pending.epoch == log_epoch_;
    log_.push_back(std::move(entry));
    if (!log_.back().wins) return Count(kCommitLost);
    Count(kCommitWon);
    ++log_epoch_;
    for (std::size_t joiner : pending.joiners) {
      Participant& j = members_[joiner];
      Check(j.status == Status::kWaiting, "joiner added twice");
      j.status = Status::kWelcomed;
      j.welcome = *pending.welcome;
      j.expected_join_epoch = log_epoch_;
      j.cursor = log_.size();
    }
  }

  void DropPending(std::size_t index) {
    Participant& m = members_[index];
    if (m.pending && !m.pending->published) {
      m.pending.reset();
      Count(kCommitDropped);
    }
  }

  void SaveRestore(std::size_t index) {
    Participant& m = members_[index];
    if (!HasState(m)) return;
    const crypto::Secret stored = m.state->Serialize();
    auto restored = GroupState::Deserialize(stored.bytes());
    if (!restored.ok()) Fail("Deserialize of a stored state failed", restored.error().ToString());
    Check(Unchanged(*restored, stored), "Serialize / Deserialize is not exact");
    m.state = std::make_unique<GroupState>(std::move(restored).value());
    Count(m.status == Status::kRemoved ? kSavedRestoredRemoved : kSavedRestored);
  }

  // ---- End: everyone reads everything ----
  void Finish() {
    for (Participant& m : members_) {
      if (m.pending && !m.pending->published) m.pending.reset();
    }
    for (std::size_t i = 0; i < members_.size(); ++i) {
      CatchUp(i);
      Participant& m = members_[i];
      while (HasState(m) && !m.deferred.empty()) DeliverNext(i);
    }
    for (const Participant& m : members_) {
      if (m.status != Status::kActive) continue;
      Check(!m.pending, "a published commit never resolved");
      Check(m.state->epoch() == log_epoch_, "member behind the log after reading all of it");
    }
  }

  Input& in_;
  std::vector<Participant> members_;
  std::vector<LogEntry> log_;
  std::uint64_t log_epoch_ = 0;
  std::uint32_t next_client_ = 1;
  std::uint64_t next_commit_ = 1;
  std::uint64_t messages_ = 0;
  std::map<std::pair<std::size_t, std::uint64_t>, std::uint32_t> sent_;  // (member, epoch)
  std::map<std::uint64_t, std::pair<Bytes, Bytes>> epochs_;              // authenticator, tree hash
};

}  // namespace

// libFuzzer's entropic scheduler costs more than the execution itself here
// (tens of thousands of features per run, mostly crypto and codec code):
// -entropic=0 is the default of this target, 5x the executions per second.
// It goes first, so a flag on the command line still overrides it.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  static std::vector<char*> args;
  static char entropic_off[] = "-entropic=0";
  args.assign(*argv, *argv + *argc);
  args.insert(args.begin() + (args.empty() ? 0 : 1), entropic_off);
  args.push_back(nullptr);
  *argc = static_cast<int>(args.size() - 1);
  *argv = args.data();
  if (std::getenv("MLSFUZZ_STATS") != nullptr) std::atexit(PrintEvents);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input input(data, size);
  Simulation simulation(input);
  simulation.Run();
  return 0;
}
