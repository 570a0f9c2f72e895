// RuntimeState: everything the action handlers operate on, owned by Runtime.
// Handlers are free functions registered by Register*Actions(); they run
// under the runtime mutex (the Runtime wraps every handler it registers).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/clock.h"
#include "signet/core/action.h"
#include "signet/core/audit_log.h"
#include "signet/core/elevation.h"
#include "signet/core/pending_actions.h"
#include "signet/core/records.h"
#include "signet/core/runtime_options.h"
#include "signet/core/typed_record_set.h"
#include "signet/credentials/credential_manager.h"
#include "signet/keys/vault.h"
#include "signet/network/xmtp_network.h"
#include "signet/store/record_set.h"
#include "signet/store/store.h"

namespace xs::signet {

inline constexpr const char* kOwner = "owner";
inline constexpr const char* kWalletPrefix = "wallet_";
inline constexpr TrustTier kTrustTier = TrustTier::kUnverified;
// `storage` of a key whose private part the native XMTP client keeps, sealed
// in its own store (installation keys).
inline constexpr const char* kClientStorage = "client";
// `kind` of the key row holding the native client store's key.
inline constexpr const char* kClientStoreKeyKind = "client-store";

struct RuntimeState {
  RuntimeOptions options;
  const Clock* clock = nullptr;
  std::unique_ptr<Vault> vault;
  std::unique_ptr<Store> store;
  std::unique_ptr<AuditLog> audit;
  std::shared_ptr<XmtpNetwork> network;
  std::unique_ptr<TypedRecordSet<OperatorRecord>> operators;
  std::unique_ptr<TypedRecordSet<PolicyRecord>> policies;
  std::unique_ptr<TypedRecordSet<InboxRecord>> inboxes;
  // Wallets and keys are still JSON records.
  std::unique_ptr<RecordSet> wallets;
  std::unique_ptr<RecordSet> keys;
  std::unique_ptr<CredentialManager> credentials;
  std::unique_ptr<ElevationManager> elevation;
  std::unique_ptr<PendingActions> pending;

  // Set by the chat subsystem: resolves a chat reference (full id, short id,
  // name) to a conv_ id. Unset: chat ids must be full conv_ ids.
  std::function<Result<std::string>(std::string_view)> chat_resolver;

  // Set by the agent plane (signet/agent): sequences `event` (one of the 11
  // events of events-and-pipeline.md §1) for a credential's harnesses.
  // Called under the runtime lock; never blocks. Unset: events are dropped.
  std::function<void(const std::string& credential_id, const Json& event)> emit_agent_event;
  // Set by the seal engine (signet/seals): the message-seal binding
  // {credentialId, operatorId, sealRef, sealSignature} for a message a
  // credential sent into a chat, or null when that pair has no current seal.
  // Called under the runtime lock. Unset: provenance is null.
  std::function<Json(const Credential& credential, const std::string& chat_id,
                     const std::string& message_id)>
      seal_provenance;

  // The runtime's lock, for handlers registered with ActionSpec::locks_itself
  // (held around every other handler and every Runtime method).
  std::recursive_mutex* lock = nullptr;

  // The configured network, or a network error naming why there is none.
  Result<XmtpNetwork*> Network() const;

  std::string Now() const { return IsoTime(clock->NowMs()); }
  // Owner confirmation gate (decisions.md #13): ok when the gate is off;
  // otherwise params.ownerPassphrase must match the owner verifier.
  Status OwnerConfirm(bool gate, const Json& params, std::string_view what) const;
  // An inbox by network inbox id or wallet address, else by id, short id or
  // label.
  Result<std::string> ResolveInbox(std::string_view ref) const;
};

// Registers a new inbox on the network (a fresh wallet; the network side
// makes the installation) and records it, linked to `op_id` when not empty.
// A network failure leaves nothing behind locally.
Result<InboxRecord> CreateManagedInbox(RuntimeState& s, const std::string& label,
                                       const std::string& op_id);

// A dry-run answer for destructive actions without force.
Json DryRun(Json actions);

void RegisterOperatorActions(ActionRegistry& r, RuntimeState& s);
void RegisterPolicyActions(ActionRegistry& r, RuntimeState& s);
void RegisterCredentialActions(ActionRegistry& r, RuntimeState& s);
void RegisterInboxActions(ActionRegistry& r, RuntimeState& s);
void RegisterKeyActions(ActionRegistry& r, RuntimeState& s);
void RegisterAdminActions(ActionRegistry& r, RuntimeState& s);

}  // namespace xs::signet
