// AgentPlane: the agent plane of one daemon, implementing AgentSurface
// (agent_surface.h) over the runtime, the chats and the client streams.
//
//   AgentPlane plane(runtime, &chats, &host, {.replay_buffer_size = 1000});
//   XS_RETURN_IF_ERROR(plane.Start());
//   ws_server.Serve(plane);          // a transport, through AgentSurface
//   ...
//   plane.Stop();                    // after the transports, before the host
//
// What it does:
//   * Events. RuntimeState::emit_agent_event sequences any subsystem's event
//     (seal.stamped, agent.revoked, action.confirmation_required, ...) into
//     the credential's EventHub channel. The hook only queues: the plane's
//     worker thread sequences and delivers, so no sink runs under the
//     runtime lock.
//   * Credentials. It observes every credential (Runtime::
//     ObserveCredentials) and emits credential.issued, credential.expired,
//     credential.reauthorization_required and scopes.updated. A credential
//     that stops being active has its sinks closed (CloseCodeFor) once the
//     runtime released its lock after the change, so events other listeners
//     emitted for the same change (agent.revoked) reach the socket first.
//     Revocation and expiry wipe the credential's reveals.
//   * Inbound feed. A thread reads ClientHost::Subscribe: each live message
//     of a chat, as seen by the installation of the chat's own inbox, is
//     projected (pipeline.h) once per active credential covering the chat
//     and sent as message.visible. An index chat -> credentials, updated by
//     the credential events, means a message touches only the credentials of
//     its chat and never takes the runtime lock. Messages the chat's own
//     inbox sent (the agents' own output) are not fed back.
//   * Requests. Handle() validates the 7 harness requests
//     (events-and-pipeline.md §2) and maps them onto the action registry as
//     a credential caller: send_message -> message.send, send_reply ->
//     message.reply, send_reaction -> message.react, confirm_action ->
//     action.confirm, reveal_content -> reveal.request; update_scopes and
//     heartbeat go to the runtime. Every request but heartbeat fails with an
//     auth error while the credential's heartbeat is stale.
//   * Reveals. reveal.request / reveal.list actions (callable by a
//     credential for its own store, by an admin naming credentialId);
//     reveal.request replays the chat's matching history as message.revealed.
//
// Thread contract: as AgentSurface (every method thread-safe). Start and
// Stop from one owning thread, never under the runtime lock. The plane must
// outlive the transports using it; the runtime and chats must outlive Stop().
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

#include "signet/agent/agent_surface.h"
#include "signet/chats/chats.h"
#include "signet/chats/client_host.h"
#include "signet/core/runtime.h"

namespace xs::signet::agent {

struct CredView;

// Host events the feed may fall behind by before messages are dropped (and
// logged as agent.feed_overflow).
inline constexpr std::size_t kDefaultFeedQueueCapacity = 1 << 16;

struct AgentPlaneOptions {
  std::size_t replay_buffer_size = 1000;  // ws.replayBufferSize
  std::size_t feed_queue_capacity = kDefaultFeedQueueCapacity;
  std::function<void(std::string_view event, const Json& fields)> log;  // never given secrets
};

// A send_message request's fields, read in place (the fast lane);
// `content` points into the request.
struct SendFields {
  std::string chat;
  std::string type;
  const Json* content = nullptr;
};

class AgentPlane final : public AgentSurface {
 public:
  // `chats` and `host` may be null (a daemon without clients): no inbound
  // feed and no reveal replays then.
  AgentPlane(Runtime& runtime, Chats* chats, ClientHost* host, AgentPlaneOptions options = {});
  ~AgentPlane() override;
  AgentPlane(const AgentPlane&) = delete;
  AgentPlane& operator=(const AgentPlane&) = delete;

  // Installs the event hook, observes the credentials, registers the
  // reveal.* actions and starts the feed and worker threads. Once.
  Status Start();
  // Stops the threads and removes the event hook. Idempotent.
  void Stop();

  Result<AuthInfo> Authenticate(std::string_view token) override;
  Result<Attachment> Attach(const std::string& credential_id,
                            std::optional<std::uint64_t> last_seen_seq,
                            std::shared_ptr<EventSink> sink) override;
  Status AttachLive(const std::string& credential_id, std::shared_ptr<EventSink> sink) override;
  void Detach(const std::string& credential_id, const EventSink* sink) override;
  CredentialState Check(const std::string& credential_id) override;
  std::optional<Result<Json>> Precheck(const std::string& credential_id,
                                       const Json& request) override;
  Result<Json> Handle(const std::string& credential_id, const Json& request) override;
  void Emit(const std::string& credential_id, const Json& event) override;

  // The credential's live reveals, whatever its state (status and tests).
  std::vector<Json> Reveals(const std::string& credential_id) const;

  // Waits until every event queued so far (hook events, closes) was
  // delivered. For tests and orderly shutdown.
  void Flush();

  struct Core;

 private:
  void RunFeed();
  // A request past Handle's own checks: the registry call (method and
  // params), or update_scopes / heartbeat (method empty).
  struct Prepared {
    std::shared_ptr<const CredView> view;
    std::string type;
    std::string method;
    Json params;
    std::optional<SendFields> send;  // send_message when built without params
    std::int64_t now_ms = 0;
  };
  // With build_params false (the fast lane), send_message fills `send`
  // instead of `params`.
  std::optional<Result<Json>> Prepare(const std::string& credential_id, const Json& request,
                                      Prepared& out, bool build_params = true);

  std::shared_ptr<Core> core_;
  std::thread feed_;
  bool started_ = false;
};

}  // namespace xs::signet::agent
