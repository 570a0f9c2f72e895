#include "mls/group/welcome.h"

#include <algorithm>
#include <optional>
#include <string>

#include "mls/group/group_error.h"
#include "mls/key_schedule.h"
#include "mls/messages/extensions.h"
#include "mls/messages/serialize.h"
#include "mls/psk.h"
#include "mls/transcript_hash.h"
#include "mls/tree/tree_validation.h"

namespace xs::mls {
namespace {

constexpr char kWelcomeLabel[] = "Welcome";
constexpr char kGroupInfoTbsLabel[] = "GroupInfoTBS";

Error WelcomeError(std::string_view rule) {
  return MakeGroupError(GroupError::kWelcomeInvalid, rule);
}

// §12.4.3.1: the PSKs named in GroupSecrets (external ones only; a joiner
// holds no resumption secrets of the group).
Result<crypto::Secret> WelcomePskSecret(const crypto::CipherSuite& suite,
                                        const std::vector<PreSharedKeyId>& ids,
                                        const JoinOptions& options) {
  if (ids.empty()) return ZeroSecret(suite);
  if (!options.config.allow_psks) {
    return MakeGroupError(GroupError::kUnsupportedProposal, "profile §1.1: Welcome with PSKs");
  }
  std::vector<PskWithSecret> psks;
  for (const PreSharedKeyId& id : ids) {
    auto found = options.external_psks.find(id.psk_id);
    if (id.psk_type != PskType::kExternal || found == options.external_psks.end()) {
      return MakeGroupError(GroupError::kPskNotAvailable, "§12.4.3.1: PSK not held");
    }
    psks.push_back(PskWithSecret{id, found->second.Clone()});
  }
  return DerivePskSecret(suite, psks);
}

Result<RatchetTree> TreeFor(const GroupInfo& group_info, const JoinOptions& options) {
  if (const Extension* ext = FindExtension(group_info.extensions, kExtensionRatchetTree)) {
    return ParseRatchetTreeExtension(*ext);
  }
  if (options.ratchet_tree) return *options.ratchet_tree;
  return WelcomeError("§12.4.3.3: no ratchet tree in the GroupInfo and none supplied");
}

// §12.4.3.1 validates every leaf of the joined tree per §7.3, and §7.3
// makes a leaf compatible with the group only when it supports the
// GroupContext's extensions and required_capabilities: a member that does not
// is as invalid in a Welcome as it would be in an Add.
Status CheckMembersSupport(const PublicTree& tree, const GroupContext& context) {
  std::optional<RequiredCapabilities> required;
  if (const Extension* ext = FindExtension(context.extensions, kExtensionRequiredCapabilities)) {
    XS_TRY(required, ParseRequiredCapabilitiesExtension(*ext));
  }
  Status status = OkStatus();
  tree.ForEachLeaf([&](LeafIndex index, const LeafNode& leaf) {
    if (!status.ok()) return;
    const std::string where = "§7.3: leaf " + std::to_string(index.value);
    for (const Extension& ext : context.extensions) {
      if (!IsDefaultExtensionType(ext.extension_type) &&
          std::find(leaf.capabilities.extensions.begin(), leaf.capabilities.extensions.end(),
                    ext.extension_type) == leaf.capabilities.extensions.end()) {
        status = WelcomeError(where + " does not support a group context extension");
        return;
      }
    }
    if (required && !SupportsRequiredCapabilities(leaf.capabilities, *required)) {
      status = WelcomeError(where + " lacks the group's required capabilities");
    }
  });
  return status;
}

}  // namespace

Status SignGroupInfo(const crypto::CipherSuite& suite, GroupInfo& group_info,
                     std::span<const std::uint8_t> signature_private_key) {
  XS_TRY(group_info.signature, suite.SignWithLabel(signature_private_key, kGroupInfoTbsLabel,
                                                   EncodeGroupInfoTbs(group_info)));
  return OkStatus();
}

Status VerifyGroupInfoSignature(const crypto::CipherSuite& suite, const GroupInfo& group_info,
                                std::span<const std::uint8_t> signer_public_key) {
  if (!suite.VerifyWithLabel(signer_public_key, kGroupInfoTbsLabel, EncodeGroupInfoTbs(group_info),
                             group_info.signature)) {
    return MakeGroupError(GroupError::kSignatureInvalid, "§12.4.3: GroupInfo signature");
  }
  return OkStatus();
}

Result<OpenedWelcome> OpenWelcome(const crypto::CipherSuite& suite, const Welcome& welcome,
                                  const KeyPackage& key_package,
                                  std::span<const std::uint8_t> init_private_key,
                                  const JoinOptions& options) {
  if (welcome.cipher_suite != suite.id() || key_package.cipher_suite != suite.id()) {
    return WelcomeError("§12.4.3.1: cipher suite differs from the KeyPackage's");
  }
  const Bytes ref = MakeKeyPackageRef(suite, key_package);
  auto entry = std::find_if(welcome.secrets.begin(), welcome.secrets.end(),
                            [&](const EncryptedGroupSecrets& s) { return s.new_member == ref; });
  if (entry == welcome.secrets.end()) return MakeGroupError(GroupError::kKeyPackageNotInWelcome);

  auto plaintext = suite.DecryptWithLabel(
      init_private_key, kWelcomeLabel, welcome.encrypted_group_info,
      entry->encrypted_group_secrets.kem_output, entry->encrypted_group_secrets.ciphertext);
  if (!plaintext.ok()) return WelcomeError("§12.4.3.1: GroupSecrets do not decrypt");
  auto group_secrets = Deserialize<GroupSecrets>(*plaintext);
  crypto::Wipe(*plaintext);
  if (!group_secrets.ok()) return std::move(group_secrets).error();

  OpenedWelcome out;
  out.group_secrets = std::move(group_secrets).value();
  XS_TRY(out.psk_secret, WelcomePskSecret(suite, out.group_secrets.psks, options));
  const crypto::Secret joiner = crypto::Secret::Copy(out.group_secrets.joiner_secret);
  XS_TRY(crypto::Secret welcome_secret, DeriveWelcomeSecret(suite, joiner, out.psk_secret));
  XS_TRY(WelcomeKey key, DeriveWelcomeKey(suite, welcome_secret));
  auto group_info_bytes =
      suite.Open(key.key.bytes(), key.nonce.bytes(), {}, welcome.encrypted_group_info);
  if (!group_info_bytes.ok()) return WelcomeError("§12.4.3.1: GroupInfo does not decrypt");
  XS_TRY(out.group_info, Deserialize<GroupInfo>(*group_info_bytes));
  return out;
}

Result<GroupState> JoinFromWelcome(const Welcome& welcome, const KeyPackageBundle& bundle,
                                   std::span<const std::uint8_t> signature_private_key,
                                   JoinOptions options) {
  XS_TRY(const crypto::CipherSuite suite, crypto::CipherSuite::Create(welcome.cipher_suite));
  XS_TRY(OpenedWelcome opened,
         OpenWelcome(suite, welcome, bundle.key_package, bundle.init_private_key.bytes(), options));
  const GroupInfo& group_info = opened.group_info;
  const GroupContext& context = group_info.group_context;
  if (context.version != kProtocolVersionMls10 || context.cipher_suite != suite.id()) {
    return WelcomeError("§12.4.3.1: GroupInfo version or cipher suite differs");
  }

  XS_TRY(RatchetTree wire, TreeFor(group_info, options));
  XS_TRY(PublicTree tree, PublicTree::FromWire(suite, wire));
  const LeafNode* signer = tree.leaf(LeafIndex(group_info.signer));
  if (signer == nullptr) return WelcomeError("§12.4.3.1: GroupInfo signer leaf is blank");
  XS_RETURN_IF_ERROR(VerifyGroupInfoSignature(suite, group_info, signer->signature_key));
  TreeValidationOptions tree_options;
  tree_options.now = options.now;
  XS_RETURN_IF_ERROR(ValidateTree(tree, context.group_id, context.tree_hash, tree_options));

  const LeafNode& own = bundle.key_package.leaf_node;
  auto own_leaf = tree.FindLeaf([&](LeafIndex, const LeafNode& leaf) { return leaf == own; });
  if (!own_leaf) return WelcomeError("§12.4.3.1: our leaf is not in the tree");
  XS_RETURN_IF_ERROR(CheckMembersSupport(tree, context));

  XS_TRY(TreePrivateKeys keys,
         TreePrivateKeys::Create(tree, *own_leaf, bundle.encryption_private_key.Clone()));
  if (opened.group_secrets.path_secret) {
    XS_RETURN_IF_ERROR(keys.ImplantPathSecret(tree, LeafIndex(group_info.signer),
                                              *opened.group_secrets.path_secret));
  }

  const crypto::Secret joiner = crypto::Secret::Copy(opened.group_secrets.joiner_secret);
  XS_TRY(EpochSecrets secrets,
         DeriveEpochSecretsFromJoiner(suite, joiner, opened.psk_secret, Serialize(context)));
  if (!VerifyConfirmationTag(suite, secrets.confirmation_key, context.confirmed_transcript_hash,
                             group_info.confirmation_tag)
           .ok()) {
    return MakeGroupError(GroupError::kConfirmationTagMismatch, "§12.4.3.1: GroupInfo tag");
  }

  const std::uint32_t leaf_count = tree.leaf_count();
  SecretTree secret_tree(suite, std::move(secrets.encryption_secret), leaf_count,
                         options.config.ratchet_window);
  GroupState state(suite, std::move(tree), std::move(keys), std::move(secret_tree));
  state.config = options.config;
  state.group_context = context;
  state.own_leaf_index = *own_leaf;
  state.signature_private_key = crypto::Secret::Copy(signature_private_key);
  state.interim_transcript_hash = ComputeInterimTranscriptHash(
      suite, context.confirmed_transcript_hash, group_info.confirmation_tag);
  state.secrets = std::move(secrets);
  state.secrets.joiner_secret = crypto::Secret();
  state.secrets.welcome_secret = crypto::Secret();
  state.external_psks = std::move(options.external_psks);
  return state;
}

}  // namespace xs::mls
