#include "signet/seals/seal.h"

#include <algorithm>
#include <set>

#include "base/clock.h"
#include "base/ids.h"
#include "codec/base64.h"
#include "signet/core/records.h"
#include "signet/seals/canonical_json.h"
#include "signet/util/util.h"

namespace xs::signet::seals {

namespace {

constexpr std::string_view kOwner = "owner";
constexpr std::size_t kPublicKeyBytes = 32;
constexpr std::size_t kSignatureBytes = 64;
// The keys a provenance map may hold (concepts.md §7).
constexpr std::string_view kDisclosureKeys[] = {"inferenceMode", "inferenceProviders",
                                                "contentEgressScope", "retentionAtProvider",
                                                "hostingMode"};
constexpr std::string_view kTrustTiers[] = {"unverified", "source-verified",
                                            "reproducibly-verified", "runtime-attested"};
constexpr std::string_view kProvenanceSources[] = {"verified", "observed", "declared"};

template <std::size_t N>
bool OneOf(const std::string_view (&set)[N], std::string_view v) {
  return std::find(std::begin(set), std::end(set), v) != std::end(set);
}

// Members of `j` other than `known` are refused (strict schema).
Status OnlyMembers(const Json& j, std::initializer_list<std::string_view> known,
                   std::string_view where) {
  if (!j.is_object()) return Error::Validation(where, "must be an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
      return Error::Validation(std::string(where) + "." + it.key(), "unknown member");
    }
  }
  return OkStatus();
}

Result<std::string> StringField(const Json& j, std::string_view field, std::string_view where) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_string()) {
    return Error::Validation(std::string(where) + "." + std::string(field), "must be a string");
  }
  return it->get<std::string>();
}

Result<std::string> IdField(const Json& j, std::string_view field, IdType type,
                            std::string_view where) {
  XS_TRY(std::string id, StringField(j, field, where));
  if (!IsValidId(type, id)) {
    return Error::Validation(std::string(where) + "." + std::string(field),
                             "must be a " + std::string(IdPrefix(type)) + " id");
  }
  return id;
}

Result<std::string> TimeField(const Json& j, std::string_view field, std::string_view where) {
  const std::string name = std::string(where) + "." + std::string(field);
  XS_TRY(std::string text, StringField(j, field, where));
  XS_RETURN_IF_ERROR(ParseIsoTime(text, name));
  return text;
}

Result<std::vector<std::string>> ScopeList(const Json& j, std::string_view field,
                                           std::string_view where) {
  const std::string name = std::string(where) + "." + std::string(field);
  auto it = j.find(field);
  if (it == j.end() || !it->is_array()) return Error::Validation(name, "must be an array");
  std::vector<std::string> out;
  for (const Json& s : *it) {
    if (!s.is_string()) return Error::Validation(name, "must hold scope names");
    out.push_back(s.get<std::string>());
  }
  XS_RETURN_IF_ERROR(ValidateScopes(out, name));
  return out;
}

Result<ScopePair> ParsePermissions(const Json& j) {
  XS_RETURN_IF_ERROR(OnlyMembers(j, {"allow", "deny"}, "permissions"));
  ScopePair p;
  XS_TRY(p.allow, ScopeList(j, "allow", "permissions"));
  XS_TRY(p.deny, ScopeList(j, "deny", "permissions"));
  return p;
}

Result<AdminAccess> ParseAdminAccess(const Json& j) {
  XS_RETURN_IF_ERROR(OnlyMembers(j, {"operatorId", "expiresAt"}, "adminAccess"));
  AdminAccess a;
  XS_TRY(a.operator_id, StringField(j, "operatorId", "adminAccess"));
  if (a.operator_id != kOwner && !IsValidId(IdType::kOperator, a.operator_id)) {
    return Error::Validation("adminAccess.operatorId", "must be an op_ id or \"owner\"");
  }
  XS_TRY(a.expires_at, TimeField(j, "expiresAt", "adminAccess"));
  return a;
}

Status CheckProvenance(const Json& map, const SealPayload& p) {
  if (!map.is_object()) return Error::Validation("provenanceMap", "must be an object");
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string where = "provenanceMap." + it.key();
    const bool is_tier = it.key() == "trustTier";
    if (!is_tier && !OneOf(kDisclosureKeys, it.key())) {
      return Error::Validation(where, "not a disclosure key or trustTier");
    }
    const bool present = is_tier
                             ? p.trust_tier.has_value()
                             : p.operator_disclosures && p.operator_disclosures->contains(it.key());
    if (!present) return Error::Validation(where, "has no value in the seal");
    XS_RETURN_IF_ERROR(
        OnlyMembers(*it, {"source", "attestedBy", "attestedAt", "expiresAt"}, where));
    XS_TRY(std::string source, StringField(*it, "source", where));
    if (!OneOf(kProvenanceSources, source)) {
      return Error::Validation(where + ".source", "must be verified, observed or declared");
    }
    if (it->contains("attestedBy")) {
      XS_RETURN_IF_ERROR(StringField(*it, "attestedBy", where));
    }
    for (const char* t : {"attestedAt", "expiresAt"}) {
      if (it->contains(t)) XS_RETURN_IF_ERROR(TimeField(*it, t, where));
    }
  }
  return OkStatus();
}

Json ScopeArray(const std::vector<std::string>& v) { return Json(v); }

Result<std::vector<std::uint8_t>> DecodeFixed(std::string_view b64, std::size_t size,
                                              std::string_view what) {
  auto bytes = codec::Base64Decode(b64);
  if (!bytes.ok() || bytes->size() != size) {
    return Error::Validation(what, "must be standard base64 of " + std::to_string(size) + " bytes");
  }
  return *std::move(bytes);
}

// Ed25519 verification of `message` under a base64 key and signature.
Status VerifyEd25519(std::string_view public_key_b64, std::string_view signature_b64,
                     std::string_view message, std::string_view seal_id) {
  auto pub = DecodeFixed(public_key_b64, kPublicKeyBytes, "publicKey");
  if (!pub.ok()) return Error::Seal(seal_id, pub.error().message());
  auto sig = DecodeFixed(signature_b64, kSignatureBytes, "signature");
  if (!sig.ok()) return Error::Seal(seal_id, sig.error().message());
  PublicKey32 key{};
  Signature64 signature{};
  std::copy(pub->begin(), pub->end(), key.begin());
  std::copy(sig->begin(), sig->end(), signature.begin());
  const auto* data = reinterpret_cast<const std::uint8_t*>(message.data());
  if (!Ed25519Key::Verify(key, {data, message.size()}, signature)) {
    return Error::Seal(seal_id, "Ed25519 signature does not verify with publicKey");
  }
  return OkStatus();
}

Status CheckKeyId(std::string_view public_key_b64, std::string_view key_id,
                  std::string_view seal_id) {
  auto pub = DecodeFixed(public_key_b64, kPublicKeyBytes, "publicKey");
  if (!pub.ok()) return Error::Seal(seal_id, pub.error().message());
  if (Sha256Fingerprint(*pub) != key_id) {
    return Error::Seal(seal_id, "keyId is not the fingerprint of publicKey");
  }
  return OkStatus();
}

std::string Base64Of(const Signature64& sig) { return codec::Base64Encode(sig); }

Result<Json> ParseBody(std::string_view body, std::string_view content_type) {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Error::Validation("body", "not a JSON object");
  }
  auto it = j.find("contentType");
  if (it == j.end() || !it->is_string() || *it != content_type) {
    return Error::Validation("contentType", "must be " + std::string(content_type));
  }
  return j;
}

}  // namespace

std::string_view SealReasonFor(std::string_view credential_reason) {
  if (credential_reason == "reauthorization-required") return "admin-removed";
  if (OneOf(kSealReasons, credential_reason)) return credential_reason;
  return "owner-initiated";
}

// ---------------------------------------------------------------- payload

Json SealPayload::ToJson() const {
  Json j = {{"sealId", seal_id},
            {"credentialId", credential_id},
            {"operatorId", operator_id},
            {"chatId", chat_id},
            {"scopeMode", scope_mode},
            {"permissions",
             {{"allow", ScopeArray(permissions.allow)}, {"deny", ScopeArray(permissions.deny)}}},
            {"issuedAt", issued_at}};
  if (admin_access) {
    j["adminAccess"] = {{"operatorId", admin_access->operator_id},
                        {"expiresAt", admin_access->expires_at}};
  }
  if (bypassed) j["bypassed"] = true;
  if (trust_tier) j["trustTier"] = *trust_tier;
  if (operator_disclosures) j["operatorDisclosures"] = *operator_disclosures;
  if (provenance_map) j["provenanceMap"] = *provenance_map;
  return j;
}

Result<SealPayload> SealPayload::FromJson(const Json& j) {
  constexpr std::string_view w = "seal";
  XS_RETURN_IF_ERROR(OnlyMembers(
      j,
      {"sealId", "credentialId", "operatorId", "chatId", "scopeMode", "permissions", "adminAccess",
       "issuedAt", "bypassed", "trustTier", "operatorDisclosures", "provenanceMap"},
      w));
  SealPayload p;
  XS_TRY(p.seal_id, IdField(j, "sealId", IdType::kSeal, w));
  XS_TRY(p.credential_id, IdField(j, "credentialId", IdType::kCredential, w));
  XS_TRY(p.operator_id, IdField(j, "operatorId", IdType::kOperator, w));
  XS_TRY(p.chat_id, IdField(j, "chatId", IdType::kConversation, w));
  XS_TRY(p.scope_mode, StringField(j, "scopeMode", w));
  if (p.scope_mode != "per-chat" && p.scope_mode != "shared") {
    return Error::Validation("seal.scopeMode", "must be per-chat or shared");
  }
  auto perms = j.find("permissions");
  if (perms == j.end()) return Error::Validation("seal.permissions", "is required");
  XS_TRY(p.permissions, ParsePermissions(*perms));
  if (auto a = j.find("adminAccess"); a != j.end()) {
    XS_TRY(p.admin_access, ParseAdminAccess(*a));
  }
  XS_TRY(p.issued_at, TimeField(j, "issuedAt", w));
  if (auto b = j.find("bypassed"); b != j.end()) {
    if (!b->is_boolean() || !b->get<bool>()) {
      return Error::Validation("seal.bypassed", "may only be the literal true");
    }
    p.bypassed = true;
  }
  if (j.contains("trustTier")) {
    XS_TRY(p.trust_tier, StringField(j, "trustTier", w));
    if (!OneOf(kTrustTiers, *p.trust_tier)) {
      return Error::Validation("seal.trustTier", "unknown trust tier");
    }
  }
  if (auto d = j.find("operatorDisclosures"); d != j.end()) {
    if (!d->is_object()) return Error::Validation("seal.operatorDisclosures", "must be an object");
    std::initializer_list<std::string_view> keys = {kDisclosureKeys[0], kDisclosureKeys[1],
                                                    kDisclosureKeys[2], kDisclosureKeys[3],
                                                    kDisclosureKeys[4]};
    XS_RETURN_IF_ERROR(OnlyMembers(*d, keys, "seal.operatorDisclosures"));
    XS_RETURN_IF_ERROR(MergeDisclosures(*d, {}, "seal.operatorDisclosures."));
    p.operator_disclosures = *d;
  }
  if (auto m = j.find("provenanceMap"); m != j.end()) {
    XS_RETURN_IF_ERROR(CheckProvenance(*m, p));
    p.provenance_map = *m;
  }
  return p;
}

// ---------------------------------------------------------------- delta

SealDelta ComputeDelta(const ScopePair& previous, const ScopePair& next) {
  const std::set<std::string> pa(previous.allow.begin(), previous.allow.end());
  const std::set<std::string> pd(previous.deny.begin(), previous.deny.end());
  const std::set<std::string> na(next.allow.begin(), next.allow.end());
  const std::set<std::string> nd(next.deny.begin(), next.deny.end());
  SealDelta d;
  for (const auto& s : na) {  // 1
    if (pa.count(s)) continue;
    if (pd.count(s)) {
      d.changed.push_back({s, "deny", "allow"});
    } else {
      d.added.push_back(s);
    }
  }
  for (const auto& s : pa) {  // 2
    if (na.count(s)) continue;
    if (nd.count(s)) {
      d.changed.push_back({s, "allow", "deny"});
    } else {
      d.removed.push_back(s);
    }
  }
  for (const auto& s : nd) {
    if (pd.count(s)) continue;
    if (pa.count(s) && na.count(s)) d.changed.push_back({s, "allow", "deny"});  // 3
    if (!pa.count(s)) d.removed.push_back(s);                                   // 5
  }
  for (const auto& s : pd) {
    if (nd.count(s)) continue;
    if (pa.count(s) && na.count(s)) d.changed.push_back({s, "deny", "allow"});  // 4
    if (!na.count(s)) d.added.push_back(s);                                     // 6
  }
  return d;
}

bool SameDelta(const SealDelta& a, const SealDelta& b) {
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  auto by_scope = [](std::vector<DeltaChange> v) {
    std::sort(v.begin(), v.end(), [](const DeltaChange& x, const DeltaChange& y) {
      return std::tie(x.scope, x.from, x.to) < std::tie(y.scope, y.from, y.to);
    });
    return v;
  };
  return sorted(a.added) == sorted(b.added) && sorted(a.removed) == sorted(b.removed) &&
         by_scope(a.changed) == by_scope(b.changed);
}

Json SealDelta::ToJson() const {
  Json changes = Json::array();
  for (const auto& c : changed)
    changes.push_back({{"scope", c.scope}, {"from", c.from}, {"to", c.to}});
  return {{"added", added}, {"removed", removed}, {"changed", changes}};
}

Result<SealDelta> SealDelta::FromJson(const Json& j) {
  XS_RETURN_IF_ERROR(OnlyMembers(j, {"added", "removed", "changed"}, "delta"));
  SealDelta d;
  XS_TRY(d.added, ScopeList(j, "added", "delta"));
  XS_TRY(d.removed, ScopeList(j, "removed", "delta"));
  auto changed = j.find("changed");
  if (changed == j.end() || !changed->is_array()) {
    return Error::Validation("delta.changed", "must be an array");
  }
  for (const Json& c : *changed) {
    XS_RETURN_IF_ERROR(OnlyMembers(c, {"scope", "from", "to"}, "delta.changed"));
    DeltaChange ch;
    XS_TRY(ch.scope, StringField(c, "scope", "delta.changed"));
    XS_RETURN_IF_ERROR(ValidateScopes({ch.scope}, "delta.changed.scope"));
    XS_TRY(ch.from, StringField(c, "from", "delta.changed"));
    XS_TRY(ch.to, StringField(c, "to", "delta.changed"));
    for (const std::string* side : {&ch.from, &ch.to}) {
      if (*side != "allow" && *side != "deny") {
        return Error::Validation("delta.changed", "from and to must be allow or deny");
      }
    }
    d.changed.push_back(std::move(ch));
  }
  return d;
}

// ---------------------------------------------------------------- chain, envelope

Json SealChain::ToJson() const {
  Json j = {{"current", current.ToJson()}, {"delta", delta.ToJson()}};
  if (previous) j["previous"] = previous->ToJson();
  return j;
}

Result<SealChain> SealChain::FromJson(const Json& j) {
  XS_RETURN_IF_ERROR(OnlyMembers(j, {"current", "previous", "delta"}, "chain"));
  SealChain c;
  auto current = j.find("current");
  if (current == j.end()) return Error::Validation("chain.current", "is required");
  XS_TRY(c.current, SealPayload::FromJson(*current));
  if (auto prev = j.find("previous"); prev != j.end()) {
    XS_TRY(c.previous, SealPayload::FromJson(*prev));
  }
  auto delta = j.find("delta");
  if (delta == j.end()) return Error::Validation("chain.delta", "is required");
  XS_TRY(c.delta, SealDelta::FromJson(*delta));
  return c;
}

Json SealEnvelope::ToJson() const {
  return {{"chain", chain.ToJson()},
          {"signature", signature},
          {"keyId", key_id},
          {"algorithm", algorithm},
          {"publicKey", public_key}};
}

Json SealEnvelope::ToMessageJson() const {
  Json j = ToJson();
  j["contentType"] = kSealContentType;
  return j;
}

Result<SealEnvelope> SealEnvelope::FromJson(const Json& j) {
  XS_RETURN_IF_ERROR(OnlyMembers(
      j, {"chain", "signature", "keyId", "algorithm", "publicKey", "contentType"}, "envelope"));
  SealEnvelope e;
  auto chain = j.find("chain");
  if (chain == j.end()) return Error::Validation("envelope.chain", "is required");
  XS_TRY(e.chain, SealChain::FromJson(*chain));
  XS_TRY(e.signature, StringField(j, "signature", "envelope"));
  XS_TRY(e.key_id, StringField(j, "keyId", "envelope"));
  XS_TRY(e.algorithm, StringField(j, "algorithm", "envelope"));
  XS_TRY(e.public_key, StringField(j, "publicKey", "envelope"));
  if (e.algorithm != kAlgorithm) return Error::Validation("envelope.algorithm", "must be Ed25519");
  return e;
}

Json RevocationSeal::ToJson() const {
  return {{"sealId", seal_id},         {"previousSealId", previous_seal_id},
          {"operatorId", operator_id}, {"credentialId", credential_id},
          {"chatId", chat_id},         {"reason", reason},
          {"revokedAt", revoked_at},   {"issuer", issuer}};
}

Result<RevocationSeal> RevocationSeal::FromJson(const Json& j) {
  constexpr std::string_view w = "revocation";
  XS_RETURN_IF_ERROR(OnlyMembers(j,
                                 {"sealId", "previousSealId", "operatorId", "credentialId",
                                  "chatId", "reason", "revokedAt", "issuer"},
                                 w));
  RevocationSeal r;
  XS_TRY(r.seal_id, IdField(j, "sealId", IdType::kSeal, w));
  XS_TRY(r.previous_seal_id, IdField(j, "previousSealId", IdType::kSeal, w));
  XS_TRY(r.operator_id, IdField(j, "operatorId", IdType::kOperator, w));
  XS_TRY(r.credential_id, IdField(j, "credentialId", IdType::kCredential, w));
  XS_TRY(r.chat_id, IdField(j, "chatId", IdType::kConversation, w));
  XS_TRY(r.reason, StringField(j, "reason", w));
  if (!OneOf(kSealReasons, r.reason))
    return Error::Validation("revocation.reason", "unknown reason");
  XS_TRY(r.revoked_at, TimeField(j, "revokedAt", w));
  XS_TRY(r.issuer, StringField(j, "issuer", w));
  if (r.issuer != kIssuer) return Error::Validation("revocation.issuer", "must be \"signet\"");
  return r;
}

Json RevocationEnvelope::ToMessageJson() const {
  return {{"contentType", kRevocationContentType},
          {"revocation", revocation.ToJson()},
          {"signature", signature},
          {"signatureAlgorithm", kAlgorithm},
          {"signerKeyRef", signer_key_ref},
          {"publicKey", public_key}};
}

Result<RevocationEnvelope> RevocationEnvelope::FromMessageJson(const Json& j) {
  XS_RETURN_IF_ERROR(OnlyMembers(
      j,
      {"contentType", "revocation", "signature", "signatureAlgorithm", "signerKeyRef", "publicKey"},
      "revocation message"));
  RevocationEnvelope e;
  auto r = j.find("revocation");
  if (r == j.end()) return Error::Validation("revocation", "is required");
  XS_TRY(e.revocation, RevocationSeal::FromJson(*r));
  XS_TRY(e.signature, StringField(j, "signature", "revocation message"));
  XS_TRY(std::string algorithm, StringField(j, "signatureAlgorithm", "revocation message"));
  if (algorithm != kAlgorithm) return Error::Validation("signatureAlgorithm", "must be Ed25519");
  XS_TRY(e.signer_key_ref, StringField(j, "signerKeyRef", "revocation message"));
  XS_TRY(e.public_key, StringField(j, "publicKey", "revocation message"));
  return e;
}

// ---------------------------------------------------------------- signing

std::string PublicKeyBase64(const Ed25519Key& key) { return codec::Base64Encode(key.public_key()); }

Result<std::string> SealSigningBytes(const SealPayload& current) {
  return CanonicalJson(current.ToJson());
}

Result<SealEnvelope> SignSeal(SealChain chain, const Ed25519Key& key) {
  XS_TRY(std::string bytes, SealSigningBytes(chain.current));
  SealEnvelope e;
  e.chain = std::move(chain);
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  e.signature = Base64Of(key.Sign({data, bytes.size()}));
  e.key_id = key.fingerprint();
  e.public_key = PublicKeyBase64(key);
  return e;
}

Result<RevocationEnvelope> SignRevocation(RevocationSeal revocation, const Ed25519Key& key) {
  XS_TRY(std::string bytes, CanonicalJson(revocation.ToJson()));
  RevocationEnvelope e;
  e.revocation = std::move(revocation);
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  e.signature = Base64Of(key.Sign({data, bytes.size()}));
  e.signer_key_ref = key.fingerprint();
  e.public_key = PublicKeyBase64(key);
  return e;
}

Status VerifySealSignature(const SealEnvelope& envelope) {
  const std::string& id = envelope.seal_id();
  if (envelope.algorithm != kAlgorithm) return Error::Seal(id, "algorithm is not Ed25519");
  XS_RETURN_IF_ERROR(CheckKeyId(envelope.public_key, envelope.key_id, id));
  XS_TRY(std::string bytes, SealSigningBytes(envelope.chain.current));
  return VerifyEd25519(envelope.public_key, envelope.signature, bytes, id);
}

Status VerifyRevocationSignature(const RevocationEnvelope& envelope) {
  const std::string& id = envelope.revocation.seal_id;
  XS_RETURN_IF_ERROR(CheckKeyId(envelope.public_key, envelope.signer_key_ref, id));
  XS_TRY(std::string bytes, CanonicalJson(envelope.revocation.ToJson()));
  return VerifyEd25519(envelope.public_key, envelope.signature, bytes, id);
}

Status CheckChain(const SealChain& chain) {
  const SealPayload& cur = chain.current;
  if (!chain.previous) {
    if (!chain.delta.empty()) return Error::Seal(cur.seal_id, "a first seal has an empty delta");
    return OkStatus();
  }
  const SealPayload& prev = *chain.previous;
  if (prev.operator_id != cur.operator_id || prev.credential_id != cur.credential_id ||
      prev.chat_id != cur.chat_id) {
    return Error::Seal(cur.seal_id,
                       "operatorId, credentialId and chatId must equal the previous seal's");
  }
  XS_TRY(std::int64_t cur_ms, ParseIsoTime(cur.issued_at, "issuedAt"));
  XS_TRY(std::int64_t prev_ms, ParseIsoTime(prev.issued_at, "previous.issuedAt"));
  if (cur_ms < prev_ms) return Error::Seal(cur.seal_id, "issued before its previous seal");
  if (prev.seal_id == cur.seal_id) return Error::Seal(cur.seal_id, "previous is the seal itself");
  if (!SameDelta(chain.delta, ComputeDelta(prev.permissions, cur.permissions))) {
    return Error::Seal(cur.seal_id, "delta does not match the permissions of previous and current");
  }
  return OkStatus();
}

Result<SealEnvelope> ParseSealMessage(std::string_view body) {
  XS_TRY(Json j, ParseBody(body, kSealContentType));
  return SealEnvelope::FromJson(j);
}

Result<RevocationEnvelope> ParseRevocationMessage(std::string_view body) {
  XS_TRY(Json j, ParseBody(body, kRevocationContentType));
  return RevocationEnvelope::FromMessageJson(j);
}

// ---------------------------------------------------------------- binding

namespace {
Result<std::string> BindingBytes(std::string_view message_id, std::string_view seal_id) {
  return CanonicalJson(Json{{"messageId", message_id}, {"sealId", seal_id}});
}
}  // namespace

Result<MessageBinding> BindMessage(std::string_view message_id, std::string_view seal_id,
                                   const Ed25519Key& key) {
  XS_TRY(std::string bytes, BindingBytes(message_id, seal_id));
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  return MessageBinding{std::string(seal_id), Base64Of(key.Sign({data, bytes.size()}))};
}

Status VerifyBinding(std::string_view message_id, const MessageBinding& binding,
                     std::string_view public_key_base64) {
  XS_TRY(std::string bytes, BindingBytes(message_id, binding.seal_ref));
  return VerifyEd25519(public_key_base64, binding.seal_signature, bytes, binding.seal_ref);
}

}  // namespace xs::signet::seals
