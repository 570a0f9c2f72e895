// The single point where the node validates an identity update before it is
// stored (protocol.md §1.1, §3.5), using the identity library
// (xs_xmtp_identity): the inbox's stored log is replayed into its current
// association state, the new update is applied on top, and the identifiers
// (Ethereum addresses, passkeys) that joined or left the inbox are reported
// for the node's identifier -> inbox index.
//
// Thread contract: pure function.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "xmtp/identity/associations/association.pb.h"

namespace xs::node {

struct IdentityEffect {
  // Lowercase identifiers (0x… addresses, hex passkeys).
  std::vector<std::string> added_identifiers;
  std::vector<std::string> removed_identifiers;
};

// `log` is the inbox's stored updates in ascending sequence order (empty for
// a new inbox). A rejected update is an Error::Validation saying why.
Result<IdentityEffect> ValidateIdentityUpdate(
    std::span<const ::xmtp::identity::associations::IdentityUpdate> log,
    const ::xmtp::identity::associations::IdentityUpdate& update);

}  // namespace xs::node
