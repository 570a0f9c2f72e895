// What the network holds for an inbox, as anyone about to add it to a group
// would see it: the association state replayed (and verified) from its
// identity updates through the shared IdentityCache, and for every current
// installation the key package the node hands out, checked the way
// Client::AddMembers checks it (RFC 9420 §10.1 and the XMTP profile: suite,
// signatures, lifetime, last_resort, credential naming the inbox, leaf key
// equal to the installation key).
//
//   XS_TRY(NetworkInboxState state, FetchNetworkInboxState(ctx, inbox_id));
//   for (const auto& i : state.installations) i.key_package.state ...
//
// An installation whose key package is missing or unusable cannot be added to
// new groups (libxmtp skips it as a failed installation), which is what this
// view is for: `xs inbox info --network`.
//
// Thread contract: thread-safe (ClientContext is).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "xmtp/client/client.h"

namespace xs::xmtp::client {

struct KeyPackageStatus {
  enum class State {
    kValid,    // usable now
    kMissing,  // the node has none for the installation
    kExpired,  // lifetime ended (not_after < now)
    kNotYet,   // lifetime not started (not_before > now)
    kInvalid,  // does not parse, fails validation or belongs to someone else
  };
  State state = State::kMissing;
  std::uint64_t not_before = 0;  // seconds since the epoch; 0 when unknown
  std::uint64_t not_after = 0;
  bool last_resort = false;
  std::string error;  // kInvalid: why
};
const char* KeyPackageStateName(KeyPackageStatus::State state);

struct NetworkInstallation {
  Bytes key;                              // Ed25519 public key (the installation id)
  std::optional<std::uint64_t> added_ns;  // the client's timestamp on its association
  KeyPackageStatus key_package;
};

struct NetworkInboxState {
  std::string inbox_id;
  std::uint64_t sequence_id = 0;                   // of the newest identity update
  std::vector<std::string> addresses;              // Ethereum members, 0x…, sorted
  std::string recovery_identifier;                 // address or hex key
  std::vector<NetworkInstallation> installations;  // sorted by key
};

// NotFound when the network has no identity updates for the inbox;
// Validation for a malformed inbox id; Network errors name the endpoint.
Result<NetworkInboxState> FetchNetworkInboxState(ClientContext& ctx, const std::string& inbox_id);

}  // namespace xs::xmtp::client
