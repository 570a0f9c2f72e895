// Client: receiving. Group messages are applied in node order, each in one
// store transaction with the cursor (a crash leaves either the message and
// its effects and the new cursor, or none of them); Welcomes join groups.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <set>
#include <utility>

#include "codec/hex.h"
#include "mls/group/application.h"
#include "mls/group/process.h"
#include "mls/group/staged_commit.h"
#include "mls/group/welcome.h"
#include "mls/messages/serialize.h"
#include "xmtp/client/client.h"
#include "xmtp/client/client_internal.h"
#include "xmtp/envelope/welcome_proto.h"
#include "xmtp/envelope/welcome_wrapper.h"

namespace xs::xmtp::client {

namespace mlsv1 = ::xmtp::mls::api::v1;

namespace {

// libxmtp's MAX_PAGE_SIZE (protocol.md §1.2 paging).
constexpr std::uint32_t kPageSize = 100;

std::string GroupHex(const Bytes& group_id) { return codec::HexEncode(group_id); }

std::uint64_t ParseDecimal(std::string_view s, std::uint64_t fallback) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return fallback;
  return v;
}

Result<std::vector<mlsv1::GroupMessage>> QueryPage(api::ApiClient& api, const Bytes& group_id,
                                                   std::uint64_t cursor) {
  mlsv1::QueryGroupMessagesRequest req;
  req.set_group_id(group_id.data(), group_id.size());
  auto* paging = req.mutable_paging_info();
  paging->set_direction(mlsv1::SORT_DIRECTION_ASCENDING);
  paging->set_limit(kPageSize);
  paging->set_id_cursor(cursor);
  XS_TRY(mlsv1::QueryGroupMessagesResponse resp, api.QueryGroupMessages(req));
  return std::vector<mlsv1::GroupMessage>(resp.messages().begin(), resp.messages().end());
}

// Whether applying these can commit without an fsync (Store::BeginUnsynced):
// nothing in them moves the epoch or leads to sending: others' application
// messages and ours read back in the epoch they were sent in. A power loss
// then only makes us read them again. What it parses it keeps in `parsed`
// (by position), so that applying does not parse it again.
bool OnlyReadBack(const Client::GroupRecord& group, std::span<const mlsv1::GroupMessage> messages,
                  std::vector<std::optional<mls::MlsMessage>>& parsed) {
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& v1 = messages[i].v1();
    if (v1.id() <= group.cursor) continue;
    const std::string& data = v1.data();
    Bytes bytes(data.begin(), data.end());
    if (auto it = group.unconfirmed.find(bytes); it != group.unconfirmed.end()) {
      if (it->second.epoch != group.state.epoch()) return false;  // to send again
      continue;
    }
    auto message = mls::Deserialize<mls::MlsMessage>(bytes);
    if (!message.ok()) return false;
    parsed[i] = std::move(*message);
    const auto* sealed = std::get_if<mls::PrivateMessage>(&parsed[i]->body);
    if (sealed == nullptr || sealed->content_type != mls::ContentType::kApplication) return false;
  }
  return true;
}

bool SameBytes(const std::string& a, const Bytes& b) {
  return a.size() == b.size() && (b.empty() || std::memcmp(a.data(), b.data(), b.size()) == 0);
}

}  // namespace

Result<group::CommitFacts> FactsByDiff(const mls::PublicTree& before, const mls::PublicTree& after,
                                       mls::LeafIndex committer) {
  group::CommitFacts facts;
  XS_TRY(facts.committer, IdentityOfLeaf(before, committer));
  std::uint32_t n = std::max(before.leaf_count(), after.leaf_count());
  for (std::uint32_t i = 0; i < n; ++i) {
    mls::LeafIndex leaf(i);
    const mls::LeafNode* old_leaf = i < before.leaf_count() ? before.leaf(leaf) : nullptr;
    const mls::LeafNode* new_leaf = i < after.leaf_count() ? after.leaf(leaf) : nullptr;
    if (old_leaf == nullptr && new_leaf == nullptr) continue;
    if (new_leaf != nullptr && old_leaf != nullptr &&
        new_leaf->signature_key == old_leaf->signature_key) {
      if (!(*new_leaf == *old_leaf) && i != committer.value) {
        XS_TRY(auto id, IdentityOfLeaf(after, leaf));
        facts.updated.push_back(std::move(id));
      }
      continue;
    }
    if (old_leaf != nullptr) {
      XS_TRY(auto id, IdentityOfLeaf(before, leaf));
      facts.removed.push_back(std::move(id));
    }
    if (new_leaf != nullptr) {
      XS_TRY(auto id, IdentityOfLeaf(after, leaf));
      facts.added.push_back(std::move(id));
    }
  }
  return facts;
}

Message Client::MembershipMessage(const GroupRecord& group, const std::string& actor,
                                  std::uint64_t created_ns, std::uint64_t node_id,
                                  const group::ValidatedCommit& change) const {
  content::GroupUpdated updated;
  updated.initiated_by_inbox_id = actor;
  updated.added_inboxes = change.added_inboxes;
  updated.removed_inboxes = change.removed_inboxes;
  updated.left_inboxes = change.left_inboxes;
  for (const auto& c : change.metadata_changes) {
    updated.metadata_field_changes.push_back({c.field, c.old_value, c.new_value});
  }
  updated.added_admin_inboxes = change.added_admins;
  updated.removed_admin_inboxes = change.removed_admins;
  updated.added_super_admin_inboxes = change.added_super_admins;
  updated.removed_super_admin_inboxes = change.removed_super_admins;
  Message message;
  message.kind = Message::Kind::kMembershipChange;
  message.group_id = group.state.group_id();
  message.content = content::EncodeGroupUpdated(updated);
  Bytes encoded = content::SerializeEncodedContent(message.content);
  // libxmtp's idempotency key for a commit: its created_ns (protocol.md §4.5).
  message.id = content::MessageId(message.group_id, std::to_string(created_ns), encoded);
  message.sender_inbox_id = actor;
  message.sent_ns = created_ns;
  message.node_id = node_id;
  return message;
}

void Client::ReloadGroup(GroupRecord& group) {
  auto stored = ctx_.store().GetGroup(installation_key_, group.state.group_id());
  if (!stored.ok()) return;
  auto record = LoadRecord(*stored);
  if (!record.ok()) {
    ctx_.Log("group " + GroupHex(stored->group_id) +
             ": reload failed: " + record.error().ToString());
    return;
  }
  std::vector<Message> fresh = std::move(group.fresh);
  const bool streamed = group.streamed;
  group = std::move(**record);
  group.fresh = std::move(fresh);
  group.streamed = streamed;
  group.needs_resume = false;
}

Status Client::ResumePending(GroupRecord& group) {
  // Until everything went out: a failure keeps the queue for the next try.
  group.needs_resume = true;
  // In the order they were encrypted (their intents'): a receiver keeps
  // only a few keys below the newest generation it has seen (the profile's
  // out_of_order_tolerance, 5), so a queued message published after a newer
  // one could not be read.
  std::vector<const std::pair<const Bytes, PendingSend>*> queued;
  queued.reserve(group.unconfirmed.size());
  for (const auto& entry : group.unconfirmed) queued.push_back(&entry);
  std::sort(queued.begin(), queued.end(),
            [](const auto* a, const auto* b) { return a->second.intent_id < b->second.intent_id; });
  std::vector<Bytes> data;
  data.reserve(queued.size());
  for (const auto* entry : queued) data.push_back(entry->first);
  XS_RETURN_IF_ERROR(SendGroupMessagesBytes(group, data, /*should_push=*/true, /*resume=*/true));
  if (group.pending_commit) {
    if (group.pending_commit->committed) {
      XS_RETURN_IF_ERROR(SendWelcomes(group));
    } else {
      XS_RETURN_IF_ERROR(SendGroupMessageBytes(group, group.pending_commit->data, false));
    }
  }
  group.needs_resume = false;
  return OkStatus();
}

Status Client::Catchup(GroupRecord& group) {
  if (group.needs_resume) XS_RETURN_IF_ERROR(ResumePending(group));
  // A group that removed us stays at the removal: if a Welcome brings us
  // back, the group continues from the Welcome's cursor, which is later.
  while (group.active) {
    std::uint64_t before = group.cursor;
    XS_TRY(auto page, QueryPage(ctx_.api(), group.state.group_id(), group.cursor));
    XS_RETURN_IF_ERROR(ApplyNodeMessages(group, page));
    // A message of ours sent again comes after this page: read on for it.
    // A full page that did not move the cursor (a node ignoring it) would
    // be asked for again forever.
    const bool read_again = std::exchange(group.read_again, false);
    if (page.size() < kPageSize ? !read_again : group.cursor == before) break;
  }
  Emit(group);
  return OkStatus();
}

Status Client::ApplyNodeMessage(GroupRecord& group, const mlsv1::GroupMessage& message) {
  return ApplyNodeMessages(group, std::span(&message, 1));
}

Status Client::ApplyNodeMessages(GroupRecord& group,
                                 std::span<const mlsv1::GroupMessage> messages) {
  std::uint64_t last = group.cursor;
  for (const auto& message : messages) last = std::max(last, message.v1().id());
  if (last == group.cursor || !group.active) return OkStatus();  // applied already, or removed
  // One transaction for the page: each message's effects and the cursor
  // after the last commit together (a crash keeps all or none of them).
  std::vector<Message> produced;
  std::vector<Bytes> send_again;  // ours, encrypted again in a newer epoch
  std::vector<std::optional<mls::MlsMessage>> parsed(messages.size());
  XS_TRY(store::Transaction tx, OnlyReadBack(group, messages, parsed) ? ctx_.store().BeginUnsynced()
                                                                      : ctx_.store().Begin());
  Status applied = OkStatus();
  std::uint64_t cursor = group.cursor;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& v1 = messages[i].v1();
    if (v1.id() <= cursor) continue;
    applied =
        ApplyInTransaction(group, tx, v1, parsed[i] ? &*parsed[i] : nullptr, produced, send_again);
    if (!applied.ok()) break;
    cursor = v1.id();
    if (!group.active) break;  // the rest waits for a Welcome
  }
  // The ratchet part once for the page (a few hundred bytes), not per message.
  if (applied.ok() && group.ratchets_dirty && group.active) {
    applied = tx.SaveGroupRatchets(installation_key_, group.state.group_id(), group.state);
  }
  group.ratchets_dirty = false;
  if (applied.ok()) applied = tx.SetGroupCursor(installation_key_, group.state.group_id(), cursor);
  if (applied.ok()) applied = tx.Commit();
  if (!applied.ok()) {
    ReloadGroup(group);
    return applied;
  }
  group.cursor = cursor;
  applied_ += produced.size();
  for (auto& m : produced) {
    group.last_activity_ns =
        std::max<std::int64_t>(group.last_activity_ns, static_cast<std::int64_t>(m.sent_ns));
    group.fresh.push_back(std::move(m));
  }
  // Their new ratchet and intents are durable (the commit above): now out.
  for (const auto& data : send_again) {
    group.read_again = true;
    if (Status sent = SendGroupMessageBytes(group, data, /*should_push=*/true); !sent.ok()) {
      group.needs_resume = true;  // the next sync publishes it
      return sent;
    }
  }
  return OkStatus();
}

Status Client::ApplyInTransaction(GroupRecord& group, store::Transaction& tx,
                                  const mlsv1::GroupMessage::V1& v1, const mls::MlsMessage* parsed,
                                  std::vector<Message>& produced, std::vector<Bytes>& send_again) {
  const Bytes& group_id = group.state.group_id();
  Bytes data(v1.data().begin(), v1.data().end());
  auto skip = [&](std::string_view why) {
    ctx_.Log("group " + GroupHex(group_id) + ": message " + std::to_string(v1.id()) +
             " skipped: " + std::string(why));
    // Processing may have used up ratchet keys: keep the store in step.
    group.ratchets_dirty = group.active;
    return OkStatus();
  };

  // Our own messages come back: they confirm, they are not decrypted.
  if (auto it = group.unconfirmed.find(data); it != group.unconfirmed.end()) {
    PendingSend send = std::move(it->second);
    group.unconfirmed.erase(it);
    XS_RETURN_IF_ERROR(tx.DeleteIntent(send.intent_id));
    if (send.first_node_ns == 0) send.first_node_ns = v1.created_ns();
    if (send.epoch == group.state.epoch()) {
      // Published; shown at the node's time, as libxmtp does (that of the
      // first copy, which members that keep past epochs show it at).
      std::optional<std::int64_t> node_ns;
      if (send.first_node_ns != 0) node_ns = static_cast<std::int64_t>(send.first_node_ns);
      return tx.SetDelivery(installation_key_, send.message_id, store::DeliveryState::kPublished,
                            v1.id(), node_ns);
    }
    // A commit before it ended its epoch: the members that commit added
    // cannot read it. Encrypted again in this epoch and sent again (after
    // this transaction) under the same message id: a member that reads both
    // copies keeps one. libxmtp does so once the epoch is more than
    // MAX_PAST_EPOCHS old; we do it at once, so that added members read it.
    if (!group.active) {
      return tx.SetDelivery(installation_key_, send.message_id, store::DeliveryState::kFailed, 0);
    }
    XS_TRY(mls::MlsMessage again, mls::EncryptApplicationMessage(group.state, send.plaintext));
    send.data = mls::Serialize(again);
    send.epoch = group.state.epoch();
    group.ratchets_dirty = true;
    XS_TRY(send.intent_id,
           tx.AddIntent(installation_key_, group_id, store::IntentKind::kSendMessage,
                        EncodePendingSend(send).bytes()));
    send_again.push_back(send.data);
    Bytes key = send.data;
    group.unconfirmed.emplace(std::move(key), std::move(send));
    return OkStatus();
  }
  if (group.pending_commit && !group.pending_commit->committed &&
      SameBytes(v1.data(), group.pending_commit->data)) {
    if (group.active && group.state.epoch() == group.pending_commit->from_epoch) {
      return MergeOwnCommit(group, tx, v1, produced);
    }
    XS_RETURN_IF_ERROR(tx.DeleteIntent(group.pending_commit->intent_id));
    group.pending_commit.reset();
    group.commit_outcome = false;
    return OkStatus();
  }
  if (group.abandoned_commits.erase(data) > 0) return OkStatus();
  if (!group.active) return OkStatus();

  std::optional<mls::MlsMessage> parsed_here;
  if (parsed == nullptr) {
    auto message = mls::Deserialize<mls::MlsMessage>(data);
    if (!message.ok()) return skip(message.error().ToString());
    parsed = &parsed_here.emplace(std::move(*message));
  }
  auto processed = mls::ProcessMessage(group.state, *parsed);
  if (!processed.ok()) return skip(processed.error().ToString());
  switch (processed->kind) {
    case mls::ProcessedMessage::Kind::kProposal:
      return tx.SaveGroupState(installation_key_, group_id, group.state);
    case mls::ProcessedMessage::Kind::kCommit:
      return ApplyCommit(group, tx, v1, std::move(processed->commit), produced);
    case mls::ProcessedMessage::Kind::kApplication:
      break;
  }
  const mls::ApplicationMessage& app = processed->application;
  auto envelope = content::ParsePlaintextEnvelope(app.data);
  if (!envelope.ok()) return skip(envelope.error().ToString());
  if (envelope->kind != content::PlaintextEnvelope::Kind::kV1) {
    group.ratchets_dirty = true;  // device sync: nothing to show
    return OkStatus();
  }
  auto encoded = content::ParseEncodedContent(envelope->content);
  if (!encoded.ok()) return skip(encoded.error().ToString());
  Message out;
  out.kind = Message::Kind::kApplication;
  out.group_id = group_id;
  out.id = content::MessageId(group_id, envelope->idempotency_key, envelope->content);
  if (auto sender = IdentityOfLeaf(group.state.tree(), mls::LeafIndex(app.sender)); sender.ok()) {
    out.sender_inbox_id = sender->inbox_id;
    out.sender_installation = sender->installation_key;
  }
  // libxmtp shows a received message at the node's time, not the sender's.
  out.sent_ns = v1.created_ns() != 0 ? v1.created_ns() : ParseDecimal(envelope->idempotency_key, 0);
  out.node_id = v1.id();
  out.content = std::move(*encoded);
  group.ratchets_dirty = true;
  NoteLeaveRequest(group, out);
  XS_TRY(bool inserted, tx.InsertMessage(ToStored(out, installation_key_)));
  if (!inserted) return OkStatus();  // the same message again
  XS_RETURN_IF_ERROR(
      tx.SetLastActivity(installation_key_, group_id, static_cast<std::int64_t>(out.sent_ns)));
  produced.push_back(std::move(out));
  return OkStatus();
}

Status Client::ApplyCommit(GroupRecord& group, store::Transaction& tx,
                           const mlsv1::GroupMessage::V1& v1, mls::StagedCommit staged,
                           std::vector<Message>& produced) {
  const Bytes& group_id = group.state.group_id();
  auto reject = [&](const Error& e) {
    ctx_.Log("group " + GroupHex(group_id) + ": commit " + std::to_string(v1.id()) +
             " rejected: " + e.ToString());
    group.ratchets_dirty = true;
    return OkStatus();
  };
  mls::LeafIndex committer_leaf(staged.summary.committer);
  if (staged.removes_self()) {
    auto committer = IdentityOfLeaf(group.state.tree(), committer_leaf);
    XS_RETURN_IF_ERROR(mls::Merge(group.state, std::move(staged)));
    group.active = false;
    // Removed after asking to leave: we left (libxmtp's left_inboxes).
    bool left = group.pending_removals.contains(inbox_id_);
    group.pending_removals.clear();
    group::ValidatedCommit change;
    (left ? change.left_inboxes : change.removed_inboxes).push_back(inbox_id_);
    Message m = MembershipMessage(group, committer.ok() ? committer->inbox_id : std::string(),
                                  v1.created_ns(), v1.id(), change);
    XS_RETURN_IF_ERROR(
        tx.SetMembership(installation_key_, group_id,
                         left ? store::MembershipState::kLeft : store::MembershipState::kRemoved));
    // Nothing after the removal is read any more: what we sent that has not
    // come back yet came too late, and our commit in flight lost its epoch.
    for (const auto& [data, entry] : group.unconfirmed) {
      XS_RETURN_IF_ERROR(
          tx.SetDelivery(installation_key_, entry.message_id, store::DeliveryState::kFailed, 0));
      XS_RETURN_IF_ERROR(tx.DeleteIntent(entry.intent_id));
    }
    group.unconfirmed.clear();
    if (group.pending_commit && !group.pending_commit->committed) {
      XS_RETURN_IF_ERROR(tx.DeleteIntent(group.pending_commit->intent_id));
      group.pending_commit.reset();
      group.commit_outcome = false;
    }
    XS_TRY(bool inserted, tx.InsertMessage(ToStored(m, installation_key_)));
    if (inserted) produced.push_back(std::move(m));
    return OkStatus();
  }
  auto after = group::ParseGroupContextExtensions(staged.next->context().extensions);
  if (!after.ok()) return reject(after.error());
  auto facts = FactsByDiff(group.state.tree(), staged.next->tree(), committer_leaf);
  if (!facts.ok()) return reject(facts.error());
  auto validated = group::ValidateCommit(group.ext, *after, *facts, Resolver());
  if (!validated.ok()) return reject(validated.error());
  XS_RETURN_IF_ERROR(mls::Merge(group.state, std::move(staged)));
  group.ext = std::move(*after);
  XS_RETURN_IF_ERROR(tx.SaveGroupState(installation_key_, group_id, group.state));
  NoteRemovals(group, *validated);
  Message m =
      MembershipMessage(group, facts->committer.inbox_id, v1.created_ns(), v1.id(), *validated);
  XS_TRY(bool inserted, tx.InsertMessage(ToStored(m, installation_key_)));
  if (inserted) produced.push_back(std::move(m));
  return OkStatus();
}

Status Client::MergeOwnCommit(GroupRecord& group, store::Transaction& tx,
                              const mlsv1::GroupMessage::V1& v1, std::vector<Message>& produced) {
  const Bytes& group_id = group.state.group_id();
  PendingCommit& pending = *group.pending_commit;
  XS_TRY(mls::GroupState next, mls::GroupState::Deserialize(pending.next_state.bytes()));
  next.config.clock = &ctx_.clock();
  XS_TRY(group::GroupExtensions after,
         group::ParseGroupContextExtensions(next.context().extensions));
  XS_TRY(group::CommitFacts facts,
         FactsByDiff(group.state.tree(), next.tree(), group.state.own_leaf()));
  // Checked before sending; a failure now (identity state changed while we
  // were away) still merges, since every member accepts or rejects alike.
  auto validated = group::ValidateCommit(group.ext, after, facts, Resolver());
  if (!validated.ok()) {
    ctx_.Log("group " + GroupHex(group_id) +
             ": own commit no longer validates: " + validated.error().ToString());
  }
  mls::StagedCommit staged;
  staged.from_epoch = pending.from_epoch;
  staged.group_id = group_id;
  staged.next = std::make_unique<mls::GroupState>(std::move(next));
  XS_RETURN_IF_ERROR(mls::Merge(group.state, std::move(staged)));
  group.ext = std::move(after);
  XS_RETURN_IF_ERROR(tx.SaveGroupState(installation_key_, group_id, group.state));
  if (validated.ok()) NoteRemovals(group, *validated);
  Message m = MembershipMessage(group, inbox_id_, v1.created_ns(), v1.id(),
                                validated.ok() ? *validated : group::ValidatedCommit{});
  XS_TRY(bool inserted, tx.InsertMessage(ToStored(m, installation_key_)));
  if (inserted) produced.push_back(std::move(m));
  // Merged; the Welcomes (with this commit's cursor) are still to go out.
  pending.committed = true;
  pending.node_id = v1.id();
  XS_RETURN_IF_ERROR(tx.DeleteIntent(pending.intent_id));
  XS_TRY(pending.intent_id,
         tx.AddIntent(installation_key_, group_id, store::IntentKind::kUpdateMembership,
                      EncodePendingCommit(pending).bytes()));
  group.commit_outcome = true;
  return OkStatus();
}

// ---------------------------------------------------------------- welcomes

struct Client::Joined {
  std::unique_ptr<GroupRecord> record;
  Bytes key_package_ref;
};

Result<Client::Joined> Client::JoinFromWelcome(const mlsv1::WelcomeMessage& message) {
  XS_TRY(envelope::ReceivedWelcome received, envelope::FromWelcomeMessage(message));
  const envelope::WrappedWelcome& wrapped = received.welcome;
  auto stored = ctx_.store().FindKeyPackageByInitKey(wrapped.hpke_public_key);
  if (!stored.ok() || stored->installation_key != installation_key_) {
    return Error::NotFound("welcome wrapped to a key package this installation does not hold");
  }
  XS_TRY(mls::KeyPackageBundle bundle, DecodeBundle(stored->private_parts.bytes()));
  XS_TRY(envelope::UnwrappedWelcome unwrapped,
         envelope::UnwrapWelcome(wrapped, bundle.init_private_key.bytes()));
  XS_TRY(mls::MlsMessage parsed, mls::Deserialize<mls::MlsMessage>(unwrapped.welcome_mls_message));
  const auto* welcome = std::get_if<mls::Welcome>(&parsed.body);
  if (welcome == nullptr) return Error::Validation("welcome", "not an MLS Welcome");
  mls::JoinOptions options;
  options.config.clock = &ctx_.clock();
  XS_TRY(mls::GroupState state,
         mls::JoinFromWelcome(*welcome, bundle, installation_.seed().bytes(), std::move(options)));
  Joined joined;
  joined.key_package_ref = stored->ref;
  XS_TRY(group::GroupExtensions ext,
         group::ParseGroupContextExtensions(state.context().extensions));
  XS_RETURN_IF_ERROR(
      group::ValidateWelcomeMembership(ext, TreeIdentities(state.tree()), Resolver()));
  auto record = std::make_unique<GroupRecord>(std::move(state));
  record->ext = std::move(ext);
  record->cursor = unwrapped.message_cursor.value_or(0);
  record->created_ns = static_cast<std::int64_t>(received.created_ns);
  record->last_activity_ns = record->created_ns;
  joined.record = std::move(record);
  return joined;
}

Result<bool> Client::TakesWelcome(const GroupRecord& joined) {
  const Bytes& group_id = joined.state.group_id();
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return true;
  GroupRecord& held = *it->second;
  // Removed and added back while we were away: the removal is still on the
  // group's topic. Applying it (Catchup stops there) ends our membership.
  if (held.active) XS_RETURN_IF_ERROR(Catchup(held));
  // A Welcome no newer than our copy brings nothing: we are still in that
  // epoch, or (removed) it is an old Welcome replayed, since the commit that
  // adds us back comes after the one that removed us.
  if (held.state.epoch() >= joined.state.epoch()) {
    ctx_.Log("welcome for group " + GroupHex(group_id) + " at epoch " +
             std::to_string(joined.state.epoch()) +
             " ignored: " + (held.active ? "still a member" : "not newer than our removal") +
             " at epoch " + std::to_string(held.state.epoch()));
    return false;
  }
  // The Welcome is for an epoch our copy cannot reach (we were removed, or
  // are behind): the group continues from the Welcome's epoch and cursor;
  // the stored messages stay.
  return true;
}

Result<std::vector<Bytes>> Client::SyncWelcomes() {
  std::lock_guard lock(mu_);
  std::vector<Bytes> joined_ids;
  bool consumed = false;
  while (true) {
    const std::uint64_t before = welcome_cursor_;
    mlsv1::QueryWelcomeMessagesRequest req;
    req.set_installation_key(installation_key_.data(), installation_key_.size());
    auto* paging = req.mutable_paging_info();
    paging->set_direction(mlsv1::SORT_DIRECTION_ASCENDING);
    paging->set_limit(kPageSize);
    paging->set_id_cursor(welcome_cursor_);
    XS_TRY(mlsv1::QueryWelcomeMessagesResponse resp, ctx_.api().QueryWelcomeMessages(req));
    for (const auto& message : resp.messages()) {
      std::uint64_t id = message.has_v1() ? message.v1().id() : message.welcome_pointer().id();
      if (id <= welcome_cursor_) continue;
      auto joined = JoinFromWelcome(message);
      if (!joined.ok()) {
        ctx_.Log("welcome " + std::to_string(id) + " rejected: " + joined.error().ToString());
      }
      std::unique_ptr<GroupRecord> record;
      if (joined.ok()) {
        XS_TRY(bool takes, TakesWelcome(*joined->record));
        if (takes) record = std::move(joined->record);
      }
      // The group, the consumed key package and the welcome cursor commit
      // together.
      XS_STORE_WRITE(ctx_.store(), ([&](store::Transaction& tx) -> Status {
                       if (joined.ok())
                         XS_RETURN_IF_ERROR(tx.MarkKeyPackageConsumed(joined->key_package_ref));
                       if (record) {
                         XS_RETURN_IF_ERROR(ConsentOnWelcome(tx, *record));
                         store::StoredGroup stored = StoredGroupOf(installation_key_, *record);
                         XS_RETURN_IF_ERROR(tx.SaveGroup(stored));
                         XS_RETURN_IF_ERROR(tx.SetMembership(installation_key_, stored.group_id,
                                                             store::MembershipState::kActive));
                         XS_RETURN_IF_ERROR(
                             tx.SaveGroupState(installation_key_, stored.group_id, record->state));
                         auto cursor = ctx_.store().GroupCursor(installation_key_, stored.group_id);
                         record->cursor = std::max(record->cursor, cursor.ok() ? *cursor : 0);
                         XS_RETURN_IF_ERROR(
                             tx.SetGroupCursor(installation_key_, stored.group_id, record->cursor));
                       }
                       return tx.SetWelcomeCursor(installation_key_, id);
                     }));
      welcome_cursor_ = id;
      if (joined.ok()) consumed = true;
      if (record) {
        Bytes group_id = record->state.group_id();
        groups_.insert_or_assign(group_id, std::move(record));
        joined_ids.push_back(std::move(group_id));
        if (stream_ != nullptr) stream_->Resubscribe();
      }
    }
    // As in Catchup: a full page that did not move the cursor ends it.
    if (resp.messages_size() < static_cast<int>(kPageSize) || welcome_cursor_ == before) break;
  }
  if (consumed) {
    // A Welcome consumed our key package: publish a fresh one (libxmtp
    // rotates after a Welcome; the old one stays for senders that fetched it).
    XS_RETURN_IF_ERROR(UploadKeyPackage());
  }
  for (const auto& id : joined_ids) {
    XS_TRY(GroupRecord * g, Find(id));
    XS_RETURN_IF_ERROR(Catchup(*g));
  }
  return joined_ids;
}

Status Client::SyncGroup(const Bytes& group_id) {
  std::lock_guard lock(mu_);
  // A DM's thread spans its duplicate groups: sync them all.
  for (const auto& id : ThreadOf(group_id)) {
    XS_TRY(GroupRecord * g, Find(id));
    if (g->active || id == group_id) XS_RETURN_IF_ERROR(Catchup(*g));
    RemoveLeavers(*g);
  }
  return OkStatus();
}

Status Client::SyncAll() {
  std::lock_guard lock(mu_);
  XS_TRY(auto joined, SyncWelcomes());
  (void)joined;
  for (auto& [id, g] : groups_) {
    if (!g->active) continue;
    XS_RETURN_IF_ERROR(Catchup(*g));
    RemoveLeavers(*g);
  }
  return OkStatus();
}

}  // namespace xs::xmtp::client
