#include "mls/group/key_package.h"

#include <algorithm>
#include <set>

#include "mls/messages/extensions.h"
#include "mls/messages/serialize.h"
#include "mls/tree/tree_validation.h"

namespace xs::mls {
namespace {

constexpr char kKeyPackageRefLabel[] = "MLS 1.0 KeyPackage Reference";
constexpr char kKeyPackageTbsLabel[] = "KeyPackageTBS";

bool Contains(const std::vector<std::uint16_t>& list, std::uint16_t value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Status NoDuplicateTypes(const std::vector<Extension>& extensions, std::string_view field) {
  std::set<std::uint16_t> seen;
  for (const Extension& ext : extensions) {
    if (!seen.insert(ext.extension_type).second) {
      return Error::Validation(field, "extension type appears twice");
    }
  }
  return OkStatus();
}

// Profile §1.6: extensions that belong to the GroupContext / GroupInfo /
// KeyPackage must not sit in a leaf node.
bool AllowedInLeafNode(std::uint16_t type) {
  switch (type) {
    case kExtensionRatchetTree:
    case kExtensionRequiredCapabilities:
    case kExtensionExternalPub:
    case kExtensionExternalSenders:
    case kExtensionLastResort:
    case kExtensionXmtpImmutableMetadata:
      return false;
    default:
      return true;
  }
}

bool AllowedInKeyPackage(std::uint16_t type) {
  switch (type) {
    case kExtensionApplicationId:
    case kExtensionRatchetTree:
    case kExtensionRequiredCapabilities:
    case kExtensionExternalPub:
    case kExtensionExternalSenders:
    case kExtensionXmtpImmutableMetadata:
      return false;
    default:
      return true;
  }
}

Status CheckLifetime(const Lifetime& lifetime, std::optional<std::uint64_t> now,
                     std::uint64_t max_range) {
  if (lifetime.not_before > lifetime.not_after) {
    return Error::Validation("mls.LeafNode.lifetime", "not_before is after not_after");
  }
  if (max_range != 0 && lifetime.not_after - lifetime.not_before > max_range) {
    return Error::Validation("mls.LeafNode.lifetime", "lifetime range is longer than allowed");
  }
  if (now && (*now < lifetime.not_before || *now > lifetime.not_after)) {
    return Error::Validation("mls.LeafNode.lifetime", "the current time is outside the lifetime");
  }
  return OkStatus();
}

}  // namespace

KeyPackageOptions XmtpKeyPackageOptions(std::string_view inbox_id, std::uint64_t now_seconds) {
  KeyPackageOptions options;
  options.cipher_suite = kXmtpCipherSuite;
  options.leaf.credential = MakeXmtpCredential(inbox_id);
  options.leaf.capabilities = XmtpLeafCapabilities();
  const Bytes inbox_bytes(inbox_id.begin(), inbox_id.end());
  options.leaf.extensions = {MakeApplicationIdExtension(inbox_bytes)};
  options.lifetime.not_before = now_seconds > kKeyPackageNotBeforeSkewSeconds
                                    ? now_seconds - kKeyPackageNotBeforeSkewSeconds
                                    : 0;
  options.lifetime.not_after = now_seconds + kKeyPackageLifetimeSeconds;
  options.extensions = {MakeLastResortExtension()};
  return options;
}

Result<KeyPackageBundle> CreateKeyPackage(const KeyPackageOptions& options,
                                          std::span<const std::uint8_t> signature_private_key) {
  XS_TRY(const crypto::CipherSuite suite, crypto::CipherSuite::Create(options.cipher_suite));
  XS_TRY(Bytes signature_public_key, suite.SignaturePublicKeyOf(signature_private_key));

  crypto::HpkeKeyPair init = suite.GenerateHpkeKeyPair();
  crypto::HpkeKeyPair encryption = suite.GenerateHpkeKeyPair();

  KeyPackageBundle bundle;
  KeyPackage& kp = bundle.key_package;
  kp.version = kProtocolVersionMls10;
  kp.cipher_suite = options.cipher_suite;
  kp.init_key = init.public_key;
  LeafNode& leaf = kp.leaf_node;
  leaf.encryption_key = encryption.public_key;
  leaf.signature_key = std::move(signature_public_key);
  leaf.credential = options.leaf.credential;
  leaf.capabilities = options.leaf.capabilities;
  leaf.source = LeafNodeSource::kKeyPackage;
  leaf.lifetime = options.lifetime;
  leaf.extensions = options.leaf.extensions;
  XS_RETURN_IF_ERROR(SignLeafNode(suite, leaf, signature_private_key, {}, LeafIndex(0)));
  kp.extensions = options.extensions;
  XS_TRY(kp.signature,
         suite.SignWithLabel(signature_private_key, kKeyPackageTbsLabel, EncodeKeyPackageTbs(kp)));

  bundle.init_private_key = std::move(init.private_key);
  bundle.encryption_private_key = std::move(encryption.private_key);
  return bundle;
}

Bytes MakeKeyPackageRef(const crypto::CipherSuite& suite, const KeyPackage& key_package) {
  return suite.RefHash(kKeyPackageRefLabel, Serialize(key_package));
}

Result<std::optional<RequiredCapabilities>> RequiredCapabilitiesOf(
    const std::vector<Extension>& extensions) {
  const Extension* ext = FindExtension(extensions, kExtensionRequiredCapabilities);
  if (ext == nullptr) return std::optional<RequiredCapabilities>();
  XS_TRY(RequiredCapabilities required, ParseRequiredCapabilitiesExtension(*ext));
  return std::optional<RequiredCapabilities>(std::move(required));
}

bool SupportsRequiredCapabilities(const Capabilities& capabilities,
                                  const RequiredCapabilities& required) {
  for (std::uint16_t type : required.extension_types) {
    if (!IsDefaultExtensionType(type) && !Contains(capabilities.extensions, type)) return false;
  }
  for (std::uint16_t type : required.proposal_types) {
    if (!IsDefaultProposalType(type) && !Contains(capabilities.proposals, type)) return false;
  }
  for (std::uint16_t type : required.credential_types) {
    if (!Contains(capabilities.credentials, type)) return false;
  }
  return true;
}

Status CheckLeafNodeProfile(const LeafNode& leaf, const LeafProfileCheck& check) {
  const Capabilities& caps = leaf.capabilities;
  if (!Contains(caps.versions, kProtocolVersionMls10)) {
    return Error::Validation("mls.LeafNode.capabilities", "protocol version mls10 not supported");
  }
  if (!Contains(caps.cipher_suites, check.cipher_suite)) {
    return Error::Validation("mls.LeafNode.capabilities", "the group's cipher suite is not listed");
  }
  if (check.required_capabilities != nullptr &&
      !SupportsRequiredCapabilities(caps, *check.required_capabilities)) {
    return Error::Validation("mls.LeafNode.capabilities",
                             "the group's required capabilities are not supported");
  }
  XS_RETURN_IF_ERROR(NoDuplicateTypes(leaf.extensions, "mls.LeafNode.extensions"));
  for (const Extension& ext : leaf.extensions) {
    if (!AllowedInLeafNode(ext.extension_type)) {
      return Error::Validation("mls.LeafNode.extensions", "extension type not allowed in a leaf");
    }
  }
  if (leaf.source == LeafNodeSource::kKeyPackage) {
    XS_RETURN_IF_ERROR(CheckLifetime(leaf.lifetime, std::nullopt, check.max_lifetime_range));
  }
  return OkStatus();
}

Status ValidateKeyPackage(const crypto::CipherSuite& suite, const KeyPackage& key_package,
                          const KeyPackageValidationOptions& options) {
  if (key_package.version != kProtocolVersionMls10) {
    return Error::Validation("mls.KeyPackage.version", "unsupported protocol version");
  }
  if (key_package.cipher_suite != options.cipher_suite || suite.id() != options.cipher_suite) {
    return Error::Validation("mls.KeyPackage.cipher_suite", "cipher suite does not match");
  }
  const LeafNode& leaf = key_package.leaf_node;
  if (leaf.source != LeafNodeSource::kKeyPackage) {
    return Error::Validation("mls.KeyPackage.leaf_node", "leaf node source is not key_package");
  }
  if (key_package.init_key.size() != suite.hpke_public_key_size()) {
    return Error::Validation("mls.KeyPackage.init_key", "wrong public key size");
  }
  if (key_package.init_key == leaf.encryption_key) {
    return Error::Validation("mls.KeyPackage.init_key", "init_key equals the encryption_key");
  }
  if (leaf.signature_key.size() != suite.signature_public_key_size() ||
      !suite.VerifyWithLabel(leaf.signature_key, kKeyPackageTbsLabel,
                             EncodeKeyPackageTbs(key_package), key_package.signature)) {
    return Error::Validation("mls.KeyPackage.signature", "key package signature is invalid");
  }
  XS_RETURN_IF_ERROR(VerifyLeafNodeSignature(suite, leaf, {}, LeafIndex(0)));
  if (!Contains(leaf.capabilities.credentials, leaf.credential.credential_type)) {
    return Error::Validation("mls.LeafNode.capabilities", "own credential type is not listed");
  }
  for (const Extension& ext : leaf.extensions) {
    if (!IsDefaultExtensionType(ext.extension_type) &&
        !Contains(leaf.capabilities.extensions, ext.extension_type)) {
      return Error::Validation("mls.LeafNode.extensions",
                               "leaf extension is not listed in its capabilities");
    }
  }
  LeafProfileCheck profile;
  profile.cipher_suite = options.cipher_suite;
  profile.required_capabilities = options.required_capabilities;
  profile.max_lifetime_range = options.max_lifetime_range;
  XS_RETURN_IF_ERROR(CheckLeafNodeProfile(leaf, profile));
  XS_RETURN_IF_ERROR(CheckLifetime(leaf.lifetime, options.now, 0));

  XS_RETURN_IF_ERROR(NoDuplicateTypes(key_package.extensions, "mls.KeyPackage.extensions"));
  for (const Extension& ext : key_package.extensions) {
    if (!AllowedInKeyPackage(ext.extension_type)) {
      return Error::Validation("mls.KeyPackage.extensions",
                               "extension type not allowed in a key package");
    }
  }
  if (options.require_last_resort &&
      FindExtension(key_package.extensions, kExtensionLastResort) == nullptr) {
    return Error::Validation("mls.KeyPackage.extensions", "last_resort extension is missing");
  }
  return OkStatus();
}

}  // namespace xs::mls
