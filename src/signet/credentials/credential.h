// Credential records (concepts.md §4): time-bound authorization of one
// operator over >= 1 chats with a merged {allow, deny} scope pair.
//
// Thread contract: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "signet/policy/scopes.h"
#include "signet/util/util.h"

namespace xs::signet {

enum class CredentialStatus { kPending, kActive, kExpired, kRevoked };
std::string_view CredentialStatusName(CredentialStatus s);
Result<CredentialStatus> ParseCredentialStatus(std::string_view s);

// CredentialRevocationReason.
inline constexpr std::string_view kReasonOwnerInitiated = "owner-initiated";
inline constexpr std::string_view kReasonExpired = "credential-expired";
inline constexpr std::string_view kReasonHeartbeatTimeout = "heartbeat-timeout";
inline constexpr std::string_view kReasonPolicyViolation = "policy-violation";
inline constexpr std::string_view kReasonReauthorization = "reauthorization-required";
bool IsRevocationReason(std::string_view reason);

struct Credential {
  std::string id;
  std::string operator_id;
  std::vector<std::string> chat_ids;
  std::vector<std::string> inbox_ids;
  std::string policy_id;                   // empty when none
  ScopePair inline_scopes;                 // config.allow / config.deny
  ScopePair effective;                     // merged pair (policy ++ inline)
  std::vector<std::string> content_types;  // empty = signet default allowlist
  // Send-side scopes whose actions wait for owner confirmation (sorted,
  // unique; see ValidateConfirmScopes). Empty: nothing is held.
  std::vector<std::string> confirm;
  std::optional<std::int64_t> ttl_seconds_config;  // as given
  std::int64_t ttl_seconds = 0;                    // applied
  CredentialStatus status = CredentialStatus::kActive;
  std::int64_t issued_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::int64_t revoked_at_ms = 0;
  std::string revocation_reason;
  std::string pending_reason;
  std::string issued_by;       // "owner" or op_…
  std::string token_hash_hex;  // SHA-256 of the token (the token itself is sealed)
  std::string policy_hash;     // dedupe hash (canonical scopes + chats)
  std::uint64_t seq = 0;       // issue order, tie-break for "oldest"
  std::int64_t last_heartbeat_ms = 0;

  ScopeSet effective_set() const { return Resolve(effective); }
  bool NeedsConfirmation(std::string_view scope) const;
};

// The scopes a credential's `confirm` list may name: the send-side ones
// (send, reply, react, read-receipt, attachment).
bool IsConfirmableScope(std::string_view scope);
// Validates a `confirm` list (unknown or not send-side: validation error on
// `field`) and returns it sorted without duplicates.
Result<std::vector<std::string>> ValidateConfirmScopes(std::vector<std::string> scopes,
                                                       std::string_view field = "confirm");

// The runtime-enriched public record (what transports see); never the token.
Json CredentialToJson(const Credential& c);
// Persistence form (includes hashes and internal fields).
Json CredentialToStored(const Credential& c);
Result<Credential> CredentialFromStored(const Json& j);
// Token metadata {credentialId, operatorId, fingerprint, issuedAt, expiresAt}.
Json TokenMetadata(const Credential& c, std::string_view token);

// Canonical JSON of {scopes:{allow,deny}, chatIds} with sorted keys and arrays,
// hashed with SHA-256 (hex).
std::string PolicyHash(const ScopePair& scopes, const std::vector<std::string>& chat_ids);

}  // namespace xs::signet
