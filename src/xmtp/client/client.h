// The native XMTP client: one object per inbox installation, many per
// process, all sharing one gRPC channel (ClientContext). It sits in the same
// MLS groups as libxmtp (protocol.md §2, profile §2):
//
//   ClientContext ctx(api, clock);
//   XS_TRY(auto alice, Client::Register(ctx, wallet));       // key package, then inbox
//   XS_TRY(Bytes group, alice->CreateGroup({bob_inbox}));     // commit, read back, welcomes
//   XS_TRY(Bytes id, alice->Send(group, content::EncodeText("hi")));
//   XS_RETURN_IF_ERROR(bob->SyncWelcomes());                  // joins
//   XS_RETURN_IF_ERROR(bob->SyncGroup(group));                // applies in order
//
// Every change to a group is a commit published the way libxmtp publishes
// its intents: catch up, build the commit on the newest epoch, send, then
// read the group back. If our commit is the first of its epoch we merge it
// (and only then send the Welcomes, with the commit's cursor); if another
// member's commit won, we apply theirs and rebuild ours on the new epoch —
// never lost, never sent twice.
//
// Received commits get the XMTP checks on top of MLS (xmtp/group
// ValidateCommit: permissions, membership against identity state,
// credentials). A commit that fails them is rejected, logged, and not merged;
// the group keeps its epoch, as every honest member does.
//
// Thread contract: a Client's calls are serialised by its own mutex, so a
// MessageStream's threads and callers may use it together. ClientContext is
// shared and thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "crypto/secret.h"
#include "mls/group/group_state.h"
#include "mls/group/key_package.h"
#include "mls/group/staged_commit.h"
#include "xmtp/api/api_client.h"
#include "xmtp/client/identity_cache.h"
#include "xmtp/content/codecs.h"
#include "xmtp/content/encoded_content.h"
#include "xmtp/content/envelope.h"
#include "xmtp/group/commit_validation.h"
#include "xmtp/group/constants.h"
#include "xmtp/group/extensions.h"
#include "xmtp/identity/signer.h"
#include "xmtp/store/store.h"

namespace xs::xmtp::client {

// What the clients of one process share: the node connection, the store
// (one SQLite file, secrets sealed under the vault's key), the identity
// cache, the clock and the log of rejected input.
class ClientContext {
 public:
  using LogSink = std::function<void(std::string_view line)>;
  ClientContext(api::ApiClient& api, store::Store& store, const Clock& clock, LogSink log = {})
      : api_(api), store_(store), clock_(clock), identities_(api), log_(std::move(log)) {}

  api::ApiClient& api() { return api_; }
  store::Store& store() { return store_; }
  const Clock& clock() const { return clock_; }
  IdentityCache& identities() { return identities_; }
  // Rejected network input (never secrets).
  void Log(std::string_view line) const {
    if (log_) log_(line);
  }

 private:
  api::ApiClient& api_;
  store::Store& store_;
  const Clock& clock_;
  IdentityCache identities_;
  LogSink log_;
};

// A message as the client shows it.
struct Message {
  enum class Kind { kApplication, kMembershipChange };
  Bytes id;  // protocol.md §4.5
  Bytes group_id;
  Kind kind = Kind::kApplication;
  std::string sender_inbox_id;
  Bytes sender_installation;
  std::uint64_t sent_ns = 0;  // the idempotency key (sender's clock); commits: created_ns
  std::uint64_t node_id = 0;  // 0 while unpublished
  content::EncodedContent content;
};

enum class ConversationKind { kGroup, kDm };

// Whether the user wants to hear from an inbox or a conversation (see
// Client::SetGroupConsent).
using ConsentState = store::ConsentState;

struct GroupView {
  Bytes group_id;
  ConversationKind kind = ConversationKind::kGroup;
  std::uint64_t epoch = 0;
  std::string name, description, image_url;
  std::string app_data;  // the app_data attribute (Convos: ConversationCustomMetadata)
  std::string creator_inbox_id;
  std::vector<std::string> members;  // inbox ids, sorted
  std::vector<std::string> admins, super_admins;
  std::string dm_peer_inbox_id;  // DMs
  bool active = true;            // false once we were removed
  std::uint64_t created_ns = 0;
  std::uint64_t last_activity_ns = 0;
  ConsentState consent = ConsentState::kUnknown;  // Client::GroupConsent
};

struct CreateGroupOptions {
  std::optional<group::PolicySet> policies;  // DefaultPolicies() when unset
  std::string name, description, image_url;
};

class Client;
class PublishLane;  // client_internal.h

// Live messages of every conversation of one client, and the conversations
// it joins, delivered in node order to a callback on the stream's own
// threads (one for welcomes, one for group messages). After a dropped
// connection or a node restart it re-subscribes from its cursors with
// backoff, so nothing is missed and nothing delivered twice. Stop() (or the
// destructor) ends it. OnJoined (optional) hears of each group the welcome
// stream joins, after it is stored; like OnMessage it runs under the
// client's lock, so it must not wait for anything.
class MessageStream {
 public:
  using OnMessage = std::function<void(const Message&)>;
  using OnJoined = std::function<void(const Bytes& group_id)>;
  ~MessageStream();
  MessageStream(const MessageStream&) = delete;
  MessageStream& operator=(const MessageStream&) = delete;
  void Stop();

 private:
  friend class Client;
  MessageStream(Client& client, OnMessage on_message, OnJoined on_joined);
  void RunWelcomes();
  void RunGroups();
  class Inflow;
  // Applies messages of the group subscription, under the client's lock.
  void ApplyBatch(std::vector<::xmtp::mls::api::v1::GroupMessage>& batch);
  void Backoff(int& failures);
  void Resubscribe();
  // Marks the groups of a live subscription as streamed (Client::ReadBack),
  // or, with an empty list, none.
  void MarkStreamed(const std::vector<Bytes>& group_ids);

  Client& client_;
  OnMessage on_message_;
  OnJoined on_joined_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;  // guards the two live subscriptions and regroup_
  std::condition_variable wake_;
  bool regroup_ = false;
  std::function<void()> cancel_welcomes_, cancel_groups_;
  std::thread welcomes_, groups_;
};

class Client {
 public:
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // A new inbox for `wallet` with a new installation (protocol.md §2
  // Client.create): upload a key package, then publish CreateInbox +
  // AddAssociation, then read the inbox back.
  static Result<std::unique_ptr<Client>> Register(ClientContext& ctx,
                                                  const identity::WalletKey& wallet,
                                                  std::uint64_t nonce = 1);
  // A further installation of the wallet's existing inbox.
  static Result<std::unique_ptr<Client>> AddInstallation(ClientContext& ctx,
                                                         const identity::WalletKey& wallet);
  // An installation of ours from the store (after a restart): its groups at
  // their stored epochs and cursors, our unconfirmed messages and commits.
  // Messages stored but not yet on the network are published again.
  static Result<std::unique_ptr<Client>> Open(ClientContext& ctx,
                                              std::span<const std::uint8_t> installation_key);

  const std::string& inbox_id() const { return inbox_id_; }
  const Bytes& installation_key() const { return installation_key_; }

  // --- Conversations
  Result<Bytes> CreateGroup(const std::vector<std::string>& member_inbox_ids,
                            const CreateGroupOptions& options = {});
  // The DM with `peer` (the newest if several exist), created when none.
  Result<Bytes> FindOrCreateDm(const std::string& peer_inbox_id);
  std::vector<GroupView> Conversations() const;
  // The consent of a view costs a store read; a listing that does not show
  // it skips the read (view.consent stays kUnknown).
  enum class ConsentLookup { kRead, kSkip };
  Result<GroupView> Group(const Bytes& group_id,
                          ConsentLookup consent = ConsentLookup::kRead) const;
  // The id of every group held, DM duplicates and groups we left included:
  // no views built, nothing read from the store.
  std::vector<Bytes> GroupIds() const;

  // --- Changes (each one commit)
  Status AddMembers(const Bytes& group_id, const std::vector<std::string>& inbox_ids);
  Status RemoveMembers(const Bytes& group_id, const std::vector<std::string>& inbox_ids);
  // Mutable metadata attribute (group::kGroupName, kDescription, kImageUrl, ...).
  Status UpdateMetadata(const Bytes& group_id, const std::string& key, const std::string& value);
  // Several attributes in one commit: all change or none.
  Status UpdateMetadata(const Bytes& group_id,
                        const std::map<std::string, std::string>& attributes);
  enum class AdminChange { kAddAdmin, kRemoveAdmin, kAddSuperAdmin, kRemoveSuperAdmin };
  Status UpdateAdmins(const Bytes& group_id, AdminChange change, const std::string& inbox_id);
  // Asks to be removed, as libxmtp 1.9's leave_group: a LeaveRequest
  // message; a super admin's next sync removes us (no commit of ours). A
  // super admin first gives up that role; the only super admin, the only
  // member, a DM and a former member get an error. Asking twice sends once.
  Status Leave(const Bytes& group_id);
  // Whether we asked to leave and are still a member (libxmtp's PendingRemove).
  Result<bool> PendingRemoval(const Bytes& group_id) const;

  // --- Messages
  // Encrypts, stores, publishes and reads back; returns the message id. If
  // publishing fails the message stays stored as unpublished and the next
  // sync of the group publishes it (the node ignores a second copy). Read
  // back, it shows at the node's time; read back behind a commit that ended
  // its epoch, it is sent again in the new one (same id). Sends to one group
  // from several threads go out together: the one that gets the client's
  // lock sends those waiting for it with its own, in one store transaction
  // and one publish, each with its own id and result.
  Result<Bytes> Send(const Bytes& group_id, const content::EncodedContent& content);
  // Who reads a sent message back. kSend (the default): Send itself, before
  // it returns (one more round trip), so the message is confirmed, or sent
  // again in a newer epoch, or known lost to our removal (Send's error),
  // when Send returns. kStream: this client's MessageStream, which the node
  // pushes every group message to anyway: Send returns once the node took
  // the message, and the stream confirms it, sends it again, or marks it
  // failed when it reads it back. Only while the stream is subscribed to
  // the group; otherwise (no stream, reconnecting, a group just joined) Send
  // reads back itself.
  enum class ReadBack { kSend, kStream };
  void SetReadBack(ReadBack read_back);
  // The stored messages, oldest first.
  Result<std::vector<Message>> Messages(const Bytes& group_id) const;
  // The newest `limit` stored messages, oldest first: one page read
  // backwards along the store's (group, sent time) index, so the cost
  // follows `limit`, not the conversation's length.
  Result<std::vector<Message>> NewestMessages(const Bytes& group_id, std::uint32_t limit) const;
  // Pages next to one stored message of the conversation, `cursor` (its
  // id): the oldest `limit` messages after it, or the newest `limit` before
  // it, oldest first either way, in the order of Messages (sent time, ties
  // by the store's insertion order). Paging on from a page's last (first)
  // message neither skips nor repeats one; each page is one seek along the
  // store's index. A cursor the conversation does not store is not_found.
  Result<std::vector<Message>> MessagesAfter(const Bytes& group_id, const Bytes& cursor,
                                             std::uint32_t limit) const;
  Result<std::vector<Message>> MessagesBefore(const Bytes& group_id, const Bytes& cursor,
                                              std::uint32_t limit) const;
  // How many messages are stored (a count over the index; nothing unsealed).
  Result<std::uint64_t> MessageCount(const Bytes& group_id) const;
  // The stored message `message_id` of the conversation (a DM: of its
  // thread), looked up by id; nullopt when this conversation has none.
  Result<std::optional<Message>> FindMessage(const Bytes& group_id, const Bytes& message_id) const;

  // --- Sync
  // Joins the groups of new Welcomes; returns their ids.
  Result<std::vector<Bytes>> SyncWelcomes();
  // Applies the group's new messages in node order.
  Status SyncGroup(const Bytes& group_id);
  // Welcomes, then every active group.
  Status SyncAll();
  // Messages applied from the network so far (by syncs and the stream), for
  // progress reports; never takes the client's lock.
  std::uint64_t applied_messages() const { return applied_.load(); }
  // Streams every conversation's new messages (see MessageStream).
  std::unique_ptr<MessageStream> StreamAll(MessageStream::OnMessage on_message,
                                           MessageStream::OnJoined on_joined = {});

  // --- Consent (consent.cpp)
  // Unknown, allowed or denied, per inbox and per conversation, stored for
  // this installation only (nothing is published). libxmtp's defaults: a
  // conversation our inbox created (here, or on another installation of
  // ours that welcomed us) is allowed; one another inbox welcomed us into is
  // unknown until set or until we Send in it (sending, Leave included,
  // allows it, even a denied one; commits change nothing), and unknown again
  // when we are added back after leaving. An inbox is unknown until set (a DM
  // with it does not change it). A DM and its duplicates are one thread
  // (Conversations) with one state: the newest set on any of them. A group
  // id need not be a conversation of ours yet (its Welcome may come later).
  // Malformed ids and states are validation errors.
  Status SetInboxConsent(const std::string& inbox_id, ConsentState state);
  Result<ConsentState> InboxConsent(const std::string& inbox_id) const;
  Status SetGroupConsent(const Bytes& group_id, ConsentState state);
  Result<ConsentState> GroupConsent(const Bytes& group_id) const;

  struct GroupRecord;  // per-group state, client.cpp

 private:
  friend class MessageStream;
  Client(ClientContext& ctx, std::string inbox_id, identity::InstallationKey installation);

  static Result<std::unique_ptr<Client>> Finish(
      std::unique_ptr<Client> client, const ::xmtp::identity::associations::IdentityUpdate& update);
  Status UploadKeyPackage();
  // A group at epoch 0 with us alone (the first commit adds the others).
  Result<Bytes> CreateLocal(group::GroupExtensions ext);
  // The group, and for a DM every other group with the same DM id.
  std::vector<Bytes> ThreadOf(const Bytes& group_id) const;
  // NewestMessages, MessagesAfter and MessagesBefore (client.cpp).
  Result<std::vector<Message>> ThreadPage(const Bytes& group_id, const std::optional<Bytes>& cursor,
                                          store::MessageQuery query, std::uint32_t limit) const;
  Status AddGroup(std::unique_ptr<GroupRecord> record);
  group::InstallationResolver Resolver();
  Result<std::unique_ptr<GroupRecord>> LoadRecord(const store::StoredGroup& stored);
  // After a failed write the memory may be ahead of the store: start again
  // from the store's copy.
  void ReloadGroup(GroupRecord& group);
  // Publishes our stored-but-unsent messages and settles a commit left in
  // flight by a restart.
  Status ResumePending(GroupRecord& group);
  Status SendWelcomes(GroupRecord& group);
  Result<GroupRecord*> Find(const Bytes& group_id);
  Result<const GroupRecord*> Find(const Bytes& group_id) const;

  // A change to publish: given the group at its newest epoch, the proposals
  // (and the extensions they lead to). Rebuilt on every attempt.
  struct Change;
  using ChangeBuilder = std::function<Result<Change>(GroupRecord&)>;
  Status PublishCommit(GroupRecord& group, const ChangeBuilder& build);
  // Applies the group's messages after its cursor, in node order.
  Status Catchup(GroupRecord& group);
  Status SendGroupMessageBytes(GroupRecord& group, const Bytes& data, bool should_push);
  // Several in one request, in this order (the node keeps it), in the
  // group's publish lane. `resume`: the group's whole queue, which ends an
  // earlier failure of the lane.
  Status SendGroupMessagesBytes(GroupRecord& group, std::span<const Bytes> data, bool should_push,
                                bool resume = false);
  // The requests that publish `data` (at most kMaxPublishBatch each), built
  // under the lock; Publish sends them without it.
  std::vector<::xmtp::mls::api::v1::SendGroupMessagesRequest> PublishRequests(
      const GroupRecord& group, std::span<const Bytes> data, bool should_push) const;
  Status Publish(const std::vector<::xmtp::mls::api::v1::SendGroupMessagesRequest>& requests);
  PublishLane& LaneOf(const Bytes& group_id);
  // A Send waiting for the client's lock (client.cpp).
  struct QueuedSend;
  // Sends `batch` (Sends to `group_id`, in order); a result for each.
  // `lock` holds mu_; with the stream reading back, it is released while
  // the batch is published in its turn.
  std::vector<Result<Bytes>> SendBatch(const Bytes& group_id, const std::vector<QueuedSend*>& batch,
                                       std::unique_lock<std::recursive_mutex>& lock);
  // One message from the node; the cursor moves past it whatever happens.
  // Hostile or undecryptable input is logged and skipped.
  Status ApplyNodeMessage(GroupRecord& group, const ::xmtp::mls::api::v1::GroupMessage& message);
  // A page of them in one store transaction.
  Status ApplyNodeMessages(GroupRecord& group,
                           std::span<const ::xmtp::mls::api::v1::GroupMessage> messages);
  // `parsed`: the message's MLSMessage if parsed already (else null).
  Status ApplyInTransaction(GroupRecord& group, store::Transaction& tx,
                            const ::xmtp::mls::api::v1::GroupMessage::V1& message,
                            const mls::MlsMessage* parsed, std::vector<Message>& produced,
                            std::vector<Bytes>& send_again);
  // XMTP checks, then merge. A received commit that fails them is logged and
  // not merged.
  Status ApplyCommit(GroupRecord& group, store::Transaction& tx,
                     const ::xmtp::mls::api::v1::GroupMessage::V1& message,
                     mls::StagedCommit staged, std::vector<Message>& produced);
  // Our pending commit came back first in its epoch.
  Status MergeOwnCommit(GroupRecord& group, store::Transaction& tx,
                        const ::xmtp::mls::api::v1::GroupMessage::V1& message,
                        std::vector<Message>& produced);
  struct Joined;
  Result<Joined> JoinFromWelcome(const ::xmtp::mls::api::v1::WelcomeMessage& message);
  // Whether a joined Welcome replaces the group we hold (after catching it
  // up): yes unless we are still a member at the Welcome's epoch or later.
  Result<bool> TakesWelcome(const GroupRecord& joined);
  Message MembershipMessage(const GroupRecord& group, const std::string& actor,
                            std::uint64_t created_ns, std::uint64_t node_id,
                            const group::ValidatedCommit& change) const;

  // Leaving (leave.cpp): the members that asked to leave, as every member
  // tracks them, and a super admin's removal of them.
  void NoteLeaveRequest(GroupRecord& group, const Message& message);
  // Moves the pending leavers of `change` to left_inboxes; forgets them.
  void NoteRemovals(GroupRecord& group, group::ValidatedCommit& change);
  Status LoadPendingRemovals(GroupRecord& group);
  // Failures are logged; the next sync tries again.
  void RemoveLeavers(GroupRecord& group);
  // In the Welcome's transaction: a group we left and are added back to is
  // unknown again, unless our inbox created it (consent.cpp; libxmtp's rule).
  Status ConsentOnWelcome(store::Transaction& tx, const GroupRecord& joined);

  // Delivers the messages of `group` the stream has not delivered yet.
  void Emit(GroupRecord& group);

  ClientContext& ctx_;
  // Public calls and stream threads take turns.
  mutable std::recursive_mutex mu_;
  MessageStream::OnMessage stream_callback_;
  MessageStream* stream_ = nullptr;
  ReadBack read_back_ = ReadBack::kSend;
  std::string inbox_id_;
  identity::InstallationKey installation_;
  Bytes installation_key_;
  // The sender-HMAC input key, derived from the installation key.
  crypto::Secret hmac_ikm_;
  std::uint64_t welcome_cursor_ = 0;
  std::atomic<std::uint64_t> applied_{0};
  std::map<Bytes, std::unique_ptr<GroupRecord>> groups_;
  // Per group, never erased (a GroupRecord is replaced on reload).
  std::map<Bytes, std::unique_ptr<PublishLane>> lanes_;
  // Sends waiting for mu_ (never held while taking mu_); a Send another
  // one took into its batch waits for `sent` instead.
  std::mutex queue_mu_;
  std::condition_variable sent_;
  std::vector<QueuedSend*> send_queue_;
  friend struct ClientTestAccess;  // client_test.cpp
};

}  // namespace xs::xmtp::client
