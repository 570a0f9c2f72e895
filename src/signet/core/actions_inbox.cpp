// inbox.* admin actions: an inbox is a managed XMTP identity (wallet +
// installation key) registered on the configured network.
#include <algorithm>

#include "signet/core/key_ops.h"
#include "signet/keys/aead.h"

namespace xs::signet {

namespace {

void ReloadAll(RuntimeState& s) {
  for (RecordSet* set : {s.inboxes.get(), s.wallets.get(), s.keys.get(), s.operators.get()}) {
    (void)set->Load();
  }
}

Status AttachToOperator(RuntimeState& s, Json& inbox, const std::string& op_id) {
  XS_TRY(Json op, s.operators->Get(op_id));
  if (op.value("status", "") != "active") return Error::Validation("operatorId", "not active");
  auto& ids = op["config"]["inboxIds"];
  if (!ids.is_array()) ids = Json::array();
  std::string inbox_id = inbox.value("id", "");
  if (std::find(ids.begin(), ids.end(), inbox_id) == ids.end()) ids.push_back(inbox_id);
  XS_RETURN_IF_ERROR(s.operators->Put(op));
  inbox["operatorId"] = op_id;
  return OkStatus();
}

Status DetachFromOperator(RuntimeState& s, Json& inbox) {
  std::string op_id = inbox.value("operatorId", "");
  inbox.erase("operatorId");
  if (op_id.empty()) return OkStatus();
  const Json* op = s.operators->Find(op_id);
  if (op == nullptr) return OkStatus();
  Json next = *op;
  auto& ids = next["config"]["inboxIds"];
  if (ids.is_array()) {
    ids.erase(std::remove(ids.begin(), ids.end(), inbox.value("id", "")), ids.end());
  }
  return s.operators->Put(next);
}

Result<Json> CreateInbox(RuntimeState& s, const Json& p) {
  XS_TRY(std::string label, GetOptString(p, "label"));
  std::string op_id;
  if (HasField(p, "operatorId")) {
    XS_TRY(std::string ref, GetString(p, "operatorId"));
    XS_TRY(op_id, s.operators->Resolve(ref));
  }
  std::string inbox_id = NewId(IdType::kInbox);
  WalletKey wallet = WalletKey::Generate();
  Ed25519Key install = Ed25519Key::Generate();
  RegistrationKeys rk;
  rk.wallet_private_key = &wallet.private_key();
  rk.wallet_address = wallet.address();
  rk.installation_public_key = install.public_key();
  rk.installation_private_seed = &install.seed();
  // Register first: a network failure leaves nothing behind locally.
  XS_TRY(XmtpNetwork * network, s.Network());
  XS_TRY(RegisteredInbox reg, network->RegisterInbox(rk));
  Json inbox;
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
              {"publicKey", ToHex(install.public_key())},
              {"fingerprint", install.fingerprint()},
              {"status", "active"},
              {"storage", "store"},
              {"createdAt", now}};
    XS_RETURN_IF_ERROR(s.keys->Put(k, &install.seed()));
    inbox = {{"id", inbox_id},
             {"label", label},
             {"networkInboxId", reg.network_inbox_id},
             {"installationId", reg.installation_id},
             {"address", wallet.address()},
             {"walletId", w["id"]},
             {"installationKeyId", k["id"]},
             {"env", s.options.env},
             {"network", network->Describe()},
             {"trustTier", kTrustTier},
             {"createdAt", now}};
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

Result<std::string> ResolveInbox(RuntimeState& s, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "inboxId"));
  // Also accept the network inbox id (64 hex) or the wallet address.
  for (const auto& in : s.inboxes->All()) {
    if (in.value("networkInboxId", "") == ref || in.value("address", "") == ref) {
      return in.value("id", "");
    }
  }
  return s.inboxes->Resolve(ref);
}

Result<Json> LinkInbox(RuntimeState& s, const Json& p, bool link) {
  XS_TRY(std::string id, ResolveInbox(s, p));
  XS_TRY(Json inbox, s.inboxes->Get(id));
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
  return inbox;
}

Result<Json> RemoveInbox(RuntimeState& s, const Json& p) {
  XS_TRY(std::string id, ResolveInbox(s, p));
  XS_TRY(Json inbox, s.inboxes->Get(id));
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
    if (inbox.contains("operatorId")) {
      actions.push_back({{"action", "unlink-operator"}, {"operatorId", inbox["operatorId"]}});
    }
    actions.push_back({{"action", "delete-keys"},
                       {"walletId", inbox.value("walletId", "")},
                       {"installationKeyId", inbox.value("installationKeyId", "")}});
    actions.push_back({{"action", "remove-inbox"}, {"inboxId", id}});
    return DryRun(actions);
  }
  for (const auto& c : creds) XS_RETURN_IF_ERROR(s.credentials->Revoke(c, kReasonOwnerInitiated));
  Status st = s.store->Transaction([&]() -> Status {
    XS_RETURN_IF_ERROR(DetachFromOperator(s, inbox));
    if (inbox.contains("walletId")) XS_RETURN_IF_ERROR(s.wallets->Remove(inbox["walletId"]));
    if (inbox.contains("installationKeyId")) {
      XS_RETURN_IF_ERROR(s.keys->Remove(inbox["installationKeyId"]));
    }
    return s.inboxes->Remove(id);
  });
  if (!st.ok()) {
    ReloadAll(s);
    return st.error();
  }
  return Json{{"removed", true}, {"inboxId", id}, {"revokedCredentials", creds}};
}

}  // namespace

void RegisterInboxActions(ActionRegistry& r, RuntimeState& s) {
  RuntimeState* st = &s;
  r.Register({"inbox.create", "Create an inbox and register it on the network", Intent::kWrite,
              false, true,
              [st](const Json& p, const CallContext&) { return CreateInbox(*st, p); }});
  r.Register(
      {"inbox.list", "List inboxes", Intent::kRead, true, true,
       [st](const Json&, const CallContext&) -> Result<Json> { return Json(st->inboxes->All()); }});
  r.Register(
      {"inbox.info", "Show an inbox", Intent::kRead, true, true,
       [st](const Json& p, const CallContext&) -> Result<Json> {
         XS_TRY(std::string id, ResolveInbox(*st, p));
         XS_TRY(Json inbox, st->inboxes->Get(id));
         if (GetBool(p, "network")) {
           // `xs inbox info --network`: ask the network about the inbox.
           XS_TRY(XmtpNetwork * network, st->Network());
           XS_TRY(bool known, network->InboxExists(inbox.value("networkInboxId", "")));
           inbox["networkStatus"] = {{"registered", known}, {"network", network->Describe()}};
         }
         return inbox;
       }});
  r.Register({"inbox.link", "Link an inbox to an operator", Intent::kWrite, true, true,
              [st](const Json& p, const CallContext&) { return LinkInbox(*st, p, true); }});
  r.Register({"inbox.unlink", "Unlink an inbox from its operator", Intent::kWrite, true, true,
              [st](const Json& p, const CallContext&) { return LinkInbox(*st, p, false); }});
  r.Register({"inbox.rm", "Remove an inbox (dry run unless force)", Intent::kDestroy, false, true,
              [st](const Json& p, const CallContext&) { return RemoveInbox(*st, p); }});
}

}  // namespace xs::signet
