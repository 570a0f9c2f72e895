#include "signet/chats/client_host.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "base/unique_fd.h"
#include "codec/hex.h"
#include "signet/chats/host_events.h"
#include "xmtp/api/api_client.h"
#include "xmtp/client/client.h"
#include "xmtp/identity/inbox_id.h"
#include "xmtp/identity/signer.h"
#include "xmtp/store/store.h"

namespace xs::signet {

namespace client = xmtp::client;
using nlohmann::json;

namespace {

// An address no inbox will ever hold: the probe asks the node about it.
constexpr const char* kProbeAddress = "0x0000000000000000000000000000000000000000";
constexpr mode_t kStoreFileMode = 0600;

}  // namespace

struct ClientHost::Hosted {
  HostedInbox inbox;
  std::unique_ptr<client::Client> client;  // null: it could not be opened
  // Declared after the client: destroyed (stopped) before it.
  std::unique_ptr<client::MessageStream> stream;
  std::string state;  // "streaming" | "offline" | "unavailable"
  std::string error;
};

ClientHost::ClientHost(Options options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : SystemClock::Get()) {}

ClientHost::~ClientHost() { Stop(); }

Status ClientHost::Start(const std::string& store_path, const crypto::Secret& store_key,
                         const std::vector<HostedInbox>& inboxes) {
  std::vector<Hosted*> opened;
  {
    std::lock_guard lock(mu_);
    if (started_) return Error::Internal("client host started twice");
    xmtp::api::ApiOptions api_options;
    api_options.tls_ca_pem = options_.tls_ca_pem;
    XS_TRY(api_, xmtp::api::ApiClient::Connect(options_.url, std::move(api_options)));
    // 0600 from the first byte; SQLite gives its -wal and -shm files the
    // same mode.
    {
      UniqueFd fd(::open(store_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, kStoreFileMode));
      if (!fd) return Error::Internal("cannot create the client store " + store_path);
      ::fchmod(fd.get(), kStoreFileMode);
    }
    XS_TRY(store_, xmtp::store::Store::Open(store_path, store_key, *clock_));
    ctx_ = std::make_unique<client::ClientContext>(
        *api_, *store_, *clock_, [this](std::string_view line) {
          Log("client.rejected", {{"detail", std::string(line)}});
        });
    for (const auto& inbox : inboxes) {
      auto hosted = std::make_unique<Hosted>();
      hosted->inbox = inbox;
      auto key = codec::HexDecode(inbox.installation_id);
      auto opened_client = key.ok() ? client::Client::Open(*ctx_, *key)
                                    : Result<std::unique_ptr<client::Client>>(key.error());
      if (opened_client.ok()) {
        hosted->client = std::move(opened_client).value();
        opened.push_back(hosted.get());
      } else {
        hosted->state = "unavailable";
        hosted->error = opened_client.error().message();
        Log("client.unavailable", {{"inboxId", inbox.inbox_id}, {"error", hosted->error}});
      }
      clients_[inbox.installation_id] = std::move(hosted);
    }
    started_ = true;
  }
  // Catch up, then stream; the node being down is reported, not fatal.
  bool reachable = true;
  std::string error;
  for (Hosted* h : opened) {
    Status synced = h->client->SyncAll();
    std::lock_guard lock(mu_);
    if (synced.ok()) {
      h->state = "streaming";
    } else {
      h->state = "offline";
      h->error = synced.error().message();
      if (synced.error().IsNetwork()) {
        reachable = false;
        error = h->error;
      }
      Log("client.sync_failed", {{"inboxId", h->inbox.inbox_id}, {"error", h->error}});
    }
    StartStream(*h);
  }
  if (!reachable) SetReachable(false, error);
  Log("clients.started", {{"clients", clients_.size()}, {"opened", opened.size()}});
  return OkStatus();
}

void ClientHost::Stop() {
  std::map<std::string, std::unique_ptr<Hosted>> clients;
  {
    std::lock_guard lock(mu_);
    if (!started_.exchange(false)) return;
    clients.swap(clients_);
  }
  for (auto& [id, h] : clients) {
    if (h->stream) h->stream->Stop();
  }
  clients.clear();
  std::lock_guard lock(mu_);
  ctx_.reset();
  store_.reset();
  api_.reset();
}

Status ClientHost::Adopt(const HostedInbox& inbox, std::unique_ptr<client::Client> c) {
  auto hosted = std::make_unique<Hosted>();
  hosted->inbox = inbox;
  hosted->client = std::move(c);
  hosted->state = "streaming";
  StartStream(*hosted);
  std::lock_guard lock(mu_);
  clients_[inbox.installation_id] = std::move(hosted);
  return OkStatus();
}

void ClientHost::StartStream(Hosted& hosted) {
  const std::string installation = hosted.inbox.installation_id;
  // The stream reads every group message anyway: a send returns once the
  // node took it, and the stream reads it back (Client::ReadBack).
  hosted.client->SetReadBack(client::Client::ReadBack::kStream);
  hosted.stream = hosted.client->StreamAll(
      [this, installation](const client::Message& m) {
        ++streamed_;
        Publish({HostEvent::Kind::kMessage, installation, m.group_id, m});
      },
      [this, installation](const client::Bytes& group_id) {
        Publish({HostEvent::Kind::kJoined, installation, group_id, {}});
      });
}

std::shared_ptr<HostEventQueue> ClientHost::Subscribe(std::size_t capacity) {
  auto queue = std::make_shared<HostEventQueue>(capacity);
  std::lock_guard lock(watchers_mu_);
  watchers_.push_back(queue);
  return queue;
}

std::shared_ptr<HostEventQueue> ClientHost::SubscribeJoins(std::size_t capacity) {
  auto queue = std::make_shared<HostEventQueue>(capacity, HostEventKinds::kJoinsOnly);
  std::lock_guard lock(watchers_mu_);
  watchers_.push_back(queue);
  return queue;
}

std::uint64_t ClientHost::AppliedMessages() const {
  std::lock_guard lock(mu_);
  std::uint64_t n = 0;
  for (const auto& [id, h] : clients_) {
    if (h->client) n += h->client->applied_messages();
  }
  return n;
}

void ClientHost::Publish(const HostEvent& event) {
  std::lock_guard lock(watchers_mu_);
  std::erase_if(watchers_, [&](const std::weak_ptr<HostEventQueue>& w) {
    auto queue = w.lock();
    if (queue) queue->Push(event);
    return queue == nullptr;
  });
}

Result<RegisteredInbox> ClientHost::RegisterInbox(const RegistrationKeys& keys) {
  if (!started_) return Error::Network(options_.url, "the XMTP clients are not running");
  if (keys.wallet_private_key == nullptr) return Error::Internal("registration needs a wallet key");
  if (keys.installation_private_seed != nullptr) {
    return Error::Internal("the native client makes its own installation key");
  }
  XS_TRY(auto wallet, xmtp::identity::WalletKey::FromPrivateKey(keys.wallet_private_key->bytes()));
  XS_TRY(std::optional<std::string> existing, api_->GetInboxIdForAddress(wallet.address()));
  std::unique_ptr<client::Client> c;
  if (existing) {
    XS_TRY(c, client::Client::AddInstallation(*ctx_, wallet));
  } else {
    XS_TRY(c, client::Client::Register(*ctx_, wallet));
  }
  RegisteredInbox out{c->inbox_id(), codec::HexEncode(c->installation_key())};
  XS_RETURN_IF_ERROR(Adopt({keys.inbox_id, out.installation_id}, std::move(c)));
  Log("client.registered", {{"inboxId", keys.inbox_id}, {"networkInboxId", out.network_inbox_id}});
  return out;
}

Result<bool> ClientHost::InboxExists(const std::string& network_inbox_id) {
  if (!xmtp::identity::IsValidInboxId(network_inbox_id)) {
    return Error::Validation("inboxId", "an XMTP inbox id is 64 lowercase hex digits");
  }
  if (!started_) return Error::Network(options_.url, "the XMTP clients are not running");
  XS_TRY(auto logs, api_->GetIdentityUpdates(network_inbox_id, 0));
  return !logs.empty();
}

Result<std::optional<std::string>> ClientHost::InboxIdForAddress(const std::string& address) {
  if (!started_) return Error::Network(options_.url, "the XMTP clients are not running");
  return api_->GetInboxIdForAddress(address);
}

Result<client::Client*> ClientHost::ClientFor(const std::string& installation_id) {
  std::lock_guard lock(mu_);
  if (!started_) return Error::Network(options_.url, "the XMTP clients are not running");
  auto it = clients_.find(installation_id);
  if (it == clients_.end()) return Error::NotFound("no client for installation " + installation_id);
  if (!it->second->client) {
    return Error::Internal("the inbox's client could not be opened: " + it->second->error);
  }
  return it->second->client.get();
}

void ClientHost::SetReachable(bool reachable, const std::string& error) {
  std::lock_guard lock(mu_);
  if (reachable_ != reachable) {
    if (reachable) {
      Log("network.reachable", {{"url", options_.url}});
    } else {
      Log("network.unreachable", {{"url", options_.url}, {"error", error}});
    }
  }
  reachable_ = reachable;
  network_error_ = reachable ? "" : error;
}

void ClientHost::CheckNetwork() {
  if (!started_) return;
  auto probe = api_->GetInboxIdForAddress(kProbeAddress);
  bool was_reachable;
  {
    std::lock_guard lock(mu_);
    was_reachable = reachable_;
  }
  if (!probe.ok()) {
    SetReachable(false, probe.error().message());
    return;
  }
  SetReachable(true, "");
  std::vector<Hosted*> behind;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, h] : clients_) {
      if (h->client && (!was_reachable || h->state == "offline")) behind.push_back(h.get());
    }
  }
  // Back online: catch up (the streams re-subscribe on their own).
  for (Hosted* h : behind) {
    Status synced = h->client->SyncAll();
    std::lock_guard lock(mu_);
    h->state = synced.ok() ? "streaming" : "offline";
    h->error = synced.ok() ? "" : synced.error().message();
  }
}

json ClientHost::StatusJson() const {
  std::lock_guard lock(mu_);
  json connected = json::array();
  json clients = json::array();
  for (const auto& [id, h] : clients_) {
    const bool live = reachable_ && h->state == "streaming";
    if (live) connected.push_back(h->inbox.inbox_id);
    json c = {{"inboxId", h->inbox.inbox_id},
              {"installationId", h->inbox.installation_id},
              {"state", reachable_ || !h->client ? h->state : "offline"}};
    if (h->client) c["networkInboxId"] = h->client->inbox_id();
    if (!h->error.empty()) c["error"] = h->error;
    clients.push_back(std::move(c));
  }
  json out = {{"networkState", !started_    ? "stopped"
                               : reachable_ ? "connected"
                                            : "unreachable"},
              {"connectedInboxIds", connected},
              {"clients", clients},
              {"messagesStreamed", streamed_.load()}};
  if (!reachable_) out["networkError"] = network_error_;
  return out;
}

}  // namespace xs::signet
