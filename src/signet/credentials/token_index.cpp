#include "signet/credentials/token_index.h"

#include <sodium.h>

#include <cstring>
#include <mutex>

namespace xs::signet {

TokenHash HashToken(std::string_view token) {
  TokenHash h;
  crypto_hash_sha256(h.data(), reinterpret_cast<const std::uint8_t*>(token.data()), token.size());
  return h;
}

std::uint64_t TokenIndex::Key(const TokenHash& h) {
  std::uint64_t k;
  std::memcpy(&k, h.data(), sizeof k);
  return k;
}

void TokenIndex::Upsert(const TokenHash& hash, const Credential& c) {
  std::unique_lock lock(mu_);
  std::uint64_t k = Key(hash);
  by_hash_[k] = Entry{hash, c.id, c.operator_id, c.status, c.expires_at_ms};
  by_credential_[c.id] = k;
}

void TokenIndex::Remove(const std::string& credential_id) {
  std::unique_lock lock(mu_);
  auto it = by_credential_.find(credential_id);
  if (it == by_credential_.end()) return;
  by_hash_.erase(it->second);
  by_credential_.erase(it);
}

Result<TokenCheck> TokenIndex::Verify(std::string_view token, std::int64_t now_ms) const {
  TokenHash h = HashToken(token);
  std::shared_lock lock(mu_);
  auto it = by_hash_.find(Key(h));
  if (it == by_hash_.end() || sodium_memcmp(it->second.hash.data(), h.data(), h.size()) != 0) {
    return Error::NotFound("credential not found");
  }
  const Entry& e = it->second;
  switch (e.status) {
    case CredentialStatus::kRevoked:
      return Error::Auth("credential revoked")
          .WithContext("{\"credentialId\":\"" + e.credential_id + "\",\"status\":\"revoked\"}");
    case CredentialStatus::kPending:
      return Error::Auth("credential is pending reauthorization")
          .WithContext("{\"credentialId\":\"" + e.credential_id + "\",\"status\":\"pending\"}");
    case CredentialStatus::kExpired:
      return Error::CredentialExpired(e.credential_id);
    case CredentialStatus::kActive:
      break;
  }
  if (now_ms >= e.expires_at_ms) return Error::CredentialExpired(e.credential_id);
  return TokenCheck{e.credential_id, e.operator_id, e.expires_at_ms};
}

std::size_t TokenIndex::size() const {
  std::shared_lock lock(mu_);
  return by_hash_.size();
}

}  // namespace xs::signet
