// SealManager: the lifecycle of seals.md §5 with decisions.md #1-3. One
// chain per (credential, chat): Issue() starts it or adds a seal when what
// it declares changed materially (scopes, scopeMode, adminAccess, operator,
// trust tier, disclosures), and returns the head unchanged otherwise;
// Refresh() re-signs the head with a new id (renewal at 75 % of the 24 h
// TTL, a key rotation, a content-type change); Revoke() ends the chain with
// a signed RevocationSeal, and the pair never gets a seal again.
//
// Every seal and revocation is written to the signet store (kind "seal")
// before it is announced, so list, info and history survive restarts. Then
// it goes to the sinks: `emit` (seal.stamped / agent.revoked to the
// credential's harnesses) and `publish` (the chat's message, which the
// caller sends later, off the lock: see seal_publisher.h).
//
// The signing key comes from `key` at every signature, so a rotated key
// signs the next seal; a head signed by an older key is refreshed before it
// binds a message (decisions.md #28).
//
// Thread contract: not thread-safe; the daemon calls it under the runtime
// lock. The sinks must not block.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "signet/seals/seal.h"
#include "signet/store/record_set.h"

namespace xs::signet::seals {

// seals.md §5: default validity 24 h; renewal once 75 % of it has passed.
inline constexpr std::int64_t kSealTtlMs = 24LL * 3600 * 1000;
inline constexpr std::int64_t kSealRenewAfterMs = kSealTtlMs * 3 / 4;

// Everything a seal declares except its id and issuedAt (adminAccess is
// the manager's, per chat).
struct SealInput {
  std::string credential_id;
  std::string operator_id;
  std::string chat_id;
  std::string scope_mode;
  ScopePair permissions;
  std::optional<std::string> trust_tier;
  std::optional<Json> operator_disclosures;
  std::optional<Json> provenance_map;
  bool bypassed = false;
};

struct SealSinks {
  // An event of events-and-pipeline.md §1 for a credential's harnesses.
  std::function<void(const std::string& credential_id, const Json& event)> emit;
  // A message body for the chat (content type kSealContentType or
  // kRevocationContentType).
  std::function<void(const std::string& chat_id, std::string_view content_type, std::string body)>
      publish;
};

class SealManager {
 public:
  using KeySource = std::function<Result<std::shared_ptr<const Ed25519Key>>()>;
  enum class SealStatus { kCurrent, kSuperseded, kRevoked, kUnknown };

  // `records` is the store's "seal" record set (prefix seal_).
  SealManager(RecordSet* records, const Clock* clock, KeySource key, SealSinks sinks);

  // Rebuilds chains, heads and revoked pairs from the stored records.
  Status Load();

  Result<SealEnvelope> Issue(const SealInput& input);
  Result<SealEnvelope> Refresh(const std::string& seal_id);
  Result<RevocationEnvelope> Revoke(const std::string& seal_id, std::string_view reason);
  // Revokes the pair's head; nothing when the pair has no head.
  Result<std::optional<RevocationEnvelope>> RevokePair(const std::string& credential_id,
                                                       const std::string& chat_id,
                                                       std::string_view reason);
  // Read elevation disclosure (decisions.md #12): re-issues every head of the
  // chat with (or, on nullopt, without) adminAccess. Returns the errors.
  std::vector<Error> SetAdminAccess(const std::string& chat_id, std::optional<AdminAccess> access);
  // Heads due for renewal or signed by another key than `fingerprint`.
  std::vector<std::string> DueForRefresh(const std::string& fingerprint) const;

  const SealEnvelope* Head(const std::string& credential_id, const std::string& chat_id) const;
  bool IsRevoked(const std::string& credential_id, const std::string& chat_id) const;
  // The revocation that ended the pair's chain, if any.
  const RevocationEnvelope* RevocationOf(const std::string& credential_id,
                                         const std::string& chat_id) const;
  // Current heads, newest first, optionally of one chat and/or credential.
  std::vector<const SealEnvelope*> List(const std::string& chat_id,
                                        const std::string& credential_id) const;
  // A seal or revocation by id: {type: "seal"|"revocation", status, seal|revocation}.
  Result<Json> Lookup(const std::string& id) const;
  const SealEnvelope* FindSeal(const std::string& id) const;
  const RevocationEnvelope* FindRevocation(const std::string& id) const;
  // The chat a seal or revocation belongs to; empty for an unknown id.
  std::string ChatOf(const std::string& id) const;
  // The ids of every seal and revocation of these chats (what a credential
  // of those chats may name, short ids resolving among them only).
  std::vector<std::string> IdsOfChats(const std::set<std::string>& chat_ids) const;
  // Newest to oldest along previous links (cycle-safe).
  std::vector<const SealEnvelope*> History(const std::string& credential_id,
                                           const std::string& chat_id) const;
  SealStatus StatusOf(const std::string& seal_id) const;
  // The message-seal binding {credentialId, operatorId, sealRef,
  // sealSignature} of the pair's head, or null without one.
  Result<Json> Provenance(const std::string& credential_id, const std::string& chat_id,
                          const std::string& message_id);
  // seals.md §4: a message's binding is valid (names the current seal),
  // superseded (an older seal of the chain), revoked, or missing (none). A
  // signature that does not verify with the named seal's key, or an unknown
  // seal, is a SealError.
  enum class BindingStatus { kValid, kSuperseded, kRevoked, kMissing };
  Result<BindingStatus> CheckBinding(const std::string& message_id,
                                     const std::optional<MessageBinding>& binding) const;
  // Short ids and full ids of seals and revocations.
  Result<std::string> Resolve(std::string_view ref) const { return records_->Resolve(ref); }

 private:
  using PairKey = std::pair<std::string, std::string>;  // (credential, chat)
  Result<SealEnvelope> Stamp(SealPayload payload, const SealEnvelope* head);
  SealPayload PayloadFor(const SealInput& input) const;
  static SealInput InputOf(const SealPayload& p);

  RecordSet* records_;
  const Clock* clock_;
  KeySource key_;
  SealSinks sinks_;
  std::map<std::string, SealEnvelope> seals_;
  std::map<std::string, RevocationEnvelope> revocations_;
  std::map<PairKey, std::string> heads_;
  std::map<PairKey, std::string> revoked_;           // pair -> revocation id
  std::set<std::string> superseded_;                 // seal ids some seal names as previous
  std::map<std::string, AdminAccess> admin_access_;  // by chat
};

}  // namespace xs::signet::seals
