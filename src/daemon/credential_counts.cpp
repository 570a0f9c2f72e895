#include "daemon/credential_counts.h"

namespace xs::daemon {

namespace {
std::size_t Index(signet::CredentialStatus status) { return static_cast<std::size_t>(status); }
}  // namespace

void CredentialCounts::Set(const std::string& id, signet::CredentialStatus status) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = status_.try_emplace(id, status);
  if (!inserted) {
    --counts_[Index(it->second)];
    it->second = status;
  }
  ++counts_[Index(status)];
}

void CredentialCounts::Attach(signet::Runtime& runtime) {
  runtime.ObserveCredentials(
      [this](const signet::Credential& credential) { Set(credential.id, credential.status); },
      [this](const signet::CredentialEvent& event) {
        Set(event.credential.id, event.credential.status);
      });
}

nlohmann::json CredentialCounts::ToJson() const {
  std::lock_guard lock(mu_);
  using S = signet::CredentialStatus;
  return {{"active", counts_[Index(S::kActive)]},
          {"pending", counts_[Index(S::kPending)]},
          {"expired", counts_[Index(S::kExpired)]},
          {"revoked", counts_[Index(S::kRevoked)]},
          {"total", status_.size()}};
}

}  // namespace xs::daemon
