// Runtime: the signet core the daemon embeds. Opens a data dir (vault, store,
// audit log), owns the managers and the ActionRegistry with every admin
// action registered, and exposes the fast credential-token check.
//
//   Runtime::Init(opt)  -- `xs init`: creates data dir, vault (root, admin and
//                          data keys), <dataDir>/admin.key, the store; then opens.
//   Runtime::Open(opt)  -- daemon start: unseals the vault (auth error on a
//                          wrong passphrase / key file) and loads state.
//
// Thread contract: thread-safe. Every registered handler runs under one
// recursive mutex; VerifyToken() does not take it (shared-lock token index).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "signet/core/action.h"
#include "signet/core/runtime_state.h"

namespace xs::signet {

// Everything the XMTP client needs to run one managed inbox.
struct InboxSecrets {
  std::string inbox_id;
  std::string network_inbox_id;
  std::string address;
  std::string installation_id;        // hex; its private key is in the client store
  crypto::Secret wallet_private_key;  // secp256k1, 32 bytes
  crypto::Secret db_key;              // 32 bytes, for the identity's MLS database
  std::string db_path;                // <dataDir>/db/<env>/<inboxId>.db3
};

class Runtime {
 public:
  static Result<std::unique_ptr<Runtime>> Init(RuntimeOptions options);
  static Result<std::unique_ptr<Runtime>> Open(RuntimeOptions options);
  static bool IsInitialized(const std::string& data_dir);

  // Dispatch an action (same as registry().Call).
  Result<Json> Call(std::string_view method, const Json& params, const CallContext& ctx);
  ActionRegistry& registry() { return registry_; }

  // Bearer-token authentication fast path (thread-safe, lock-free of the
  // runtime mutex).
  Result<TokenCheck> VerifyToken(std::string_view token) const;
  // Full authentication with the runtime lock (heartbeat staleness, record).
  Result<Credential> AuthenticateToken(std::string_view token);

  // Harness (credential) paths, each under the runtime lock.
  // update_scopes over WS: narrowing applies in place; escalation sets the
  // credential pending (params: allow?[], deny?[]).
  Result<UpdateResult> UpdateScopesFromHarness(const std::string& credential_id,
                                               const Json& params);
  Status Heartbeat(const std::string& credential_id);
  Result<Credential> RenewCredential(const std::string& credential_id);
  // Event hooks for the seal engine / WS server (called under the lock; must
  // not call back into the runtime).
  void AddCredentialListener(std::function<void(const CredentialEvent&)> fn);
  // Atomically: `existing` sees every credential as it is now (expiry
  // applied), then `fn` is registered, so no change falls between the two.
  void ObserveCredentials(const std::function<void(const Credential&)>& existing,
                          std::function<void(const CredentialEvent&)> fn);
  void AddElevationListener(std::function<void(const ElevationEvent&)> fn);

  // Keys of a managed inbox (id, short id, label, network id or address).
  Result<InboxSecrets> GetInboxSecrets(std::string_view inbox_ref);
  // Lets the chat subsystem resolve chat references in credential.issue.
  void SetChatResolver(std::function<Result<std::string>(std::string_view)> fn);

  // Subsystems outside core (the chats) register their actions here: each
  // handler runs under the runtime lock and is audited like the built-in ones.
  void Extend(const std::function<void(ActionRegistry&, RuntimeState&)>& register_actions);
  // Runs `fn` under the runtime lock (periodic work of a subsystem).
  Status WithState(const std::function<Status(RuntimeState&)>& fn);
  // The key of the native client's store (created on first use, sealed in
  // this store as a `key` row of kind "client-store").
  Result<crypto::Secret> ClientStoreKey();

  // Admin JWT support: verify with the public key; sign without exporting.
  const PublicKey32& admin_public_key() const;
  std::string admin_fingerprint() const;
  Signature64 SignWithAdminKey(std::span<const std::uint8_t> bytes) const;

  // Periodic work, at least every 5 s (decisions.md #6): credential expiry and
  // heartbeat timeouts, pending-action expiry, elevation expiry, and the
  // writing of deferred message id mappings.
  std::vector<CredentialEvent> Sweep();

  // Record counts for status, read under the runtime lock.
  struct Counts {
    std::size_t operators = 0;  // not removed
    std::size_t policies = 0;
    std::size_t inboxes = 0;
    std::string network;  // the network's description; empty when offline
  };
  Counts CountRecords();

  // Direct access for tests of the runtime's stored state; the lock stays
  // private to the runtime, so other subsystems go through the methods above.
  RuntimeState& state() { return state_; }
  CredentialManager& credentials() { return *state_.credentials; }
  ElevationManager& elevation() { return *state_.elevation; }
  PendingActions& pending_actions() { return *state_.pending; }
  AuditLog& audit() { return *state_.audit; }
  const RuntimeOptions& options() const { return state_.options; }

 private:
  Runtime() = default;
  Status Load();
  void RegisterAll();
  // Registers every action of `raw` wrapped with the lock and the audit entry.
  void AddWrapped(const ActionRegistry& raw);

  std::recursive_mutex mu_;
  RuntimeState state_;
  ActionRegistry registry_;
};

}  // namespace xs::signet
