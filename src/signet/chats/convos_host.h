// ConvosHost: the host side of Convos invites (shared/spec/convos-interop.md
// §3). It watches the DMs of every managed inbox, live (ClientHost::Subscribe)
// and in catch-up at start (the newest kCatchUpMessages of each DM that is
// not denied), for join requests: a convos.org/join_request:1.0, or a text
// of at least 50 characters without spaces (older Convos clients send the
// bare slug). Requests are deduplicated on (sender, slug) and a request the
// DM already shows our invite_join_handled / invite_join_error marker for is
// not handled again (a restart does not re-add a member who was removed).
//
// For each request, in order: parse; usable (expiry); signed with the
// inbox's wallet key, created by the inbox, token decrypts (otherwise the DM
// is set to denied: spam); the group exists and is active; its appData tag
// (when set) equals the invite's (else revoked). Then: add the sender
// (unless already a member), send a profile_snapshot of every member's
// profile (the latest profile_update per member, else the newest snapshot,
// then the joiner's own profile from the request), allow the DM, and send
// invite_join_handled into it. An expired invite, a missing group or a
// revoked tag is answered with invite_join_error. Every decision is audited
// as `convos.join` {decision, reason?, tag, joinerInboxId, groupId?}.
//
//   ConvosHost convos(runtime, chats, host, log);
//   convos.Start();   // subscribes at once; catch-up once the host started
//   ...
//   convos.Stop();    // before the host stops
//
// Thread contract: Start/Stop from one owning thread. The worker thread
// takes the runtime lock for each request (as an action does), never while
// waiting for events.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "signet/chats/chats.h"
#include "signet/chats/client_host.h"
#include "signet/core/runtime.h"
#include "xmtp/client/client.h"

namespace xs::signet {

class HostEventQueue;

// DM messages the catch-up reads per DM (the newest), and the ones checked
// for our earlier handled/error marker.
inline constexpr std::uint32_t kCatchUpMessages = 10;
inline constexpr std::uint32_t kMarkerScanMessages = 50;
// Shortest text read as a bare invite slug (the reference's rule).
inline constexpr std::size_t kMinTextSlugChars = 50;
// Group messages scanned for members' profiles (newest first).
inline constexpr std::uint32_t kProfileScanMessages = 500;

class ConvosHost {
 public:
  ConvosHost(Runtime& runtime, Chats& chats, ClientHost& host, ClientHost::LogSink log);
  ~ConvosHost();
  ConvosHost(const ConvosHost&) = delete;
  ConvosHost& operator=(const ConvosHost&) = delete;

  void Start();
  void Stop();

 private:
  void Run();
  void CatchUp();
  void Handle(const std::string& installation_id, const xmtp::client::Message& message);

  Runtime& runtime_;
  Chats& chats_;
  ClientHost& host_;
  ClientHost::LogSink log_;
  std::shared_ptr<HostEventQueue> queue_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::set<std::string> seen_;  // sender + '\n' + slug without '*' (worker thread only)
};

}  // namespace xs::signet
