// The association states of the inboxes a client meets (protocol.md §3.5),
// as libxmtp resolves them: every inbox's identity updates are fetched once
// from the network (GetIdentityUpdates, then only the new ones), verified by
// replaying them (xmtp/identity ComputeState), and kept. Group membership
// records an inbox at an identity-log sequence id (GroupMembership, profile
// §2.3), so the cache answers "which installations did inbox X have at
// sequence id S" as well as "what is X's newest state".
//
//   IdentityCache cache(api);
//   XS_TRY(auto latest, cache.Latest(inbox_id));           // refreshes
//   XS_TRY(auto keys, cache.InstallationsAt(inbox_id, seq));
//
// Thread contract: shared by every client of a process; all calls are
// thread-safe (one mutex; network calls happen outside it).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "xmtp/api/api_client.h"
#include "xmtp/identity/association_state.h"

namespace xs::xmtp::client {

using Bytes = std::vector<std::uint8_t>;

// An inbox's state after the update with `sequence_id`.
struct ResolvedInbox {
  std::uint64_t sequence_id = 0;
  identity::AssociationState state;
};

class IdentityCache {
 public:
  explicit IdentityCache(api::ApiClient& api) : api_(api) {}

  // Fetches the updates after the newest one known and returns the newest
  // state. NotFound when the inbox has no updates.
  Result<ResolvedInbox> Latest(const std::string& inbox_id);
  // Installation keys of the inbox as of `sequence_id`: after the last
  // update at or before it (ids are global, not per inbox), fetching when
  // the cache has not reached it. Validation error when the id lies before
  // the inbox's first update or beyond the network's log.
  Result<std::set<Bytes>> InstallationsAt(const std::string& inbox_id, std::uint64_t sequence_id);
  // Newest states of several inboxes, fetched in one GetIdentityUpdates call.
  Status Refresh(const std::vector<std::string>& inbox_ids);

 private:
  struct Log {
    // Updates in sequence order with the state after each.
    std::vector<std::uint64_t> sequence_ids;
    std::vector<identity::AssociationState> states;
    std::vector<::xmtp::identity::associations::IdentityUpdate> updates;
  };
  // Appends fetched updates to the inbox's log (under the lock).
  Status Append(
      const std::string& inbox_id,
      const google::protobuf::RepeatedPtrField<
          ::xmtp::identity::api::v1::GetIdentityUpdatesResponse::IdentityUpdateLog>& updates);
  std::uint64_t NewestSequenceId(const std::string& inbox_id);

  api::ApiClient& api_;
  std::mutex mu_;
  std::map<std::string, Log> logs_;
};

}  // namespace xs::xmtp::client
