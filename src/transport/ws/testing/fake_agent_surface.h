// FakeAgentSurface: an in-memory AgentSurface for the WebSocket transport's
// tests and the bench's test server (never linked by the product). Tokens map
// to credentials; events are sequenced per credential into a replay buffer
// and delivered to attached sinks; the default request handler answers the 7
// requests the way the agent plane's contract says (send_message to a chat in
// scope "sends" and emits message.visible to every credential holding that
// chat; out of scope is a permission error, answered by Precheck).
//
// Thread contract: every method is thread-safe; sinks are called under the
// fake's mutex (the transport's sinks never block).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "signet/agent/agent_surface.h"

namespace xs::transport::ws::testing {

using signet::agent::AgentSurface;
using signet::agent::Attachment;
using signet::agent::AuthInfo;
using signet::agent::CredentialState;
using signet::agent::EventSink;
using signet::agent::Frame;
using signet::agent::Json;

class FakeAgentSurface final : public AgentSurface {
 public:
  using Handler =
      std::function<Result<Json>(const std::string& credential_id, const Json& request)>;

  explicit FakeAgentSurface(std::size_t replay_buffer_size = 1000);

  void AddCredential(const std::string& token, const std::string& credential_id,
                     std::vector<std::string> chats = {});
  void SetState(const std::string& credential_id, CredentialState state);
  // Replaces the default handler (nullptr restores it).
  void SetHandler(Handler handler);
  // Calls Close(code) on every sink of the credential (what the agent plane
  // does on revocation).
  void CloseSinks(const std::string& credential_id, int code, std::string_view reason);
  // Calls Deliver on every sink of the credential with a frame that is not
  // sequenced (floods for backpressure tests) and not buffered.
  void DeliverRaw(const std::string& credential_id, const Frame& frame, int times);

  std::size_t sink_count(const std::string& credential_id) const;
  std::size_t total_sinks() const;
  std::uint64_t handled() const { return handled_.load(); }
  std::uint64_t checks() const { return checks_.load(); }
  std::uint64_t prechecked() const { return prechecked_.load(); }
  std::vector<Json> emitted(const std::string& credential_id) const;

  Result<AuthInfo> Authenticate(std::string_view token) override;
  Result<Attachment> Attach(const std::string& credential_id,
                            std::optional<std::uint64_t> last_seen_seq,
                            std::shared_ptr<EventSink> sink) override;
  void Detach(const std::string& credential_id, const EventSink* sink) override;
  CredentialState Check(const std::string& credential_id) override;
  std::optional<Result<Json>> Precheck(const std::string& credential_id,
                                       const Json& request) override;
  Result<Json> Handle(const std::string& credential_id, const Json& request) override;
  void Emit(const std::string& credential_id, const Json& event) override;

 private:
  struct Credential {
    AuthInfo info;
    CredentialState state = CredentialState::kActive;
    std::set<std::string> chats;
    std::uint64_t next_seq = 1;
    std::deque<std::pair<std::uint64_t, Frame>> buffer;
    std::vector<std::shared_ptr<EventSink>> sinks;
    std::vector<Json> emitted;
  };
  void EmitLocked(Credential& c, const Json& event);
  Result<Json> DefaultHandle(const std::string& credential_id, const Json& request);

  const std::size_t replay_buffer_size_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> tokens_;  // token -> credential id
  std::map<std::string, Credential> credentials_;
  Handler handler_;
  std::atomic<std::uint64_t> handled_{0};
  std::atomic<std::uint64_t> checks_{0};
  std::atomic<std::uint64_t> prechecked_{0};
  std::atomic<std::uint64_t> next_message_{1};
};

}  // namespace xs::transport::ws::testing
