#include "xmtp/group/membership_checks.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "codec/hex.h"
#include "xmtp/group/group_error.h"
#include "xmtp/identity/credential.pb.h"

namespace xs::xmtp::group {
namespace {

std::string Hex(const Bytes& key) { return codec::HexEncode(key); }

std::string HexList(const std::set<Bytes>& keys) {
  std::string out;
  for (const Bytes& key : keys) {
    if (!out.empty()) out += ",";
    out += Hex(key);
  }
  return out;
}

std::set<Bytes> Minus(const std::set<Bytes>& a, const std::set<Bytes>& b) {
  std::set<Bytes> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
  return out;
}

}  // namespace

Result<LeafIdentity> LeafIdentityOf(const mls::LeafNode& leaf) {
  if (leaf.credential.credential_type != mls::kCredentialTypeBasic) {
    return MakeGroupRuleError(GroupRuleError::kInvalidCredential, "leaf credential is not basic");
  }
  ::xmtp::identity::MlsCredential credential;
  const Bytes& identity = leaf.credential.identity;
  if (!credential.ParseFromArray(identity.data(), static_cast<int>(identity.size()))) {
    return MakeGroupRuleError(GroupRuleError::kInvalidCredential,
                              "leaf credential identity is not an MlsCredential");
  }
  return LeafIdentity{credential.inbox_id(), leaf.signature_key};
}

Result<MembershipDiff> DiffMembership(const Membership& before, const Membership& after) {
  MembershipDiff diff;
  for (const auto& [inbox, old_sequence] : before.members) {
    auto it = after.members.find(inbox);
    if (it == after.members.end()) {
      diff.removed.push_back(inbox);
    } else if (it->second < old_sequence) {
      return MakeGroupRuleError(GroupRuleError::kSequenceIdDecreased,
                                "sequence id of inbox " + inbox + " went from " +
                                    std::to_string(old_sequence) + " to " +
                                    std::to_string(it->second));
    } else if (it->second != old_sequence) {
      diff.updated.push_back(inbox);
    }
  }
  for (const auto& [inbox, sequence] : after.members) {
    if (before.members.contains(inbox)) continue;
    if (sequence == 0) {
      return MakeGroupRuleError(GroupRuleError::kInvalidSequenceId,
                                "inbox " + inbox + " added at the placeholder sequence id 0");
    }
    diff.added.push_back(inbox);
  }
  return diff;
}

Result<ExpectedInstallations> ExpectInstallations(const Membership& before, const Membership& after,
                                                  const MembershipDiff& diff,
                                                  const InstallationResolver& resolve) {
  ExpectedInstallations expected;
  auto resolve_change = [&](const std::string& inbox) -> Status {
    // From nothing for a new inbox or one still at the creation placeholder.
    std::set<Bytes> start;
    auto old_it = before.members.find(inbox);
    if (old_it != before.members.end() && old_it->second != 0) {
      XS_TRY(start, resolve(inbox, old_it->second));
    }
    XS_TRY(std::set<Bytes> end, resolve(inbox, after.members.at(inbox)));
    std::set<Bytes> added = Minus(end, start);
    if (!added.empty()) expected.added_by_inbox[inbox].merge(added);
    expected.removed.merge(Minus(start, end));
    return OkStatus();
  };
  for (const std::string& inbox : diff.added) XS_RETURN_IF_ERROR(resolve_change(inbox));
  for (const std::string& inbox : diff.updated) XS_RETURN_IF_ERROR(resolve_change(inbox));
  for (const std::string& inbox : diff.removed) {
    XS_TRY(std::set<Bytes> installations, resolve(inbox, before.members.at(inbox)));
    expected.removed.merge(installations);
  }
  return expected;
}

Result<std::set<Bytes>> MatchInstallations(const ExpectedInstallations& expected,
                                           const std::vector<LeafIdentity>& added,
                                           const std::vector<LeafIdentity>& removed,
                                           const std::vector<Bytes>& failed,
                                           bool committer_is_super_admin) {
  std::set<Bytes> removed_keys;
  for (const LeafIdentity& leaf : removed) removed_keys.insert(leaf.installation_key);
  std::set<Bytes> failed_keys(failed.begin(), failed.end());

  std::set<Bytes> readded;
  if (committer_is_super_admin) {
    for (const LeafIdentity& leaf : added) {
      if (removed_keys.contains(leaf.installation_key)) readded.insert(leaf.installation_key);
    }
    for (const Bytes& key : readded) removed_keys.erase(key);
    // A removal whose re-add failed (now in failed_installations).
    for (auto it = removed_keys.begin(); it != removed_keys.end();) {
      if (failed_keys.erase(*it) > 0) {
        readded.insert(*it);
        it = removed_keys.erase(it);
      } else {
        ++it;
      }
    }
  }

  for (const LeafIdentity& leaf : added) {
    if (readded.contains(leaf.installation_key)) continue;
    auto it = expected.added_by_inbox.find(leaf.inbox_id);
    if (it == expected.added_by_inbox.end() || !it->second.contains(leaf.installation_key)) {
      return MakeGroupRuleError(GroupRuleError::kUnexpectedInstallation,
                                "added installation " + Hex(leaf.installation_key) +
                                    " is not an expected new installation of inbox " +
                                    leaf.inbox_id);
    }
  }

  std::set<Bytes> must_remove = Minus(expected.removed, failed_keys);
  if (removed_keys != must_remove) {
    std::set<Bytes> missing = Minus(must_remove, removed_keys);
    std::set<Bytes> extra = Minus(removed_keys, must_remove);
    std::string detail = "removed installations differ from the expected diff";
    if (!missing.empty()) detail += "; not removed: " + HexList(missing);
    if (!extra.empty()) detail += "; removed but not expected: " + HexList(extra);
    return MakeGroupRuleError(GroupRuleError::kInstallationRemovalMismatch, detail);
  }
  return readded;
}

Status CheckLeafCredential(const LeafIdentity& leaf, const Membership& after,
                           const InstallationResolver& resolve) {
  auto it = after.members.find(leaf.inbox_id);
  if (it == after.members.end()) {
    return MakeGroupRuleError(GroupRuleError::kNotMember,
                              "inbox " + leaf.inbox_id + " is not in the group membership");
  }
  XS_TRY(std::set<Bytes> installations, resolve(leaf.inbox_id, it->second));
  if (!installations.contains(leaf.installation_key)) {
    return MakeGroupRuleError(GroupRuleError::kCredentialMismatch,
                              "installation " + Hex(leaf.installation_key) +
                                  " is not in the association state of inbox " + leaf.inbox_id +
                                  " at sequence id " + std::to_string(it->second));
  }
  return OkStatus();
}

Status CheckWelcomeMembership(const Membership& membership,
                              const std::vector<LeafIdentity>& tree_leaves,
                              const InstallationResolver& resolve) {
  std::map<std::string, std::set<Bytes>> expected;
  for (const auto& [inbox, sequence] : membership.members) {
    XS_TRY(expected[inbox], resolve(inbox, sequence));
  }
  for (const LeafIdentity& leaf : tree_leaves) {
    auto it = expected.find(leaf.inbox_id);
    if (it == expected.end()) {
      return MakeGroupRuleError(
          GroupRuleError::kWelcomeMembership,
          "tree leaf of inbox " + leaf.inbox_id + " which is not in the group membership");
    }
    if (it->second.erase(leaf.installation_key) == 0) {
      return MakeGroupRuleError(GroupRuleError::kWelcomeMembership,
                                "tree leaf " + Hex(leaf.installation_key) +
                                    " is not an installation of inbox " + leaf.inbox_id);
    }
  }
  std::set<Bytes> failed(membership.failed_installations.begin(),
                         membership.failed_installations.end());
  for (const auto& [inbox, installations] : expected) {
    for (const Bytes& key : installations) {
      if (!failed.contains(key)) {
        return MakeGroupRuleError(GroupRuleError::kWelcomeMembership,
                                  "installation " + Hex(key) + " of inbox " + inbox +
                                      " is neither in the tree nor failed");
      }
    }
  }
  return OkStatus();
}

}  // namespace xs::xmtp::group
