#include "signet/credentials/credential.h"

#include <sodium.h>

#include <algorithm>

#include "base/clock.h"

namespace xs::signet {

std::string_view CredentialStatusName(CredentialStatus s) {
  switch (s) {
    case CredentialStatus::kPending:
      return "pending";
    case CredentialStatus::kActive:
      return "active";
    case CredentialStatus::kExpired:
      return "expired";
    case CredentialStatus::kRevoked:
      return "revoked";
  }
  return "revoked";
}

Result<CredentialStatus> ParseCredentialStatus(std::string_view s) {
  if (s == "pending") return CredentialStatus::kPending;
  if (s == "active") return CredentialStatus::kActive;
  if (s == "expired") return CredentialStatus::kExpired;
  if (s == "revoked") return CredentialStatus::kRevoked;
  return Error::Validation("status", "unknown credential status");
}

bool Credential::NeedsConfirmation(std::string_view scope) const {
  return std::find(confirm.begin(), confirm.end(), scope) != confirm.end();
}

bool IsConfirmableScope(std::string_view scope) {
  return scope == "send" || scope == "reply" || scope == "react" || scope == "read-receipt" ||
         scope == "attachment";
}

Result<std::vector<std::string>> ValidateConfirmScopes(std::vector<std::string> scopes,
                                                       std::string_view field) {
  XS_RETURN_IF_ERROR(ValidateScopes(scopes, field));
  for (const auto& scope : scopes) {
    if (!IsConfirmableScope(scope)) {
      return Error::Validation(field, "'" + scope +
                                          "' is not a send-side scope (send, reply, react, "
                                          "read-receipt, attachment)");
    }
  }
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  return scopes;
}

bool IsRevocationReason(std::string_view r) {
  return r == kReasonOwnerInitiated || r == kReasonExpired || r == kReasonHeartbeatTimeout ||
         r == kReasonPolicyViolation || r == kReasonReauthorization;
}

namespace {
Json PairJson(const ScopePair& p) { return {{"allow", p.allow}, {"deny", p.deny}}; }
ScopePair PairFrom(const Json& j) {
  ScopePair p;
  if (j.is_object()) {
    p.allow = j.value("allow", std::vector<std::string>{});
    p.deny = j.value("deny", std::vector<std::string>{});
  }
  return p;
}
}  // namespace

Json CredentialToJson(const Credential& c) {
  Json config = {{"operatorId", c.operator_id}, {"chatIds", c.chat_ids}};
  if (!c.policy_id.empty()) config["policyId"] = c.policy_id;
  if (!c.inline_scopes.allow.empty()) config["allow"] = c.inline_scopes.allow;
  if (!c.inline_scopes.deny.empty()) config["deny"] = c.inline_scopes.deny;
  if (c.ttl_seconds_config) config["ttlSeconds"] = *c.ttl_seconds_config;
  Json j = {{"id", c.id},
            {"credentialId", c.id},
            {"operatorId", c.operator_id},
            {"config", config},
            {"chatIds", c.chat_ids},
            {"inboxIds", c.inbox_ids},
            {"effectiveScopes", PairJson(c.effective)},
            {"resolvedScopes", ScopeNames(c.effective_set())},
            {"status", CredentialStatusName(c.status)},
            {"issuedAt", IsoTime(c.issued_at_ms)},
            {"expiresAt", IsoTime(c.expires_at_ms)},
            {"issuedBy", c.issued_by}};
  if (!c.content_types.empty()) j["contentTypes"] = c.content_types;
  if (!c.confirm.empty()) {
    config["confirm"] = c.confirm;
    j["config"] = config;
    j["confirm"] = c.confirm;
  }
  if (c.status == CredentialStatus::kRevoked) {
    j["revokedAt"] = IsoTime(c.revoked_at_ms);
    j["revocationReason"] = c.revocation_reason;
  }
  if (c.status == CredentialStatus::kPending) j["pendingReason"] = c.pending_reason;
  return j;
}

Json CredentialToStored(const Credential& c) {
  Json j = {{"id", c.id},
            {"operatorId", c.operator_id},
            {"chatIds", c.chat_ids},
            {"inboxIds", c.inbox_ids},
            {"policyId", c.policy_id},
            {"inline", PairJson(c.inline_scopes)},
            {"effective", PairJson(c.effective)},
            {"contentTypes", c.content_types},
            {"confirm", c.confirm},
            {"ttlSeconds", c.ttl_seconds},
            {"status", CredentialStatusName(c.status)},
            {"issuedAtMs", c.issued_at_ms},
            {"expiresAtMs", c.expires_at_ms},
            {"revokedAtMs", c.revoked_at_ms},
            {"revocationReason", c.revocation_reason},
            {"pendingReason", c.pending_reason},
            {"issuedBy", c.issued_by},
            {"tokenHash", c.token_hash_hex},
            {"policyHash", c.policy_hash},
            {"seq", c.seq}};
  if (c.ttl_seconds_config) j["ttlSecondsConfig"] = *c.ttl_seconds_config;
  return j;
}

Result<Credential> CredentialFromStored(const Json& j) {
  if (!j.is_object()) return Error::Internal("stored credential is malformed");
  Credential c;
  c.id = j.value("id", "");
  c.operator_id = j.value("operatorId", "");
  c.chat_ids = j.value("chatIds", std::vector<std::string>{});
  c.inbox_ids = j.value("inboxIds", std::vector<std::string>{});
  c.policy_id = j.value("policyId", "");
  c.inline_scopes = PairFrom(j.value("inline", Json::object()));
  c.effective = PairFrom(j.value("effective", Json::object()));
  c.content_types = j.value("contentTypes", std::vector<std::string>{});
  c.confirm = j.value("confirm", std::vector<std::string>{});  // absent in older records
  c.ttl_seconds = j.value("ttlSeconds", std::int64_t{0});
  if (j.contains("ttlSecondsConfig"))
    c.ttl_seconds_config = j["ttlSecondsConfig"].get<std::int64_t>();
  XS_TRY(c.status, ParseCredentialStatus(j.value("status", "")));
  c.issued_at_ms = j.value("issuedAtMs", std::int64_t{0});
  c.expires_at_ms = j.value("expiresAtMs", std::int64_t{0});
  c.revoked_at_ms = j.value("revokedAtMs", std::int64_t{0});
  c.revocation_reason = j.value("revocationReason", "");
  c.pending_reason = j.value("pendingReason", "");
  c.issued_by = j.value("issuedBy", "");
  c.token_hash_hex = j.value("tokenHash", "");
  c.policy_hash = j.value("policyHash", "");
  c.seq = j.value("seq", std::uint64_t{0});
  return c;
}

Json TokenMetadata(const Credential& c, std::string_view token) {
  return {{"credentialId", c.id},
          {"operatorId", c.operator_id},
          {"fingerprint", Sha256Fingerprint(token)},
          {"issuedAt", IsoTime(c.issued_at_ms)},
          {"expiresAt", IsoTime(c.expires_at_ms)}};
}

std::string PolicyHash(const ScopePair& scopes, const std::vector<std::string>& chat_ids) {
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  // nlohmann::json objects are std::map-backed, so dump() sorts keys.
  Json canon = {{"scopes", {{"allow", sorted(scopes.allow)}, {"deny", sorted(scopes.deny)}}},
                {"chatIds", sorted(chat_ids)}};
  std::string text = SafeDump(canon);
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> h;
  crypto_hash_sha256(h.data(), reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  return ToHex(h);
}

}  // namespace xs::signet
