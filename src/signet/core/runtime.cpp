#include "signet/core/runtime.h"

#include <sodium.h>

#include <set>

#include "base/clock.h"
#include "signet/keys/admin_key.h"
#include "signet/keys/aead.h"
#include "signet/keys/limits.h"
#include "signet/util/file_util.h"

namespace xs::signet {

namespace {

// Params copied into audit entries: ids and non-secret settings only.
const std::set<std::string, std::less<>> kAuditedParams = {
    "operatorId", "credentialId", "policyId", "inboxId",   "keyId",   "walletId", "identityId",
    "chatIds",    "label",        "role",     "scopeMode", "allow",   "deny",     "ttlSeconds",
    "force",      "reason",       "query",    "provider",  "confirm", "actionId", "confirmed"};

Json AuditParams(const Json& params) {
  Json out = Json::object();
  if (!params.is_object()) return out;
  for (auto it = params.begin(); it != params.end(); ++it) {
    if (kAuditedParams.count(it.key())) out[it.key()] = it.value();
  }
  return out;
}

std::string IntentName(Intent i) {
  switch (i) {
    case Intent::kRead:
      return "read";
    case Intent::kWrite:
      return "write";
    case Intent::kDestroy:
      return "destroy";
  }
  return "read";
}

}  // namespace

Result<XmtpNetwork*> RuntimeState::Network() const {
  if (network) return network.get();
  return Error::Network("xmtp",
                        "this runtime was opened offline (no XMTP network configured); "
                        "start the daemon (`xs daemon start`) to reach the network");
}

Status RuntimeState::OwnerConfirm(bool gate, const Json& params, std::string_view what) const {
  if (!gate) return OkStatus();
  auto it = params.find("ownerPassphrase");
  if (it == params.end() || !it->is_string()) {
    return Error::Permission(std::string(what) +
                             " requires owner confirmation: pass --passphrase-file <file> or set "
                             "XMTP_SIGNET_OWNER_PASSPHRASE_FILE");
  }
  return vault->VerifyOwner(it->get_ref<const std::string&>());
}

Result<std::string> RuntimeState::ResolveInbox(std::string_view ref) const {
  // The network inbox id (64 hex) and the wallet address resolve too.
  for (const auto& [id, inbox] : inboxes->All()) {
    if (inbox.network_inbox_id == ref || inbox.address == ref) return id;
  }
  return inboxes->Resolve(ref);
}

Json DryRun(Json actions) { return {{"dryRun", true}, {"actions", std::move(actions)}}; }

bool Runtime::IsInitialized(const std::string& data_dir) { return Vault::Exists(data_dir); }

Result<std::unique_ptr<Runtime>> Runtime::Init(RuntimeOptions options) {
  if (options.data_dir.empty()) return Error::Validation("dataDir", "is required");
  if (Vault::Exists(options.data_dir)) {
    return Error::Validation("dataDir", "already initialized: " + options.data_dir);
  }
  std::optional<std::string_view> pass, owner;
  if (options.passphrase) pass = *options.passphrase;
  if (options.owner_passphrase) owner = *options.owner_passphrase;
  XS_TRY(auto vault, Vault::Create(options.data_dir, options.vault_key_policy, pass, owner));
  XS_RETURN_IF_ERROR(AdminKey::Save(options.data_dir, vault->admin_key()));
  vault.reset();
  XS_TRY(auto rt, Open(std::move(options)));
  RuntimeState& s = rt->state_;
  std::string now = s.Now();
  auto key_record = [&](const char* kind, const Ed25519Key& k) {
    return Json{{"id", NewId(IdType::kKey)},
                {"kind", kind},
                {"identityId", kOwner},
                {"algorithm", "ed25519"},
                {"publicKey", ToHex(k.public_key())},
                {"fingerprint", k.fingerprint()},
                {"status", "active"},
                {"storage", "vault"},
                {"createdAt", now}};
  };
  XS_RETURN_IF_ERROR(s.keys->Put(key_record("root", s.vault->root_key())));
  XS_RETURN_IF_ERROR(s.keys->Put(key_record("admin", s.vault->admin_key())));
  XS_RETURN_IF_ERROR(
      s.audit->Append("signet.init", {{"dataDir", s.options.data_dir},
                                      {"vaultKeyPolicy", KeyPolicyName(s.options.vault_key_policy)},
                                      {"adminFingerprint", s.vault->admin_key().fingerprint()}}));
  return rt;
}

Result<std::unique_ptr<Runtime>> Runtime::Open(RuntimeOptions options) {
  if (options.data_dir.empty()) return Error::Validation("dataDir", "is required");
  if (options.identity_mode != "per-group" && options.identity_mode != "shared") {
    return Error::Validation("identityMode", "must be per-group or shared");
  }
  std::unique_ptr<Runtime> rt(new Runtime());
  RuntimeState& s = rt->state_;
  s.lock = &rt->mu_;
  s.options = std::move(options);
  s.clock = s.options.clock ? s.options.clock : SystemClock::Get();
  std::optional<std::string_view> pass;
  if (s.options.passphrase) pass = *s.options.passphrase;
  XS_TRY(s.vault, Vault::Unseal(s.options.data_dir, pass));
  // The runtime keeps no passphrase copy after unsealing.
  for (auto* p : {&s.options.passphrase, &s.options.owner_passphrase}) {
    if (*p) sodium_memzero((*p)->data(), (*p)->size());
    p->reset();
  }
  XS_TRY(s.store,
         Store::Open(s.options.data_dir + "/" + kStoreFileName, s.vault->data_key().Clone()));
  std::string audit_path = s.options.audit_log_path.empty() ? s.options.data_dir + "/audit.jsonl"
                                                            : s.options.audit_log_path;
  s.audit = std::make_unique<AuditLog>(audit_path, s.clock);
  // No network given means an offline runtime (`xs init`): actions that need
  // the network fail with a network error instead of reaching a stand-in.
  s.network = s.options.network;
  XS_RETURN_IF_ERROR(rt->Load());
  rt->RegisterAll();
  return rt;
}

Status Runtime::Load() {
  RuntimeState& s = state_;
  Store* st = s.store.get();
  s.operators = std::make_unique<TypedRecordSet<OperatorRecord>>(st);
  s.policies = std::make_unique<TypedRecordSet<PolicyRecord>>(st);
  s.inboxes = std::make_unique<TypedRecordSet<InboxRecord>>(st);
  s.wallets = std::make_unique<RecordSet>(st, "wallet", kWalletPrefix, "wallet", "/label");
  s.keys = std::make_unique<RecordSet>(st, "key", "key_", "key", "");
  XS_RETURN_IF_ERROR(s.operators->Load());
  XS_RETURN_IF_ERROR(s.policies->Load());
  XS_RETURN_IF_ERROR(s.inboxes->Load());
  XS_RETURN_IF_ERROR(s.wallets->Load());
  XS_RETURN_IF_ERROR(s.keys->Load());
  CredentialOptions co;
  co.default_ttl_seconds = s.options.default_ttl_seconds;
  co.max_concurrent_per_operator = s.options.max_concurrent_per_operator;
  s.credentials = std::make_unique<CredentialManager>(st, s.clock, co);
  XS_RETURN_IF_ERROR(s.credentials->Load());
  s.elevation = std::make_unique<ElevationManager>(s.clock, s.audit.get(), s.vault.get(),
                                                   s.options.gates.admin_read_elevation,
                                                   s.options.elevation_ttl_seconds);
  s.pending =
      std::make_unique<PendingActions>(s.clock, s.audit.get(), s.options.action_expiry_seconds);
  PendingActions* pending = s.pending.get();
  s.credentials->AddListener([pending](const CredentialEvent& ev) {
    if (ev.type == CredentialEventType::kRevoked || ev.type == CredentialEventType::kExpired) {
      pending->DropCredential(ev.credential.id);
    }
  });
  return OkStatus();
}

void Runtime::RegisterAll() {
  ActionRegistry raw;
  RegisterOperatorActions(raw, state_);
  RegisterPolicyActions(raw, state_);
  RegisterCredentialActions(raw, state_);
  RegisterInboxActions(raw, state_);
  RegisterKeyActions(raw, state_);
  RegisterAdminActions(raw, state_);
  AddWrapped(raw);
}

void Runtime::Extend(const std::function<void(ActionRegistry&, RuntimeState&)>& register_actions) {
  std::lock_guard lock(mu_);
  ActionRegistry raw;
  register_actions(raw, state_);
  AddWrapped(raw);
}

Status Runtime::WithState(const std::function<Status(RuntimeState&)>& fn) {
  std::lock_guard lock(mu_);
  return fn(state_);
}

Result<crypto::Secret> Runtime::ClientStoreKey() {
  std::lock_guard lock(mu_);
  RuntimeState& s = state_;
  for (const auto& k : s.keys->All()) {
    if (k.value("kind", "") == kClientStoreKeyKind && k.value("status", "") == "active") {
      return s.keys->Secret(k.value("id", ""));
    }
  }
  crypto::Secret key = crypto::Secret::Random(kDataKeyBytes);
  Json record = {{"id", NewId(IdType::kKey)}, {"kind", kClientStoreKeyKind},
                 {"identityId", "signet"},    {"algorithm", "xchacha20poly1305"},
                 {"status", "active"},        {"storage", "sealed"},
                 {"createdAt", s.Now()}};
  XS_RETURN_IF_ERROR(s.keys->Put(record, &key));
  return key;
}

void Runtime::AddWrapped(const ActionRegistry& raw) {
  for (const ActionSpec* spec : raw.List()) {
    ActionSpec wrapped = *spec;
    auto inner = spec->handler;
    std::string id = spec->id;
    std::string intent = IntentName(spec->intent);
    const bool locks_itself = spec->locks_itself;
    wrapped.handler = [this, inner, id, intent, locks_itself](
                          const Json& params, const CallContext& ctx) -> Result<Json> {
      std::unique_lock lock(mu_, std::defer_lock);
      if (!locks_itself) lock.lock();
      Result<Json> r = inner(params, ctx);
      if (ctx.caller == CallContext::Caller::kAdmin && intent != "read") {
        if (!lock.owns_lock()) lock.lock();
        Json f = {{"requestId", ctx.request_id},
                  {"adminFingerprint", ctx.admin_key_fingerprint},
                  {"intent", intent},
                  {"params", AuditParams(params)},
                  {"ok", r.ok()}};
        if (r.ok() && r->is_object() && r->value("dryRun", false)) f["dryRun"] = true;
        if (!r.ok()) f["error"] = {{"code", r.error().code()}, {"_tag", r.error().tag()}};
        (void)state_.audit->Append(id, f);
      }
      return r;
    };
    registry_.Register(std::move(wrapped));
  }
}

Result<Json> Runtime::Call(std::string_view method, const Json& params, const CallContext& ctx) {
  return registry_.Call(method, params, ctx);
}

Result<TokenCheck> Runtime::VerifyToken(std::string_view token) const {
  return state_.credentials->VerifyToken(token);
}

Result<Credential> Runtime::AuthenticateToken(std::string_view token) {
  std::lock_guard lock(mu_);
  return state_.credentials->Authenticate(token);
}

Result<UpdateResult> Runtime::UpdateScopesFromHarness(const std::string& credential_id,
                                                      const Json& params) {
  std::lock_guard lock(mu_);
  XS_TRY(Credential c, state_.credentials->Get(credential_id));
  UpdateRequest req;
  req.policy_id = c.policy_id;
  req.via_admin = false;
  if (!c.policy_id.empty()) {
    if (const PolicyRecord* pol = state_.policies->Find(c.policy_id)) {
      req.policy_scopes.allow = pol->allow;
      req.policy_scopes.deny = pol->deny;
    }
  }
  if (HasField(params, "allow")) {
    XS_TRY(auto allow, GetStringList(params, "allow"));
    req.allow = allow;
  }
  if (HasField(params, "deny")) {
    XS_TRY(auto deny, GetStringList(params, "deny"));
    req.deny = deny;
  }
  XS_TRY(UpdateResult res, state_.credentials->UpdateScopes(credential_id, req));
  (void)state_.audit->Append("credential.update-scopes.harness",
                             {{"credentialId", credential_id},
                              {"material", res.material},
                              {"reauthorizationRequired", res.reauthorization_required}});
  return res;
}

Status Runtime::Heartbeat(const std::string& credential_id) {
  std::lock_guard lock(mu_);
  return state_.credentials->Heartbeat(credential_id);
}

Result<Credential> Runtime::RenewCredential(const std::string& credential_id) {
  std::lock_guard lock(mu_);
  return state_.credentials->Renew(credential_id);
}

void Runtime::AddCredentialListener(std::function<void(const CredentialEvent&)> fn) {
  std::lock_guard lock(mu_);
  state_.credentials->AddListener(std::move(fn));
}

void Runtime::ObserveCredentials(const std::function<void(const Credential&)>& existing,
                                 std::function<void(const CredentialEvent&)> fn) {
  std::lock_guard lock(mu_);
  for (const std::string& id : state_.credentials->AllIds()) {
    auto credential = state_.credentials->Get(id);  // applies expiry
    if (credential.ok()) existing(*credential);
  }
  state_.credentials->AddListener(std::move(fn));
}

Runtime::Counts Runtime::CountRecords() {
  std::lock_guard lock(mu_);
  Counts counts;
  for (const auto& [id, op] : state_.operators->All()) {
    if (op.status != OperatorStatus::kRemoved) ++counts.operators;
  }
  counts.policies = state_.policies->All().size();
  counts.inboxes = state_.inboxes->All().size();
  if (state_.network) counts.network = state_.network->Describe();
  return counts;
}

void Runtime::AddElevationListener(std::function<void(const ElevationEvent&)> fn) {
  std::lock_guard lock(mu_);
  state_.elevation->AddListener(std::move(fn));
}

Result<InboxSecrets> Runtime::GetInboxSecrets(std::string_view inbox_ref) {
  std::lock_guard lock(mu_);
  RuntimeState& s = state_;
  XS_TRY(std::string id, s.ResolveInbox(inbox_ref));
  XS_TRY(InboxRecord inbox, s.inboxes->Get(id));
  InboxSecrets out;
  out.inbox_id = id;
  out.network_inbox_id = inbox.network_inbox_id;
  out.address = inbox.address;
  out.installation_id = inbox.installation_id;
  XS_TRY(out.wallet_private_key, s.wallets->Secret(inbox.wallet_id));
  XS_TRY(out.db_key, s.inboxes->Secret(id));
  out.db_path = s.options.data_dir + "/db/" + s.options.env + "/" + id + ".db3";
  return out;
}

void Runtime::SetChatResolver(std::function<Result<std::string>(std::string_view)> fn) {
  std::lock_guard lock(mu_);
  state_.chat_resolver = std::move(fn);
}

const PublicKey32& Runtime::admin_public_key() const {
  return state_.vault->admin_key().public_key();
}

std::string Runtime::admin_fingerprint() const { return state_.vault->admin_key().fingerprint(); }

Signature64 Runtime::SignWithAdminKey(std::span<const std::uint8_t> bytes) const {
  return state_.vault->admin_key().Sign(bytes);
}

std::vector<CredentialEvent> Runtime::Sweep() {
  std::lock_guard lock(mu_);
  auto events = state_.credentials->Sweep();
  state_.pending->Sweep();
  state_.elevation->Sweep();
  // Message id mappings deferred by a burst of sends that stopped.
  (void)state_.store->FlushIdMappings();
  for (const auto& ev : events) {
    (void)state_.audit->Append(Name(ev.type),
                               {{"credentialId", ev.credential.id}, {"reason", ev.reason}});
  }
  return events;
}

}  // namespace xs::signet
