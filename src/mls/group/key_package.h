// KeyPackages (RFC 9420 §10): creating a signed KeyPackage with fresh HPKE
// init and leaf encryption keys, validating one received from the network or
// carried in an Add proposal (§10.1, §7.3), and its KeyPackageRef (§5.2).
//
// XMTP's KeyPackage (profile §2.2): suite 3, basic credential holding
// MlsCredential{inbox_id}, the leaf capabilities of XmtpLeafCapabilities(),
// leaf extension application_id = inbox id, KeyPackage extension last_resort,
// lifetime [now - 1 h, now + 84 days]. XmtpKeyPackageOptions() fills these in.
//
//   XS_TRY(KeyPackageBundle kp, CreateKeyPackage(XmtpKeyPackageOptions(inbox, now), sig_priv));
//   upload Serialize(kp.key_package); keep kp.init_private_key and
//   kp.encryption_private_key until a Welcome for it arrives.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "mls/group/xmtp_profile.h"
#include "mls/messages/leaf.h"

namespace xs::mls {

struct LeafNodeOptions {
  Credential credential;
  Capabilities capabilities;
  std::vector<Extension> extensions;  // leaf-node extensions (application_id, ...)
};

struct KeyPackageOptions {
  std::uint16_t cipher_suite = kXmtpCipherSuite;
  LeafNodeOptions leaf;
  Lifetime lifetime;
  std::vector<Extension> extensions;  // KeyPackage extensions (last_resort, ...)
};

// The options libxmtp uses for an installation of `inbox_id` (profile §2.2),
// valid from now - 1 h for 84 days.
KeyPackageOptions XmtpKeyPackageOptions(std::string_view inbox_id, std::uint64_t now_seconds);

// A KeyPackage with the private keys of its two HPKE keys.
struct KeyPackageBundle {
  KeyPackage key_package;
  crypto::Secret init_private_key;
  crypto::Secret encryption_private_key;
};

// Signs with `signature_private_key` (Ed25519 seed); the leaf's signature_key
// is its public key.
Result<KeyPackageBundle> CreateKeyPackage(const KeyPackageOptions& options,
                                          std::span<const std::uint8_t> signature_private_key);

// KeyPackageRef = RefHash("MLS 1.0 KeyPackage Reference", KeyPackage).
Bytes MakeKeyPackageRef(const crypto::CipherSuite& suite, const KeyPackage& key_package);

struct KeyPackageValidationOptions {
  // The group's (or the expected) cipher suite.
  std::uint16_t cipher_suite = kXmtpCipherSuite;
  // When set, the lifetime must contain this time (seconds since the epoch).
  std::optional<std::uint64_t> now;
  // Longest acceptable not_after - not_before; 0 = no limit.
  std::uint64_t max_lifetime_range = kMaxLeafLifetimeRangeSeconds;
  // XMTP KeyPackages always carry last_resort (profile §1.7).
  bool require_last_resort = false;
  // The group's required_capabilities, when it has one.
  const RequiredCapabilities* required_capabilities = nullptr;
};

// §10.1 + §7.3 checks that need no group state: version, suite, signatures
// of the KeyPackage and of its leaf, leaf source key_package, init_key !=
// encryption_key, lifetime, capabilities (version, suite, credential type,
// non-default leaf extensions, required capabilities) and extension placement
// (profile §1.6). Validation error naming the failed rule.
Status ValidateKeyPackage(const crypto::CipherSuite& suite, const KeyPackage& key_package,
                          const KeyPackageValidationOptions& options);

// The §7.3 / profile checks on a LeafNode that depend on the group's
// parameters and that the tree layer's ValidateLeafNode (tree_validation.h)
// leaves to the group: capabilities list mls10 and the group's suite and
// cover the group's required_capabilities, no extension type twice, leaf
// extension placement (profile §1.6) and, for key_package leaves, the
// lifetime range.
struct LeafProfileCheck {
  std::uint16_t cipher_suite = kXmtpCipherSuite;
  const RequiredCapabilities* required_capabilities = nullptr;
  std::uint64_t max_lifetime_range = kMaxLeafLifetimeRangeSeconds;  // 0 = no limit
};
Status CheckLeafNodeProfile(const LeafNode& leaf, const LeafProfileCheck& check);

// The required_capabilities extension of a GroupContext extension list, if
// any (Validation error when it does not parse).
Result<std::optional<RequiredCapabilities>> RequiredCapabilitiesOf(
    const std::vector<Extension>& extensions);

// True when `capabilities` covers every type in `required` (RFC default
// extension / proposal types count as supported).
bool SupportsRequiredCapabilities(const Capabilities& capabilities,
                                  const RequiredCapabilities& required);

}  // namespace xs::mls
