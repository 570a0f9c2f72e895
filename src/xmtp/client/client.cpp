// Client: identity, conversations, and the changes we publish (commits with
// read-back). Receiving is in sync.cpp, streams in stream.cpp.
#include "xmtp/client/client.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "codec/hex.h"
#include "crypto/hash.h"
#include "mls/group/application.h"
#include "mls/group/commit.h"
#include "mls/group/create.h"
#include "mls/messages/serialize.h"
#include "xmtp/client/client_internal.h"
#include "xmtp/envelope/sender_hmac.h"
#include "xmtp/envelope/welcome_proto.h"
#include "xmtp/envelope/welcome_wrapper.h"
#include "xmtp/identity/association_state.h"
#include "xmtp/identity/update_builder.h"

namespace xs::xmtp::client {

namespace mlsv1 = ::xmtp::mls::api::v1;

namespace {

// Generations of our application ratchet reserved per synced write: the
// sends in between commit without an fsync (Send). Receivers accept a gap
// of up to 1,000 (OpenMLS's maximum forward distance).
constexpr std::uint32_t kSendReservation = 256;
// Messages per publish request (the node takes up to 256).
constexpr std::size_t kMaxPublishBatch = 64;
// How often a change is rebuilt after losing the epoch to another commit.
// Every lost epoch is another member's commit that won it, so this bounds
// the commits others may land while ours waits: members committing in a
// loop (ten each in client_test) can make one of them lose ten in a row.
constexpr int kMaxCommitAttempts = 32;
// A consumed key package is kept this long: senders may have fetched it
// before we rotated.
constexpr std::int64_t kKeyPackageGraceNs = 24LL * 3600 * 1'000'000'000;
constexpr std::string_view kHmacIkmSalt = "xmtp-signet sender hmac ikm";

// The order of a conversation's messages: sent time, ties by the store's
// insertion order (one rowid sequence for every group, so a DM's thread
// orders the same way whichever group a message came in).
bool Earlier(const store::StoredMessage& a, const store::StoredMessage& b) {
  return std::tie(a.sent_ns, a.row) < std::tie(b.sent_ns, b.row);
}

Result<std::vector<Message>> FromStoredList(const std::vector<store::StoredMessage>& stored) {
  std::vector<Message> out;
  out.reserve(stored.size());
  for (const auto& m : stored) {
    XS_TRY(Message message, FromStored(m));
    out.push_back(std::move(message));
  }
  return out;
}

std::string GroupHex(const Bytes& group_id) { return codec::HexEncode(group_id); }

crypto::Secret HmacIkm(const identity::InstallationKey& installation) {
  return crypto::HkdfExtract(
      std::span(reinterpret_cast<const std::uint8_t*>(kHmacIkmSalt.data()), kHmacIkmSalt.size()),
      installation.seed().bytes());
}

}  // namespace

Client::Client(ClientContext& ctx, std::string inbox_id, identity::InstallationKey installation)
    : ctx_(ctx),
      inbox_id_(std::move(inbox_id)),
      installation_(std::move(installation)),
      installation_key_(installation_.public_key().begin(), installation_.public_key().end()),
      hmac_ikm_(HmacIkm(installation_)) {}

Client::~Client() = default;

// ---------------------------------------------------------------- identity

Status Client::UploadKeyPackage() {
  auto now = static_cast<std::uint64_t>(ctx_.clock().NowSeconds());
  XS_TRY(mls::KeyPackageBundle bundle,
         mls::CreateKeyPackage(mls::XmtpKeyPackageOptions(inbox_id_, now),
                               installation_.seed().bytes()));
  XS_TRY(crypto::CipherSuite suite, crypto::CipherSuite::Create(mls::kXmtpCipherSuite));
  store::StoredKeyPackage stored;
  stored.ref = mls::MakeKeyPackageRef(suite, bundle.key_package);
  stored.installation_key = installation_key_;
  stored.init_public_key = bundle.key_package.init_key;
  stored.private_parts = EncodeBundle(bundle);
  stored.created_ns = ctx_.clock().NowNs();
  XS_STORE_WRITE(ctx_.store(), ([&](store::Transaction& tx) -> Status {
                   XS_RETURN_IF_ERROR(tx.SaveKeyPackage(stored));
                   auto deleted =
                       tx.DeleteKeyPackagesConsumedBefore(stored.created_ns - kKeyPackageGraceNs);
                   return deleted.ok() ? OkStatus() : Status(deleted.error());
                 }));
  mlsv1::UploadKeyPackageRequest req;
  Bytes tls = mls::Serialize(bundle.key_package);
  req.mutable_key_package()->set_key_package_tls_serialized(tls.data(), tls.size());
  req.set_is_inbox_id_credential(true);
  return ctx_.api().UploadKeyPackage(req);
}

Result<std::unique_ptr<Client>> Client::Finish(
    std::unique_ptr<Client> client, const ::xmtp::identity::associations::IdentityUpdate& update) {
  // The identity row first: a crash after publishing still leaves the keys.
  store::StoredIdentity identity;
  identity.installation_key = client->installation_key_;
  identity.inbox_id = client->inbox_id_;
  identity.installation_private_key = client->installation_.seed().Clone();
  XS_STORE_WRITE(client->ctx_.store(),
                 ([&](store::Transaction& tx) { return tx.SaveIdentity(identity); }));
  // libxmtp's order: the key package first, then the identity update.
  XS_RETURN_IF_ERROR(client->UploadKeyPackage());
  XS_RETURN_IF_ERROR(client->ctx_.api().PublishIdentityUpdate(update));
  XS_TRY(ResolvedInbox resolved, client->ctx_.identities().Latest(client->inbox_id_));
  if (!resolved.state.HasInstallation(client->installation_key_)) {
    return Error::Validation("identity_updates", "installation missing from the inbox's state");
  }
  XS_STORE_WRITE(client->ctx_.store(), ([&](store::Transaction& tx) -> Status {
                   XS_RETURN_IF_ERROR(tx.SetRegistration(client->installation_key_,
                                                         store::RegistrationState::kRegistered));
                   return tx.SetIdentitySequenceId(client->installation_key_, resolved.sequence_id);
                 }));
  return client;
}

Result<std::unique_ptr<Client>> Client::Register(ClientContext& ctx,
                                                 const identity::WalletKey& wallet,
                                                 std::uint64_t nonce) {
  XS_TRY(identity::InstallationKey installation, identity::InstallationKey::Generate());
  XS_TRY(auto update,
         identity::BuildRegistrationUpdate(wallet, installation, nonce,
                                           static_cast<std::uint64_t>(ctx.clock().NowNs())));
  XS_TRY(identity::AssociationState local, identity::ApplyUpdate(std::nullopt, update));
  std::unique_ptr<Client> client(new Client(ctx, local.inbox_id(), std::move(installation)));
  return Finish(std::move(client), update);
}

Result<std::unique_ptr<Client>> Client::AddInstallation(ClientContext& ctx,
                                                        const identity::WalletKey& wallet) {
  XS_TRY(std::optional<std::string> inbox, ctx.api().GetInboxIdForAddress(wallet.address()));
  if (!inbox) return Error::NotFound("no inbox for " + wallet.address());
  XS_TRY(identity::InstallationKey installation, identity::InstallationKey::Generate());
  identity::UpdateBuilder builder(*inbox, static_cast<std::uint64_t>(ctx.clock().NowNs()));
  builder.AddAssociation(installation.identity(), wallet.identity());
  XS_TRY(auto update, builder.Sign({&wallet, &installation}));
  std::unique_ptr<Client> client(new Client(ctx, *inbox, std::move(installation)));
  return Finish(std::move(client), update);
}

Result<std::unique_ptr<Client>> Client::Open(ClientContext& ctx,
                                             std::span<const std::uint8_t> installation_key) {
  store::Store& store = ctx.store();
  XS_TRY(store::StoredIdentity identity, store.GetIdentity(installation_key));
  if (identity.registration != store::RegistrationState::kRegistered) {
    return Error::Validation("installation", "registration never completed");
  }
  XS_TRY(identity::InstallationKey installation,
         identity::InstallationKey::FromSeed(identity.installation_private_key.bytes()));
  std::unique_ptr<Client> client(new Client(ctx, identity.inbox_id, std::move(installation)));
  XS_TRY(client->welcome_cursor_, store.WelcomeCursor(installation_key));
  XS_TRY(std::vector<store::StoredGroup> groups, store.ListGroups(installation_key));
  for (const auto& stored : groups) {
    XS_TRY(auto record, client->LoadRecord(stored));
    client->groups_.emplace(stored.group_id, std::move(record));
  }
  return client;
}

Result<std::unique_ptr<Client::GroupRecord>> Client::LoadRecord(const store::StoredGroup& stored) {
  store::Store& store = ctx_.store();
  XS_TRY(mls::GroupState state, store.LoadGroupState(installation_key_, stored.group_id));
  state.config.clock = &ctx_.clock();
  auto record = std::make_unique<GroupRecord>(std::move(state));
  XS_TRY(record->ext, group::ParseGroupContextExtensions(record->state.context().extensions));
  // The store may have lost unsynced sends (a power cut): skip every
  // generation they may have used, so that no key and nonce serve twice.
  XS_TRY(record->send_reserved, store.GetSendReservation(installation_key_, stored.group_id));
  if (record->send_reserved && record->send_reserved->epoch == record->state.epoch() &&
      record->active) {
    XS_RETURN_IF_ERROR(
        record->state.SkipOwnApplicationGenerations(record->send_reserved->generation));
  }
  record->cursor = stored.cursor;
  record->created_ns = stored.created_ns;
  record->last_activity_ns = stored.last_activity_ns;
  record->active = stored.membership == store::MembershipState::kActive;
  XS_TRY(auto intents, store.ListPendingIntents(installation_key_, stored.group_id));
  for (const auto& intent : intents) {
    std::span<const std::uint8_t> payload = intent.payload.bytes();
    if (intent.kind == store::IntentKind::kSendMessage) {
      XS_TRY(PendingSend send, DecodePendingSend(payload));
      send.intent_id = intent.id;
      Bytes data = send.data;
      record->unconfirmed.emplace(std::move(data), std::move(send));
    } else {
      XS_TRY(PendingCommit pending, DecodePendingCommit(payload));
      pending.intent_id = intent.id;
      record->pending_commit = std::move(pending);
    }
  }
  XS_RETURN_IF_ERROR(LoadPendingRemovals(*record));
  record->needs_resume = true;
  return record;
}

// ---------------------------------------------------------------- lookup

group::InstallationResolver Client::Resolver() {
  return [this](const std::string& inbox, std::uint64_t seq) {
    return ctx_.identities().InstallationsAt(inbox, seq);
  };
}

Result<Client::GroupRecord*> Client::Find(const Bytes& group_id) {
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return Error::NotFound("no conversation " + GroupHex(group_id));
  return it->second.get();
}

Result<const Client::GroupRecord*> Client::Find(const Bytes& group_id) const {
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return Error::NotFound("no conversation " + GroupHex(group_id));
  return static_cast<const GroupRecord*>(it->second.get());
}

namespace {

GroupView ViewOf(const Bytes& group_id, const mls::GroupState& state,
                 const group::GroupExtensions& ext, const std::string& self) {
  GroupView view;
  view.group_id = group_id;
  view.epoch = state.epoch();
  view.kind = ext.metadata.conversation_type == group::ConversationType::kDm
                  ? ConversationKind::kDm
                  : ConversationKind::kGroup;
  auto attr = [&](std::string_view key) {
    auto it = ext.mutable_metadata.attributes.find(std::string(key));
    return it == ext.mutable_metadata.attributes.end() ? std::string() : it->second;
  };
  view.name = attr(group::kGroupName);
  view.description = attr(group::kDescription);
  view.image_url = attr(group::kImageUrl);
  view.app_data = attr(group::kAppData);
  view.creator_inbox_id = ext.metadata.creator_inbox_id;
  for (const auto& [inbox, seq] : ext.membership.members) view.members.push_back(inbox);
  view.admins = ext.mutable_metadata.admins;
  view.super_admins = ext.mutable_metadata.super_admins;
  if (ext.metadata.dm_members) {
    view.dm_peer_inbox_id = ext.metadata.dm_members->member_one == self
                                ? ext.metadata.dm_members->member_two
                                : ext.metadata.dm_members->member_one;
  }
  return view;
}

}  // namespace

Result<GroupView> Client::Group(const Bytes& group_id, ConsentLookup consent) const {
  std::lock_guard lock(mu_);
  XS_TRY(const GroupRecord* g, Find(group_id));
  GroupView view = ViewOf(group_id, g->state, g->ext, inbox_id_);
  view.active = g->active;
  view.created_ns = static_cast<std::uint64_t>(g->created_ns);
  view.last_activity_ns = static_cast<std::uint64_t>(g->last_activity_ns);
  if (consent == ConsentLookup::kRead) {
    XS_TRY(view.consent, GroupConsent(group_id));
  }
  return view;
}

std::vector<Bytes> Client::GroupIds() const {
  std::lock_guard lock(mu_);
  std::vector<Bytes> out;
  out.reserve(groups_.size());
  for (const auto& [id, g] : groups_) out.push_back(id);
  return out;
}

std::vector<GroupView> Client::Conversations() const {
  std::lock_guard lock(mu_);
  std::vector<GroupView> out;
  // Duplicate DMs with one peer show as one conversation: the most recently
  // active (libxmtp's rule).
  std::map<std::string, std::size_t> dm_index;
  for (const auto& [id, g] : groups_) {
    auto view = Group(id);
    if (!view.ok()) continue;
    if (view->kind == ConversationKind::kDm) {
      std::string dm_id = group::DmId(inbox_id_, view->dm_peer_inbox_id);
      auto it = dm_index.find(dm_id);
      if (it != dm_index.end()) {
        GroupView& kept = out[it->second];
        if (std::tie(view->last_activity_ns, view->created_ns) >
            std::tie(kept.last_activity_ns, kept.created_ns)) {
          kept = std::move(*view);
        }
        continue;
      }
      dm_index.emplace(dm_id, out.size());
    }
    out.push_back(std::move(*view));
  }
  return out;
}

std::vector<Bytes> Client::ThreadOf(const Bytes& group_id) const {
  std::vector<Bytes> out{group_id};
  auto it = groups_.find(group_id);
  if (it == groups_.end() || !it->second->ext.metadata.dm_members) return out;
  auto dm_id_of = [](const GroupRecord& g) {
    return group::DmId(g.ext.metadata.dm_members->member_one,
                       g.ext.metadata.dm_members->member_two);
  };
  std::string dm_id = dm_id_of(*it->second);
  for (const auto& [id, other] : groups_) {
    if (id != group_id && other->ext.metadata.dm_members && dm_id_of(*other) == dm_id) {
      out.push_back(id);
    }
  }
  return out;
}

Result<std::vector<Message>> Client::Messages(const Bytes& group_id) const {
  std::lock_guard lock(mu_);
  XS_TRY(const GroupRecord* g, Find(group_id));
  (void)g;
  // A DM shows the messages of every group with the same DM id (duplicate
  // DMs started from both sides), as libxmtp does.
  std::vector<store::StoredMessage> all;
  for (const auto& source : ThreadOf(group_id)) {
    store::MessageQuery query;
    query.limit = store::kMaxMessagePage;
    while (true) {
      XS_TRY(auto page, ctx_.store().ListMessages(installation_key_, source, query));
      const bool last = page.size() < query.limit;
      if (!page.empty()) query.after = store::PositionOf(page.back());
      all.insert(all.end(), std::make_move_iterator(page.begin()),
                 std::make_move_iterator(page.end()));
      if (last) break;
    }
  }
  std::sort(all.begin(), all.end(), Earlier);
  return FromStoredList(all);
}

Result<std::vector<Message>> Client::NewestMessages(const Bytes& group_id,
                                                    std::uint32_t limit) const {
  store::MessageQuery query;
  query.order = store::Order::kDescending;
  return ThreadPage(group_id, std::nullopt, std::move(query), limit);
}

Result<std::vector<Message>> Client::MessagesAfter(const Bytes& group_id, const Bytes& cursor,
                                                   std::uint32_t limit) const {
  return ThreadPage(group_id, cursor, store::MessageQuery(), limit);
}

Result<std::vector<Message>> Client::MessagesBefore(const Bytes& group_id, const Bytes& cursor,
                                                    std::uint32_t limit) const {
  store::MessageQuery query;
  query.order = store::Order::kDescending;
  return ThreadPage(group_id, cursor, std::move(query), limit);
}

// One page of the thread of group_id in query.order (from `cursor` when
// given): the first `limit` of each group of the thread, then the first
// `limit` of those together, returned oldest first.
Result<std::vector<Message>> Client::ThreadPage(const Bytes& group_id,
                                                const std::optional<Bytes>& cursor,
                                                store::MessageQuery query,
                                                std::uint32_t limit) const {
  std::lock_guard lock(mu_);
  XS_TRY(const GroupRecord* g, Find(group_id));
  (void)g;
  if (limit > store::kMaxMessagePage) {
    return Error::Validation("limit", "at most " + std::to_string(store::kMaxMessagePage));
  }
  const std::vector<Bytes> thread = ThreadOf(group_id);
  const bool descending = query.order == store::Order::kDescending;
  if (cursor) {
    auto at = ctx_.store().GetMessage(installation_key_, *cursor);
    if (!at.ok() && !at.error().IsNotFound()) return at.error();
    if (!at.ok() || std::find(thread.begin(), thread.end(), at->group_id) == thread.end()) {
      return Error::NotFound("message not found in this conversation");
    }
    (descending ? query.before : query.after) = store::PositionOf(*at);
  }
  if (limit == 0) return std::vector<Message>();
  query.limit = limit;
  std::vector<store::StoredMessage> page;
  for (const auto& source : thread) {
    XS_TRY(auto part, ctx_.store().ListMessages(installation_key_, source, query));
    page.insert(page.end(), std::make_move_iterator(part.begin()),
                std::make_move_iterator(part.end()));
  }
  std::sort(page.begin(), page.end(), Earlier);
  if (page.size() > limit) {
    const auto excess = static_cast<std::ptrdiff_t>(page.size() - limit);
    page.erase(descending ? page.begin() : page.end() - excess,
               descending ? page.begin() + excess : page.end());
  }
  return FromStoredList(page);
}

Result<std::uint64_t> Client::MessageCount(const Bytes& group_id) const {
  std::lock_guard lock(mu_);
  XS_TRY(const GroupRecord* g, Find(group_id));
  (void)g;
  std::uint64_t n = 0;
  for (const auto& source : ThreadOf(group_id)) {
    XS_TRY(std::uint64_t count, ctx_.store().CountMessages(installation_key_, source));
    n += count;
  }
  return n;
}

Result<std::optional<Message>> Client::FindMessage(const Bytes& group_id,
                                                   const Bytes& message_id) const {
  std::lock_guard lock(mu_);
  XS_TRY(const GroupRecord* g, Find(group_id));
  (void)g;
  auto stored = ctx_.store().GetMessage(installation_key_, message_id);
  if (!stored.ok()) {
    if (stored.error().IsNotFound()) return std::optional<Message>();
    return stored.error();
  }
  const std::vector<Bytes> thread = ThreadOf(group_id);
  if (std::find(thread.begin(), thread.end(), stored->group_id) == thread.end()) {
    return std::optional<Message>();  // another conversation's
  }
  XS_TRY(Message m, FromStored(*stored));
  return std::optional<Message>(std::move(m));
}

// ---------------------------------------------------------------- creation

Status Client::AddGroup(std::unique_ptr<GroupRecord> record) {
  const Bytes group_id = record->state.group_id();
  store::StoredGroup stored = StoredGroupOf(installation_key_, *record);
  XS_STORE_WRITE(ctx_.store(), ([&](store::Transaction& tx) -> Status {
                   XS_RETURN_IF_ERROR(tx.SaveGroup(stored));
                   return tx.SaveGroupState(installation_key_, group_id, record->state);
                 }));
  groups_.insert_or_assign(group_id, std::move(record));
  if (stream_ != nullptr) stream_->Resubscribe();
  return OkStatus();
}

Result<Bytes> Client::CreateLocal(group::GroupExtensions ext) {
  // Our inbox stays at libxmtp's creation placeholder (sequence id 0) until
  // the first AddMembers resolves it, adding our other installations too.
  auto now = static_cast<std::uint64_t>(ctx_.clock().NowSeconds());
  mls::CreateGroupOptions create;
  create.leaf = mls::XmtpKeyPackageOptions(inbox_id_, now).leaf;
  create.group_context_extensions = group::BuildGroupContextExtensions(ext);
  create.config.clock = &ctx_.clock();
  XS_TRY(mls::GroupState state, mls::CreateGroup(create, installation_.seed().bytes()));
  Bytes group_id = state.group_id();
  auto record = std::make_unique<GroupRecord>(std::move(state));
  record->ext = std::move(ext);
  record->created_ns = ctx_.clock().NowNs();
  record->last_activity_ns = record->created_ns;
  XS_RETURN_IF_ERROR(AddGroup(std::move(record)));
  return group_id;
}

Result<Bytes> Client::CreateGroup(const std::vector<std::string>& member_inbox_ids,
                                  const CreateGroupOptions& options) {
  std::lock_guard lock(mu_);
  std::map<std::string, std::string> attributes;
  if (!options.name.empty()) attributes[std::string(group::kGroupName)] = options.name;
  if (!options.description.empty()) {
    attributes[std::string(group::kDescription)] = options.description;
  }
  if (!options.image_url.empty()) attributes[std::string(group::kImageUrl)] = options.image_url;
  group::GroupExtensions ext =
      group::NewGroup(inbox_id_, options.policies.value_or(group::DefaultPolicies()), attributes);
  XS_RETURN_IF_ERROR(group::CheckMetadataLimits(ext.mutable_metadata));
  XS_TRY(Bytes group_id, CreateLocal(std::move(ext)));
  if (!member_inbox_ids.empty()) XS_RETURN_IF_ERROR(AddMembers(group_id, member_inbox_ids));
  return group_id;
}

Result<Bytes> Client::FindOrCreateDm(const std::string& peer_inbox_id) {
  std::lock_guard lock(mu_);
  if (peer_inbox_id == inbox_id_) return Error::Validation("peer", "a DM needs another inbox");
  for (const auto& view : Conversations()) {
    if (view.kind == ConversationKind::kDm && view.active &&
        view.dm_peer_inbox_id == peer_inbox_id) {
      return view.group_id;
    }
  }
  // The peer must exist before anything is created locally.
  XS_TRY(ResolvedInbox peer, ctx_.identities().Latest(peer_inbox_id));
  (void)peer;
  XS_TRY(Bytes group_id, CreateLocal(group::NewDm(inbox_id_, peer_inbox_id)));
  XS_RETURN_IF_ERROR(AddMembers(group_id, {peer_inbox_id}));
  return group_id;
}

// ---------------------------------------------------------------- changes

Status Client::AddMembers(const Bytes& group_id, const std::vector<std::string>& inbox_ids) {
  std::lock_guard lock(mu_);
  XS_TRY(GroupRecord * g, Find(group_id));
  return PublishCommit(*g, [&](GroupRecord& rec) -> Result<Change> {
    std::vector<std::string> inboxes = inbox_ids;
    // Our inbox still at the creation placeholder: resolve it now, so that
    // our other installations join with the first members (as libxmtp).
    auto self = rec.ext.membership.members.find(inbox_id_);
    if (self != rec.ext.membership.members.end() && self->second == 0 &&
        std::find(inboxes.begin(), inboxes.end(), inbox_id_) == inboxes.end()) {
      inboxes.push_back(inbox_id_);
    }
    XS_RETURN_IF_ERROR(ctx_.identities().Refresh(inboxes));
    group::GroupExtensions ext = rec.ext;
    std::set<Bytes> present;
    for (const auto& leaf : TreeIdentities(rec.state.tree())) present.insert(leaf.installation_key);
    std::vector<std::pair<std::string, Bytes>> wanted;  // (inbox, installation)
    for (const auto& inbox : inboxes) {
      XS_TRY(ResolvedInbox resolved, ctx_.identities().Latest(inbox));
      ext.membership.members[inbox] = resolved.sequence_id;
      for (auto& key : resolved.state.InstallationKeys()) {
        if (!present.contains(key)) wanted.emplace_back(inbox, std::move(key));
      }
    }
    Change change;
    if (!wanted.empty()) {
      mlsv1::FetchKeyPackagesRequest req;
      for (const auto& [inbox, key] : wanted) req.add_installation_keys(key.data(), key.size());
      XS_TRY(mlsv1::FetchKeyPackagesResponse resp, ctx_.api().FetchKeyPackages(req));
      auto now = static_cast<std::uint64_t>(ctx_.clock().NowSeconds());
      for (std::size_t i = 0; i < wanted.size(); ++i) {
        const std::string& inbox = wanted[i].first;
        const Bytes& key = wanted[i].second;
        // A missing or invalid key package is that installation's failure
        // (libxmtp's failed_installations), not the whole change's.
        auto fail = [&](std::string_view why) {
          ctx_.Log("add to group " + GroupHex(rec.state.group_id()) + ": installation " +
                   codec::HexEncode(key) + " of " + inbox + " skipped: " + std::string(why));
          ext.membership.failed_installations.push_back(key);
        };
        if (i >= static_cast<std::size_t>(resp.key_packages_size()) ||
            resp.key_packages(static_cast<int>(i)).key_package_tls_serialized().empty()) {
          fail("no key package");
          continue;
        }
        const std::string& tls =
            resp.key_packages(static_cast<int>(i)).key_package_tls_serialized();
        auto kp = mls::Deserialize<mls::KeyPackage>(
            std::span(reinterpret_cast<const std::uint8_t*>(tls.data()), tls.size()));
        if (!kp.ok()) {
          fail(kp.error().message());
          continue;
        }
        mls::KeyPackageValidationOptions check;
        check.now = now;
        if (Status s = mls::ValidateKeyPackage(rec.state.suite(), *kp, check); !s.ok()) {
          fail(s.error().message());
          continue;
        }
        auto owner = InboxOfCredential(kp->leaf_node.credential);
        if (!owner.ok() || *owner != inbox || kp->leaf_node.signature_key != key) {
          fail("key package does not belong to the installation");
          continue;
        }
        change.added.push_back(*kp);
        change.proposals.emplace_back(mls::AddProposal{std::move(*kp)});
      }
    }
    change.proposals.emplace_back(
        mls::GroupContextExtensionsProposal{group::BuildGroupContextExtensions(ext)});
    return change;
  });
}

Status Client::RemoveMembers(const Bytes& group_id, const std::vector<std::string>& inbox_ids) {
  std::lock_guard lock(mu_);
  XS_TRY(GroupRecord * g, Find(group_id));
  std::set<std::string> removed(inbox_ids.begin(), inbox_ids.end());
  if (removed.contains(inbox_id_)) {
    return Error::Validation("inbox_ids", "a member cannot remove itself; leave instead");
  }
  return PublishCommit(*g, [&](GroupRecord& rec) -> Result<Change> {
    group::GroupExtensions ext = rec.ext;
    Change change;
    for (const auto& inbox : removed) {
      if (ext.membership.members.erase(inbox) == 0) {
        return Error::NotFound("inbox " + inbox + " is not a member");
      }
    }
    rec.state.tree().ForEachLeaf([&](mls::LeafIndex leaf, const mls::LeafNode& node) {
      auto inbox = InboxOfCredential(node.credential);
      if (inbox.ok() && removed.contains(*inbox)) {
        change.proposals.emplace_back(mls::RemoveProposal{leaf.value});
      }
    });
    change.proposals.emplace_back(
        mls::GroupContextExtensionsProposal{group::BuildGroupContextExtensions(ext)});
    return change;
  });
}

Status Client::UpdateMetadata(const Bytes& group_id, const std::string& key,
                              const std::string& value) {
  return UpdateMetadata(group_id, std::map<std::string, std::string>{{key, value}});
}

Status Client::UpdateMetadata(const Bytes& group_id,
                              const std::map<std::string, std::string>& attributes) {
  std::lock_guard lock(mu_);
  for (const auto& [key, value] : attributes) {
    XS_RETURN_IF_ERROR(group::CheckAttributeLength(key, value));
  }
  XS_TRY(GroupRecord * g, Find(group_id));
  return PublishCommit(*g, [&](GroupRecord& rec) -> Result<Change> {
    group::GroupExtensions ext = rec.ext;
    for (const auto& [key, value] : attributes) ext.mutable_metadata.attributes[key] = value;
    Change change;
    change.proposals.emplace_back(
        mls::GroupContextExtensionsProposal{group::BuildGroupContextExtensions(ext)});
    return change;
  });
}

Status Client::UpdateAdmins(const Bytes& group_id, AdminChange change_kind,
                            const std::string& inbox_id) {
  std::lock_guard lock(mu_);
  XS_TRY(GroupRecord * g, Find(group_id));
  return PublishCommit(*g, [&](GroupRecord& rec) -> Result<Change> {
    group::GroupExtensions ext = rec.ext;
    if (!ext.membership.members.contains(inbox_id)) {
      return Error::NotFound("inbox " + inbox_id + " is not a member");
    }
    bool super =
        change_kind == AdminChange::kAddSuperAdmin || change_kind == AdminChange::kRemoveSuperAdmin;
    auto& list = super ? ext.mutable_metadata.super_admins : ext.mutable_metadata.admins;
    auto it = std::find(list.begin(), list.end(), inbox_id);
    bool add = change_kind == AdminChange::kAddAdmin || change_kind == AdminChange::kAddSuperAdmin;
    if (add && it == list.end()) list.push_back(inbox_id);
    if (!add && it != list.end()) list.erase(it);
    Change change;
    change.proposals.emplace_back(
        mls::GroupContextExtensionsProposal{group::BuildGroupContextExtensions(ext)});
    return change;
  });
}

// ---------------------------------------------------------------- publishing

Status Client::SendGroupMessageBytes(GroupRecord& group, const Bytes& data, bool should_push) {
  return SendGroupMessagesBytes(group, std::span(&data, 1), should_push);
}

std::vector<mlsv1::SendGroupMessagesRequest> Client::PublishRequests(const GroupRecord& group,
                                                                     std::span<const Bytes> data,
                                                                     bool should_push) const {
  crypto::Secret key =
      envelope::SenderHmacKey(hmac_ikm_.bytes(), group.state.group_id(),
                              static_cast<std::uint64_t>(ctx_.clock().NowSeconds()));
  std::vector<mlsv1::SendGroupMessagesRequest> requests;
  for (std::size_t from = 0; from < data.size(); from += kMaxPublishBatch) {
    mlsv1::SendGroupMessagesRequest& req = requests.emplace_back();
    for (const Bytes& one : data.subspan(from, std::min(kMaxPublishBatch, data.size() - from))) {
      auto* v1 = req.add_messages()->mutable_v1();
      v1->set_data(one.data(), one.size());
      Bytes hmac = envelope::SenderHmac(key, one);
      v1->set_sender_hmac(hmac.data(), hmac.size());
      v1->set_should_push(should_push);
    }
  }
  return requests;
}

Status Client::Publish(const std::vector<mlsv1::SendGroupMessagesRequest>& requests) {
  for (const auto& req : requests) XS_RETURN_IF_ERROR(ctx_.api().SendGroupMessages(req));
  return OkStatus();
}

PublishLane& Client::LaneOf(const Bytes& group_id) {
  std::unique_ptr<PublishLane>& lane = lanes_[group_id];
  if (!lane) lane = std::make_unique<PublishLane>();
  return *lane;
}

Status Client::SendGroupMessagesBytes(GroupRecord& group, std::span<const Bytes> data,
                                      bool should_push, bool resume) {
  std::vector<mlsv1::SendGroupMessagesRequest> requests = PublishRequests(group, data, should_push);
  // After the publishes before it, even a failed one's: a commit or a
  // resume goes out regardless (the resume carries the failed ones).
  PublishLane& lane = LaneOf(group.state.group_id());
  const std::uint64_t turn = lane.Take();
  (void)lane.Wait(turn);
  Status sent = Publish(requests);
  if (sent.ok() && resume) lane.Recover();
  lane.Done();
  return sent;
}

Status Client::SendWelcomes(GroupRecord& group) {
  if (!group.pending_commit || !group.pending_commit->committed) return OkStatus();
  PendingCommit& pending = *group.pending_commit;
  if (!pending.welcome.empty() && !pending.recipients.empty()) {
    mlsv1::SendWelcomeMessagesRequest req;
    for (const auto& [installation, init_key] : pending.recipients) {
      XS_TRY(envelope::WrappedWelcome wrapped,
             envelope::WrapWelcome(installation, pending.welcome, pending.node_id, init_key));
      *req.add_messages() = envelope::ToWelcomeMessageInput(wrapped);
    }
    XS_RETURN_IF_ERROR(ctx_.api().SendWelcomeMessages(req));
  }
  std::int64_t intent = pending.intent_id;
  group.pending_commit.reset();
  return ctx_.store().Write([&](store::Transaction& tx) { return tx.DeleteIntent(intent); });
}

Status Client::PublishCommit(GroupRecord& group, const ChangeBuilder& build) {
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    XS_RETURN_IF_ERROR(Catchup(group));
    if (!group.active) return Error::Permission("no longer a member of this conversation");
    XS_TRY(Change change, build(group));
    mls::CommitOptions options;
    options.proposals = std::move(change.proposals);
    XS_TRY(mls::CommitOutput out, mls::CreateCommit(group.state, options));
    // The XMTP checks every member will apply: refuse to publish a commit
    // they would reject (permissions, membership).
    XS_TRY(group::CommitFacts facts,
           FactsByDiff(group.state.tree(), out.staged.next->tree(), group.state.own_leaf()));
    XS_TRY(group::GroupExtensions after,
           group::ParseGroupContextExtensions(out.staged.next->context().extensions));
    if (auto valid = group::ValidateCommit(group.ext, after, facts, Resolver()); !valid.ok()) {
      return valid.error();
    }

    PendingCommit pending;
    pending.data = mls::Serialize(out.commit);
    pending.from_epoch = group.state.epoch();
    pending.next_state = out.staged.next->Serialize();
    if (out.welcome && !change.added.empty()) {
      pending.welcome = mls::Serialize(*out.welcome);
      for (const auto& kp : change.added) {
        pending.recipients.emplace_back(kp.leaf_node.signature_key, kp.init_key);
      }
    }
    // Durable before it leaves: the handshake ratchet moved, and a restart
    // must recognise the commit when it comes back.
    XS_STORE_WRITE(
        ctx_.store(), ([&](store::Transaction& tx) -> Status {
          XS_RETURN_IF_ERROR(
              tx.SaveGroupRatchets(installation_key_, group.state.group_id(), group.state));
          XS_TRY(pending.intent_id, tx.AddIntent(installation_key_, group.state.group_id(),
                                                 store::IntentKind::kUpdateMembership,
                                                 EncodePendingCommit(pending).bytes()));
          return OkStatus();
        }));
    Bytes data = pending.data;
    group.pending_commit = std::move(pending);
    group.commit_outcome.reset();
    XS_RETURN_IF_ERROR(SendGroupMessageBytes(group, data, /*should_push=*/false));
    // Read back: whatever precedes our commit is applied first; the commit
    // itself merges (first of its epoch) or is dropped (another won).
    XS_RETURN_IF_ERROR(Catchup(group));
    if (!group.commit_outcome) {
      return Error::Network(ctx_.api().url(), "published commit not returned by the node");
    }
    if (*group.commit_outcome) return SendWelcomes(group);  // ours won
    // Another commit won the epoch: rebuild the change on the new one.
  }
  return Error::Timeout("commit lost its epoch " + std::to_string(kMaxCommitAttempts) +
                        " times in a row");
}

struct Client::QueuedSend {
  const Bytes& group_id;
  const content::EncodedContent& content;
  bool taken = false;                   // into another Send's batch
  std::optional<Result<Bytes>> result;  // set by the Send that sent it
};

Result<Bytes> Client::Send(const Bytes& group_id, const content::EncodedContent& content) {
  QueuedSend mine{group_id, content, false, std::nullopt};
  {
    std::lock_guard queue(queue_mu_);
    send_queue_.push_back(&mine);
  }
  std::unique_lock lock(mu_);
  std::vector<QueuedSend*> batch;
  {
    std::unique_lock queue(queue_mu_);
    if (mine.taken) {
      // Sent with another's batch, which may still be publishing.
      lock.unlock();
      sent_.wait(queue, [&] { return mine.result.has_value(); });
      return std::move(*mine.result);
    }
    // Ours, and the others of this group that wait for the lock, in the
    // order they came.
    std::erase_if(send_queue_, [&](QueuedSend* q) {
      if (q->group_id != group_id) return false;
      q->taken = true;
      batch.push_back(q);
      return true;
    });
  }
  std::vector<Result<Bytes>> results = SendBatch(group_id, batch, lock);
  {
    std::lock_guard queue(queue_mu_);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->result.emplace(std::move(results[i]));
  }
  sent_.notify_all();
  return std::move(*mine.result);
}

std::vector<Result<Bytes>> Client::SendBatch(const Bytes& group_id,
                                             const std::vector<QueuedSend*>& batch,
                                             std::unique_lock<std::recursive_mutex>& lock) {
  // Every one gets a result, whatever happens: a waiting Send returns it.
  std::vector<Result<Bytes>> results;
  results.reserve(batch.size());
  auto fail_all = [&](const Error& error) {
    results.assign(batch.size(), Result<Bytes>(error));
    return std::move(results);
  };
  auto found = Find(group_id);
  if (!found.ok()) return fail_all(found.error());
  GroupRecord* g = *found;
  if (!g->active) return fail_all(Error::Permission("no longer a member of this conversation"));
  // Sending allows the conversation, even a denied one (libxmtp's rule);
  // written only when it changes, so a send costs no extra fsync.
  if (auto consent = GroupConsent(group_id); !consent.ok() || *consent != ConsentState::kAllowed) {
    if (Status allowed = SetGroupConsent(group_id, ConsentState::kAllowed); !allowed.ok()) {
      return fail_all(allowed.error());
    }
  }
  // Encrypted in the epoch we know, without asking the node first: if a
  // commit got there before it, the read-back sends it again in the new
  // epoch (sync.cpp), as libxmtp does. Once one fails, those after it are
  // not sent (nothing is left out of the order).
  std::vector<PendingSend> sends;
  std::vector<Message> messages;
  std::optional<store::SendReservation> reserve;
  std::uint64_t newest_ns = 0;
  for (const QueuedSend* q : batch) {
    if (!results.empty() && !results.back().ok()) {
      Error failed = results.back().error();
      results.emplace_back(std::move(failed));
      continue;
    }
    auto now = static_cast<std::uint64_t>(ctx_.clock().NowNs());
    newest_ns = std::max(newest_ns, now);
    std::string key = std::to_string(now);
    Bytes encoded = content::SerializeEncodedContent(q->content);
    PendingSend send;
    send.plaintext = content::SerializePlaintextEnvelopeV1(encoded, key);
    send.epoch = g->state.epoch();
    auto generation = g->state.NextOwnApplicationGeneration();
    if (!generation.ok()) {
      results.emplace_back(generation.error());
      continue;
    }
    const std::optional<store::SendReservation>& reserved = reserve ? reserve : g->send_reserved;
    if (!reserved || reserved->epoch != send.epoch || *generation >= reserved->generation) {
      reserve = store::SendReservation{send.epoch, *generation + kSendReservation};
    }
    auto encrypted = mls::EncryptApplicationMessage(g->state, send.plaintext);
    if (!encrypted.ok()) {
      results.emplace_back(encrypted.error());
      continue;
    }
    send.data = mls::Serialize(*encrypted);
    Message message;
    message.kind = Message::Kind::kApplication;
    message.group_id = group_id;
    message.id = content::MessageId(group_id, key, encoded);
    message.sender_inbox_id = inbox_id_;
    message.sender_installation = installation_key_;
    message.sent_ns = now;
    message.content = q->content;
    send.message_id = message.id;
    results.emplace_back(message.id);
    sends.push_back(std::move(send));
    messages.push_back(std::move(message));
  }
  if (sends.empty()) return results;
  // The sent ones (a prefix of the batch) fail together from here on.
  auto fail_sent = [&](const Error& error) {
    for (std::size_t i = 0; i < sends.size(); ++i) results[i] = error;
    return std::move(results);
  };
  // Stored (with the advanced ratchet) before they leave: a crash after
  // this publishes them again on restart (the node ignores a second copy).
  // The write is synced (fsync) when it reserves the next generations, and
  // otherwise not: a kill -9 loses no committed write either way, and a
  // power cut that loses unsynced ones leaves a state that skips to the
  // durable reservation (LoadRecord), so no key and nonce serve twice.
  auto write = [&](store::Transaction& tx) -> Status {
    if (reserve)
      XS_RETURN_IF_ERROR(tx.ReserveSendGenerations(installation_key_, group_id, *reserve));
    XS_RETURN_IF_ERROR(tx.SaveGroupRatchets(installation_key_, group_id, g->state));
    for (std::size_t i = 0; i < sends.size(); ++i) {
      XS_TRY(bool inserted, tx.InsertMessage(ToStored(messages[i], installation_key_)));
      (void)inserted;
      XS_TRY(sends[i].intent_id,
             tx.AddIntent(installation_key_, group_id, store::IntentKind::kSendMessage,
                          EncodePendingSend(sends[i]).bytes()));
    }
    return tx.SetLastActivity(installation_key_, group_id, static_cast<std::int64_t>(newest_ns));
  };
  if (Status written = reserve ? ctx_.store().Write(write) : ctx_.store().WriteUnsynced(write);
      !written.ok()) {
    ReloadGroup(*g);
    return fail_sent(written.error());
  }
  if (reserve) g->send_reserved = reserve;
  g->last_activity_ns =
      std::max<std::int64_t>(g->last_activity_ns, static_cast<std::int64_t>(newest_ns));
  std::vector<Bytes> data;
  data.reserve(sends.size());
  for (auto& send : sends) {
    data.push_back(send.data);
    Bytes sent_data = send.data;
    g->unconfirmed.emplace(std::move(sent_data), std::move(send));
  }
  for (auto& message : messages) g->fresh.push_back(std::move(message));
  Emit(*g);
  // Messages still queued (a failed publish, a restart) go out first, these
  // with them: a receiver reads a generation only a few below the newest
  // it has seen.
  const bool resumed = g->needs_resume;
  if (read_back_ == ReadBack::kStream && g->streamed && !resumed) {
    // The live stream reads them back as the node pushes them
    // (ApplyNodeMessages then confirms each, sends it again in a newer
    // epoch, or marks it failed). Published in the group's turn without
    // the lock: the next batch (of this group or another) is encrypted and
    // stored meanwhile. After a failure before them in the lane they wait
    // for the group's resume.
    std::vector<mlsv1::SendGroupMessagesRequest> requests =
        PublishRequests(*g, data, /*should_push=*/true);
    PublishLane& lane = LaneOf(group_id);
    const std::uint64_t turn = lane.Take();
    lock.unlock();
    std::optional<Error> failed = lane.Wait(turn);
    Status sent = failed ? Status(*failed) : Publish(requests);
    lane.Done(sent.ok() ? std::nullopt : std::optional<Error>(sent.error()));
    lock.lock();
    if (sent.ok()) return results;
    if (auto again = Find(group_id); again.ok()) (*again)->needs_resume = true;
    return fail_sent(sent.error());
  }
  if (Status sent =
          resumed ? ResumePending(*g) : SendGroupMessagesBytes(*g, data, /*should_push=*/true);
      !sent.ok()) {
    g->needs_resume = true;  // the next sync publishes them
    return fail_sent(sent.error());
  }
  // After a resume, a commit of ours may still wait for its outcome: that
  // one Send reads back itself.
  // Read back: applies whatever came before them, confirms them (or sends
  // them again in the epoch a commit before them started, and reads on).
  if (Status caught = Catchup(*g); !caught.ok()) return fail_sent(caught.error());
  if (!g->active) {
    // A commit before them removed us: nobody can read them.
    for (std::size_t i = 0; i < sends.size(); ++i) {
      auto stored = ctx_.store().GetMessage(installation_key_, *results[i]);
      if (stored.ok() && stored->delivery == store::DeliveryState::kFailed) {
        results[i] = Error::Permission("removed from the conversation before the message arrived");
      }
    }
  }
  return results;
}

}  // namespace xs::xmtp::client
