// ClientHost: the native XMTP clients of one daemon, one per managed inbox,
// sharing one gRPC channel to the configured node and one client store
// (<dataDir>/db/<env>/clients.db3, 0600, sealed under a key the signet vault
// keeps). It is the runtime's XmtpNetwork too, so `inbox create` registers
// through Client::Register (key package, then the identity update) — the
// one way an inbox is registered.
//
//   ClientHost host({.url = url, .env_name = "local"});
//   runtime options.network = host;                       // shared_ptr
//   XS_RETURN_IF_ERROR(host->Start(path, key, inboxes));  // open, sync, stream
//   host->CheckNetwork();                                 // every sweep
//   host->Stop();                                         // streams, then clients, then store
//
// Every client streams (Client::StreamAll, which re-subscribes from its
// cursors with backoff). CheckNetwork probes the node: while it does not
// answer the state says so ("unreachable" and the error), and when it
// answers again every client catches up with SyncAll.
//
// Thread contract: thread-safe. Clients are only added until Stop(), so a
// Client* from ClientFor stays valid until then. Stream callbacks touch only
// atomics (they run under the client's lock, and actions take the runtime
// lock before a client's: a callback must never wait for the runtime). They
// also push to the Subscribe() queues, which never wait for their watchers.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "crypto/secret.h"
#include "signet/network/xmtp_network.h"

namespace xs::xmtp::api {
class ApiClient;
}
namespace xs::xmtp::store {
class Store;
}
namespace xs::xmtp::client {
class Client;
class ClientContext;
class MessageStream;
}  // namespace xs::xmtp::client

namespace xs::signet {

class HostEventQueue;
struct HostEvent;

// One managed inbox as the host needs it.
struct HostedInbox {
  std::string inbox_id;         // inbox_…
  std::string installation_id;  // hex
};

class ClientHost final : public XmtpNetwork {
 public:
  using LogSink = std::function<void(std::string_view event, const nlohmann::json& fields)>;
  struct Options {
    std::string url;  // http://host:port or https://host:port
    std::string env_name;
    const Clock* clock = nullptr;  // null: the system clock
    std::string tls_ca_pem;        // https nodes: CA to trust instead of the system roots
    LogSink log;                   // never given secrets
  };

  explicit ClientHost(Options options);
  ~ClientHost() override;
  ClientHost(const ClientHost&) = delete;
  ClientHost& operator=(const ClientHost&) = delete;

  // Opens the store and a client per inbox, then syncs and streams each. An
  // unreachable node does not fail the start (it is reported and retried);
  // a wrong store key or a broken store does.
  Status Start(const std::string& store_path, const crypto::Secret& store_key,
               const std::vector<HostedInbox>& inboxes);
  // Streams first, then the clients, then the store. Idempotent.
  void Stop();

  // XmtpNetwork: Client::Register for a fresh wallet (AddInstallation when
  // the address already has an inbox); the new client syncs and streams.
  Result<RegisteredInbox> RegisterInbox(const RegistrationKeys& keys) override;
  Result<bool> InboxExists(const std::string& network_inbox_id) override;
  // The inbox's identity state, installations and key packages as the node
  // serves them (inbox_network.cpp); {registered: false} when it has none.
  Result<nlohmann::json> InboxState(const std::string& network_inbox_id) override;
  // The inbox an address (0x…) belongs to, if any.
  Result<std::optional<std::string>> InboxIdForAddress(const std::string& address);
  std::string Describe() const override { return options_.env_name + " (" + options_.url + ")"; }

  // The client of an installation; not_found when the host has none,
  // network error while the host is not started.
  Result<xmtp::client::Client*> ClientFor(const std::string& installation_id);
  // A probe of the node; on recovery every client catches up.
  void CheckNetwork();
  // {networkState, networkError?, connectedInboxIds, clients:[…], messagesStreamed}
  nlohmann::json StatusJson() const;
  bool started() const { return started_.load(); }

  // A queue that receives every message and join the client streams see
  // from now on (host_events.h); dropping the queue unsubscribes.
  std::shared_ptr<HostEventQueue> Subscribe(std::size_t capacity);
  // The same for the joins only (no copy of, nor wake-up for, a message).
  std::shared_ptr<HostEventQueue> SubscribeJoins(std::size_t capacity);
  // Messages the clients applied from the network so far (progress of a sync).
  std::uint64_t AppliedMessages() const;

 private:
  struct Hosted;
  // StreamAll for a hosted client, publishing to the subscribers.
  void StartStream(Hosted& hosted);
  void Publish(const HostEvent& event);
  Status Adopt(const HostedInbox& inbox, std::unique_ptr<xmtp::client::Client> client);
  void SetReachable(bool reachable, const std::string& error);
  void Log(std::string_view event, const nlohmann::json& fields) const {
    if (options_.log) options_.log(event, fields);
  }

  Options options_;
  const Clock* clock_;
  mutable std::mutex mu_;
  std::unique_ptr<xmtp::api::ApiClient> api_;
  std::unique_ptr<xmtp::store::Store> store_;
  std::unique_ptr<xmtp::client::ClientContext> ctx_;
  std::map<std::string, std::unique_ptr<Hosted>> clients_;  // by installation id
  std::atomic<bool> started_{false};
  bool reachable_ = true;
  std::string network_error_;
  std::atomic<std::uint64_t> streamed_{0};
  // Never held with mu_; Publish runs on the stream threads.
  std::mutex watchers_mu_;
  std::vector<std::weak_ptr<HostEventQueue>> watchers_;
};

}  // namespace xs::signet
