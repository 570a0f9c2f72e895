#include "mls/group/protect.h"

#include <algorithm>
#include <functional>

#include "mls/framing/private_message.h"
#include "mls/framing/public_message.h"
#include "mls/group/group_error.h"
#include "mls/messages/serialize.h"

namespace xs::mls {
namespace {

constexpr char kProposalRefLabel[] = "MLS 1.0 Proposal Reference";

// §6.3.2 sender data, decrypted ahead of UnprotectPrivateMessage so that the
// sender can be checked before any key of the secret tree is used.
Result<SenderData> OpenSenderData(const crypto::CipherSuite& suite, const PrivateMessage& message,
                                  const crypto::Secret& sender_data_secret) {
  const std::span<const std::uint8_t> ciphertext = message.ciphertext;
  const auto sample = ciphertext.first(std::min(ciphertext.size(), suite.hash_size()));
  XS_TRY(crypto::Secret key,
         suite.ExpandWithLabel(sender_data_secret.bytes(), "key", sample, suite.aead_key_size()));
  XS_TRY(crypto::Secret nonce, suite.ExpandWithLabel(sender_data_secret.bytes(), "nonce", sample,
                                                     suite.aead_nonce_size()));
  auto plaintext = suite.Open(key.bytes(), nonce.bytes(), EncodeSenderDataAad(message),
                              message.encrypted_sender_data);
  if (!plaintext.ok()) return Error::Auth("mls: PrivateMessage sender data does not decrypt");
  return Deserialize<SenderData>(*plaintext);
}

// The keys and membership of one epoch, current or past.
struct EpochView {
  const crypto::Secret& sender_data_secret;
  SecretTree& secret_tree;
  std::span<const std::uint8_t> context;
  std::function<std::span<const std::uint8_t>(std::uint32_t)> signature_key;
};

Result<VerifiedContent> OpenPrivate(const crypto::CipherSuite& suite, const PrivateMessage& message,
                                    LeafIndex own_leaf, EpochView& view) {
  XS_TRY(SenderData sender, OpenSenderData(suite, message, view.sender_data_secret));
  if (sender.leaf_index == own_leaf.value) return MakeGroupError(GroupError::kOwnMessage);
  const std::span<const std::uint8_t> signature_key = view.signature_key(sender.leaf_index);
  if (signature_key.empty()) {
    return MakeGroupError(GroupError::kNonMemberSender, "§6.3.2: sender leaf is blank");
  }
  auto opened = UnprotectPrivateMessage(suite, message, view.secret_tree, view.sender_data_secret);
  if (!opened.ok()) return std::move(opened).error();
  VerifiedContent out{WireFormat::kPrivateMessage, std::move(opened->content),
                      std::move(opened->auth)};
  if (!VerifyFramedContent(suite, WireFormat::kPrivateMessage, out.content, out.auth, view.context,
                           signature_key)
           .ok()) {
    return MakeGroupError(GroupError::kSignatureInvalid, "§6.1: FramedContent signature");
  }
  return out;
}

Status CheckGroupAndEpoch(const GroupState& state, std::span<const std::uint8_t> group_id,
                          std::uint64_t epoch) {
  if (!std::equal(group_id.begin(), group_id.end(), state.group_id().begin(),
                  state.group_id().end())) {
    return MakeGroupError(GroupError::kWrongGroup);
  }
  if (epoch != state.epoch()) {
    return MakeGroupError(GroupError::kWrongEpoch, "§12.4.2: epoch differs from the group's");
  }
  return OkStatus();
}

EpochView CurrentEpochView(GroupState& state, const Bytes& context) {
  return EpochView{state.secrets.sender_data_secret, state.secret_tree, context,
                   [&state](std::uint32_t leaf) -> std::span<const std::uint8_t> {
                     const LeafNode* node = state.tree().leaf(LeafIndex(leaf));
                     if (node == nullptr) return {};
                     return node->signature_key;
                   }};
}

Result<VerifiedContent> UnprotectPublic(GroupState& state, const PublicMessage& message) {
  if (!state.config.accept_public_messages) {
    return MakeGroupError(GroupError::kUnsupportedWireFormat,
                          "profile §1.2: handshake messages must be PrivateMessages");
  }
  XS_RETURN_IF_ERROR(CheckGroupAndEpoch(state, message.content.group_id, message.content.epoch));
  const Sender& sender = message.content.sender;
  if (sender.sender_type != SenderType::kMember) {
    return MakeGroupError(GroupError::kUnsupportedSender,
                          "profile §1.3: only members send to the group");
  }
  if (sender.index == state.own_leaf().value) return MakeGroupError(GroupError::kOwnMessage);
  const LeafNode* leaf = state.tree().leaf(LeafIndex(sender.index));
  if (leaf == nullptr) return MakeGroupError(GroupError::kNonMemberSender);
  const Bytes context = state.ContextBytes();
  if (message.content.content_type() == ContentType::kApplication) {
    return MakeGroupError(GroupError::kUnsupportedWireFormat,
                          "§6.2: application data is never a PublicMessage");
  }
  if (!UnprotectPublicMessage(state.suite(), message, context, state.secrets.membership_key).ok()) {
    return MakeGroupError(GroupError::kMembershipTagInvalid, "§6.2: membership tag");
  }
  if (!VerifyFramedContent(state.suite(), WireFormat::kPublicMessage, message.content, message.auth,
                           context, leaf->signature_key)
           .ok()) {
    return MakeGroupError(GroupError::kSignatureInvalid, "§6.1: FramedContent signature");
  }
  return VerifiedContent{WireFormat::kPublicMessage, message.content, message.auth};
}

}  // namespace

FramedContent MakeOwnContent(const GroupState& state, ContentBody body,
                             std::span<const std::uint8_t> authenticated_data) {
  FramedContent content;
  content.group_id = state.group_id();
  content.epoch = state.epoch();
  content.sender = Sender{SenderType::kMember, state.own_leaf().value};
  content.authenticated_data.assign(authenticated_data.begin(), authenticated_data.end());
  content.body = std::move(body);
  return content;
}

Result<FramedContentAuthData> SignOwnContent(const GroupState& state,
                                             const FramedContent& content) {
  // Our leaf carries our signature key: it is our KeyPackage's leaf node
  // (checked when we joined, §12.4.3.1) or the one we created the group
  // with, and only our own commits and updates replace it.
  const LeafNode* own = state.tree().leaf(state.own_leaf());
  std::span<const std::uint8_t> public_key;
  if (own != nullptr) public_key = own->signature_key;
  return SignFramedContent(state.suite(), WireFormat::kPrivateMessage, content,
                           state.ContextBytes(), state.signature_private_key.bytes(), {},
                           public_key);
}

Result<MlsMessage> ProtectOwnContent(GroupState& state, const FramedContent& content,
                                     const FramedContentAuthData& auth) {
  XS_TRY(PrivateMessage message,
         ProtectPrivateMessage(state.suite(), content, auth, state.secret_tree,
                               state.secrets.sender_data_secret, state.config.padding_size));
  return MlsMessage{kProtocolVersionMls10, std::move(message)};
}

Bytes MakeProposalRef(const crypto::CipherSuite& suite, WireFormat wire_format,
                      const FramedContent& content, const FramedContentAuthData& auth) {
  return suite.RefHash(kProposalRefLabel, EncodeAuthenticatedContent(wire_format, content, auth));
}

Result<VerifiedContent> UnprotectHandshake(GroupState& state, const MlsMessage& message) {
  if (message.version != kProtocolVersionMls10) {
    return MakeGroupError(GroupError::kUnsupportedVersion);
  }
  if (const auto* pub = std::get_if<PublicMessage>(&message.body)) {
    return UnprotectPublic(state, *pub);
  }
  const auto* priv = std::get_if<PrivateMessage>(&message.body);
  if (priv == nullptr) {
    return MakeGroupError(GroupError::kUnsupportedWireFormat, "not a framed message");
  }
  if (priv->content_type == ContentType::kApplication) {
    return MakeGroupError(GroupError::kUnsupportedWireFormat, "application message");
  }
  XS_RETURN_IF_ERROR(CheckGroupAndEpoch(state, priv->group_id, priv->epoch));
  const Bytes context = state.ContextBytes();
  EpochView view = CurrentEpochView(state, context);
  return OpenPrivate(state.suite(), *priv, state.own_leaf(), view);
}

Result<VerifiedContent> UnprotectApplication(GroupState& state, const PrivateMessage& message) {
  if (message.content_type != ContentType::kApplication) {
    return MakeGroupError(GroupError::kUnsupportedWireFormat, "not an application message");
  }
  if (!std::equal(message.group_id.begin(), message.group_id.end(), state.group_id().begin(),
                  state.group_id().end())) {
    return MakeGroupError(GroupError::kWrongGroup);
  }
  // A removed member's last epoch was retired into past_epochs by Merge, so
  // its late messages are looked up there like any past epoch's.
  if (message.epoch == state.epoch() && state.active()) {
    const Bytes context = state.ContextBytes();
    EpochView view = CurrentEpochView(state, context);
    return OpenPrivate(state.suite(), message, state.own_leaf(), view);
  }
  if (message.epoch > state.epoch()) {
    return MakeGroupError(GroupError::kWrongEpoch, "message is from a future epoch");
  }
  for (PastEpoch& past : state.past_epochs) {
    if (past.epoch != message.epoch) continue;
    EpochView view{past.sender_data_secret, past.secret_tree, past.group_context,
                   [&past](std::uint32_t leaf) -> std::span<const std::uint8_t> {
                     if (leaf >= past.signature_keys.size()) return {};
                     return past.signature_keys[leaf];
                   }};
    return OpenPrivate(state.suite(), message, state.own_leaf(), view);
  }
  if (message.epoch == state.epoch()) return MakeGroupError(GroupError::kInactive);
  return MakeGroupError(GroupError::kEpochTooOld);
}

}  // namespace xs::mls
