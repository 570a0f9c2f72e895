#include "signet/seals/seal_service.h"

#include "signet/chats/publish.h"
#include "signet/core/records.h"
#include "signet/seals/seal_actions.h"
#include "signet/seals/seal_key.h"
#include "xmtp/content/agent_payload.h"
#include "xmtp/content/content_types.h"

namespace xs::signet::seals {

// Under the runtime lock: the state the runtime's listeners reach.
struct SealService::Hooks {
  RuntimeState* state = nullptr;
  SealManager* manager = nullptr;
  SealPublisher::Log log;
  std::unique_ptr<SealKeyring> keyring;

  void Log(std::string_view event, const Json& fields) const {
    if (log) log(event, fields);
  }

  SealInput InputFor(const Credential& c, const std::string& chat_id) const {
    SealInput in;
    in.credential_id = c.id;
    in.operator_id = c.operator_id;
    in.chat_id = chat_id;
    in.scope_mode = std::string(Name(ScopeMode::kPerChat));
    in.permissions = c.effective;
    in.trust_tier = std::string(Name(kTrustTier));
    if (const OperatorRecord* op = state->operators->Find(c.operator_id)) {
      in.scope_mode = std::string(Name(op->scope_mode));
      if (!op->disclosures.empty()) {
        Json config = op->ToJson().value("config", Json::object());
        Json disclosures = config.value("operatorDisclosures", Json::object());
        Json provenance = Json::object();
        for (auto it = disclosures.begin(); it != disclosures.end(); ++it) {
          provenance[it.key()] = {{"source", "declared"}};  // self-declared (concepts.md §2)
        }
        in.operator_disclosures = std::move(disclosures);
        in.provenance_map = std::move(provenance);
      }
    }
    return in;
  }

  // Every chat of an active credential has its current seal; `refresh`
  // chains a new one even when the seal's content is unchanged (a change the
  // seal does not show, such as the content-type allowlist).
  void SealAll(const Credential& c, bool refresh) {
    if (c.status != CredentialStatus::kActive) return;
    for (const std::string& chat : c.chat_ids) {
      const SealEnvelope* before = manager->Head(c.id, chat);
      const std::string before_id = before ? before->seal_id() : "";
      auto issued = manager->Issue(InputFor(c, chat));
      if (issued.ok() && refresh && issued->seal_id() == before_id) {
        issued = manager->Refresh(before_id);
      }
      if (!issued.ok()) {
        Log("seal.issue_failed",
            {{"credentialId", c.id}, {"chatId", chat}, {"error", issued.error().message()}});
      }
    }
  }

  void RevokeAll(const Credential& c, std::string_view reason) {
    for (const std::string& chat : c.chat_ids) {
      auto revoked = manager->RevokePair(c.id, chat, reason);
      if (!revoked.ok()) {
        Log("seal.revoke_failed",
            {{"credentialId", c.id}, {"chatId", chat}, {"error", revoked.error().message()}});
      }
    }
  }

  void OnCredential(const CredentialEvent& ev) {
    switch (ev.type) {
      case CredentialEventType::kIssued:
        SealAll(ev.credential, false);
        break;
      case CredentialEventType::kScopesUpdated:
        SealAll(ev.credential, true);
        break;
      case CredentialEventType::kRevoked:
        RevokeAll(ev.credential, ev.reason);
        break;
      case CredentialEventType::kExpired:
        RevokeAll(ev.credential, kReasonExpired);
        break;
      case CredentialEventType::kReauthorizationRequired:
      case CredentialEventType::kRenewed:
        break;  // the seal does not change (no expiresAt in seals)
    }
  }

  // A credential as found at start: sealed when active, its chains ended
  // when it was revoked or expired while the daemon was down.
  void OnExisting(const Credential& c) {
    if (c.status == CredentialStatus::kActive) {
      SealAll(c, false);
    } else if (c.status == CredentialStatus::kRevoked || c.status == CredentialStatus::kExpired) {
      RevokeAll(c, c.status == CredentialStatus::kExpired ? std::string(kReasonExpired)
                                                          : c.revocation_reason);
    }
  }

  void OnElevation(const ElevationEvent& ev) {
    std::optional<AdminAccess> access;
    if (ev.type == ElevationEventType::kApproved) {
      access = AdminAccess{kOwner, IsoTime(ev.expires_at_ms)};
    }
    for (const Error& e : manager->SetAdminAccess(ev.chat_id, access)) {
      Log("seal.issue_failed", {{"chatId", ev.chat_id}, {"error", e.message()}});
    }
  }

  void Sweep() {
    auto key = keyring->Current();
    if (!key.ok()) {
      Log("seal.key_failed", {{"error", key.error().message()}});
      return;
    }
    for (const std::string& id : manager->DueForRefresh((*key)->fingerprint())) {
      auto r = manager->Refresh(id);
      if (!r.ok()) Log("seal.refresh_failed", {{"sealId", id}, {"error", r.error().message()}});
    }
    // Operator disclosures and scope modes change without a credential
    // event; Issue() adds a seal only when the declaration changed.
    for (const Credential& c : state->credentials->List()) SealAll(c, false);
  }
};

SealService::SealService(Runtime& runtime, Chats* chats, Options options)
    : runtime_(runtime), chats_(chats), options_(std::move(options)) {}

SealService::~SealService() { Stop(); }

Status SealService::Start() {
  SealPublisher::Send send = options_.send;
  if (!send && chats_ != nullptr) {
    Runtime* runtime = &runtime_;
    Chats* chats = chats_;
    send = [runtime, chats](const std::string& chat_id, std::string_view content_type,
                            const std::string& body) -> Status {
      XS_TRY(auto type, xmtp::content::ContentTypeId::Parse(content_type));
      XS_TRY(auto encoded, xmtp::content::EncodeAgentPayload(type, body));
      XS_RETURN_IF_ERROR(PublishToChat(*runtime, *chats, chat_id, encoded));
      return OkStatus();
    };
  }
  if (!send) {
    send = [](const std::string&, std::string_view, const std::string&) -> Status {
      return Error::Network("xmtp", "no XMTP clients in this daemon");
    };
  }
  publisher_ = std::make_unique<SealPublisher>(std::move(send), options_.log, options_.publish);
  hooks_ = std::make_unique<Hooks>();
  hooks_->log = options_.log;
  SealPublisher* publisher = publisher_.get();
  Hooks* hooks = hooks_.get();
  Status loaded = runtime_.WithState([&](RuntimeState& s) -> Status {
    hooks->state = &s;
    hooks->keyring = std::make_unique<SealKeyring>(&s);
    XS_RETURN_IF_ERROR(hooks->keyring->Current());  // created on first start
    records_ = std::make_unique<RecordSet>(s.store.get(), "seal", "seal_", "seal", "");
    SealKeyring* keyring = hooks->keyring.get();
    SealSinks sinks;
    sinks.emit = [st = &s](const std::string& credential_id, const Json& event) {
      if (st->emit_agent_event) st->emit_agent_event(credential_id, event);
    };
    sinks.publish = [publisher](const std::string& chat_id, std::string_view content_type,
                                std::string body) {
      publisher->Enqueue(chat_id, content_type, std::move(body));
    };
    manager_ = std::make_unique<SealManager>(
        records_.get(), s.clock, [keyring] { return keyring->Current(); }, std::move(sinks));
    XS_RETURN_IF_ERROR(manager_->Load());
    hooks->manager = manager_.get();
    s.seal_provenance = [hooks](const Credential& c, const std::string& chat_id,
                                const std::string& message_id) -> Json {
      auto binding = hooks->manager->Provenance(c.id, chat_id, message_id);
      if (binding.ok()) return *binding;
      hooks->Log(
          "seal.binding_failed",
          {{"credentialId", c.id}, {"chatId", chat_id}, {"error", binding.error().message()}});
      return nullptr;
    };
    return OkStatus();
  });
  if (!loaded.ok()) return loaded;
  publisher_->Start();
  SealManager* manager = manager_.get();
  runtime_.Extend(
      [manager](ActionRegistry& r, RuntimeState& s) { RegisterSealActions(r, s, *manager); });
  runtime_.ObserveCredentials([hooks](const Credential& c) { hooks->OnExisting(c); },
                              [hooks](const CredentialEvent& ev) { hooks->OnCredential(ev); });
  runtime_.AddElevationListener([hooks](const ElevationEvent& ev) { hooks->OnElevation(ev); });
  return OkStatus();
}

void SealService::Sweep() {
  if (!hooks_ || !hooks_->manager) return;
  (void)runtime_.WithState([this](RuntimeState&) {
    hooks_->Sweep();
    return OkStatus();
  });
}

void SealService::Stop() {
  if (publisher_) publisher_->Stop();
}

}  // namespace xs::signet::seals
