// AgentPlane::Core: the state the plane's threads, the runtime's listeners
// and the reveal actions share (agent_plane.cpp, inbound_feed.cpp,
// agent_requests.cpp, reveal_actions.cpp). Listeners and actions hold it by
// shared_ptr, so it outlives the AgentPlane object if the runtime does.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "signet/agent/agent_plane.h"
#include "signet/agent/event_hub.h"
#include "signet/agent/reveals.h"
#include "signet/chats/host_events.h"

namespace xs::signet::agent {

// What the plane knows of a credential, replaced whole on every change.
struct CredView {
  std::string id;
  std::string operator_id;
  CredentialStatus status = CredentialStatus::kActive;
  std::int64_t issued_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::vector<std::string> chat_ids;
  ScopePair effective;
  ScopeSet scopes;
  bool read_messages = false;
  std::vector<std::string> allowlist;  // effective content types
  // Shared by every version of the view: Handle(heartbeat) writes it.
  std::shared_ptr<std::atomic<std::int64_t>> last_heartbeat_ms;
  std::shared_ptr<EventHub::Channel> channel;  // null once revoked or expired
};
using CredViewPtr = std::shared_ptr<const CredView>;
using Viewers = std::vector<CredViewPtr>;

// Where the feed sends a group's messages.
struct Route {
  std::string chat_id;
  xmtp::client::Bytes group_id;
  std::string installation_id;             // hex: the stream that counts
  xmtp::client::Bytes installation_key;    // its bytes: messages it sent are the agents' own
  std::shared_ptr<const Viewers> viewers;  // active credentials covering the chat
};

struct AgentPlane::Core {
  Core(Runtime& rt, Chats* c, ClientHost* h, AgentPlaneOptions o);

  Runtime& runtime;
  Chats* chats;
  ClientHost* host;
  const Clock* clock;
  AgentPlaneOptions options;
  EventHub hub;
  RevealStore reveals;
  std::atomic<bool> stopped{false};

  // ---- the credential snapshot and the chat index (index_mu)
  mutable std::shared_mutex index_mu;
  std::unordered_map<std::string, CredViewPtr> creds;
  std::unordered_map<std::string, std::unordered_set<std::string>> chat_creds;  // active only
  std::unordered_map<std::string, std::shared_ptr<const Route>> chat_routes;
  std::map<xmtp::client::Bytes, std::shared_ptr<const Route>> group_routes;

  // Under the runtime lock: the snapshot and index follow `c`.
  void OnCredential(const Credential& c);
  // Under the runtime lock: snapshot, then the event and the close.
  void OnEvent(const CredentialEvent& event);
  CredViewPtr Find(const std::string& credential_id) const;
  CredentialState StateOf(const CredView& view) const;

  // ---- the worker (work_mu)
  std::mutex work_mu;
  std::condition_variable work_cv;
  // Credentials Check() found expired by the clock and asked the runtime to
  // record (so it asks once).
  std::mutex expiring_mu;
  std::set<std::string> expiring;
  std::deque<std::function<void()>> work;
  std::thread worker;
  // Revoked or expired credentials whose channel is gone (worker thread only).
  std::unordered_set<std::string> forgotten;
  void Post(std::function<void()> task);
  void RunWorker();
  // Sequences `event` on the worker (never blocks the caller).
  void PostEmit(const std::string& credential_id, Json event);
  // Closes the credential's sinks after the runtime released its lock.
  void PostClose(const std::string& credential_id, int code, std::string reason, bool forget);

  void Log(std::string_view event, const Json& fields) const {
    if (options.log) options.log(event, fields);
  }

  // ---- the feed
  std::shared_ptr<HostEventQueue> feed_queue;
  // Projects and publishes a batch of host events (in order, per
  // credential one PublishBatch).
  void Feed(std::span<const HostEvent> events);

  // reveal.request: replays the chat's matching history (runtime lock held).
  void ReplayRevealed(const Credential& c, const RevealRequest& reveal);

 private:
  void Reindex(const CredViewPtr& before, const CredViewPtr& after);
  void RebuildRoute(const std::string& chat_id);
};

// Registers reveal.request and reveal.list (reveal_actions.cpp).
void RegisterRevealActions(ActionRegistry& r, RuntimeState& s,
                           const std::shared_ptr<AgentPlane::Core>& core);

// The message as the pipeline takes it; nullopt when no agent may see it.
std::optional<RawMessage> ToRawMessage(const xmtp::client::Message& m, const std::string& chat_id);

}  // namespace xs::signet::agent
