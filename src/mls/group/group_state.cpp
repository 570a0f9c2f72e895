#include "mls/group/group_state.h"

#include "mls/group/group_error.h"
#include "mls/messages/serialize.h"
#include "mls/messages/tls_util.h"

namespace xs::mls {
namespace {

// Formats of Serialize(), SerializeEpochPart() and SerializeRatchetPart();
// bump when a layout changes.
constexpr std::uint8_t kStateFormat = 1;
constexpr std::uint8_t kEpochPartFormat = 2;
constexpr std::uint8_t kRatchetPartFormat = 3;

// The whole state, or the epoch part: the same layout without the secret
// trees (of the current and the past epochs).
enum class Layout { kWhole, kEpochPart };
// Generous bounds for reading our own stored state (a corrupt blob must not
// make us allocate without limit).
constexpr std::size_t kMaxStateListSize = 256 * 1024 * 1024;
constexpr std::size_t kMaxStoredSecret = 1024;

constexpr std::uint8_t kFlagAcceptPublic = 1;
constexpr std::uint8_t kFlagAllowPsks = 2;
constexpr std::uint8_t kFlagCheckLifetime = 4;

using codec::TlsReader;
using codec::TlsWriter;

Status ReadSecret(TlsReader& r, crypto::Secret& out) {
  XS_TRY(auto bytes, r.ReadOpaque(kMaxStoredSecret));
  out = crypto::Secret::Copy(bytes);
  return OkStatus();
}

Status ReadBytes(TlsReader& r, Bytes& out) {
  XS_TRY(auto bytes, r.ReadOpaque(kMaxStateListSize));
  out.assign(bytes.begin(), bytes.end());
  return OkStatus();
}

void EncodeConfig(TlsWriter& w, const GroupConfig& c) {
  w.WriteU32(c.max_past_epochs);
  w.WriteU32(c.ratchet_window.out_of_order_tolerance);
  w.WriteU32(c.ratchet_window.maximum_forward_distance);
  w.WriteU32(c.padding_size);
  w.WriteU8(static_cast<std::uint8_t>((c.accept_public_messages ? kFlagAcceptPublic : 0) |
                                      (c.allow_psks ? kFlagAllowPsks : 0) |
                                      (c.check_key_package_lifetime ? kFlagCheckLifetime : 0)));
  w.WriteU32(c.resumption_psks_kept);
  w.WriteU64(c.max_lifetime_range);
}

Status DecodeConfig(TlsReader& r, GroupConfig& c) {
  XS_TRY(c.max_past_epochs, r.ReadU32());
  XS_TRY(c.ratchet_window.out_of_order_tolerance, r.ReadU32());
  XS_TRY(c.ratchet_window.maximum_forward_distance, r.ReadU32());
  XS_TRY(c.padding_size, r.ReadU32());
  XS_TRY(std::uint8_t flags, r.ReadU8());
  c.accept_public_messages = (flags & kFlagAcceptPublic) != 0;
  c.allow_psks = (flags & kFlagAllowPsks) != 0;
  c.check_key_package_lifetime = (flags & kFlagCheckLifetime) != 0;
  XS_TRY(c.resumption_psks_kept, r.ReadU32());
  XS_TRY(c.max_lifetime_range, r.ReadU64());
  return OkStatus();
}

// The EpochSecrets fields in a fixed order.
template <typename S, typename F>
void ForEachEpochSecret(S& s, F&& f) {
  f(s.joiner_secret);
  f(s.welcome_secret);
  f(s.sender_data_secret);
  f(s.encryption_secret);
  f(s.exporter_secret);
  f(s.external_secret);
  f(s.confirmation_key);
  f(s.membership_key);
  f(s.resumption_psk);
  f(s.epoch_authenticator);
  f(s.init_secret);
}

// A secret tree that fails every call, until DeserializeParts puts the
// stored one in its place.
SecretTree PlaceholderTree(const crypto::CipherSuite& suite) {
  return SecretTree(suite, crypto::Secret(), 0);
}

void EncodePastEpoch(TlsWriter& w, const PastEpoch& past, Layout layout) {
  w.WriteU64(past.epoch);
  w.WriteOpaque(past.sender_data_secret.bytes());
  if (layout == Layout::kWhole) past.secret_tree.Encode(w);
  w.WriteOpaque(past.group_context);
  detail::WriteNested(w, [&](TlsWriter& keys) {
    for (const Bytes& key : past.signature_keys) keys.WriteOpaque(key);
  });
}

Result<PastEpoch> DecodePastEpoch(const crypto::CipherSuite& suite, TlsReader& r, Layout layout) {
  XS_TRY(std::uint64_t epoch, r.ReadU64());
  crypto::Secret sender_data_secret;
  XS_RETURN_IF_ERROR(ReadSecret(r, sender_data_secret));
  SecretTree tree = PlaceholderTree(suite);
  if (layout == Layout::kWhole) {
    XS_TRY(tree, SecretTree::Decode(suite, r));
  }
  PastEpoch past{epoch, std::move(sender_data_secret), std::move(tree), {}, {}};
  XS_RETURN_IF_ERROR(ReadBytes(r, past.group_context));
  XS_TRY(TlsReader keys, r.ReadVector(kMaxStateListSize));
  while (!keys.empty()) {
    Bytes key;
    XS_RETURN_IF_ERROR(ReadBytes(keys, key));
    past.signature_keys.push_back(std::move(key));
  }
  return past;
}

Result<std::vector<NodePrivateKey>> DecodePrivateKeys(TlsReader& r) {
  std::vector<NodePrivateKey> entries;
  XS_TRY(TlsReader keys, r.ReadVector(kMaxStateListSize));
  while (!keys.empty()) {
    NodePrivateKey entry;
    XS_TRY(std::uint32_t node, keys.ReadU32());
    entry.node = NodeIndex(node);
    XS_RETURN_IF_ERROR(ReadSecret(keys, entry.private_key));
    XS_RETURN_IF_ERROR(ReadBytes(keys, entry.public_key));
    entries.push_back(std::move(entry));
  }
  return entries;
}

Status DecodeEpochSecrets(TlsReader& r, EpochSecrets& secrets) {
  Status status = OkStatus();
  ForEachEpochSecret(secrets, [&](crypto::Secret& s) {
    if (status.ok()) status = ReadSecret(r, s);
  });
  return status;
}

// The proposal cache and our pending Updates.
Status DecodeProposals(TlsReader& r, GroupState& state) {
  XS_TRY(TlsReader proposals, r.ReadVector(kMaxStateListSize));
  while (!proposals.empty()) {
    CachedProposal cached;
    XS_RETURN_IF_ERROR(ReadBytes(proposals, cached.ref));
    XS_RETURN_IF_ERROR(Decode(proposals, cached.proposal));
    XS_TRY(cached.sender, proposals.ReadU32());
    state.proposals.push_back(std::move(cached));
  }
  XS_TRY(TlsReader updates, r.ReadVector(kMaxStateListSize));
  while (!updates.empty()) {
    PendingUpdate update;
    XS_RETURN_IF_ERROR(ReadBytes(updates, update.ref));
    XS_RETURN_IF_ERROR(ReadSecret(updates, update.encryption_private_key));
    XS_RETURN_IF_ERROR(ReadBytes(updates, update.encryption_key));
    state.pending_updates.push_back(std::move(update));
  }
  return OkStatus();
}

// Past epochs, PSKs and the active flag.
Status DecodeHistory(TlsReader& r, GroupState& state, Layout layout) {
  XS_TRY(TlsReader pasts, r.ReadVector(kMaxStateListSize));
  while (!pasts.empty()) {
    XS_TRY(PastEpoch past, DecodePastEpoch(state.suite(), pasts, layout));
    state.past_epochs.push_back(std::move(past));
  }
  XS_TRY(TlsReader resumption, r.ReadVector(kMaxStateListSize));
  while (!resumption.empty()) {
    XS_TRY(std::uint64_t epoch, resumption.ReadU64());
    crypto::Secret psk;
    XS_RETURN_IF_ERROR(ReadSecret(resumption, psk));
    state.resumption_psks[epoch] = std::move(psk);
  }
  XS_TRY(TlsReader external, r.ReadVector(kMaxStateListSize));
  while (!external.empty()) {
    Bytes id;
    XS_RETURN_IF_ERROR(ReadBytes(external, id));
    crypto::Secret psk;
    XS_RETURN_IF_ERROR(ReadSecret(external, psk));
    state.external_psks[std::move(id)] = std::move(psk);
  }
  XS_TRY(std::uint8_t active, r.ReadU8());
  state.is_active = active != 0;
  return OkStatus();
}

Result<GroupState> DecodeState(TlsReader& r, Layout layout) {
  XS_TRY(std::uint8_t format, r.ReadU8());
  if (format != (layout == Layout::kWhole ? kStateFormat : kEpochPartFormat)) {
    return MakeGroupError(GroupError::kStateCorrupt, "unknown stored state format");
  }
  XS_TRY(std::uint16_t suite_id, r.ReadU16());
  XS_TRY(crypto::CipherSuite suite, crypto::CipherSuite::Create(suite_id));
  GroupConfig config;
  XS_RETURN_IF_ERROR(DecodeConfig(r, config));
  GroupContext context;
  XS_RETURN_IF_ERROR(Decode(r, context));
  RatchetTree wire;
  XS_RETURN_IF_ERROR(Decode(r, wire));
  XS_TRY(PublicTree tree, PublicTree::FromWire(suite, wire));
  XS_TRY(std::uint32_t own_leaf, r.ReadU32());
  crypto::Secret signature_private_key;
  XS_RETURN_IF_ERROR(ReadSecret(r, signature_private_key));
  XS_TRY(std::vector<NodePrivateKey> entries, DecodePrivateKeys(r));
  EpochSecrets secrets;
  XS_RETURN_IF_ERROR(DecodeEpochSecrets(r, secrets));
  SecretTree secret_tree = PlaceholderTree(suite);
  if (layout == Layout::kWhole) {
    XS_TRY(secret_tree, SecretTree::Decode(suite, r));
  }

  GroupState state(suite, std::move(tree),
                   TreePrivateKeys::FromEntries(LeafIndex(own_leaf), std::move(entries)),
                   std::move(secret_tree));
  state.config = config;
  state.group_context = std::move(context);
  state.own_leaf_index = LeafIndex(own_leaf);
  state.signature_private_key = std::move(signature_private_key);
  state.secrets = std::move(secrets);
  XS_RETURN_IF_ERROR(ReadBytes(r, state.interim_transcript_hash));
  XS_RETURN_IF_ERROR(DecodeProposals(r, state));
  XS_RETURN_IF_ERROR(DecodeHistory(r, state, layout));
  return state;
}

void EncodeState(TlsWriter& w, const GroupState& s, Layout layout) {
  w.WriteU8(layout == Layout::kWhole ? kStateFormat : kEpochPartFormat);
  w.WriteU16(s.cipher_suite.id());
  EncodeConfig(w, s.config);
  Encode(w, s.group_context);
  Encode(w, s.public_tree.ToWire());
  w.WriteU32(s.own_leaf_index.value);
  w.WriteOpaque(s.signature_private_key.bytes());
  detail::WriteNested(w, [&](TlsWriter& keys) {
    for (const NodePrivateKey& entry : s.private_keys.Entries()) {
      keys.WriteU32(entry.node.value);
      keys.WriteOpaque(entry.private_key.bytes());
      keys.WriteOpaque(entry.public_key);
    }
  });
  ForEachEpochSecret(s.secrets, [&](const crypto::Secret& x) { w.WriteOpaque(x.bytes()); });
  if (layout == Layout::kWhole) s.secret_tree.Encode(w);
  w.WriteOpaque(s.interim_transcript_hash);
  detail::WriteNested(w, [&](TlsWriter& list) {
    for (const CachedProposal& cached : s.proposals) {
      list.WriteOpaque(cached.ref);
      Encode(list, cached.proposal);
      list.WriteU32(cached.sender);
    }
  });
  detail::WriteNested(w, [&](TlsWriter& list) {
    for (const PendingUpdate& update : s.pending_updates) {
      list.WriteOpaque(update.ref);
      list.WriteOpaque(update.encryption_private_key.bytes());
      list.WriteOpaque(update.encryption_key);
    }
  });
  detail::WriteNested(w, [&](TlsWriter& list) {
    for (const PastEpoch& past : s.past_epochs) EncodePastEpoch(list, past, layout);
  });
  detail::WriteNested(w, [&](TlsWriter& list) {
    for (const auto& [epoch, psk] : s.resumption_psks) {
      list.WriteU64(epoch);
      list.WriteOpaque(psk.bytes());
    }
  });
  detail::WriteNested(w, [&](TlsWriter& list) {
    for (const auto& [id, psk] : s.external_psks) {
      list.WriteOpaque(id);
      list.WriteOpaque(psk.bytes());
    }
  });
  w.WriteU8(s.is_active ? 1 : 0);
}

// Decodes a stored state (whole or epoch part) to its end; any failure is
// kStateCorrupt.
Result<GroupState> DecodeStored(std::span<const std::uint8_t> bytes, Layout layout) {
  TlsReader r(bytes, "mls.GroupState");
  auto state = DecodeState(r, layout);
  if (!state.ok()) {
    if (GroupErrorOf(state.error())) return std::move(state).error();
    return MakeGroupError(GroupError::kStateCorrupt, state.error().message());
  }
  XS_RETURN_IF_ERROR(r.ExpectEnd());
  return state;
}

// Replaces the placeholder secret trees of an epoch part with the stored
// ratchet part.
Status DecodeRatchetPart(TlsReader& r, GroupState& state) {
  XS_TRY(std::uint8_t format, r.ReadU8());
  if (format != kRatchetPartFormat) {
    return MakeGroupError(GroupError::kStateCorrupt, "unknown stored ratchet format");
  }
  XS_TRY(std::uint64_t epoch, r.ReadU64());
  if (epoch != state.epoch()) {
    return MakeGroupError(GroupError::kStateCorrupt, "ratchet part of another epoch");
  }
  XS_TRY(state.secret_tree, SecretTree::Decode(state.suite(), r));
  XS_TRY(TlsReader pasts, r.ReadVector(kMaxStateListSize));
  for (PastEpoch& past : state.past_epochs) {
    XS_TRY(std::uint64_t past_epoch, pasts.ReadU64());
    if (past_epoch != past.epoch) {
      return MakeGroupError(GroupError::kStateCorrupt, "ratchet part of other past epochs");
    }
    XS_TRY(past.secret_tree, SecretTree::Decode(state.suite(), pasts));
  }
  if (!pasts.empty()) {
    return MakeGroupError(GroupError::kStateCorrupt, "ratchet part of other past epochs");
  }
  return r.ExpectEnd();
}

}  // namespace

GroupState::GroupState(crypto::CipherSuite suite, PublicTree tree, TreePrivateKeys keys,
                       SecretTree epoch_secret_tree)
    : cipher_suite(suite),
      public_tree(std::move(tree)),
      private_keys(std::move(keys)),
      secret_tree(std::move(epoch_secret_tree)) {}

Bytes GroupState::ContextBytes() const { return mls::Serialize(group_context); }

Result<crypto::Secret> GroupState::Export(std::string_view label,
                                          std::span<const std::uint8_t> export_context,
                                          std::size_t length) const {
  return MlsExporter(cipher_suite, secrets.exporter_secret, label, export_context, length);
}

std::vector<Member> GroupState::Members() const {
  std::vector<Member> members;
  public_tree.ForEachLeaf([&](LeafIndex index, const LeafNode& leaf) {
    members.push_back(Member{index, &leaf});
  });
  return members;
}

void GroupState::AddExternalPsk(Bytes psk_id, crypto::Secret psk) {
  external_psks[std::move(psk_id)] = std::move(psk);
}

crypto::Secret GroupState::Serialize() const {
  TlsWriter w = TlsWriter::ForSecrets();
  EncodeState(w, *this, Layout::kWhole);
  return crypto::Secret::Copy(w.bytes());  // w wipes its buffer when it goes
}

Result<GroupState> GroupState::Deserialize(std::span<const std::uint8_t> bytes) {
  return DecodeStored(bytes, Layout::kWhole);
}

crypto::Secret GroupState::SerializeEpochPart() const {
  TlsWriter w = TlsWriter::ForSecrets();
  EncodeState(w, *this, Layout::kEpochPart);
  return crypto::Secret::Copy(w.bytes());
}

crypto::Secret GroupState::SerializeRatchetPart() const {
  TlsWriter w = TlsWriter::ForSecrets();
  w.WriteU8(kRatchetPartFormat);
  w.WriteU64(epoch());
  secret_tree.Encode(w);
  detail::WriteNested(w, [&](TlsWriter& list) {
    for (const PastEpoch& past : past_epochs) {
      list.WriteU64(past.epoch);
      past.secret_tree.Encode(list);
    }
  });
  return crypto::Secret::Copy(w.bytes());
}

Result<GroupState> GroupState::DeserializeParts(std::span<const std::uint8_t> epoch_part,
                                                std::span<const std::uint8_t> ratchet_part) {
  XS_TRY(GroupState state, DecodeStored(epoch_part, Layout::kEpochPart));
  TlsReader r(ratchet_part, "mls.GroupState.ratchets");
  Status status = DecodeRatchetPart(r, state);
  if (!status.ok()) {
    if (GroupErrorOf(status.error())) return std::move(status).error();
    return MakeGroupError(GroupError::kStateCorrupt, status.error().message());
  }
  return state;
}

Result<std::uint32_t> GroupState::NextOwnApplicationGeneration() {
  return secret_tree.NextGeneration(own_leaf_index.value, RatchetType::kApplication);
}

Status GroupState::SkipOwnApplicationGenerations(std::uint32_t generation) {
  return secret_tree.SkipTo(own_leaf_index.value, RatchetType::kApplication, generation);
}

}  // namespace xs::mls
