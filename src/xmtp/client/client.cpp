#include "xmtp/client/client.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

#include "codec/hex.h"
#include "mls/group/application.h"
#include "mls/group/commit.h"
#include "mls/group/create.h"
#include "mls/group/process.h"
#include "mls/group/staged_commit.h"
#include "mls/group/welcome.h"
#include "mls/group/xmtp_profile.h"
#include "mls/messages/serialize.h"
#include "xmtp/envelope/sender_hmac.h"
#include "xmtp/envelope/welcome_proto.h"
#include "xmtp/envelope/welcome_wrapper.h"
#include "xmtp/identity/association_state.h"
#include "xmtp/identity/credential.pb.h"
#include "xmtp/identity/update_builder.h"

namespace xs::xmtp::client {

namespace mlsv1 = ::xmtp::mls::api::v1;

// libxmtp's MAX_PAGE_SIZE (protocol.md §1.2 paging).
constexpr std::uint32_t kPageSize = 100;
// How often a change is rebuilt after losing the epoch to another commit.
constexpr int kMaxCommitAttempts = 8;

struct Client::GroupRecord {
  explicit GroupRecord(mls::GroupState s) : state(std::move(s)) {}
  mls::GroupState state;
  group::GroupExtensions ext;
  std::uint64_t cursor = 0;  // last node message id applied
  std::vector<Message> messages;
  std::uint64_t created_ns = 0;
  std::uint64_t last_activity_ns = 0;
  bool active = true;
  // Our application messages on the wire but not yet read back: data →
  // index into `messages`.
  std::map<Bytes, std::size_t> unconfirmed;
  // Our commits that lost their epoch: skipped when they come back.
  std::set<Bytes> abandoned_commits;
  // How many of `messages` a stream has delivered.
  std::size_t emitted = 0;
};

struct Client::Change {
  std::vector<mls::Proposal> proposals;
  std::vector<mls::KeyPackage> added;  // get Welcomes
};

namespace {

// The inbox id in an XMTP basic credential (MlsCredential{inbox_id}).
Result<std::string> InboxOfCredential(const mls::Credential& credential) {
  if (credential.credential_type != mls::kCredentialTypeBasic) {
    return Error::Validation("credential", "not a basic credential");
  }
  ::xmtp::identity::MlsCredential parsed;
  if (!parsed.ParseFromArray(credential.identity.data(),
                             static_cast<int>(credential.identity.size())) ||
      parsed.inbox_id().empty()) {
    return Error::Validation("credential", "identity is not an MlsCredential");
  }
  return parsed.inbox_id();
}

Result<group::LeafIdentity> IdentityOfLeaf(const mls::PublicTree& tree, mls::LeafIndex leaf) {
  const mls::LeafNode* node = tree.leaf(leaf);
  if (node == nullptr) return Error::Validation("leaf", "blank leaf");
  XS_TRY(std::string inbox, InboxOfCredential(node->credential));
  return group::LeafIdentity{std::move(inbox), node->signature_key};
}

std::vector<group::LeafIdentity> TreeIdentities(const mls::PublicTree& tree) {
  std::vector<group::LeafIdentity> out;
  tree.ForEachLeaf([&](mls::LeafIndex, const mls::LeafNode& node) {
    auto inbox = InboxOfCredential(node.credential);
    out.push_back({inbox.ok() ? *inbox : std::string(), node.signature_key});
  });
  return out;
}

std::string GroupHex(const Bytes& group_id) { return codec::HexEncode(group_id); }

std::uint64_t ParseDecimal(std::string_view s, std::uint64_t fallback) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return fallback;
  return v;
}

}  // namespace

Client::Client(ClientContext& ctx, std::string inbox_id, identity::InstallationKey installation)
    : ctx_(ctx),
      inbox_id_(std::move(inbox_id)),
      installation_(std::move(installation)),
      installation_key_(installation_.public_key().begin(), installation_.public_key().end()),
      hmac_ikm_(crypto::Secret::Random(32)) {}

Client::~Client() = default;

// ---------------------------------------------------------------- identity

Status Client::UploadKeyPackage() {
  auto now = static_cast<std::uint64_t>(ctx_.clock().NowSeconds());
  XS_TRY(mls::KeyPackageBundle bundle,
         mls::CreateKeyPackage(mls::XmtpKeyPackageOptions(inbox_id_, now),
                               installation_.seed().bytes()));
  mlsv1::UploadKeyPackageRequest req;
  Bytes tls = mls::Serialize(bundle.key_package);
  req.mutable_key_package()->set_key_package_tls_serialized(tls.data(), tls.size());
  req.set_is_inbox_id_credential(true);
  XS_RETURN_IF_ERROR(ctx_.api().UploadKeyPackage(req));
  Bytes init_key = bundle.key_package.init_key;
  key_packages_.insert_or_assign(std::move(init_key), std::move(bundle));
  return OkStatus();
}

Result<std::unique_ptr<Client>> Client::Finish(std::unique_ptr<Client> client) {
  XS_TRY(ResolvedInbox resolved, client->ctx_.identities().Latest(client->inbox_id_));
  if (!resolved.state.HasInstallation(client->installation_key_)) {
    return Error::Validation("identity_updates", "installation missing from the inbox's state");
  }
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
  // libxmtp's order: the key package first, then the identity update.
  XS_RETURN_IF_ERROR(client->UploadKeyPackage());
  XS_RETURN_IF_ERROR(ctx.api().PublishIdentityUpdate(update));
  return Finish(std::move(client));
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
  XS_RETURN_IF_ERROR(client->UploadKeyPackage());
  XS_RETURN_IF_ERROR(ctx.api().PublishIdentityUpdate(update));
  return Finish(std::move(client));
}

// ---------------------------------------------------------------- lookup

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

Result<GroupView> Client::Group(const Bytes& group_id) const {
  std::lock_guard lock(mu_);
  XS_TRY(const GroupRecord* g, Find(group_id));
  GroupView view = ViewOf(group_id, g->state, g->ext, inbox_id_);
  view.active = g->active;
  view.created_ns = g->created_ns;
  view.last_activity_ns = g->last_activity_ns;
  return view;
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

Result<std::vector<Message>> Client::Messages(const Bytes& group_id) const {
  std::lock_guard lock(mu_);
  XS_TRY(const GroupRecord* g, Find(group_id));
  std::vector<Message> out = g->messages;
  std::stable_sort(out.begin(), out.end(),
                   [](const Message& a, const Message& b) { return a.sent_ns < b.sent_ns; });
  return out;
}

// ---------------------------------------------------------------- creation

Result<Bytes> Client::CreateGroup(const std::vector<std::string>& member_inbox_ids,
                                  const CreateGroupOptions& options) {
  std::lock_guard lock(mu_);
  XS_TRY(ResolvedInbox self, ctx_.identities().Latest(inbox_id_));
  std::map<std::string, std::string> attributes;
  if (!options.name.empty()) attributes[std::string(group::kGroupName)] = options.name;
  if (!options.description.empty()) {
    attributes[std::string(group::kDescription)] = options.description;
  }
  if (!options.image_url.empty()) attributes[std::string(group::kImageUrl)] = options.image_url;
  group::GroupExtensions ext = group::NewGroup(
      inbox_id_, options.policies.value_or(group::DefaultPolicies()), attributes);
  ext.membership.members[inbox_id_] = self.sequence_id;
  auto now = static_cast<std::uint64_t>(ctx_.clock().NowSeconds());
  mls::CreateGroupOptions create;
  create.leaf = mls::XmtpKeyPackageOptions(inbox_id_, now).leaf;
  create.group_context_extensions = group::BuildGroupContextExtensions(ext);
  create.config.clock = &ctx_.clock();
  XS_TRY(mls::GroupState state, mls::CreateGroup(create, installation_.seed().bytes()));
  Bytes group_id = state.group_id();
  auto record = std::make_unique<GroupRecord>(std::move(state));
  record->ext = std::move(ext);
  record->created_ns = static_cast<std::uint64_t>(ctx_.clock().NowNs());
  record->last_activity_ns = record->created_ns;
  groups_.emplace(group_id, std::move(record));
  if (stream_ != nullptr) stream_->Resubscribe();
  if (!member_inbox_ids.empty()) XS_RETURN_IF_ERROR(AddMembers(group_id, member_inbox_ids));
  return group_id;
}

Result<Bytes> Client::FindOrCreateDm(const std::string& peer_inbox_id) {
  std::lock_guard lock(mu_);
  if (peer_inbox_id == inbox_id_) return Error::Validation("peer", "a DM needs another inbox");
  for (const auto& view : Conversations()) {
    if (view.kind == ConversationKind::kDm && view.active && view.dm_peer_inbox_id == peer_inbox_id) {
      return view.group_id;
    }
  }
  XS_TRY(ResolvedInbox self, ctx_.identities().Latest(inbox_id_));
  XS_TRY(ResolvedInbox peer, ctx_.identities().Latest(peer_inbox_id));
  (void)peer;
  group::GroupExtensions ext = group::NewDm(inbox_id_, peer_inbox_id);
  ext.membership.members[inbox_id_] = self.sequence_id;
  auto now = static_cast<std::uint64_t>(ctx_.clock().NowSeconds());
  mls::CreateGroupOptions create;
  create.leaf = mls::XmtpKeyPackageOptions(inbox_id_, now).leaf;
  create.group_context_extensions = group::BuildGroupContextExtensions(ext);
  create.config.clock = &ctx_.clock();
  XS_TRY(mls::GroupState state, mls::CreateGroup(create, installation_.seed().bytes()));
  Bytes group_id = state.group_id();
  auto record = std::make_unique<GroupRecord>(std::move(state));
  record->ext = std::move(ext);
  record->created_ns = static_cast<std::uint64_t>(ctx_.clock().NowNs());
  record->last_activity_ns = record->created_ns;
  groups_.emplace(group_id, std::move(record));
  if (stream_ != nullptr) stream_->Resubscribe();
  XS_RETURN_IF_ERROR(AddMembers(group_id, {peer_inbox_id}));
  return group_id;
}

// ---------------------------------------------------------------- changes

Status Client::AddMembers(const Bytes& group_id, const std::vector<std::string>& inbox_ids) {
  std::lock_guard lock(mu_);
  XS_TRY(GroupRecord * g, Find(group_id));
  return PublishCommit(*g, [&](GroupRecord& rec) -> Result<Change> {
    XS_RETURN_IF_ERROR(ctx_.identities().Refresh(inbox_ids));
    group::GroupExtensions ext = rec.ext;
    std::set<Bytes> present;
    for (const auto& leaf : TreeIdentities(rec.state.tree())) present.insert(leaf.installation_key);
    std::vector<std::pair<std::string, Bytes>> wanted;  // (inbox, installation)
    for (const auto& inbox : inbox_ids) {
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
        const auto& [inbox, key] = wanted[i];
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
        const std::string& tls = resp.key_packages(static_cast<int>(i)).key_package_tls_serialized();
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
  std::lock_guard lock(mu_);
  XS_TRY(GroupRecord * g, Find(group_id));
  return PublishCommit(*g, [&](GroupRecord& rec) -> Result<Change> {
    group::GroupExtensions ext = rec.ext;
    ext.mutable_metadata.attributes[key] = value;
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
    bool super = change_kind == AdminChange::kAddSuperAdmin ||
                 change_kind == AdminChange::kRemoveSuperAdmin;
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

namespace {

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

}  // namespace

Status Client::Catchup(GroupRecord& group) {
  while (true) {
    XS_TRY(auto page, QueryPage(ctx_.api(), group.state.group_id(), group.cursor));
    for (const auto& message : page) XS_RETURN_IF_ERROR(ApplyNodeMessage(group, message));
    if (page.size() < kPageSize) break;
  }
  Emit(group);
  return OkStatus();
}

Status Client::SendGroupMessageBytes(GroupRecord& group, const Bytes& data, bool should_push) {
  mlsv1::SendGroupMessagesRequest req;
  auto* v1 = req.add_messages()->mutable_v1();
  v1->set_data(data.data(), data.size());
  crypto::Secret key =
      envelope::SenderHmacKey(hmac_ikm_.bytes(), group.state.group_id(),
                              static_cast<std::uint64_t>(ctx_.clock().NowSeconds()));
  Bytes hmac = envelope::SenderHmac(key, data);
  v1->set_sender_hmac(hmac.data(), hmac.size());
  v1->set_should_push(should_push);
  return ctx_.api().SendGroupMessages(req);
}

Status Client::PublishCommit(GroupRecord& group, const ChangeBuilder& build) {
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    XS_RETURN_IF_ERROR(Catchup(group));
    if (!group.active) return Error::Permission("no longer a member of this conversation");
    XS_TRY(Change change, build(group));
    mls::CommitOptions options;
    options.proposals = std::move(change.proposals);
    XS_TRY(mls::CommitOutput out, mls::CreateCommit(group.state, options));
    Bytes data = mls::Serialize(out.commit);
    std::uint64_t epoch = group.state.epoch();
    XS_RETURN_IF_ERROR(SendGroupMessageBytes(group, data, /*should_push=*/false));

    // Read back until our commit: everything before it is applied first.
    std::optional<mlsv1::GroupMessage> ours;
    while (!ours) {
      XS_TRY(auto page, QueryPage(ctx_.api(), group.state.group_id(), group.cursor));
      for (const auto& message : page) {
        if (message.v1().data() == std::string_view(reinterpret_cast<const char*>(data.data()),
                                                    data.size())) {
          ours = message;
          break;
        }
        XS_RETURN_IF_ERROR(ApplyNodeMessage(group, message));
      }
      if (!ours && page.size() < kPageSize) {
        return Error::Network(ctx_.api().url(), "published commit not returned by the node");
      }
    }
    if (group.state.epoch() != epoch || !group.active) {
      // Another member's commit won the epoch: ours is dropped (it will come
      // back from the node and be skipped) and the change rebuilt.
      group.abandoned_commits.insert(data);
      XS_RETURN_IF_ERROR(ApplyNodeMessage(group, *ours));
      continue;
    }
    XS_RETURN_IF_ERROR(ApplyCommit(group, ours->v1().id(), ours->v1().created_ns(),
                                   std::move(out.staged), /*own=*/true));
    // Welcomes go out once the commit is accepted, with its cursor.
    if (out.welcome && !change.added.empty()) {
      Bytes welcome = mls::Serialize(*out.welcome);
      mlsv1::SendWelcomeMessagesRequest req;
      for (const auto& kp : change.added) {
        XS_TRY(envelope::WrappedWelcome wrapped,
               envelope::WrapWelcome(kp.leaf_node.signature_key, welcome, ours->v1().id(),
                                     kp.init_key));
        *req.add_messages() = envelope::ToWelcomeMessageInput(wrapped);
      }
      XS_RETURN_IF_ERROR(ctx_.api().SendWelcomeMessages(req));
    }
    return OkStatus();
  }
  return Error::Timeout("commit lost its epoch " + std::to_string(kMaxCommitAttempts) +
                        " times in a row");
}

// ---------------------------------------------------------------- receiving

void Client::AddMembershipMessage(GroupRecord& group, const std::string& actor,
                                  std::uint64_t created_ns, std::uint64_t node_id,
                                  const group::ValidatedCommit& change) {
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
  std::string key = std::to_string(created_ns);
  message.id = content::MessageId(message.group_id, key, encoded);
  message.sender_inbox_id = actor;
  message.sent_ns = created_ns;
  message.node_id = node_id;
  group.messages.push_back(std::move(message));
  group.last_activity_ns = std::max(group.last_activity_ns, created_ns);
}

Status Client::ApplyCommit(GroupRecord& group, std::uint64_t node_id, std::uint64_t created_ns,
                           mls::StagedCommit staged, bool own) {
  const Bytes& group_id = group.state.group_id();
  auto reject = [&](const Error& e) {
    ctx_.Log("group " + GroupHex(group_id) + ": commit " + std::to_string(node_id) +
             " rejected: " + e.ToString());
    return OkStatus();
  };
  if (staged.removes_self()) {
    auto committer = IdentityOfLeaf(group.state.tree(), mls::LeafIndex(staged.summary.committer));
    XS_RETURN_IF_ERROR(mls::Merge(group.state, std::move(staged)));
    group.active = false;
    group::ValidatedCommit change;
    change.removed_inboxes.push_back(inbox_id_);
    AddMembershipMessage(group, committer.ok() ? committer->inbox_id : std::string(), created_ns,
                         node_id, change);
    return OkStatus();
  }
  auto after = group::ParseGroupContextExtensions(staged.next->context().extensions);
  if (!after.ok()) return reject(after.error());
  group::CommitFacts facts;
  {
    auto committer = IdentityOfLeaf(group.state.tree(), mls::LeafIndex(staged.summary.committer));
    if (!committer.ok()) return reject(committer.error());
    facts.committer = *committer;
    for (mls::LeafIndex leaf : staged.summary.added) {
      auto id = IdentityOfLeaf(staged.next->tree(), leaf);
      if (!id.ok()) return reject(id.error());
      facts.added.push_back(*id);
    }
    for (mls::LeafIndex leaf : staged.summary.removed) {
      auto id = IdentityOfLeaf(group.state.tree(), leaf);
      if (!id.ok()) return reject(id.error());
      facts.removed.push_back(*id);
    }
    for (mls::LeafIndex leaf : staged.summary.updated) {
      auto id = IdentityOfLeaf(staged.next->tree(), leaf);
      if (!id.ok()) return reject(id.error());
      facts.updated.push_back(*id);
    }
    facts.committer_path = staged.summary.has_path;
  }
  auto resolver = [this](const std::string& inbox, std::uint64_t seq) {
    return ctx_.identities().InstallationsAt(inbox, seq);
  };
  auto validated = group::ValidateCommit(group.ext, *after, facts, resolver);
  if (!validated.ok()) {
    if (own) return validated.error();
    return reject(validated.error());
  }
  XS_RETURN_IF_ERROR(mls::Merge(group.state, std::move(staged)));
  group.ext = std::move(*after);
  group.cursor = std::max(group.cursor, node_id);
  AddMembershipMessage(group, facts.committer.inbox_id, created_ns, node_id, *validated);
  return OkStatus();
}

Status Client::ApplyNodeMessage(GroupRecord& group, const mlsv1::GroupMessage& message) {
  const auto& v1 = message.v1();
  if (v1.id() <= group.cursor) return OkStatus();  // applied already
  Bytes data(v1.data().begin(), v1.data().end());
  const Bytes& group_id = group.state.group_id();
  // Whatever happens below, this message is behind us afterwards.
  struct Advance {
    GroupRecord& g;
    std::uint64_t id;
    ~Advance() { g.cursor = std::max(g.cursor, id); }
  } advance{group, v1.id()};
  auto skip = [&](std::string_view why) {
    ctx_.Log("group " + GroupHex(group_id) + ": message " + std::to_string(v1.id()) +
             " skipped: " + std::string(why));
    return OkStatus();
  };

  if (auto it = group.unconfirmed.find(data); it != group.unconfirmed.end()) {
    group.messages[it->second].node_id = v1.id();
    group.unconfirmed.erase(it);
    return OkStatus();
  }
  if (group.abandoned_commits.erase(data) > 0) return OkStatus();
  if (!group.active) return OkStatus();

  auto parsed = mls::Deserialize<mls::MlsMessage>(data);
  if (!parsed.ok()) return skip(parsed.error().ToString());
  auto processed = mls::ProcessMessage(group.state, *parsed);
  if (!processed.ok()) return skip(processed.error().ToString());
  switch (processed->kind) {
    case mls::ProcessedMessage::Kind::kProposal:
      return OkStatus();
    case mls::ProcessedMessage::Kind::kCommit:
      return ApplyCommit(group, v1.id(), v1.created_ns(), std::move(processed->commit),
                         /*own=*/false);
    case mls::ProcessedMessage::Kind::kApplication:
      break;
  }
  const mls::ApplicationMessage& app = processed->application;
  auto envelope = content::ParsePlaintextEnvelope(app.data);
  if (!envelope.ok()) return skip(envelope.error().ToString());
  if (envelope->kind != content::PlaintextEnvelope::Kind::kV1) return OkStatus();  // device sync
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
  out.sent_ns = ParseDecimal(envelope->idempotency_key, v1.created_ns());
  out.node_id = v1.id();
  out.content = std::move(*encoded);
  for (const auto& m : group.messages) {
    if (m.id == out.id) return OkStatus();  // a resend of the same message
  }
  group.last_activity_ns = std::max(group.last_activity_ns, out.sent_ns);
  group.messages.push_back(std::move(out));
  return OkStatus();
}

Result<Bytes> Client::Send(const Bytes& group_id, const content::EncodedContent& content) {
  std::lock_guard lock(mu_);
  XS_TRY(GroupRecord * g, Find(group_id));
  XS_RETURN_IF_ERROR(Catchup(*g));
  if (!g->active) return Error::Permission("no longer a member of this conversation");
  auto now = static_cast<std::uint64_t>(ctx_.clock().NowNs());
  std::string key = std::to_string(now);
  Bytes encoded = content::SerializeEncodedContent(content);
  Bytes plaintext = content::SerializePlaintextEnvelopeV1(encoded, key);
  XS_TRY(mls::MlsMessage mls_message, mls::EncryptApplicationMessage(g->state, plaintext));
  Bytes data = mls::Serialize(mls_message);
  Message message;
  message.kind = Message::Kind::kApplication;
  message.group_id = group_id;
  message.id = content::MessageId(group_id, key, encoded);
  message.sender_inbox_id = inbox_id_;
  message.sender_installation = installation_key_;
  message.sent_ns = now;
  message.content = content;
  Bytes id = message.id;
  g->unconfirmed.emplace(data, g->messages.size());
  g->messages.push_back(std::move(message));
  g->last_activity_ns = std::max(g->last_activity_ns, now);
  if (Status sent = SendGroupMessageBytes(*g, data, /*should_push=*/true); !sent.ok()) {
    // Not on the network: the message is not kept (the caller may retry).
    g->unconfirmed.erase(data);
    g->messages.pop_back();
    return sent.error();
  }
  Emit(*g);
  // Read back: confirms the message and applies whatever came before it.
  XS_RETURN_IF_ERROR(Catchup(*g));
  return id;
}

// ---------------------------------------------------------------- welcomes

Status Client::JoinFromWelcome(const mlsv1::WelcomeMessage& message) {
  XS_TRY(envelope::ReceivedWelcome received, envelope::FromWelcomeMessage(message));
  const envelope::WrappedWelcome& wrapped = received.welcome;
  auto bundle = key_packages_.find(wrapped.hpke_public_key);
  if (bundle == key_packages_.end()) {
    return Error::NotFound("welcome wrapped to a key package this installation does not hold");
  }
  XS_TRY(envelope::UnwrappedWelcome unwrapped,
         envelope::UnwrapWelcome(wrapped, bundle->second.init_private_key.bytes()));
  XS_TRY(mls::MlsMessage parsed, mls::Deserialize<mls::MlsMessage>(unwrapped.welcome_mls_message));
  const auto* welcome = std::get_if<mls::Welcome>(&parsed.body);
  if (welcome == nullptr) return Error::Validation("welcome", "not an MLS Welcome");
  mls::JoinOptions options;
  options.config.clock = &ctx_.clock();
  XS_TRY(mls::GroupState state, mls::JoinFromWelcome(*welcome, bundle->second,
                                                     installation_.seed().bytes(), std::move(options)));
  // A second Welcome for a group we are in is ignored; one for a group that
  // removed us earlier starts it afresh.
  if (auto it = groups_.find(state.group_id()); it != groups_.end() && it->second->active) {
    return OkStatus();
  }
  XS_TRY(group::GroupExtensions ext, group::ParseGroupContextExtensions(state.context().extensions));
  auto resolver = [this](const std::string& inbox, std::uint64_t seq) {
    return ctx_.identities().InstallationsAt(inbox, seq);
  };
  XS_RETURN_IF_ERROR(
      group::ValidateWelcomeMembership(ext, TreeIdentities(state.tree()), resolver));
  Bytes group_id = state.group_id();
  auto record = std::make_unique<GroupRecord>(std::move(state));
  record->ext = std::move(ext);
  record->cursor = unwrapped.message_cursor.value_or(0);
  record->created_ns = message.v1().created_ns();
  record->last_activity_ns = record->created_ns;
  groups_.insert_or_assign(std::move(group_id), std::move(record));
  if (stream_ != nullptr) stream_->Resubscribe();
  return OkStatus();
}

Result<std::vector<Bytes>> Client::SyncWelcomes() {
  std::lock_guard lock(mu_);
  std::vector<Bytes> joined;
  std::set<Bytes> before;
  for (const auto& [id, g] : groups_) before.insert(id);
  while (true) {
    mlsv1::QueryWelcomeMessagesRequest req;
    req.set_installation_key(installation_key_.data(), installation_key_.size());
    auto* paging = req.mutable_paging_info();
    paging->set_direction(mlsv1::SORT_DIRECTION_ASCENDING);
    paging->set_limit(kPageSize);
    paging->set_id_cursor(welcome_cursor_);
    XS_TRY(mlsv1::QueryWelcomeMessagesResponse resp, ctx_.api().QueryWelcomeMessages(req));
    for (const auto& message : resp.messages()) {
      std::uint64_t id = message.has_v1() ? message.v1().id() : message.welcome_pointer().id();
      if (Status s = JoinFromWelcome(message); !s.ok()) {
        ctx_.Log("welcome " + std::to_string(id) + " rejected: " + s.error().ToString());
      }
      welcome_cursor_ = std::max(welcome_cursor_, id);
    }
    if (resp.messages_size() < static_cast<int>(kPageSize)) break;
  }
  for (const auto& [id, g] : groups_) {
    if (!before.contains(id)) joined.push_back(id);
  }
  if (!joined.empty()) {
    // A Welcome consumed our key package: publish a fresh one (libxmtp
    // rotates after a Welcome; the old one stays usable for a while because
    // senders may have fetched it already).
    XS_RETURN_IF_ERROR(UploadKeyPackage());
    for (const auto& id : joined) XS_RETURN_IF_ERROR(SyncGroup(id));
  }
  return joined;
}

Status Client::SyncGroup(const Bytes& group_id) {
  std::lock_guard lock(mu_);
  XS_TRY(GroupRecord * g, Find(group_id));
  return Catchup(*g);
}

Status Client::SyncAll() {
  std::lock_guard lock(mu_);
  XS_TRY(auto joined, SyncWelcomes());
  (void)joined;
  for (auto& [id, g] : groups_) {
    if (g->active) XS_RETURN_IF_ERROR(Catchup(*g));
  }
  return OkStatus();
}

// ---------------------------------------------------------------- streams

void Client::Emit(GroupRecord& group) {
  if (!stream_callback_) {
    group.emitted = group.messages.size();
    return;
  }
  while (group.emitted < group.messages.size()) {
    stream_callback_(group.messages[group.emitted++]);
  }
}

std::unique_ptr<MessageStream> Client::StreamAll(MessageStream::OnMessage on_message) {
  std::unique_ptr<MessageStream> stream(new MessageStream(*this, std::move(on_message)));
  {
    std::lock_guard lock(mu_);
    stream_callback_ = [s = stream.get()](const Message& m) { s->on_message_(m); };
    stream_ = stream.get();
    for (auto& [id, g] : groups_) g->emitted = g->messages.size();
  }
  stream->welcomes_ = std::thread([s = stream.get()] { s->RunWelcomes(); });
  stream->groups_ = std::thread([s = stream.get()] { s->RunGroups(); });
  return stream;
}

MessageStream::MessageStream(Client& client, OnMessage on_message)
    : client_(client), on_message_(std::move(on_message)) {}

MessageStream::~MessageStream() { Stop(); }

void MessageStream::Stop() {
  if (stop_.exchange(true)) {
    if (welcomes_.joinable()) welcomes_.join();
    if (groups_.joinable()) groups_.join();
    return;
  }
  {
    std::lock_guard lock(mu_);
    if (cancel_welcomes_) cancel_welcomes_();
    if (cancel_groups_) cancel_groups_();
  }
  wake_.notify_all();
  if (welcomes_.joinable()) welcomes_.join();
  if (groups_.joinable()) groups_.join();
  std::lock_guard lock(client_.mu_);
  client_.stream_callback_ = nullptr;
  client_.stream_ = nullptr;
}

void MessageStream::Backoff(int& failures) {
  // 100 ms doubling to 2 s while the node is unreachable.
  auto delay = std::chrono::milliseconds(std::min(2000, 100 << std::min(failures, 5)));
  ++failures;
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, delay, [&] { return stop_.load(); });
}

void MessageStream::Resubscribe() {
  std::lock_guard lock(mu_);
  regroup_ = true;
  if (cancel_groups_) cancel_groups_();
  wake_.notify_all();
}

void MessageStream::RunWelcomes() {
  int failures = 0;
  while (!stop_) {
    mlsv1::SubscribeWelcomeMessagesRequest req;
    {
      std::lock_guard lock(client_.mu_);
      auto* filter = req.add_filters();
      filter->set_installation_key(client_.installation_key_.data(),
                                   client_.installation_key_.size());
      filter->set_id_cursor(client_.welcome_cursor_);
    }
    auto sub = client_.ctx_.api().SubscribeWelcomeMessages(req);
    if (!sub.ok()) {
      Backoff(failures);
      continue;
    }
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      cancel_welcomes_ = [s = sub->get()] { s->Cancel(); };
    }
    while (!stop_) {
      auto next = (*sub)->Next();
      if (!next.ok() || !next->has_value()) break;
      failures = 0;
      std::lock_guard lock(client_.mu_);
      const auto& message = **next;
      std::uint64_t id = message.has_v1() ? message.v1().id() : message.welcome_pointer().id();
      if (id <= client_.welcome_cursor_) continue;
      // SyncWelcomes applies it (and any before it) the ordinary way; joining
      // re-subscribes the group stream.
      (void)client_.SyncWelcomes();
    }
    {
      std::lock_guard lock(mu_);
      cancel_welcomes_ = nullptr;
    }
    if (!stop_) Backoff(failures);
  }
}

void MessageStream::RunGroups() {
  int failures = 0;
  while (!stop_) {
    mlsv1::SubscribeGroupMessagesRequest req;
    {
      std::lock_guard lock(client_.mu_);
      for (const auto& [id, g] : client_.groups_) {
        if (!g->active) continue;
        auto* filter = req.add_filters();
        filter->set_group_id(id.data(), id.size());
        filter->set_id_cursor(g->cursor);
      }
    }
    {
      std::lock_guard lock(mu_);
      regroup_ = false;
    }
    if (req.filters_size() == 0) {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stop_.load() || regroup_; });
      continue;
    }
    auto sub = client_.ctx_.api().SubscribeGroupMessages(req);
    if (!sub.ok()) {
      Backoff(failures);
      continue;
    }
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      if (regroup_) continue;  // the group set changed meanwhile
      cancel_groups_ = [s = sub->get()] { s->Cancel(); };
    }
    bool clean = false;
    while (!stop_) {
      auto next = (*sub)->Next();
      if (!next.ok()) break;
      if (!next->has_value()) {
        clean = true;
        break;
      }
      failures = 0;
      std::lock_guard lock(client_.mu_);
      const auto& message = **next;
      Bytes group_id(message.v1().group_id().begin(), message.v1().group_id().end());
      auto it = client_.groups_.find(group_id);
      if (it == client_.groups_.end()) continue;
      Client::GroupRecord& group = *it->second;
      if (message.v1().id() <= group.cursor) continue;
      // The node replays from our cursor, then forwards live: in order.
      (void)client_.ApplyNodeMessage(group, message);
      client_.Emit(group);
    }
    {
      std::lock_guard lock(mu_);
      cancel_groups_ = nullptr;
      if (regroup_) continue;
    }
    if (!stop_ && !clean) Backoff(failures);
  }
}

}  // namespace xs::xmtp::client
