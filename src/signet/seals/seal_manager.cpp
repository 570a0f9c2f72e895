#include "signet/seals/seal_manager.h"

#include <algorithm>

#include "base/ids.h"
#include "signet/util/util.h"

namespace xs::signet::seals {

namespace {

constexpr std::string_view kSealRecord = "seal";
constexpr std::string_view kRevocationRecord = "revocation";

bool Newer(const SealEnvelope* a, const SealEnvelope* b) {
  const auto& x = a->chain.current;
  const auto& y = b->chain.current;
  return x.issued_at != y.issued_at ? x.issued_at > y.issued_at : x.seal_id > y.seal_id;
}

// What seals.md §5 compares besides the delta (compared as JSON values,
// which is the canonical comparison for these members).
bool SameDeclaration(const SealPayload& a, const SealPayload& b) {
  return a.credential_id == b.credential_id && a.operator_id == b.operator_id &&
         a.chat_id == b.chat_id && a.scope_mode == b.scope_mode &&
         a.admin_access == b.admin_access && a.trust_tier == b.trust_tier &&
         a.operator_disclosures == b.operator_disclosures && a.provenance_map == b.provenance_map &&
         a.bypassed == b.bypassed;
}

}  // namespace

SealManager::SealManager(RecordSet* records, const Clock* clock, KeySource key, SealSinks sinks)
    : records_(records), clock_(clock), key_(std::move(key)), sinks_(std::move(sinks)) {}

Status SealManager::Load() {
  XS_RETURN_IF_ERROR(records_->Load());
  seals_.clear();
  revocations_.clear();
  heads_.clear();
  revoked_.clear();
  superseded_.clear();
  for (const auto& [id, rec] : records_->ById()) {
    const std::string type = rec.value("type", "");
    if (type == kSealRecord) {
      auto env = SealEnvelope::FromJson(rec.value("envelope", Json::object()));
      if (!env.ok()) return std::move(env).error().Within("stored seal " + id);
      if (env->chain.previous) superseded_.insert(env->chain.previous->seal_id);
      seals_.emplace(id, *std::move(env));
    } else if (type == kRevocationRecord) {
      auto env = RevocationEnvelope::FromMessageJson(rec.value("message", Json::object()));
      if (!env.ok()) return std::move(env).error().Within("stored revocation " + id);
      const RevocationSeal& r = env->revocation;
      revoked_[{r.credential_id, r.chat_id}] = id;
      revocations_.emplace(id, *std::move(env));
    } else {
      return Error::Internal("stored seal record " + id + " has an unknown type");
    }
  }
  // The head of a pair: its newest seal no other seal names as previous.
  for (const auto& [id, env] : seals_) {
    const SealPayload& p = env.chain.current;
    PairKey pair{p.credential_id, p.chat_id};
    if (revoked_.count(pair) || superseded_.count(id)) continue;
    auto it = heads_.find(pair);
    if (it == heads_.end() || Newer(&env, &seals_.at(it->second))) heads_[pair] = id;
  }
  return OkStatus();
}

SealPayload SealManager::PayloadFor(const SealInput& input) const {
  SealPayload p;
  p.credential_id = input.credential_id;
  p.operator_id = input.operator_id;
  p.chat_id = input.chat_id;
  p.scope_mode = input.scope_mode;
  p.permissions = input.permissions;
  p.trust_tier = input.trust_tier;
  p.operator_disclosures = input.operator_disclosures;
  p.provenance_map = input.provenance_map;
  p.bypassed = input.bypassed;
  if (auto it = admin_access_.find(input.chat_id); it != admin_access_.end()) {
    p.admin_access = it->second;
  }
  return p;
}

SealInput SealManager::InputOf(const SealPayload& p) {
  return SealInput{p.credential_id,        p.operator_id,    p.chat_id,
                   p.scope_mode,           p.permissions,    p.trust_tier,
                   p.operator_disclosures, p.provenance_map, p.bypassed};
}

const SealEnvelope* SealManager::Head(const std::string& credential_id,
                                      const std::string& chat_id) const {
  auto it = heads_.find({credential_id, chat_id});
  return it == heads_.end() ? nullptr : &seals_.at(it->second);
}

bool SealManager::IsRevoked(const std::string& credential_id, const std::string& chat_id) const {
  return revoked_.count({credential_id, chat_id}) > 0;
}

const RevocationEnvelope* SealManager::RevocationOf(const std::string& credential_id,
                                                    const std::string& chat_id) const {
  auto it = revoked_.find({credential_id, chat_id});
  return it == revoked_.end() ? nullptr : FindRevocation(it->second);
}

Result<SealEnvelope> SealManager::Stamp(SealPayload payload, const SealEnvelope* head) {
  payload.seal_id = NewId(IdType::kSeal);
  payload.issued_at = IsoTime(clock_->NowMs());
  SealChain chain;
  if (head != nullptr) {
    chain.previous = head->chain.current;
    chain.delta = ComputeDelta(head->chain.current.permissions, payload.permissions);
  }
  chain.current = std::move(payload);
  XS_TRY(std::shared_ptr<const Ed25519Key> key, key_());
  XS_TRY(SealEnvelope env, SignSeal(std::move(chain), *key));
  const std::string id = env.seal_id();
  XS_RETURN_IF_ERROR(
      records_->Put(Json{{"id", id}, {"type", kSealRecord}, {"envelope", env.ToJson()}}));
  const SealPayload& cur = env.chain.current;
  if (env.chain.previous) superseded_.insert(env.chain.previous->seal_id);
  heads_[{cur.credential_id, cur.chat_id}] = id;
  const SealEnvelope& stored = seals_.insert_or_assign(id, std::move(env)).first->second;
  if (sinks_.emit) {
    sinks_.emit(stored.chain.current.credential_id,
                Json{{"type", "seal.stamped"}, {"seal", stored.ToJson()}});
  }
  if (sinks_.publish) {
    sinks_.publish(stored.chain.current.chat_id, kSealContentType, stored.ToMessageJson().dump());
  }
  return stored;
}

Result<SealEnvelope> SealManager::Issue(const SealInput& input) {
  if (IsRevoked(input.credential_id, input.chat_id)) {
    return Error::Seal("", "Cannot issue seal for revoked credential+chat")
        .WithContext(ContextJson({{"credentialId", input.credential_id},
                                  {"chatId", input.chat_id},
                                  {"reason", "revoked"}}));
  }
  SealPayload next = PayloadFor(input);
  const SealEnvelope* head = Head(input.credential_id, input.chat_id);
  if (head != nullptr) {
    const SealPayload& cur = head->chain.current;
    if (ComputeDelta(cur.permissions, next.permissions).empty() && SameDeclaration(cur, next)) {
      return *head;  // nothing material changed
    }
  }
  return Stamp(std::move(next), head);
}

Result<SealEnvelope> SealManager::Refresh(const std::string& seal_id) {
  const SealEnvelope* seal = FindSeal(seal_id);
  if (seal == nullptr) return Error::NotFound("seal not found: " + seal_id);
  const SealPayload& cur = seal->chain.current;
  if (IsRevoked(cur.credential_id, cur.chat_id)) return Error::Seal(seal_id, "seal is revoked");
  if (Head(cur.credential_id, cur.chat_id) != seal) {
    return Error::Seal(seal_id, "only the head of a chain can be refreshed (decisions.md #3)");
  }
  return Stamp(cur, seal);
}

Result<RevocationEnvelope> SealManager::Revoke(const std::string& seal_id,
                                               std::string_view reason) {
  const SealEnvelope* seal = FindSeal(seal_id);
  if (seal == nullptr) return Error::NotFound("seal not found: " + seal_id);
  const SealPayload& cur = seal->chain.current;
  PairKey pair{cur.credential_id, cur.chat_id};
  if (revoked_.count(pair)) return Error::Seal(seal_id, "already revoked");
  RevocationSeal r;
  r.seal_id = NewId(IdType::kSeal);
  r.previous_seal_id = seal_id;
  r.operator_id = cur.operator_id;
  r.credential_id = cur.credential_id;
  r.chat_id = cur.chat_id;
  r.reason = std::string(SealReasonFor(reason));
  r.revoked_at = IsoTime(clock_->NowMs());
  XS_TRY(std::shared_ptr<const Ed25519Key> key, key_());
  XS_TRY(RevocationEnvelope env, SignRevocation(std::move(r), *key));
  const std::string id = env.revocation.seal_id;
  XS_RETURN_IF_ERROR(records_->Put(
      Json{{"id", id}, {"type", kRevocationRecord}, {"message", env.ToMessageJson()}}));
  revoked_[pair] = id;
  heads_.erase(pair);
  const RevocationEnvelope& stored =
      revocations_.insert_or_assign(id, std::move(env)).first->second;
  if (sinks_.emit) {
    sinks_.emit(stored.revocation.credential_id,
                Json{{"type", "agent.revoked"}, {"revocation", stored.revocation.ToJson()}});
  }
  if (sinks_.publish) {
    sinks_.publish(stored.revocation.chat_id, kRevocationContentType,
                   stored.ToMessageJson().dump());
  }
  return stored;
}

Result<std::optional<RevocationEnvelope>> SealManager::RevokePair(const std::string& credential_id,
                                                                  const std::string& chat_id,
                                                                  std::string_view reason) {
  const SealEnvelope* head = Head(credential_id, chat_id);
  if (head == nullptr) return std::optional<RevocationEnvelope>();
  XS_TRY(RevocationEnvelope env, Revoke(head->seal_id(), reason));
  return std::optional<RevocationEnvelope>(std::move(env));
}

std::vector<Error> SealManager::SetAdminAccess(const std::string& chat_id,
                                               std::optional<AdminAccess> access) {
  if (access) {
    admin_access_[chat_id] = *access;
  } else {
    admin_access_.erase(chat_id);
  }
  std::vector<SealInput> inputs;
  for (const auto& [pair, id] : heads_) {
    if (pair.second == chat_id) inputs.push_back(InputOf(seals_.at(id).chain.current));
  }
  std::vector<Error> errors;
  for (const SealInput& input : inputs) {
    auto r = Issue(input);
    if (!r.ok()) errors.push_back(r.error());
  }
  return errors;
}

std::vector<std::string> SealManager::DueForRefresh(const std::string& fingerprint) const {
  const std::int64_t now = clock_->NowMs();
  std::vector<std::string> out;
  for (const auto& [pair, id] : heads_) {
    const SealEnvelope& env = seals_.at(id);
    auto issued = ParseIsoTime(env.chain.current.issued_at, "issuedAt");
    if (!issued.ok() || now >= *issued + kSealRenewAfterMs ||
        (!fingerprint.empty() && env.key_id != fingerprint)) {
      out.push_back(id);
    }
  }
  return out;
}

std::vector<const SealEnvelope*> SealManager::List(const std::string& chat_id,
                                                   const std::string& credential_id) const {
  std::vector<const SealEnvelope*> out;
  for (const auto& [pair, id] : heads_) {
    if (!credential_id.empty() && pair.first != credential_id) continue;
    if (!chat_id.empty() && pair.second != chat_id) continue;
    out.push_back(&seals_.at(id));
  }
  std::sort(out.begin(), out.end(), Newer);
  return out;
}

const SealEnvelope* SealManager::FindSeal(const std::string& id) const {
  auto it = seals_.find(id);
  return it == seals_.end() ? nullptr : &it->second;
}

const RevocationEnvelope* SealManager::FindRevocation(const std::string& id) const {
  auto it = revocations_.find(id);
  return it == revocations_.end() ? nullptr : &it->second;
}

std::string SealManager::ChatOf(const std::string& id) const {
  if (const SealEnvelope* seal = FindSeal(id)) return seal->chain.current.chat_id;
  if (const RevocationEnvelope* r = FindRevocation(id)) return r->revocation.chat_id;
  return "";
}

std::vector<std::string> SealManager::IdsOfChats(const std::set<std::string>& chat_ids) const {
  std::vector<std::string> out;
  for (const auto& [id, env] : seals_) {
    if (chat_ids.count(env.chain.current.chat_id) > 0) out.push_back(id);
  }
  for (const auto& [id, r] : revocations_) {
    if (chat_ids.count(r.revocation.chat_id) > 0) out.push_back(id);
  }
  return out;
}

SealManager::SealStatus SealManager::StatusOf(const std::string& seal_id) const {
  const SealEnvelope* seal = FindSeal(seal_id);
  if (seal == nullptr) return SealStatus::kUnknown;
  const SealPayload& p = seal->chain.current;
  if (IsRevoked(p.credential_id, p.chat_id)) return SealStatus::kRevoked;
  return Head(p.credential_id, p.chat_id) == seal ? SealStatus::kCurrent : SealStatus::kSuperseded;
}

Result<Json> SealManager::Lookup(const std::string& id) const {
  if (const SealEnvelope* seal = FindSeal(id)) {
    static constexpr const char* kNames[] = {"current", "superseded", "revoked", "unknown"};
    return Json{{"type", "seal"},
                {"status", kNames[static_cast<int>(StatusOf(id))]},
                {"seal", seal->ToJson()}};
  }
  if (const RevocationEnvelope* r = FindRevocation(id)) {
    return Json{{"type", "revocation"}, {"status", "revoked"}, {"revocation", r->ToMessageJson()}};
  }
  return Error::NotFound("seal not found: " + id);
}

std::vector<const SealEnvelope*> SealManager::History(const std::string& credential_id,
                                                      const std::string& chat_id) const {
  const SealEnvelope* start = Head(credential_id, chat_id);
  if (start == nullptr) {
    // Revoked (or broken) chain: the seal nobody names as previous, newest first.
    for (const auto& [id, env] : seals_) {
      const SealPayload& p = env.chain.current;
      if (p.credential_id != credential_id || p.chat_id != chat_id) continue;
      if (start == nullptr || (superseded_.count(id) == 0 && superseded_.count(start->seal_id())) ||
          (superseded_.count(id) == superseded_.count(start->seal_id()) && Newer(&env, start))) {
        start = &env;
      }
    }
  }
  std::vector<const SealEnvelope*> out;
  std::set<std::string> seen;
  for (const SealEnvelope* at = start; at != nullptr && seen.insert(at->seal_id()).second;) {
    out.push_back(at);
    at = at->chain.previous ? FindSeal(at->chain.previous->seal_id) : nullptr;
  }
  return out;
}

Result<SealManager::BindingStatus> SealManager::CheckBinding(
    const std::string& message_id, const std::optional<MessageBinding>& binding) const {
  if (!binding) return BindingStatus::kMissing;
  const SealEnvelope* seal = FindSeal(binding->seal_ref);
  if (seal == nullptr) return Error::Seal(binding->seal_ref, "the binding names an unknown seal");
  XS_RETURN_IF_ERROR(VerifyBinding(message_id, *binding, seal->public_key));
  switch (StatusOf(binding->seal_ref)) {
    case SealStatus::kCurrent:
      return BindingStatus::kValid;
    case SealStatus::kSuperseded:
      return BindingStatus::kSuperseded;
    case SealStatus::kRevoked:
      return BindingStatus::kRevoked;
    case SealStatus::kUnknown:
      break;
  }
  return Error::Seal(binding->seal_ref, "the binding names an unknown seal");
}

Result<Json> SealManager::Provenance(const std::string& credential_id, const std::string& chat_id,
                                     const std::string& message_id) {
  const SealEnvelope* head = Head(credential_id, chat_id);
  if (head == nullptr) return Json(nullptr);
  XS_TRY(std::shared_ptr<const Ed25519Key> key, key_());
  if (head->key_id != key->fingerprint()) {
    // Rotated since: the head is re-signed, so the binding and the seal it
    // names verify with the same key.
    XS_TRY(SealEnvelope fresh, Refresh(head->seal_id()));
    head = FindSeal(fresh.seal_id());
  }
  XS_TRY(MessageBinding b, BindMessage(message_id, head->seal_id(), *key));
  return Json{{"credentialId", credential_id},
              {"operatorId", head->chain.current.operator_id},
              {"sealRef", b.seal_ref},
              {"sealSignature", b.seal_signature}};
}

}  // namespace xs::signet::seals
