// SealService: seals in the running daemon (decisions.md #1-3, #12, #28).
// It wires a SealManager to the runtime:
//   - credentials (Runtime::ObserveCredentials): every active credential
//     has a seal in each of its chats (those that had none at start get
//     one); issue and scope/content-type changes chain a new seal; revoke
//     and expiry end each chain with a revocation seal;
//   - read elevation (Runtime::AddElevationListener): the chat's heads are
//     republished with adminAccess {operatorId: "owner", expiresAt} on
//     approval and without it on expiry;
//   - Sweep() (the daemon's periodic sweep): renewal at 75 % of 24 h, a
//     re-signature after a key rotation, and operator disclosure changes;
//   - the agent plane: `emit_agent_event` gets seal.stamped / agent.revoked,
//     `seal_provenance` answers the message-seal binding of a send;
//   - the actions seal.list, seal.info, seal.history, seal.verify;
//   - a SealPublisher that sends each seal to its chat as the chat's inbox
//     (PublishToChat), off the runtime lock, with retry and backoff.
// The signing key is the signet's own operational key (identity "signet",
// seal_key.h), created on first start.
//
// Thread contract: Start, Sweep and Stop from the daemon's thread; the
// hooks run under the runtime lock.
#pragma once

#include <memory>

#include "signet/chats/chats.h"
#include "signet/core/runtime.h"
#include "signet/seals/seal_manager.h"
#include "signet/seals/seal_publisher.h"

namespace xs::signet::seals {

class SealService {
 public:
  struct Options {
    SealPublisher::Log log;  // never given secrets
    SealPublisher::Options publish;
    // Tests without clients publish elsewhere; null: PublishToChat.
    SealPublisher::Send send;
  };
  // `chats` may be null (a daemon without clients): seals are issued and
  // kept but not published.
  SealService(Runtime& runtime, Chats* chats, Options options);
  ~SealService();
  SealService(const SealService&) = delete;
  SealService& operator=(const SealService&) = delete;

  Status Start();
  void Sweep();
  // Stops publishing (the hooks stay harmless: they only queue).
  void Stop();

  SealPublisher& publisher() { return *publisher_; }
  // Use under the runtime lock (Runtime::WithState).
  SealManager& manager() { return *manager_; }

 private:
  struct Hooks;
  Runtime& runtime_;
  Chats* chats_;
  Options options_;
  std::unique_ptr<SealPublisher> publisher_;
  std::unique_ptr<RecordSet> records_;
  std::unique_ptr<SealManager> manager_;
  std::unique_ptr<Hooks> hooks_;
};

}  // namespace xs::signet::seals
