// lookup.resolve, admin.logs, admin.logs-export, admin.verify-keys.
#include "base/clock.h"
#include "signet/core/key_ops.h"
#include "signet/keys/admin_key.h"

namespace xs::signet {

namespace {

struct Domain {
  const char* type;
  const RecordSet* set;
};

Result<Json> Lookup(RuntimeState& s, const Json& p) {
  XS_TRY(std::string q, GetString(p, "query"));
  if (q.empty()) return Error::Validation("query", "must not be empty");
  // Every kind alike, through the JSON view of its records.
  std::vector<Domain> domains = {{"operator", &s.operators->json()},
                                 {"policy", &s.policies->json()},
                                 {"inbox", &s.inboxes->json()},
                                 {"wallet", s.wallets.get()},
                                 {"key", s.keys.get()}};
  // Prefixed ids (full or short) go straight to their domain.
  for (const auto& d : domains) {
    if (q.rfind(d.set->prefix(), 0) == 0) {
      XS_TRY(std::string id, d.set->Resolve(q));
      XS_TRY(Json rec, d.set->Get(id));
      return Json{{"type", d.type}, {"id", id}, {"record", rec}};
    }
  }
  if (q.rfind("conv_", 0) == 0 && s.chat_resolver) {
    XS_TRY(std::string id, s.chat_resolver(q));
    return Json{{"type", "conversation"}, {"id", id}};
  }
  if (q.rfind("cred_", 0) == 0) {
    std::vector<Candidate> cands;
    for (const auto& id : s.credentials->AllIds()) cands.push_back({id, ""});
    XS_TRY(std::string id, ResolveReference("cred_", "credential", q, cands));
    XS_TRY(Credential c, s.credentials->Get(id));
    return Json{{"type", "credential"}, {"id", id}, {"record", CredentialToJson(c)}};
  }
  // Labels, addresses and network inbox ids across every domain.
  std::vector<Json> hits;
  for (const auto& d : domains) {
    for (const auto& rec : d.set->All()) {
      bool match = rec.value("label", "") == q || rec.value("address", "") == q ||
                   rec.value("networkInboxId", "") == q ||
                   (rec.contains("config") && rec["config"].value("label", "") == q);
      if (match) hits.push_back({{"type", d.type}, {"id", rec.value("id", "")}, {"record", rec}});
    }
  }
  if (hits.size() == 1) return hits.front();
  if (hits.empty()) return Error::NotFound("nothing matches '" + q + "'");
  Json ids = Json::array();
  for (const auto& h : hits) ids.push_back(h["id"]);
  return Error::Validation("query", "ambiguous: several records match")
      .WithContext(ContextJson({{"field", "query"}, {"reason", "ambiguous"}, {"candidates", ids}}));
}

Result<Json> Logs(RuntimeState& s, const Json& p) {
  std::optional<std::int64_t> since;
  if (HasField(p, "since")) {
    XS_TRY(std::string text, GetString(p, "since"));
    XS_TRY(since, ParseIsoTime(text, "since"));
  }
  std::size_t limit = kAuditDefaultLimit;
  if (HasField(p, "limit")) {
    const Json& l = p["limit"];
    if (!l.is_number_integer() || l.get<std::int64_t>() <= 0 ||
        l.get<std::int64_t>() > static_cast<std::int64_t>(kAuditMaxLimit)) {
      return Error::Validation("limit", "must be a positive integer");
    }
    limit = l.get<std::size_t>();
  }
  XS_TRY(auto entries, s.audit->Read(since, limit));
  return Json{{"entries", entries}, {"path", s.audit->path()}};
}

Json Check(const char* name, bool ok, std::string detail) {
  return {{"name", name}, {"ok", ok}, {"detail", std::move(detail)}};
}

Result<Json> VerifyKeys(RuntimeState& s) {
  Json checks = Json::array();
  static constexpr std::uint8_t kProbe[] = {'x', 's', '-', 'p', 'r', 'o', 'b', 'e'};
  const Ed25519Key& root = s.vault->root_key();
  checks.push_back(Check("root-key",
                         Ed25519Key::Verify(root.public_key(), kProbe, root.Sign(kProbe)),
                         root.fingerprint()));
  auto admin_file = AdminKey::Load(s.options.data_dir);
  bool admin_ok = admin_file.ok() && admin_file->public_key() == s.vault->admin_key().public_key();
  checks.push_back(Check("admin-key", admin_ok,
                         admin_ok ? s.vault->admin_key().fingerprint()
                                  : "admin.key missing or does not match the vault"));
  for (const auto& k : s.keys->All()) {
    if (k.value("storage", "") != "store" || k.value("status", "") != "active") continue;
    std::string id = k.value("id", "");
    auto seed = s.keys->Secret(id);
    bool ok = false;
    if (seed.ok()) {
      auto key = Ed25519Key::FromSeed(std::move(seed).value());
      ok = key.ok() && ToHex(key->public_key()) == k.value("publicKey", "");
    }
    checks.push_back(Check("key", ok, id));
  }
  for (const auto& w : s.wallets->All()) {
    std::string id = w.value("id", "");
    auto priv = s.wallets->Secret(id);
    bool ok = false;
    if (priv.ok()) {
      auto key = WalletKey::FromPrivate(std::move(priv).value());
      ok = key.ok() && key->address() == w.value("address", "");
    }
    checks.push_back(Check("wallet", ok, id));
  }
  bool all = true;
  for (const auto& c : checks) all = all && c["ok"].get<bool>();
  return Json{{"ok", all}, {"trustTier", Name(kTrustTier)}, {"checks", checks}};
}

}  // namespace

void RegisterAdminActions(ActionRegistry& r, RuntimeState& s) {
  RuntimeState* st = &s;
  r.Register({"lookup.resolve", "Resolve an id, short id, label or address", Intent::kRead, true,
              true, [st](const Json& p, const CallContext&) { return Lookup(*st, p); }},
             {{"query", ParamType::kString,
               "What to resolve: a prefixed id or short id (op_, policy_, inbox_, wallet_, key_, "
               "conv_, cred_), a label, a wallet address or a network inbox id",
               true}});
  r.Register({"admin.logs", "Read the audit log", Intent::kRead, true, true,
              [st](const Json& p, const CallContext&) { return Logs(*st, p); }},
             {{"since", ParamType::kString, "ISO-8601 time: only entries from then on"},
              {"limit", ParamType::kInteger,
               "At most this many entries, newest (1 to " + std::to_string(kAuditMaxLimit) +
                   ", default " + std::to_string(kAuditDefaultLimit) + ")"}});
  r.Register({"admin.logs-export", "Export the whole audit log as NDJSON", Intent::kRead, true,
              true, [st](const Json&, const CallContext&) -> Result<Json> {
                XS_TRY(std::string text, st->audit->Export());
                return Json{{"ndjson", text}, {"path", st->audit->path()}};
              }});
  r.Register({"admin.verify-keys", "Check every key decrypts and matches", Intent::kRead, true,
              true, [st](const Json&, const CallContext&) { return VerifyKeys(*st); }});
}

}  // namespace xs::signet
