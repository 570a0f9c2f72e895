// Joining a group from a Welcome (RFC 9420 §12.4.3.1), plus the GroupInfo
// signature helpers the committer uses to build one.
//
//   XS_TRY(GroupState group, JoinFromWelcome(welcome, key_package_bundle, installation_key));
//
// Steps: find the EncryptedGroupSecrets for our KeyPackageRef, HPKE-decrypt
// the GroupSecrets with the KeyPackage's init key, derive the welcome key
// and decrypt the GroupInfo, take the tree from its ratchet_tree extension
// (or JoinOptions.ratchet_tree), verify the GroupInfo signature with the
// signer's leaf, validate the tree (tree hash, parent hashes, leaves,
// unmerged leaves, unique keys), find our leaf, implant the path secret,
// derive the epoch from the joiner secret and check the confirmation tag.
// XMTP: Welcomes with PSKs are rejected (profile §1.1) unless
// config.allow_psks; leaf lifetimes are not checked (JoinOptions.now unset).
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>

#include "base/result.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "mls/group/group_state.h"
#include "mls/group/key_package.h"
#include "mls/messages/group.h"

namespace xs::mls {

struct JoinOptions {
  GroupConfig config;
  // The tree, when the GroupInfo has no ratchet_tree extension.
  std::optional<RatchetTree> ratchet_tree;
  // When set, leaf lifetimes in the tree must contain this time.
  std::optional<std::uint64_t> now;
  // Tests: external PSKs by psk_id (needs config.allow_psks).
  std::map<Bytes, crypto::Secret> external_psks;
};

Result<GroupState> JoinFromWelcome(const Welcome& welcome, const KeyPackageBundle& bundle,
                                   std::span<const std::uint8_t> signature_private_key,
                                   JoinOptions options = {});

// The first steps alone (welcome.json): the GroupSecrets meant for
// `key_package` and the decrypted (not yet verified) GroupInfo.
struct OpenedWelcome {
  GroupSecrets group_secrets;
  GroupInfo group_info;
  crypto::Secret psk_secret;
};
Result<OpenedWelcome> OpenWelcome(const crypto::CipherSuite& suite, const Welcome& welcome,
                                  const KeyPackage& key_package,
                                  std::span<const std::uint8_t> init_private_key,
                                  const JoinOptions& options = {});

// SignWithLabel / VerifyWithLabel "GroupInfoTBS" (§12.4.3).
Status SignGroupInfo(const crypto::CipherSuite& suite, GroupInfo& group_info,
                     std::span<const std::uint8_t> signature_private_key);
Status VerifyGroupInfoSignature(const crypto::CipherSuite& suite, const GroupInfo& group_info,
                                std::span<const std::uint8_t> signer_public_key);

}  // namespace xs::mls
