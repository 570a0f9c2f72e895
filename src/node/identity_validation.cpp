#include "node/identity_validation.h"

#include <optional>

#include "xmtp/identity/association_state.h"

namespace xs::node {
namespace {

namespace id = ::xs::xmtp::identity;

// Only addressable members are indexed; installations are found through
// the inbox's log, not by lookup.
void CollectIdentifiers(const std::vector<id::MemberId>& members, std::vector<std::string>* out) {
  for (const id::MemberId& m : members) {
    if (m.is_ethereum() || m.is_passkey()) out->push_back(m.ToString());
  }
}

}  // namespace

Result<IdentityEffect> ValidateIdentityUpdate(
    std::span<const ::xmtp::identity::associations::IdentityUpdate> log,
    const ::xmtp::identity::associations::IdentityUpdate& update) {
  std::optional<id::AssociationState> prior;
  if (!log.empty()) {
    auto state = id::ComputeState(log);
    if (!state.ok()) {
      return Error::Internal("stored identity log of inbox " + update.inbox_id() +
                             " no longer validates: " + state.error().message());
    }
    prior = std::move(state).value();
  }
  auto applied = id::ApplyUpdate(prior, update);
  if (!applied.ok()) {
    // Whatever the library's category (a bad signature may be an Auth
    // error), a rejected update is the client's fault: INVALID_ARGUMENT.
    if (applied.error().category() == Category::kValidation) return applied.error();
    return Error::Validation("identity_update", applied.error().message());
  }
  id::AssociationState next = std::move(applied).value();
  if (next.inbox_id() != update.inbox_id()) {
    return Error::Validation("identity_update.inbox_id", "does not match the resulting inbox");
  }
  const id::AssociationStateDiff diff = id::Diff(prior, next);
  IdentityEffect effect;
  CollectIdentifiers(diff.new_members, &effect.added_identifiers);
  CollectIdentifiers(diff.removed_members, &effect.removed_identifiers);
  return effect;
}

}  // namespace xs::node
