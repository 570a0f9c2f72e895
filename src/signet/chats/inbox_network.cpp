// ClientHost::InboxState: `xs inbox info --network` through the native
// client's identity cache and the node's key packages.
#include "base/clock.h"
#include "codec/hex.h"
#include "signet/chats/chats_internal.h"
#include "signet/chats/client_host.h"
#include "xmtp/client/client.h"
#include "xmtp/client/inbox_state.h"

namespace xs::signet {

namespace client = xmtp::client;
using nlohmann::json;

namespace {

constexpr std::int64_t kMsPerSecond = 1'000;

json KeyPackageJson(const client::KeyPackageStatus& kp) {
  json out = {{"state", client::KeyPackageStateName(kp.state)}};
  if (kp.state == client::KeyPackageStatus::State::kMissing) return out;
  if (kp.not_after != 0) {
    out["notBefore"] = IsoTime(static_cast<std::int64_t>(kp.not_before) * kMsPerSecond);
    out["notAfter"] = IsoTime(static_cast<std::int64_t>(kp.not_after) * kMsPerSecond);
  }
  out["lastResort"] = kp.last_resort;
  if (!kp.error.empty()) out["error"] = kp.error;
  return out;
}

}  // namespace

Result<json> ClientHost::InboxState(const std::string& network_inbox_id) {
  client::ClientContext* ctx = nullptr;
  {
    std::lock_guard lock(mu_);
    if (!started_) return Error::Network(options_.url, "the XMTP clients are not running");
    ctx = ctx_.get();
  }
  json out = {{"registered", true}, {"network", Describe()}};
  auto state = client::FetchNetworkInboxState(*ctx, network_inbox_id);
  if (!state.ok()) {
    if (!state.error().IsNotFound()) return state.error();
    out["registered"] = false;
    return out;
  }
  json installations = json::array();
  for (const auto& i : state->installations) {
    json row = {{"id", codec::HexEncode(i.key)}, {"keyPackage", KeyPackageJson(i.key_package)}};
    if (i.added_ns) row["addedAt"] = IsoTime(static_cast<std::int64_t>(*i.added_ns) / kNsPerMs);
    installations.push_back(std::move(row));
  }
  out["sequenceId"] = state->sequence_id;
  out["addresses"] = state->addresses;
  out["recoveryIdentifier"] = state->recovery_identifier;
  out["installations"] = std::move(installations);
  return out;
}

}  // namespace xs::signet
