// keys.* and wallet.* admin actions (concepts.md §8, cli.md `key`, `wallet`).
#include <sodium.h>
#include <algorithm>

#include "codec/base64.h"
#include "signet/core/action_params.h"
#include "signet/core/key_ops.h"
#include "signet/keys/admin_key.h"
#include "signet/keys/hd.h"

namespace xs::signet {

Result<Json> CreateWalletRecord(RuntimeState& s, const std::string& label, WalletKey* out_key) {
  return StoreWalletRecord(s, label, WalletKey::Generate(), "generated", out_key);
}

Result<Json> StoreWalletRecord(RuntimeState& s, const std::string& label, WalletKey key,
                               const std::string& source, WalletKey* out_key) {
  Json rec = {{"id", NewPrefixedId(kWalletPrefix)},
              {"label", label},
              {"provider", "internal"},
              {"algorithm", "secp256k1"},
              {"address", key.address()},
              {"publicKey", ToHex(key.public_key())},
              {"source", source},
              {"createdAt", s.Now()}};
  XS_RETURN_IF_ERROR(s.wallets->Put(rec, &key.private_key()));
  if (out_key != nullptr) *out_key = std::move(key);
  return rec;
}

Result<Json> CreateKeyRecord(RuntimeState& s, const std::string& kind,
                             const std::string& identity_id, Ed25519Key* out_key) {
  Ed25519Key key = Ed25519Key::Generate();
  Json rec = {{"id", NewId(IdType::kKey)},
              {"kind", kind},
              {"identityId", identity_id},
              {"algorithm", "ed25519"},
              {"publicKey", ToHex(key.public_key())},
              {"fingerprint", key.fingerprint()},
              {"status", "active"},
              {"storage", "store"},
              {"createdAt", s.Now()}};
  XS_RETURN_IF_ERROR(s.keys->Put(rec, &key.seed()));
  if (out_key != nullptr) *out_key = std::move(key);
  return rec;
}

const Json* ActiveKeyFor(RuntimeState& s, const std::string& identity_id, const std::string& kind) {
  for (const auto& cand : s.keys->Candidates()) {
    const Json* k = s.keys->Find(cand.id);
    if (k && k->value("identityId", "") == identity_id && k->value("kind", "") == kind &&
        k->value("status", "") == "active") {
      return k;
    }
  }
  return nullptr;
}

namespace {

Result<Json> KeysInit(RuntimeState& s, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "operatorId"));
  XS_TRY(std::string op_id, s.operators->Resolve(ref));
  XS_TRY(OperatorRecord op, s.operators->Get(op_id));
  Json result;
  Status st = s.store->Transaction([&]() -> Status {
    if (HasField(p, "walletId")) {
      XS_TRY(std::string wref, GetString(p, "walletId"));
      XS_TRY(op.wallet_id, s.wallets->Resolve(wref));
    } else if (!op.wallet_id) {
      XS_TRY(Json w, CreateWalletRecord(s, op.label + "-wallet", nullptr));
      op.wallet_id = w["id"].get<std::string>();
    }
    XS_RETURN_IF_ERROR(s.operators->Put(op));
    if (const Json* existing = ActiveKeyFor(s, op_id, "operational")) {
      result = *existing;
      return OkStatus();
    }
    XS_TRY(result, CreateKeyRecord(s, "operational", op_id, nullptr));
    return OkStatus();
  });
  if (!st.ok()) {
    (void)s.operators->Load();  // the cache may hold the rolled-back record
    (void)s.wallets->Load();
    (void)s.keys->Load();
    return st.error();
  }
  result["walletId"] = *op.wallet_id;
  return result;
}

Result<std::string> ResolveKeyOrIdentity(RuntimeState& s, const std::string& ref) {
  auto key = s.keys->Resolve(ref);
  if (key.ok()) return key;
  if (ref == kSealKeyIdentity) {
    if (const Json* k = ActiveKeyFor(s, kSealKeyIdentity, "operational")) return k->value("id", "");
    return Error::NotFound("the signet has no seal key yet (the daemon makes it on start)");
  }
  for (const RecordSet* set : {&s.operators->json(), &s.inboxes->json()}) {
    auto id = set->Resolve(ref);
    if (!id.ok()) continue;
    for (const char* kind : {"operational", "installation"}) {
      if (const Json* k = ActiveKeyFor(s, *id, kind)) return k->value("id", "");
    }
    return Error::NotFound("no active key for identity " + *id);
  }
  return key.error();
}

Result<Json> KeysRotate(RuntimeState& s, const Json& p) {
  XS_RETURN_IF_ERROR(
      s.OwnerConfirm(s.options.gates.operational_key_rotation, p, "operational key rotation"));
  std::vector<std::string> targets;
  if (HasField(p, "keyId")) {
    XS_TRY(std::string ref, GetString(p, "keyId"));
    XS_TRY(std::string id, ResolveKeyOrIdentity(s, ref));
    XS_TRY(Json k, s.keys->Get(id));
    if (k.value("kind", "") != "operational") {
      return Error::Validation("keyId", "only operational keys rotate (root and admin never do)");
    }
    if (k.value("status", "") != "active") return Error::Validation("keyId", "key is not active");
    targets.push_back(id);
  } else {
    for (const auto& k : s.keys->All()) {
      if (k.value("kind", "") == "operational" && k.value("status", "") == "active") {
        targets.push_back(k.value("id", ""));
      }
    }
  }
  Json rotated = Json::array();
  Status st = s.store->Transaction([&]() -> Status {
    for (const auto& id : targets) {
      XS_TRY(Json old, s.keys->Get(id));
      XS_TRY(Json fresh, CreateKeyRecord(s, "operational", old.value("identityId", ""), nullptr));
      fresh["rotatedFrom"] = id;
      XS_RETURN_IF_ERROR(s.keys->Put(fresh));
      old["status"] = "rotated";
      old["rotatedTo"] = fresh["id"];
      old["rotatedAt"] = s.Now();
      XS_RETURN_IF_ERROR(s.keys->Put(old));
      rotated.push_back({{"from", id}, {"to", fresh["id"]}});
    }
    return OkStatus();
  });
  if (!st.ok()) {
    (void)s.keys->Load();
    return st.error();
  }
  return Json{{"rotated", rotated}};
}

// wallet.import {label, privateKey (hex)} or {label, mnemonic, passphrase?,
// path? (default m/44'/60'/0'/0/0)}. The secret params are never audited.
Result<Json> ImportWallet(RuntimeState& s, const Json& p) {
  XS_TRY(std::string label, GetString(p, "label"));
  if (label.empty()) return Error::Validation("label", "must not be empty");
  bool has_key = HasField(p, "privateKey");
  if (has_key == HasField(p, "mnemonic")) {
    return Error::Validation("privateKey", "give exactly one of privateKey or mnemonic");
  }
  crypto::Secret priv;
  if (has_key) {
    XS_TRY(std::string hex, GetString(p, "privateKey"));
    if (hex.rfind("0x", 0) == 0) hex.erase(0, 2);
    auto bytes = FromHex(hex);
    sodium_memzero(hex.data(), hex.size());
    if (!bytes.ok() || bytes->size() != 32) {
      return Error::Validation("privateKey", "must be 32 bytes of hex");
    }
    priv = crypto::Secret::Copy(*bytes);
    sodium_memzero(bytes->data(), bytes->size());
  } else {
    XS_TRY(std::string mnemonic, GetString(p, "mnemonic"));
    XS_TRY(std::string pass, GetOptString(p, "passphrase"));
    XS_TRY(std::string path, GetOptString(p, "path", std::string(kEvmPath)));
    auto seed = Bip39Seed(mnemonic, pass);
    sodium_memzero(mnemonic.data(), mnemonic.size());
    sodium_memzero(pass.data(), pass.size());
    if (!seed.ok()) return seed.error();
    XS_TRY(ExtendedKey k, Bip32Derive(*seed, path));
    priv = std::move(k.key);
  }
  XS_TRY(WalletKey key, WalletKey::FromPrivate(std::move(priv)));
  for (const auto& w : s.wallets->All()) {
    if (w.value("address", "") == key.address()) {
      return Error::Validation("privateKey", "wallet already imported as " + w.value("id", ""));
    }
  }
  return StoreWalletRecord(s, label, std::move(key), has_key ? "imported-key" : "imported-mnemonic",
                           nullptr);
}

Result<Json> ExportPublic(RuntimeState& s, const Json& p) {
  const Json* key = nullptr;
  if (HasField(p, "identityId")) {
    XS_TRY(std::string ref, GetString(p, "identityId"));
    XS_TRY(std::string id, ResolveKeyOrIdentity(s, ref));
    key = s.keys->Find(id);
  } else if (const Json* seal_key = ActiveKeyFor(s, kSealKeyIdentity, "operational")) {
    key = seal_key;  // the key seals carry (decisions.md #28)
  } else {
    for (const auto& c : s.keys->Candidates()) {
      const Json* k = s.keys->Find(c.id);
      std::string kind = k->value("kind", "");
      if ((kind == "operational" || kind == "installation") && k->value("status", "") == "active") {
        if (key == nullptr || k->value("createdAt", "") < key->value("createdAt", "")) key = k;
      }
    }
  }
  if (key == nullptr) return Error::NotFound("no identity key; run `xs key init` first");
  Json out = {{"identityId", key->value("identityId", "")},
              {"keyId", key->value("id", "")},
              {"algorithm", key->value("algorithm", "")},
              {"publicKey", key->value("publicKey", "")},
              {"fingerprint", key->value("fingerprint", "")}};
  // Seals carry the key in standard base64 (decisions.md #28).
  if (auto raw = FromHex(key->value("publicKey", "")); raw.ok()) {
    out["publicKeyBase64"] = codec::Base64Encode(*raw);
  }
  return out;
}

}  // namespace

void RegisterKeyActions(ActionRegistry& r, RuntimeState& s) {
  RuntimeState* st = &s;
  const Param wallet_id = RecordRefParam("walletId", "wallet", "wallet_");
  r.Register(
      {"keys.init", "Create the operational key (and wallet) of an operator", Intent::kWrite, true,
       true, [st](const Json& p, const CallContext&) { return KeysInit(*st, p); }},
      {RecordRefParam("operatorId", "operator", "op_"),
       RecordRefParam("walletId", "wallet to back the operator (absent: its own, else a new one)",
                      "wallet_", false)});
  r.Register(
      {"keys.list", "List keys (public material)", Intent::kRead, true, true,
       [st](const Json&, const CallContext&) -> Result<Json> { return Json(st->keys->All()); }});
  r.Register({"keys.info", "Show a key by key id or identity id", Intent::kRead, true, true,
              [st](const Json& p, const CallContext&) -> Result<Json> {
                XS_TRY(std::string ref, GetString(p, "keyId"));
                XS_TRY(std::string id, ResolveKeyOrIdentity(*st, ref));
                return st->keys->Get(id);
              }},
             {{"keyId", ParamType::kString,
               "The key: its key_ id or a unique short id, an operator or inbox (its active key), "
               "or \"signet\" (the seal key)",
               true}});
  r.Register({"keys.rotate", "Rotate operational keys", Intent::kWrite, false, true,
              [st](const Json& p, const CallContext&) { return KeysRotate(*st, p); }},
             {{"keyId", ParamType::kString,
               "The operational key to rotate: its key_ id or short id, or an operator (its active "
               "key); absent: every active operational key"},
              OwnerPassphraseParam()});
  r.Register(
      {"keys.export-public", "Export an identity's public key", Intent::kRead, true, true,
       [st](const Json& p, const CallContext&) { return ExportPublic(*st, p); }},
      {{"identityId", ParamType::kString,
        "A key, an operator or inbox (its active key), or \"signet\"; absent: the seal key"}});
  r.Register({"wallet.create", "Create a wallet", Intent::kWrite, false, true,
              [st](const Json& p, const CallContext&) -> Result<Json> {
                XS_TRY(std::string label, GetString(p, "label"));
                if (label.empty()) return Error::Validation("label", "must not be empty");
                return CreateWalletRecord(*st, label, nullptr);
              }},
             {{"label", ParamType::kString, "The wallet's label (not empty)", true}});
  r.Register(
      {"wallet.import", "Import a wallet from a private key or BIP-39 mnemonic", Intent::kWrite,
       false, true, [st](const Json& p, const CallContext&) { return ImportWallet(*st, p); }},
      {{"label", ParamType::kString, "The wallet's label (not empty)", true},
       {"privateKey", ParamType::kString,
        "The secp256k1 private key, 32 bytes of hex (0x optional); exactly one of privateKey or "
        "mnemonic (never audited)"},
       {"mnemonic", ParamType::kString, "A BIP-39 mnemonic (never audited)"},
       {"passphrase", ParamType::kString, "The mnemonic's BIP-39 passphrase, if any"},
       {"path", ParamType::kString, "The derivation path (default m/44'/60'/0'/0/0)"}});
  r.Register(
      {"wallet.list", "List wallets", Intent::kRead, true, true,
       [st](const Json&, const CallContext&) -> Result<Json> { return Json(st->wallets->All()); }});
  r.Register({"wallet.info", "Show a wallet", Intent::kRead, true, true,
              [st](const Json& p, const CallContext&) -> Result<Json> {
                XS_TRY(std::string ref, GetString(p, "walletId"));
                XS_TRY(std::string id, st->wallets->Resolve(ref));
                return st->wallets->Get(id);
              }},
             {wallet_id});
}

}  // namespace xs::signet
