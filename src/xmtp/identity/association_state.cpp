#include "xmtp/identity/association_state.h"

#include <algorithm>

namespace xs::xmtp::identity {
namespace {

namespace pb = ::xmtp::identity::associations;

pb::Member MemberToProto(const Member& m) {
  pb::Member out;
  *out.mutable_identifier() = MemberIdToProto(m.id);
  if (m.added_by) *out.mutable_added_by_entity() = MemberIdToProto(*m.added_by);
  if (m.client_timestamp_ns) out.set_client_timestamp_ns(*m.client_timestamp_ns);
  if (m.added_on_chain_id) out.set_added_on_chain_id(*m.added_on_chain_id);
  return out;
}

}  // namespace

AssociationState::AssociationState(std::string inbox_id, Member creator)
    : inbox_id_(std::move(inbox_id)), recovery_(creator.id) {
  MemberId key = creator.id;
  members_.emplace(std::move(key), std::move(creator));
}

const Member* AssociationState::FindMember(const MemberId& id) const {
  auto it = members_.find(id);
  return it == members_.end() ? nullptr : &it->second;
}

bool AssociationState::HasInstallation(std::span<const std::uint8_t> key) const {
  return HasMember(MemberId::Installation(key));
}

bool AssociationState::HasEthereumAddress(std::string_view address) const {
  auto normalized = NormalizeEthereumAddress(address);
  return normalized.ok() && HasMember(MemberId::Ethereum(std::move(normalized).value()));
}

bool AssociationState::HasSeenSignature(std::span<const std::uint8_t> signature) const {
  return seen_signatures_.count(std::string(signature.begin(), signature.end())) != 0;
}

std::vector<std::string> AssociationState::EthereumAddresses() const {
  std::vector<std::string> out;
  for (const auto& [id, member] : members_) {
    if (id.is_ethereum()) out.push_back(id.value);
  }
  return out;  // std::map order: already sorted
}

std::vector<std::vector<std::uint8_t>> AssociationState::InstallationKeys() const {
  std::vector<std::vector<std::uint8_t>> out;
  for (const auto& [id, member] : members_) {
    if (id.is_installation()) out.emplace_back(id.value.begin(), id.value.end());
  }
  return out;
}

void AssociationState::AddMember(Member member) {
  MemberId key = member.id;
  members_.insert_or_assign(std::move(key), std::move(member));
}

void AssociationState::RemoveMember(const MemberId& id) { members_.erase(id); }

pb::AssociationState AssociationState::ToProto() const {
  pb::AssociationState out;
  out.set_inbox_id(inbox_id_);
  for (const auto& [id, member] : members_) {
    auto* entry = out.add_members();
    *entry->mutable_key() = MemberIdToProto(id);
    *entry->mutable_value() = MemberToProto(member);
  }
  out.set_recovery_identifier(recovery_.ToString());
  out.set_recovery_identifier_kind(IdentifierKindOf(recovery_));
  for (const auto& sig : seen_signatures_) out.add_seen_signatures(sig);
  return out;
}

AssociationStateDiff Diff(const std::optional<AssociationState>& before,
                          const AssociationState& after) {
  AssociationStateDiff diff;
  for (const auto& [id, member] : after.members()) {
    if (!before || !before->HasMember(id)) diff.new_members.push_back(id);
  }
  if (before) {
    for (const auto& [id, member] : before->members()) {
      if (!after.HasMember(id)) diff.removed_members.push_back(id);
    }
  }
  return diff;
}

}  // namespace xs::xmtp::identity
