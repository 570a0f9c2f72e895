#include "signet/seals/seal_actions.h"

#include "signet/util/lookup.h"

namespace xs::signet::seals {

namespace {

Json Check(std::string name, const Status& s) {
  Json c = {{"name", std::move(name)}, {"result", s.ok() ? "pass" : "fail"}};
  if (!s.ok()) c["detail"] = s.error().message();
  return c;
}

Json Skip(std::string name, std::string why) {
  return {{"name", std::move(name)}, {"result", "skip"}, {"detail", std::move(why)}};
}

Result<std::string> SealIdParam(SealManager& m, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "sealId"));
  return m.Resolve(ref);
}

Result<std::string> ChatParam(RuntimeState& s, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "chatId"));
  if (s.chat_resolver) return s.chat_resolver(ref);
  if (!IsValidId(IdType::kConversation, ref))
    return Error::Validation("chatId", "must be a conv_ id");
  return ref;
}

Result<std::string> CredentialParam(RuntimeState& s, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "credentialId"));
  std::vector<Candidate> cands;
  for (const auto& id : s.credentials->AllIds()) cands.push_back({id, ""});
  return ResolveReference("cred_", "credential", ref, cands);
}

Json ListOf(const std::vector<const SealEnvelope*>& seals) {
  Json out = Json::array();
  for (const SealEnvelope* e : seals) out.push_back(e->ToJson());
  return out;
}

Result<Json> Verify(SealManager& m, const Json& p) {
  XS_TRY(std::string id, SealIdParam(m, p));
  if (const SealEnvelope* seal = m.FindSeal(id)) {
    Json report = VerifyLocally(*seal);
    static constexpr const char* kNames[] = {"current", "superseded", "revoked", "unknown"};
    report["status"] = kNames[static_cast<int>(m.StatusOf(id))];
    return report;
  }
  if (const RevocationEnvelope* r = m.FindRevocation(id)) {
    // The stored form went through the schema on write and on load.
    Status sig = VerifyRevocationSignature(*r);
    return Json{{"sealId", id},
                {"type", "revocation"},
                {"verdict", sig.ok() ? "verified" : "rejected"},
                {"checks", Json::array({Check("revocation-signature", sig),
                                        Check("schema-compliance", OkStatus())})}};
  }
  return Error::NotFound("seal not found: " + id);
}

}  // namespace

Json VerifyLocally(const SealEnvelope& envelope) {
  const Status signature = VerifySealSignature(envelope);
  const Status chain = CheckChain(envelope.chain);
  // Schema: the envelope as it would be published reads back.
  Status schema = OkStatus();
  if (auto back = SealEnvelope::FromJson(envelope.ToMessageJson()); !back.ok()) {
    schema = back.error();
  }
  const bool ok = signature.ok() && chain.ok() && schema.ok();
  const std::string outside = "needs an outside verifier (seals.md §7)";
  return {
      {"sealId", envelope.seal_id()},
      {"type", "seal"},
      {"verdict", ok ? "verified" : "rejected"},
      {"trustTier", envelope.chain.current.trust_tier.value_or("unverified")},
      {"keyId", envelope.key_id},
      {"checks",
       Json::array({Skip("source-availability", outside), Skip("build-provenance", outside),
                    Skip("release-signing", outside), Check("seal-signature", signature),
                    Check("seal-chain-integrity", chain), Check("schema-compliance", schema)})}};
}

void RegisterSealActions(ActionRegistry& r, RuntimeState& s, SealManager& manager) {
  RuntimeState* st = &s;
  SealManager* m = &manager;
  r.Register({"seal.list", "List current seals (newest first)", Intent::kRead, true, true,
              [st, m](const Json& p, const CallContext&) -> Result<Json> {
                std::string chat, cred;
                if (HasField(p, "chatId")) {
                  XS_TRY(chat, ChatParam(*st, p));
                }
                if (HasField(p, "credentialId")) {
                  XS_TRY(cred, CredentialParam(*st, p));
                }
                return ListOf(m->List(chat, cred));
              }});
  r.Register({"seal.info", "Show a seal or revocation", Intent::kRead, true, true,
              [m](const Json& p, const CallContext&) -> Result<Json> {
                XS_TRY(std::string id, SealIdParam(*m, p));
                return m->Lookup(id);
              }});
  r.Register({"seal.history", "A credential's seal chain in a chat, newest first", Intent::kRead,
              true, true, [st, m](const Json& p, const CallContext&) -> Result<Json> {
                XS_TRY(std::string cred, CredentialParam(*st, p));
                XS_TRY(std::string chat, ChatParam(*st, p));
                Json out = {{"credentialId", cred},
                            {"chatId", chat},
                            {"revoked", m->IsRevoked(cred, chat)},
                            {"seals", ListOf(m->History(cred, chat))}};
                if (const RevocationEnvelope* rev = m->RevocationOf(cred, chat)) {
                  out["revocation"] = rev->ToMessageJson();
                }
                return out;
              }});
  r.Register({"seal.verify", "Verify a seal locally (signature, chain, schema)", Intent::kRead,
              true, true, [m](const Json& p, const CallContext&) { return Verify(*m, p); }});
}

}  // namespace xs::signet::seals
