// Seals (shared/spec/seals.md §1-4, §7; decisions.md #28): the signed,
// group-visible statement of what one credential's operator may do in one
// chat, chained to its predecessor, and the revocation that ends a chain.
//
//   SealPayload  what is declared (permissions, scopeMode, disclosures, ...)
//   SealChain    {current, previous?, delta}: previous is the full inline
//                predecessor, delta what changed between the two
//   SealEnvelope {chain, signature, keyId, algorithm, publicKey}: Ed25519
//                over the canonical JSON bytes (canonical_json.h) of
//                chain.current only; keyId = "sha256:" + hex SHA-256 of the
//                raw public key, publicKey = standard base64 of it
//   RevocationSeal and its envelope {revocation, signature,
//                signatureAlgorithm, signerKeyRef, publicKey}: Ed25519 over
//                the canonical bytes of the RevocationSeal object
//
// A verifier needs nothing but the published message body (see
// docs/seals.md): ParseSealMessage + VerifySealSignature + CheckChain.
//
// Thread contract: plain values and pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "signet/keys/ed25519_key.h"
#include "signet/policy/scopes.h"

namespace xs::signet::seals {

using Json = nlohmann::json;

inline constexpr std::string_view kAlgorithm = "Ed25519";
inline constexpr std::string_view kIssuer = "signet";
inline constexpr std::string_view kSealContentType = "xmtp.org/agentSeal:1.0";
inline constexpr std::string_view kRevocationContentType = "xmtp.org/agentRevocation:1.0";

// AgentRevocationReason (events-and-pipeline.md §1).
inline constexpr std::string_view kSealReasons[] = {"owner-initiated", "credential-expired",
                                                    "admin-removed", "heartbeat-timeout",
                                                    "policy-violation"};
// decisions.md #2: credential reasons map unchanged, except
// reauthorization-required -> admin-removed; unknown -> owner-initiated.
std::string_view SealReasonFor(std::string_view credential_reason);

struct AdminAccess {
  std::string operator_id;  // op_ id or "owner"
  std::string expires_at;   // ISO-8601
  bool operator==(const AdminAccess&) const = default;
};

struct SealPayload {
  std::string seal_id;
  std::string credential_id;
  std::string operator_id;
  std::string chat_id;
  std::string scope_mode;  // "per-chat" | "shared"
  ScopePair permissions;
  std::optional<AdminAccess> admin_access;
  std::string issued_at;
  bool bypassed = false;  // printed only when true
  std::optional<std::string> trust_tier;
  std::optional<Json> operator_disclosures;  // object
  std::optional<Json> provenance_map;        // object

  Json ToJson() const;
  // Schema check (seals.md §1): id formats, enums, ISO times, known scopes,
  // disclosure values, provenance keys with their values present; unknown
  // members are refused.
  static Result<SealPayload> FromJson(const Json& j);
};

struct DeltaChange {
  std::string scope;
  std::string from;  // "allow" | "deny"
  std::string to;
  bool operator==(const DeltaChange&) const = default;
};

struct SealDelta {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<DeltaChange> changed;

  bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
  Json ToJson() const;
  static Result<SealDelta> FromJson(const Json& j);
};

// The 6-step delta of seals.md §2 between a predecessor's and a successor's
// permission pairs (each list read as a set).
SealDelta ComputeDelta(const ScopePair& previous, const ScopePair& next);
// Order-insensitive: added and removed as sets, changed by scope.
bool SameDelta(const SealDelta& a, const SealDelta& b);

struct SealChain {
  SealPayload current;
  std::optional<SealPayload> previous;
  SealDelta delta;

  Json ToJson() const;
  static Result<SealChain> FromJson(const Json& j);
};

struct SealEnvelope {
  SealChain chain;
  std::string signature;  // standard base64, padded
  std::string key_id;     // "sha256:" + hex of the public key
  std::string algorithm = std::string(kAlgorithm);
  std::string public_key;  // standard base64 of the 32-byte key

  const std::string& seal_id() const { return chain.current.seal_id; }
  Json ToJson() const;
  // The agentSeal message body: the envelope plus "contentType".
  Json ToMessageJson() const;
  static Result<SealEnvelope> FromJson(const Json& j);
};

struct RevocationSeal {
  std::string seal_id;
  std::string previous_seal_id;
  std::string operator_id;
  std::string credential_id;
  std::string chat_id;
  std::string reason;
  std::string revoked_at;
  std::string issuer = std::string(kIssuer);

  Json ToJson() const;
  static Result<RevocationSeal> FromJson(const Json& j);
};

struct RevocationEnvelope {
  RevocationSeal revocation;
  std::string signature;       // standard base64
  std::string signer_key_ref;  // key fingerprint
  std::string public_key;      // standard base64

  // The agentRevocation message body (with "contentType").
  Json ToMessageJson() const;
  static Result<RevocationEnvelope> FromMessageJson(const Json& j);
};

// The canonical bytes a seal signature covers: chain.current only.
Result<std::string> SealSigningBytes(const SealPayload& current);
// Signs `chain` with `key` (keyId and publicKey from the key).
Result<SealEnvelope> SignSeal(SealChain chain, const Ed25519Key& key);
Result<RevocationEnvelope> SignRevocation(RevocationSeal revocation, const Ed25519Key& key);

// The signature over canonical(chain.current) verifies with publicKey, and
// keyId is publicKey's fingerprint. SealError naming what failed.
Status VerifySealSignature(const SealEnvelope& envelope);
Status VerifyRevocationSignature(const RevocationEnvelope& envelope);
// seals.md §7: operatorId, credentialId, chatId equal between current and
// previous; current.issuedAt >= previous.issuedAt; the stored delta equals
// the recomputed one (empty without a previous).
Status CheckChain(const SealChain& chain);

// A published message body (UTF-8 JSON text) read back: contentType must be
// agentSeal (resp. agentRevocation), then the schema.
Result<SealEnvelope> ParseSealMessage(std::string_view body);
Result<RevocationEnvelope> ParseRevocationMessage(std::string_view body);

// Message-seal binding (seals.md §4): Ed25519 over
// canonical({messageId, sealId}).
struct MessageBinding {
  std::string seal_ref;        // sealId
  std::string seal_signature;  // standard base64
};
Result<MessageBinding> BindMessage(std::string_view message_id, std::string_view seal_id,
                                   const Ed25519Key& key);
// Whether `binding` is `seal_id`'s signer's signature over the message id.
Status VerifyBinding(std::string_view message_id, const MessageBinding& binding,
                     std::string_view public_key_base64);

// A key's "sha256:…" fingerprint and base64 form, as a seal carries them.
std::string PublicKeyBase64(const Ed25519Key& key);

}  // namespace xs::signet::seals
