#include "signet/seals/seal_actions.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "signet/chats/caller_credential.h"
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

// ---------------------------------------------------------------- credential callers

// What a credential caller sees: the seals and revocations of its chats
// (each was published to that chat, so every member sees it there).
// Everything else answers not_found, like the chat reads (scopes.md:
// information opacity); short ids resolve among what it sees only.
struct Viewer {
  Credential credential;
  std::set<std::string> chats;
};

Result<std::optional<Viewer>> ViewerOf(RuntimeState& s, const CallContext& ctx) {
  if (ctx.caller != CallContext::Caller::kCredential) return std::optional<Viewer>();
  XS_TRY(Credential c, CallerCredential(s, ctx.credential_id));
  XS_RETURN_IF_ERROR(RequireActive(c, "cannot read seals"));
  std::set<std::string> chats(c.chat_ids.begin(), c.chat_ids.end());
  return std::optional<Viewer>(Viewer{std::move(c), std::move(chats)});
}

bool IsNetworkGroupId(std::string_view ref) {
  return ref.size() > kIdHexLength + 5 && std::all_of(ref.begin(), ref.end(), [](char ch) {
           return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
         });
}

// One of the viewer's chats by conv_ id or network group id (decisions.md
// #26); any other reference is not_found, whether or not the chat exists.
Result<std::string> ViewerChatParam(RuntimeState& s, const Viewer& v, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "chatId"));
  std::string id = ref;
  if (v.chats.count(id) == 0 && IsNetworkGroupId(ref) && s.chat_resolver) {
    std::transform(id.begin(), id.end(), id.begin(),
                   [](char ch) { return static_cast<char>(std::tolower(ch)); });
    auto resolved = s.chat_resolver(id);
    if (resolved.ok()) id = *resolved;
  }
  if (v.chats.count(id) == 0) return Error::NotFound("chat not found: " + ref);
  return id;
}

Result<std::string> ViewerSealIdParam(const SealManager& m, const Viewer& v, const Json& p) {
  XS_TRY(std::string ref, GetString(p, "sealId"));
  std::vector<Candidate> cands;
  for (auto& id : m.IdsOfChats(v.chats)) cands.push_back({std::move(id), ""});
  return ResolveReference("seal_", "seal", ref, cands);
}

// A credential named by a viewer, among `ids` (full or short).
Result<std::string> ViewerCredentialParam(const Json& p, const std::set<std::string>& ids) {
  XS_TRY(std::string ref, GetString(p, "credentialId"));
  std::vector<Candidate> cands;
  for (const auto& id : ids) cands.push_back({id, ""});
  return ResolveReference("cred_", "credential", ref, cands);
}

Result<Json> ViewerList(RuntimeState& s, const SealManager& m, const Viewer& v, const Json& p) {
  std::string chat, cred;
  if (HasField(p, "chatId")) {
    XS_TRY(chat, ViewerChatParam(s, v, p));
  }
  std::vector<const SealEnvelope*> seen;
  std::set<std::string> creds{v.credential.id};
  for (const SealEnvelope* e : m.List(chat, "")) {
    if (v.chats.count(e->chain.current.chat_id) == 0) continue;
    seen.push_back(e);
    creds.insert(e->chain.current.credential_id);
  }
  if (HasField(p, "credentialId")) {
    XS_TRY(cred, ViewerCredentialParam(p, creds));
    seen.erase(std::remove_if(seen.begin(), seen.end(),
                              [&cred](const SealEnvelope* e) {
                                return e->chain.current.credential_id != cred;
                              }),
               seen.end());
  }
  return ListOf(seen);
}

// ---------------------------------------------------------------- shared

Result<Json> History(RuntimeState& s, const SealManager& m, const Json& p,
                     const std::optional<Viewer>& viewer) {
  std::string cred, chat;
  if (viewer) {
    // Its own chains only: another credential's id is not_found.
    cred = viewer->credential.id;
    if (HasField(p, "credentialId")) {
      XS_TRY(cred, ViewerCredentialParam(p, {viewer->credential.id}));
    }
    XS_TRY(chat, ViewerChatParam(s, *viewer, p));
  } else {
    XS_TRY(cred, CredentialParam(s, p));
    XS_TRY(chat, ChatParam(s, p));
  }
  Json out = {{"credentialId", cred},
              {"chatId", chat},
              {"revoked", m.IsRevoked(cred, chat)},
              {"seals", ListOf(m.History(cred, chat))}};
  if (const RevocationEnvelope* rev = m.RevocationOf(cred, chat)) {
    out["revocation"] = rev->ToMessageJson();
  }
  return out;
}

Result<std::string> AnySealIdParam(SealManager& m, const Json& p,
                                   const std::optional<Viewer>& viewer) {
  if (viewer) return ViewerSealIdParam(m, *viewer, p);
  return SealIdParam(m, p);
}

Result<Json> Verify(SealManager& m, const std::string& id) {
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
  const Param chat_filter{"chatId", ParamType::kString,
                          "Only seals of this chat: its conv_ id or network group id (a "
                          "credential: one of its chats)"};
  const Param seal_id{"sealId", ParamType::kString,
                      "The seal or revocation: its seal_ id (or a unique prefix of it)", true};
  r.Register(
      {"seal.list", "List the current seals (newest first): what each agent may do in a chat",
       Intent::kRead, true, false,
       [st, m](const Json& p, const CallContext& ctx) -> Result<Json> {
         XS_TRY(std::optional<Viewer> viewer, ViewerOf(*st, ctx));
         if (viewer) return ViewerList(*st, *m, *viewer, p);
         std::string chat, cred;
         if (HasField(p, "chatId")) {
           XS_TRY(chat, ChatParam(*st, p));
         }
         if (HasField(p, "credentialId")) {
           XS_TRY(cred, CredentialParam(*st, p));
         }
         return ListOf(m->List(chat, cred));
       }},
      {chat_filter,
       {"credentialId", ParamType::kString,
        "Only seals of this credential: its cred_ id (or a unique prefix of it)"}});
  r.Register({"seal.info", "Show a seal or revocation with its status", Intent::kRead, true, false,
              [st, m](const Json& p, const CallContext& ctx) -> Result<Json> {
                XS_TRY(std::optional<Viewer> viewer, ViewerOf(*st, ctx));
                XS_TRY(std::string id, AnySealIdParam(*m, p, viewer));
                return m->Lookup(id);
              }},
             {seal_id});
  r.Register({"seal.history", "A credential's seal chain in a chat, newest first", Intent::kRead,
              true, false,
              [st, m](const Json& p, const CallContext& ctx) -> Result<Json> {
                XS_TRY(std::optional<Viewer> viewer, ViewerOf(*st, ctx));
                return History(*st, *m, p, viewer);
              }},
             {{"chatId", ParamType::kString,
               "The chat: its conv_ id or network group id (a credential: one of its chats)", true},
              {"credentialId", ParamType::kString,
               "The credential: its cred_ id (or a unique prefix of it). Required for admins; a "
               "credential may name only itself and defaults to itself"}});
  r.Register({"seal.verify", "Verify a seal locally (signature, chain, schema) and give a verdict",
              Intent::kRead, true, false,
              [st, m](const Json& p, const CallContext& ctx) -> Result<Json> {
                XS_TRY(std::optional<Viewer> viewer, ViewerOf(*st, ctx));
                XS_TRY(std::string id, AnySealIdParam(*m, p, viewer));
                return Verify(*m, id);
              }},
             {seal_id});
}

}  // namespace xs::signet::seals
