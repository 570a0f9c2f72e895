// IdentityApi handlers (protocol.md §1.1).
#include <algorithm>
#include <cctype>

#include "node/handlers.h"
#include "node/identity_validation.h"
#include "node/limits.h"
#include "node/request_checks.h"

namespace xs::node {
namespace {

std::string Lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Status Handlers::PublishIdentityUpdate(const identity_api::PublishIdentityUpdateRequest& req) {
  if (!req.has_identity_update()) return Error::Validation("identity_update", "missing");
  const auto& update = req.identity_update();
  if (update.ByteSizeLong() > kMaxIdentityUpdateBytes) {
    return Error::Validation("identity_update",
                             "larger than " + std::to_string(kMaxIdentityUpdateBytes) + " bytes");
  }
  if (update.inbox_id().empty() || update.inbox_id().size() > kMaxIdentifierChars) {
    return Error::Validation("identity_update.inbox_id", "empty or too long");
  }
  if (update.actions_size() == 0) return Error::Validation("identity_update.actions", "empty");
  // One publish at a time, so each update is validated against the log it
  // is appended to.
  std::lock_guard lock(identity_mu_);
  XS_TRY(auto log, store_->IdentityUpdates(update.inbox_id(), 0));
  if (log.size() >= kMaxIdentityUpdatesPerInbox) {
    return Error::Validation(
        "identity_update.inbox_id",
        "inbox has reached " + std::to_string(kMaxIdentityUpdatesPerInbox) + " updates");
  }
  std::vector<::xmtp::identity::associations::IdentityUpdate> prior;
  prior.reserve(log.size());
  for (auto& entry : log) prior.push_back(std::move(*entry.mutable_update()));
  XS_TRY(IdentityEffect effect, ValidateIdentityUpdate(prior, update));
  XS_TRY(std::uint64_t seq, store_->AppendIdentityUpdate(update, effect.added_identifiers,
                                                         effect.removed_identifiers));
  (void)seq;
  return OkStatus();
}

Status Handlers::GetIdentityUpdates(const identity_api::GetIdentityUpdatesRequest& req,
                                    identity_api::GetIdentityUpdatesResponse* resp) {
  XS_RETURN_IF_ERROR(CheckCount(req.requests_size(), kMaxIdentityUpdateQueries, "requests", true));
  for (const auto& r : req.requests()) {
    if (r.inbox_id().size() > kMaxIdentifierChars) {
      return Error::Validation("requests.inbox_id", "too long");
    }
    auto* out = resp->add_responses();
    out->set_inbox_id(r.inbox_id());
    XS_TRY(auto updates, store_->IdentityUpdates(r.inbox_id(), r.sequence_id()));
    for (auto& u : updates) *out->add_updates() = std::move(u);
  }
  return OkStatus();
}

Status Handlers::GetInboxIds(const identity_api::GetInboxIdsRequest& req,
                             identity_api::GetInboxIdsResponse* resp) {
  XS_RETURN_IF_ERROR(CheckCount(req.requests_size(), kMaxInboxIdLookups, "requests", true));
  for (const auto& r : req.requests()) {
    if (r.identifier().size() > kMaxIdentifierChars) {
      return Error::Validation("requests.identifier", "too long");
    }
    auto* out = resp->add_responses();
    out->set_identifier(r.identifier());
    out->set_identifier_kind(r.identifier_kind());
    // Identifiers are indexed in lowercase (addresses and hex passkeys), and
    // clients may send checksummed addresses.
    XS_TRY(auto inbox, store_->InboxForIdentifier(Lowercase(r.identifier())));
    if (inbox) out->set_inbox_id(*inbox);
  }
  return OkStatus();
}

Status Handlers::VerifySmartContractWalletSignatures(
    const identity_api::VerifySmartContractWalletSignaturesRequest& req,
    identity_api::VerifySmartContractWalletSignaturesResponse* resp) {
  XS_RETURN_IF_ERROR(CheckCount(req.signatures_size(), kMaxSmartWalletChecks, "signatures", true));
  // ERC-1271/6492 need an Ethereum RPC endpoint, which a local node has not.
  for (int i = 0; i < req.signatures_size(); ++i) {
    auto* out = resp->add_responses();
    out->set_is_valid(false);
    out->set_error("smart contract wallet signatures cannot be verified by this offline node");
  }
  return OkStatus();
}

}  // namespace xs::node
