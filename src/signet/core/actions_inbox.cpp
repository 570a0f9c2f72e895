// inbox.* admin actions: an inbox is a managed XMTP identity (wallet +
// installation key) registered on the configured network.
#include <algorithm>

#include "signet/core/action_params.h"
#include "signet/core/key_ops.h"
#include "signet/keys/aead.h"

namespace xs::signet {

namespace {

void ReloadAll(RuntimeState& s) {
  (void)s.inboxes->Load();
  (void)s.operators->Load();
  (void)s.wallets->Load();
  (void)s.keys->Load();
}

Status AttachToOperator(RuntimeState& s, InboxRecord& inbox, const std::string& op_id) {
  XS_TRY(OperatorRecord op, s.operators->Get(op_id));
  if (op.status != OperatorStatus::kActive) return Error::Validation("operatorId", "not active");
  auto& ids = op.inbox_ids;
  if (std::find(ids.begin(), ids.end(), inbox.id) == ids.end()) ids.push_back(inbox.id);
  XS_RETURN_IF_ERROR(s.operators->Put(op));
  inbox.operator_id = op_id;
  return OkStatus();
}

Status DetachFromOperator(RuntimeState& s, InboxRecord& inbox) {
  std::optional<std::string> op_id = std::move(inbox.operator_id);
  inbox.operator_id.reset();
  if (!op_id) return OkStatus();
  const OperatorRecord* op = s.operators->Find(*op_id);
  if (op == nullptr) return OkStatus();
  OperatorRecord next = *op;
  auto& ids = next.inbox_ids;
  ids.erase(std::remove(ids.begin(), ids.end(), inbox.id), ids.end());
  return s.operators->Put(next);
}

Result<Json> CreateInbox(RuntimeState& s, const Json& p) {
  XS_TRY(std::string label, GetOptString(p, "label"));
  std::string op_id;
  if (HasField(p, "operatorId")) {
    XS_TRY(std::string ref, GetString(p, "operatorId"));
    XS_TRY(op_id, s.operators->Resolve(ref));
  }
  XS_TRY(InboxRecord inbox, CreateManagedInbox(s, label, op_id));
  return inbox.ToJson();
}

Result<std::string> ResolveInbox(RuntimeState& s, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "inboxId"));
  return s.ResolveInbox(ref);
}

Result<Json> InboxInfo(RuntimeState& s, const Json& p) {
  XS_TRY(std::string id, ResolveInbox(s, p));
  XS_TRY(InboxRecord rec, s.inboxes->Get(id));
  Json inbox = rec.ToJson();
  if (!GetBool(p, "network")) return inbox;
  // `xs inbox info --network`: what the network shows of the inbox.
  XS_TRY(XmtpNetwork * network, s.Network());
  XS_TRY(Json state, network->InboxState(rec.network_inbox_id));
  if (auto it = state.find("installations"); it != state.end()) {
    for (auto& installation : *it) {
      installation["thisSignet"] = installation.value("id", "") == rec.installation_id;
    }
  }
  inbox["networkStatus"] = std::move(state);
  return inbox;
}

Result<Json> LinkInbox(RuntimeState& s, const Json& p, bool link) {
  XS_TRY(std::string id, ResolveInbox(s, p));
  XS_TRY(InboxRecord inbox, s.inboxes->Get(id));
  Status st = s.store->Transaction([&]() -> Status {
    XS_RETURN_IF_ERROR(DetachFromOperator(s, inbox));
    if (link) {
      XS_TRY(std::string ref, GetString(p, "operatorId"));
      XS_TRY(std::string op_id, s.operators->Resolve(ref));
      XS_RETURN_IF_ERROR(AttachToOperator(s, inbox, op_id));
    }
    return s.inboxes->Put(inbox);
  });
  if (!st.ok()) {
    ReloadAll(s);
    return st.error();
  }
  return inbox.ToJson();
}

Result<Json> RemoveInbox(RuntimeState& s, const Json& p) {
  XS_TRY(std::string id, ResolveInbox(s, p));
  XS_TRY(InboxRecord inbox, s.inboxes->Get(id));
  std::vector<std::string> creds;
  for (const auto& c : s.credentials->List()) {
    if (std::find(c.inbox_ids.begin(), c.inbox_ids.end(), id) != c.inbox_ids.end()) {
      creds.push_back(c.id);
    }
  }
  if (!GetBool(p, "force")) {
    Json actions = Json::array();
    for (const auto& c : creds) {
      actions.push_back({{"action", "revoke-credential"}, {"credentialId", c}});
    }
    if (inbox.operator_id) {
      actions.push_back({{"action", "unlink-operator"}, {"operatorId", *inbox.operator_id}});
    }
    actions.push_back({{"action", "delete-keys"},
                       {"walletId", inbox.wallet_id},
                       {"installationKeyId", inbox.installation_key_id}});
    actions.push_back({{"action", "remove-inbox"}, {"inboxId", id}});
    return DryRun(actions);
  }
  for (const auto& c : creds) XS_RETURN_IF_ERROR(s.credentials->Revoke(c, kReasonOwnerInitiated));
  Status st = s.store->Transaction([&]() -> Status {
    XS_RETURN_IF_ERROR(DetachFromOperator(s, inbox));
    XS_RETURN_IF_ERROR(s.wallets->Remove(inbox.wallet_id));
    XS_RETURN_IF_ERROR(s.keys->Remove(inbox.installation_key_id));
    return s.inboxes->Remove(id);
  });
  if (!st.ok()) {
    ReloadAll(s);
    return st.error();
  }
  return Json{{"removed", true}, {"inboxId", id}, {"revokedCredentials", creds}};
}

}  // namespace

Result<InboxRecord> CreateManagedInbox(RuntimeState& s, const std::string& label,
                                       const std::string& op_id) {
  if (!op_id.empty()) {
    XS_TRY(OperatorRecord op, s.operators->Get(op_id));
    if (op.status != OperatorStatus::kActive) {
      return Error::Validation("operatorId", "not active");
    }
  }
  std::string inbox_id = NewId(IdType::kInbox);
  WalletKey wallet = WalletKey::Generate();
  RegistrationKeys rk;
  rk.inbox_id = inbox_id;
  rk.wallet_private_key = &wallet.private_key();
  rk.wallet_address = wallet.address();
  // Register first: a network failure leaves nothing behind locally. The
  // network side (the native client) makes the installation and keeps its
  // private key sealed in the client store.
  XS_TRY(XmtpNetwork * network, s.Network());
  XS_TRY(RegisteredInbox reg, network->RegisterInbox(rk));
  XS_TRY(std::vector<std::uint8_t> installation_public, FromHex(reg.installation_id));
  InboxRecord inbox;
  Status st = s.store->Transaction([&]() -> Status {
    std::string now = s.Now();
    Json w = {{"id", NewPrefixedId(kWalletPrefix)},
              {"label", label.empty() ? inbox_id : label},
              {"provider", "internal"},
              {"algorithm", "secp256k1"},
              {"address", wallet.address()},
              {"publicKey", ToHex(wallet.public_key())},
              {"inboxId", inbox_id},
              {"createdAt", now}};
    XS_RETURN_IF_ERROR(s.wallets->Put(w, &wallet.private_key()));
    Json k = {{"id", NewId(IdType::kKey)},
              {"kind", "installation"},
              {"identityId", inbox_id},
              {"algorithm", "ed25519"},
              {"publicKey", reg.installation_id},
              {"fingerprint", Sha256Fingerprint(installation_public)},
              {"status", "active"},
              {"storage", kClientStorage},
              {"createdAt", now}};
    XS_RETURN_IF_ERROR(s.keys->Put(k));
    inbox.id = inbox_id;
    inbox.label = label;
    inbox.network_inbox_id = reg.network_inbox_id;
    inbox.installation_id = reg.installation_id;
    inbox.address = wallet.address();
    inbox.wallet_id = w["id"].get<std::string>();
    inbox.installation_key_id = k["id"].get<std::string>();
    inbox.env = s.options.env;
    inbox.network = network->Describe();
    inbox.trust_tier = kTrustTier;
    inbox.created_at = now;
    if (!op_id.empty()) XS_RETURN_IF_ERROR(AttachToOperator(s, inbox, op_id));
    // The per-identity DB encryption key (concepts.md §8) rides sealed in the row.
    crypto::Secret db_key = crypto::Secret::Random(kDataKeyBytes);
    return s.inboxes->Put(inbox, &db_key);
  });
  if (!st.ok()) {
    ReloadAll(s);
    return st.error();
  }
  return inbox;
}

void RegisterInboxActions(ActionRegistry& r, RuntimeState& s) {
  RuntimeState* st = &s;
  const Param inbox_id = {"inboxId", ParamType::kString,
                          "The inbox: its inbox_ id, a unique short id, its label, its network "
                          "inbox id or its wallet address",
                          true};
  r.Register({"inbox.create", "Create an inbox and register it on the network", Intent::kWrite,
              false, true, [st](const Json& p, const CallContext&) { return CreateInbox(*st, p); }},
             {{"label", ParamType::kString, "A label for the inbox"},
              RecordRefParam("operatorId", "operator to link the inbox to", "op_", false)});
  r.Register(
      {"inbox.list", "List inboxes", Intent::kRead, true, true,
       [st](const Json&, const CallContext&) -> Result<Json> { return st->inboxes->AllJson(); }});
  r.Register({"inbox.info", "Show an inbox", Intent::kRead, true, true,
              [st](const Json& p, const CallContext&) { return InboxInfo(*st, p); }},
             {inbox_id,
              {"network", ParamType::kBoolean,
               "true: also ask the network for the inbox's state (its installations)"}});
  r.Register({"inbox.link", "Link an inbox to an operator", Intent::kWrite, true, true,
              [st](const Json& p, const CallContext&) { return LinkInbox(*st, p, true); }},
             {inbox_id, RecordRefParam("operatorId", "operator to link the inbox to", "op_")});
  r.Register({"inbox.unlink", "Unlink an inbox from its operator", Intent::kWrite, true, true,
              [st](const Json& p, const CallContext&) { return LinkInbox(*st, p, false); }},
             {inbox_id});
  r.Register({"inbox.rm", "Remove an inbox (dry run unless force)", Intent::kDestroy, false, true,
              [st](const Json& p, const CallContext&) { return RemoveInbox(*st, p); }},
             {inbox_id, ForceParam("remove the inbox, its keys and its credentials")});
}

}  // namespace xs::signet
