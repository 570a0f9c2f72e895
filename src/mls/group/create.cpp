#include "mls/group/create.h"

#include "crypto/random.h"
#include "mls/group/group_error.h"
#include "mls/group/proposal_list.h"
#include "mls/key_schedule.h"
#include "mls/messages/extensions.h"
#include "mls/messages/serialize.h"
#include "mls/transcript_hash.h"
#include "mls/tree/tree_validation.h"

namespace xs::mls {
namespace {

Lifetime DefaultLifetime(const Clock& clock) {
  const std::uint64_t now = static_cast<std::uint64_t>(clock.NowSeconds());
  return Lifetime{now > kKeyPackageNotBeforeSkewSeconds ? now - kKeyPackageNotBeforeSkewSeconds : 0,
                  now + kKeyPackageLifetimeSeconds};
}

}  // namespace

Result<GroupState> CreateGroup(const CreateGroupOptions& options,
                               std::span<const std::uint8_t> signature_private_key) {
  XS_TRY(const crypto::CipherSuite suite, crypto::CipherSuite::Create(options.cipher_suite));
  XS_TRY(Bytes signature_public_key, suite.SignaturePublicKeyOf(signature_private_key));

  crypto::HpkeKeyPair encryption = suite.GenerateHpkeKeyPair();
  LeafNode leaf;
  leaf.encryption_key = encryption.public_key;
  leaf.signature_key = std::move(signature_public_key);
  leaf.credential = options.leaf.credential;
  leaf.capabilities = options.leaf.capabilities;
  leaf.source = LeafNodeSource::kKeyPackage;
  leaf.lifetime = options.lifetime.value_or(DefaultLifetime(*options.config.clock));
  leaf.extensions = options.leaf.extensions;
  XS_RETURN_IF_ERROR(SignLeafNode(suite, leaf, signature_private_key, {}, LeafIndex(0)));

  XS_TRY(std::optional<RequiredCapabilities> required,
         RequiredCapabilitiesOf(options.group_context_extensions));
  LeafProfileCheck profile{suite.id(), required ? &*required : nullptr,
                           options.config.max_lifetime_range};
  XS_RETURN_IF_ERROR(CheckLeafNodeProfile(leaf, profile));

  PublicTree tree = PublicTree::Create(suite, std::move(leaf));
  XS_RETURN_IF_ERROR(CheckGroupContextExtensions(tree, options.group_context_extensions));
  XS_TRY(TreePrivateKeys keys,
         TreePrivateKeys::Create(tree, LeafIndex(0), std::move(encryption.private_key)));

  GroupContext context;
  context.version = kProtocolVersionMls10;
  context.cipher_suite = options.cipher_suite;
  context.group_id =
      options.group_id.empty() ? crypto::RandomVector(kDefaultGroupIdSize) : options.group_id;
  context.epoch = 0;
  context.tree_hash = tree.TreeHash();
  context.extensions = options.group_context_extensions;

  // §11: random init_secret, zero commit and PSK secrets, empty confirmed
  // transcript hash; the interim hash follows from the epoch-0 tag.
  const crypto::Secret init_secret = crypto::Secret::Random(suite.hash_size());
  const crypto::Secret zero = ZeroSecret(suite);
  XS_TRY(EpochSecrets secrets,
         DeriveEpochSecrets(suite, init_secret, zero, zero, Serialize(context)));
  XS_TRY(Bytes confirmation_tag, ComputeConfirmationTag(suite, secrets.confirmation_key,
                                                        context.confirmed_transcript_hash));

  const std::uint32_t leaf_count = tree.leaf_count();
  SecretTree secret_tree(suite, std::move(secrets.encryption_secret), leaf_count,
                         options.config.ratchet_window);
  GroupState state(suite, std::move(tree), std::move(keys), std::move(secret_tree));
  state.config = options.config;
  state.interim_transcript_hash =
      ComputeInterimTranscriptHash(suite, context.confirmed_transcript_hash, confirmation_tag);
  state.group_context = std::move(context);
  state.own_leaf_index = LeafIndex(0);
  state.signature_private_key = crypto::Secret::Copy(signature_private_key);
  state.secrets = std::move(secrets);
  state.secrets.joiner_secret = crypto::Secret();
  state.secrets.welcome_secret = crypto::Secret();
  return state;
}

}  // namespace xs::mls
