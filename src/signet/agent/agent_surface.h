// AgentSurface: what a harness transport (the WebSocket server, later MCP)
// needs from the agent plane. The agent plane (signet/agent) implements it on
// top of the runtime; transports depend only on this header, so they can be
// tested against a fake.
//
// Events are sequenced and projected per credential, not per connection
// (decisions.md #25): a frame is built once, as the text the socket sends
// (`{"seq":N,"event":{...}}`), and shared by every connection of that
// credential and by the credential's replay buffer.
//
//   XS_TRY(AuthInfo who, surface.Authenticate(token));
//   XS_TRY(Attachment a, surface.Attach(who.credential_id, last_seen_seq, sink));
//   for (const auto& frame : a.replay) socket.Write(*frame);
//   ...
//   std::optional<Result<Json>> early = surface.Precheck(who.credential_id, request);
//   Result<Json> data = early ? *early : surface.Handle(who.credential_id, request);  // may block
//   surface.Detach(who.credential_id, sink.get());
//
// Thread contract: every method is thread-safe. Handle() may block (an MLS
// send waits for the node); call it off the socket's I/O thread. The agent
// plane calls EventSink methods from its own threads, never while holding a
// lock a transport could wait on, and never blocks on them.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace xs::signet::agent {

using Json = nlohmann::json;
using Frame = std::shared_ptr<const std::string>;

// Close codes of transport.md §1.
inline constexpr int kCloseNormal = 1000;
inline constexpr int kCloseGoingAway = 1001;
inline constexpr int kCloseRateLimited = 1008;
inline constexpr int kCloseAuthFailed = 4001;
inline constexpr int kCloseAuthTimeout = 4002;
inline constexpr int kCloseCredentialExpired = 4003;
inline constexpr int kCloseCredentialRevoked = 4004;
inline constexpr int kClosePolicyChange = 4005;
inline constexpr int kCloseBackpressure = 4008;
inline constexpr int kCloseProtocolError = 4009;
inline constexpr int kCloseDeadConnection = 4010;

// The `authenticated` frame's credential and scopes.
struct AuthInfo {
  std::string credential_id;
  std::string operator_id;
  std::string fingerprint;  // "sha256:" + hex of the token
  std::string issued_at;    // ISO-8601 with Z
  std::string expires_at;
  Json effective_scopes;  // {allow:[], deny:[]}
};

// Where a credential stands now (expiry applied). Anything but kActive
// closes its connections: kExpired 4003, kRevoked and kMissing 4004,
// kPending 4005.
enum class CredentialState { kActive, kExpired, kRevoked, kPending, kMissing };
inline int CloseCodeFor(CredentialState state) {
  switch (state) {
    case CredentialState::kActive:
      return 0;
    case CredentialState::kExpired:
      return kCloseCredentialExpired;
    case CredentialState::kPending:
      return kClosePolicyChange;
    case CredentialState::kRevoked:
    case CredentialState::kMissing:
      break;
  }
  return kCloseCredentialRevoked;
}

// One live connection of a credential.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // A sequenced frame for this connection's credential. Must not block.
  virtual void Deliver(const Frame& frame) = 0;
  // Several sequenced frames, in seq order (the inbound feed publishes a
  // burst of messages at once). The same as Deliver on each in turn; a
  // transport may override it to hand them over in one step. Must not block.
  virtual void DeliverBatch(std::span<const Frame> frames) {
    for (const Frame& frame : frames) Deliver(frame);
  }
  // The credential stopped being active (revoked, expired, pending): close
  // with `code` (transport.md close codes). Must not block.
  virtual void Close(int code, std::string_view reason) = 0;
};

struct Attachment {
  std::vector<Frame> replay;                  // frames to send after `authenticated`
  std::optional<std::uint64_t> resumed_from;  // lastSeenSeq when >= 1 frame replays
};

class AgentSurface {
 public:
  virtual ~AgentSurface() = default;

  // Token -> active credential. Unknown, expired, revoked or pending tokens
  // are auth errors (the transport answers 4001).
  virtual Result<AuthInfo> Authenticate(std::string_view token) = 0;

  // Registers `sink` for the credential's events and computes the replay
  // for `last_seen_seq` (nullopt = fresh) atomically: no event is both
  // replayed and delivered, none is lost between the two. A gap (the buffer
  // no longer holds last_seen_seq + 1) yields one new
  // `signet.recovery.complete` frame and no replay.
  virtual Result<Attachment> Attach(const std::string& credential_id,
                                    std::optional<std::uint64_t> last_seen_seq,
                                    std::shared_ptr<EventSink> sink) = 0;
  virtual void Detach(const std::string& credential_id, const EventSink* sink) = 0;

  // Registers `sink` for the credential's events from now on: no replay,
  // and nothing published on its account (a fresh Attach whose buffer no
  // longer starts at seq 1 sequences a `signet.recovery.complete`, which
  // every connection of the credential would see). For listeners that only
  // care about new events (MCP sessions).
  virtual Status AttachLive(const std::string& credential_id, std::shared_ptr<EventSink> sink) {
    auto attached = Attach(credential_id, std::nullopt, std::move(sink));
    if (!attached.ok()) return attached.error();
    return OkStatus();
  }

  // The credential's state now (cheap; called before every request).
  virtual CredentialState Check(const std::string& credential_id) = 0;

  // One harness request (events-and-pipeline.md §2), already parsed as a
  // JSON object with a string `type` and `requestId`. Returns the response's
  // `data`, or the error for `{ok:false, error}`. Schema errors are
  // validation errors. May block.
  virtual Result<Json> Handle(const std::string& credential_id, const Json& request) = 0;

  // The answer to a request when the checks that come before any blocking
  // work decide it (events-and-pipeline.md §2, scopes.md "Checks"): the
  // request's schema, a stale heartbeat, a chat outside the credential's
  // scope, a scope that is not effective, a content type not allowed.
  // nullopt when the request needs Handle(). Never blocks and takes no lock
  // a Handle() could hold for long, so a transport may call it on its I/O
  // thread after Check() (decisions.md #7: the credential first). A value is
  // exactly what Handle() would return for the same request and state.
  virtual std::optional<Result<Json>> Precheck(const std::string& credential_id,
                                               const Json& request) {
    (void)credential_id;
    (void)request;
    return std::nullopt;
  }

  // Sequences `event` for the credential and delivers it to every attached
  // sink (heartbeat, credential.expired on shutdown).
  virtual void Emit(const std::string& credential_id, const Json& event) = 0;
};

}  // namespace xs::signet::agent
