// Creating a group (RFC 9420 §11): epoch 0 with this member alone at leaf 0,
// a random init_secret, the given group-context extensions (XMTP: see
// MakeXmtpGroupContextExtensions, profile §2.3) and an empty confirmed
// transcript hash.
//
//   CreateGroupOptions options;
//   options.leaf = XmtpKeyPackageOptions(inbox_id, now).leaf;
//   options.group_context_extensions = MakeXmtpGroupContextExtensions(...);
//   XS_TRY(GroupState group, CreateGroup(options, installation_key));
//
// Thread contract: pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "mls/group/group_state.h"
#include "mls/group/key_package.h"

namespace xs::mls {

// libxmtp's group ids are 16 random bytes (OpenMLS GroupId::random).
inline constexpr std::size_t kDefaultGroupIdSize = 16;

struct CreateGroupOptions {
  std::uint16_t cipher_suite = kXmtpCipherSuite;
  Bytes group_id;  // random kDefaultGroupIdSize bytes when empty
  LeafNodeOptions leaf;
  // The creator's leaf lifetime; [now - 1 h, now + 84 days] when unset.
  std::optional<Lifetime> lifetime;
  std::vector<Extension> group_context_extensions;
  GroupConfig config;
};

// Validation errors: the creator's leaf must support the group-context
// extensions and the required capabilities it asks for (§12.1.7, §7.3).
Result<GroupState> CreateGroup(const CreateGroupOptions& options,
                               std::span<const std::uint8_t> signature_private_key);

}  // namespace xs::mls
