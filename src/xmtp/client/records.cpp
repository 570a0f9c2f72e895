// Serialized forms kept in the store's sealed columns, and the conversions
// between the client's values and the store's rows.
#include <limits>

#include "codec/tls_reader.h"
#include "codec/tls_writer.h"
#include "mls/messages/serialize.h"
#include "xmtp/client/client_internal.h"
#include "xmtp/identity/credential.pb.h"

namespace xs::xmtp::client {

namespace {

constexpr std::uint8_t kPendingCommitFormat = 1;
constexpr std::uint8_t kBundleFormat = 1;
constexpr std::uint8_t kPendingSendFormat = 1;
// Bounds for decoding our own sealed rows (a corrupt row is an error, never a
// huge allocation).
constexpr std::size_t kMaxStoredBlob = 64u << 20;
constexpr std::size_t kMaxRecipients = 10'000;

Bytes CopyOf(std::span<const std::uint8_t> bytes) { return Bytes(bytes.begin(), bytes.end()); }

}  // namespace

crypto::Secret EncodePendingCommit(const PendingCommit& pending) {
  codec::TlsWriter w = codec::TlsWriter::ForSecrets();
  w.WriteU8(kPendingCommitFormat);
  w.WriteOpaque(pending.data);
  w.WriteU64(pending.from_epoch);
  w.WriteOpaque(pending.next_state.bytes());
  w.WriteOpaque(pending.welcome);
  w.WriteVarint(pending.recipients.size());
  for (const auto& [installation, init_key] : pending.recipients) {
    w.WriteOpaque(installation);
    w.WriteOpaque(init_key);
  }
  w.WriteU8(pending.committed ? 1 : 0);
  w.WriteU64(pending.node_id);
  return crypto::Secret::Copy(w.bytes());
}

Result<PendingCommit> DecodePendingCommit(std::span<const std::uint8_t> bytes) {
  codec::TlsReader r(bytes, "pending_commit");
  XS_TRY(std::uint8_t format, r.ReadU8());
  if (format != kPendingCommitFormat) {
    return Error::Validation("pending_commit", "unknown format");
  }
  PendingCommit out;
  XS_TRY(auto data, r.ReadOpaque(kMaxStoredBlob));
  out.data = CopyOf(data);
  XS_TRY(out.from_epoch, r.ReadU64());
  XS_TRY(auto next, r.ReadOpaque(kMaxStoredBlob));
  out.next_state = crypto::Secret::Copy(next);
  XS_TRY(auto welcome, r.ReadOpaque(kMaxStoredBlob));
  out.welcome = CopyOf(welcome);
  XS_TRY(std::uint64_t n, r.ReadVarint());
  if (n > kMaxRecipients) return Error::Validation("pending_commit", "too many recipients");
  for (std::uint64_t i = 0; i < n; ++i) {
    XS_TRY(auto installation, r.ReadOpaque(kMaxStoredBlob));
    XS_TRY(auto init_key, r.ReadOpaque(kMaxStoredBlob));
    out.recipients.emplace_back(CopyOf(installation), CopyOf(init_key));
  }
  XS_TRY(std::uint8_t committed, r.ReadU8());
  out.committed = committed != 0;
  XS_TRY(out.node_id, r.ReadU64());
  XS_RETURN_IF_ERROR(r.ExpectEnd());
  return out;
}

crypto::Secret EncodePendingSend(const PendingSend& send) {
  codec::TlsWriter w = codec::TlsWriter::ForSecrets();
  w.WriteU8(kPendingSendFormat);
  w.WriteOpaque(send.message_id);
  w.WriteU64(send.epoch);
  w.WriteOpaque(send.plaintext);
  w.WriteOpaque(send.data);
  w.WriteU64(send.first_node_ns);
  return crypto::Secret::Copy(w.bytes());
}

Result<PendingSend> DecodePendingSend(std::span<const std::uint8_t> bytes) {
  codec::TlsReader r(bytes, "pending_send");
  XS_TRY(std::uint8_t format, r.ReadU8());
  if (format != kPendingSendFormat) return Error::Validation("pending_send", "unknown format");
  PendingSend out;
  XS_TRY(auto id, r.ReadOpaque(kMaxStoredBlob));
  out.message_id = CopyOf(id);
  XS_TRY(out.epoch, r.ReadU64());
  XS_TRY(auto plaintext, r.ReadOpaque(kMaxStoredBlob));
  out.plaintext = CopyOf(plaintext);
  XS_TRY(auto data, r.ReadOpaque(kMaxStoredBlob));
  out.data = CopyOf(data);
  XS_TRY(out.first_node_ns, r.ReadU64());
  XS_RETURN_IF_ERROR(r.ExpectEnd());
  return out;
}

crypto::Secret EncodeBundle(const mls::KeyPackageBundle& bundle) {
  codec::TlsWriter w = codec::TlsWriter::ForSecrets();
  w.WriteU8(kBundleFormat);
  w.WriteOpaque(mls::Serialize(bundle.key_package));
  w.WriteOpaque(bundle.init_private_key.bytes());
  w.WriteOpaque(bundle.encryption_private_key.bytes());
  return crypto::Secret::Copy(w.bytes());
}

Result<mls::KeyPackageBundle> DecodeBundle(std::span<const std::uint8_t> bytes) {
  codec::TlsReader r(bytes, "key_package_bundle");
  XS_TRY(std::uint8_t format, r.ReadU8());
  if (format != kBundleFormat) return Error::Validation("key_package_bundle", "unknown format");
  XS_TRY(auto kp, r.ReadOpaque(kMaxStoredBlob));
  XS_TRY(auto init, r.ReadOpaque(kMaxStoredBlob));
  XS_TRY(auto enc, r.ReadOpaque(kMaxStoredBlob));
  XS_RETURN_IF_ERROR(r.ExpectEnd());
  mls::KeyPackageBundle bundle;
  XS_TRY(bundle.key_package, mls::Deserialize<mls::KeyPackage>(kp));
  bundle.init_private_key = crypto::Secret::Copy(init);
  bundle.encryption_private_key = crypto::Secret::Copy(enc);
  return bundle;
}

Result<std::string> InboxOfCredential(const mls::Credential& credential) {
  if (credential.credential_type != mls::kCredentialTypeBasic) {
    return Error::Validation("credential", "not a basic credential");
  }
  ::xmtp::identity::MlsCredential parsed;
  if (credential.identity.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      !parsed.ParseFromArray(credential.identity.data(),
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

store::StoredMessage ToStored(const Message& message, const Bytes& owner) {
  store::StoredMessage out;
  out.owner = owner;
  out.id = message.id;
  out.group_id = message.group_id;
  out.sender_inbox_id = message.sender_inbox_id;
  out.sender_installation_key = message.sender_installation;
  out.sent_ns = static_cast<std::int64_t>(message.sent_ns);
  out.node_id = message.node_id;
  out.content_type = message.content.type.ToString();
  out.kind = message.kind == Message::Kind::kApplication ? store::MessageKind::kApplication
                                                         : store::MessageKind::kMembershipChange;
  out.content = content::SerializeEncodedContent(message.content);
  out.delivery =
      message.node_id == 0 ? store::DeliveryState::kUnpublished : store::DeliveryState::kPublished;
  return out;
}

Result<Message> FromStored(const store::StoredMessage& stored) {
  Message out;
  out.id = stored.id;
  out.group_id = stored.group_id;
  out.kind = stored.kind == store::MessageKind::kApplication ? Message::Kind::kApplication
                                                             : Message::Kind::kMembershipChange;
  out.sender_inbox_id = stored.sender_inbox_id;
  out.sender_installation = stored.sender_installation_key;
  out.sent_ns = static_cast<std::uint64_t>(stored.sent_ns);
  out.node_id = stored.node_id;
  XS_TRY(out.content, content::ParseEncodedContent(stored.content));
  return out;
}

store::StoredGroup StoredGroupOf(const Bytes& owner, const Client::GroupRecord& record) {
  store::StoredGroup stored;
  stored.owner = owner;
  stored.group_id = record.state.group_id();
  switch (record.ext.metadata.conversation_type) {
    case group::ConversationType::kDm:
      stored.conversation_type = store::ConversationType::kDm;
      break;
    case group::ConversationType::kSync:
      stored.conversation_type = store::ConversationType::kSync;
      break;
    default:
      stored.conversation_type = store::ConversationType::kGroup;
  }
  if (record.ext.metadata.dm_members) {
    stored.dm_id = group::DmId(record.ext.metadata.dm_members->member_one,
                               record.ext.metadata.dm_members->member_two);
  }
  stored.created_ns = record.created_ns;
  stored.last_activity_ns = record.last_activity_ns;
  return stored;
}

}  // namespace xs::xmtp::client
