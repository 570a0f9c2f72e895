#include "xmtp/group/policies.h"

#include <string>

#include "xmtp/group/constants.h"
#include "xmtp/group/group_error.h"
#include "xmtp/group/proto_bytes.h"
#include "xmtp/mls/message_contents/group_permissions.pb.h"

namespace xs::xmtp::group {
namespace pb = ::xmtp::mls::message_contents;
namespace {

bool RoleIsAdmin(Role r) { return r == Role::kAdmin || r == Role::kSuperAdmin; }
bool RoleIsSuperAdmin(Role r) { return r == Role::kSuperAdmin; }

bool BaseAllows(MembershipBase base, Role actor) {
  switch (base) {
    case MembershipBase::kAllow:
      return true;
    case MembershipBase::kDeny:
      return false;
    case MembershipBase::kAllowIfAdminOrSuperAdmin:
      return RoleIsAdmin(actor);
    case MembershipBase::kAllowIfSuperAdmin:
      return RoleIsSuperAdmin(actor);
  }
  return false;
}

bool BaseAllows(MetadataBase base, Role actor) {
  switch (base) {
    case MetadataBase::kAllow:
      return true;
    case MetadataBase::kDeny:
      return false;
    case MetadataBase::kAllowIfAdmin:
      return RoleIsAdmin(actor);
    case MetadataBase::kAllowIfSuperAdmin:
      return RoleIsSuperAdmin(actor);
  }
  return false;
}

bool BaseAllows(PermissionsBase base, Role actor) {
  switch (base) {
    case PermissionsBase::kDeny:
      return false;
    case PermissionsBase::kAllowIfAdmin:
      return RoleIsAdmin(actor);
    case PermissionsBase::kAllowIfSuperAdmin:
      return RoleIsSuperAdmin(actor);
  }
  return false;
}

template <typename Base>
bool Evaluate(const Policy<Base>& policy, Role actor) {
  switch (policy.combinator) {
    case Combinator::kBase:
      return BaseAllows(policy.base, actor);
    case Combinator::kAnd:
      for (const Policy<Base>& p : policy.policies) {
        if (!Evaluate(p, actor)) return false;
      }
      return true;
    case Combinator::kAny:
      for (const Policy<Base>& p : policy.policies) {
        if (Evaluate(p, actor)) return true;
      }
      return false;
  }
  return false;
}

// Highest valid base value of each policy family (the lowest is 1).
constexpr int MaxBase(MembershipBase) { return 4; }
constexpr int MaxBase(MetadataBase) { return 4; }
constexpr int MaxBase(PermissionsBase) { return 3; }

template <typename Proto, typename Base>
void ToProto(const Policy<Base>& policy, Proto* out) {
  switch (policy.combinator) {
    case Combinator::kBase:
      out->set_base(static_cast<decltype(out->base())>(policy.base));
      return;
    case Combinator::kAnd:
      for (const Policy<Base>& p : policy.policies) {
        ToProto(p, out->mutable_and_condition()->add_policies());
      }
      if (policy.policies.empty()) out->mutable_and_condition();
      return;
    case Combinator::kAny:
      for (const Policy<Base>& p : policy.policies) {
        ToProto(p, out->mutable_any_condition()->add_policies());
      }
      if (policy.policies.empty()) out->mutable_any_condition();
      return;
  }
}

template <typename Base, typename Proto>
Result<Policy<Base>> FromProto(const Proto& proto, std::string_view name) {
  auto invalid = [&](std::string_view why) {
    return MakeGroupRuleError(GroupRuleError::kInvalidPolicy,
                              std::string(name) + ": " + std::string(why));
  };
  switch (proto.kind_case()) {
    case Proto::kBase: {
      int value = static_cast<int>(proto.base());
      if (value < 1 || value > MaxBase(Base{})) return invalid("unknown base policy");
      return Policy<Base>::Of(static_cast<Base>(value));
    }
    case Proto::kAndCondition:
    case Proto::kAnyCondition: {
      bool is_and = proto.kind_case() == Proto::kAndCondition;
      const auto& inner =
          is_and ? proto.and_condition().policies() : proto.any_condition().policies();
      if (inner.empty()) return invalid("empty and/any condition");
      std::vector<Policy<Base>> children;
      children.reserve(inner.size());
      for (const Proto& child : inner) {
        XS_TRY(Policy<Base> p, (FromProto<Base, Proto>(child, name)));
        children.push_back(std::move(p));
      }
      return is_and ? Policy<Base>::And(std::move(children))
                    : Policy<Base>::Any(std::move(children));
    }
    default:
      return invalid("no policy kind set");
  }
}

template <typename Base, typename Proto>
Result<Policy<Base>> RequiredFromProto(bool present, const Proto& proto, std::string_view name) {
  if (!present) {
    return MakeGroupRuleError(GroupRuleError::kInvalidPolicy, std::string(name) + ": missing");
  }
  return FromProto<Base, Proto>(proto, name);
}

PolicySet MakePreset(MembershipPolicy add, MetadataPolicy open_fields) {
  PolicySet set;
  set.add_member_policy = std::move(add);
  set.remove_member_policy = MembershipPolicy::Of(MembershipBase::kAllowIfAdminOrSuperAdmin);
  for (std::string_view field : SupportedMetadataFields()) {
    MetadataPolicy policy = open_fields;
    if (field == kMessageDisappearFromNs || field == kMessageDisappearInNs) {
      policy = MetadataPolicy::Of(MetadataBase::kAllowIfAdmin);
    } else if (field == kMinimumSupportedProtocolVersion) {
      policy = MetadataPolicy::Of(MetadataBase::kAllowIfSuperAdmin);
    }
    set.update_metadata_policy.emplace(std::string(field), std::move(policy));
  }
  set.add_admin_policy = PermissionsPolicy::Of(PermissionsBase::kAllowIfSuperAdmin);
  set.remove_admin_policy = PermissionsPolicy::Of(PermissionsBase::kAllowIfSuperAdmin);
  set.update_permissions_policy = PermissionsPolicy::Of(PermissionsBase::kAllowIfSuperAdmin);
  return set;
}

}  // namespace

const std::vector<std::string_view>& SupportedMetadataFields() {
  static const std::vector<std::string_view> kFields{kGroupName,
                                                     kDescription,
                                                     kImageUrl,
                                                     kMessageDisappearFromNs,
                                                     kMessageDisappearInNs,
                                                     kMinimumSupportedProtocolVersion,
                                                     kAppData};
  return kFields;
}

PolicySet DefaultPolicies() {
  return MakePreset(MembershipPolicy::Of(MembershipBase::kAllow),
                    MetadataPolicy::Of(MetadataBase::kAllow));
}

PolicySet AdminOnlyPolicies() {
  return MakePreset(MembershipPolicy::Of(MembershipBase::kAllowIfAdminOrSuperAdmin),
                    MetadataPolicy::Of(MetadataBase::kAllowIfAdmin));
}

PolicySet DmPolicies() {
  PolicySet set;
  set.add_member_policy = MembershipPolicy::Of(MembershipBase::kDeny);
  set.remove_member_policy = MembershipPolicy::Of(MembershipBase::kDeny);
  for (std::string_view field : SupportedMetadataFields()) {
    set.update_metadata_policy.emplace(std::string(field),
                                       MetadataPolicy::Of(MetadataBase::kAllow));
  }
  set.add_admin_policy = PermissionsPolicy::Of(PermissionsBase::kDeny);
  set.remove_admin_policy = PermissionsPolicy::Of(PermissionsBase::kDeny);
  set.update_permissions_policy = PermissionsPolicy::Of(PermissionsBase::kDeny);
  return set;
}

PolicyPreset PresetOf(const PolicySet& set) {
  for (PolicyPreset preset : {PolicyPreset::kDefault, PolicyPreset::kAdminOnly}) {
    PolicySet want = preset == PolicyPreset::kDefault ? DefaultPolicies() : AdminOnlyPolicies();
    MetadataPolicy other_keys = preset == PolicyPreset::kDefault
                                    ? MetadataPolicy::Of(MetadataBase::kAllow)
                                    : MetadataPolicy::Of(MetadataBase::kAllowIfAdmin);
    bool same = set.add_member_policy == want.add_member_policy &&
                set.remove_member_policy == want.remove_member_policy &&
                set.add_admin_policy == want.add_admin_policy &&
                set.remove_admin_policy == want.remove_admin_policy &&
                set.update_permissions_policy == want.update_permissions_policy;
    for (const auto& [key, policy] : set.update_metadata_policy) {
      auto it = want.update_metadata_policy.find(key);
      same = same && policy == (it != want.update_metadata_policy.end() ? it->second : other_keys);
    }
    if (same) return preset;
  }
  return PolicyPreset::kCustom;
}

bool Allows(const MembershipPolicy& policy, Role actor) { return Evaluate(policy, actor); }
bool Allows(const MetadataPolicy& policy, Role actor) { return Evaluate(policy, actor); }
bool Allows(const PermissionsPolicy& policy, Role actor) { return Evaluate(policy, actor); }

MetadataPolicy MetadataPolicyFor(const PolicySet& set, std::string_view field) {
  auto it = set.update_metadata_policy.find(std::string(field));
  if (it != set.update_metadata_policy.end()) return it->second;
  if (field.starts_with(kSuperAdminPrefix)) {
    return MetadataPolicy::Of(MetadataBase::kAllowIfSuperAdmin);
  }
  return MetadataPolicy::Of(MetadataBase::kAllowIfAdmin);
}

std::string EncodePermissions(const PolicySet& set) {
  pb::GroupMutablePermissionsV1 message;
  pb::PolicySet* out = message.mutable_policies();
  ToProto(set.add_member_policy, out->mutable_add_member_policy());
  ToProto(set.remove_member_policy, out->mutable_remove_member_policy());
  for (const auto& [field, policy] : set.update_metadata_policy) {
    ToProto(policy, &(*out->mutable_update_metadata_policy())[field]);
  }
  ToProto(set.add_admin_policy, out->mutable_add_admin_policy());
  ToProto(set.remove_admin_policy, out->mutable_remove_admin_policy());
  ToProto(set.update_permissions_policy, out->mutable_update_permissions_policy());
  return SerializeDeterministic(message);
}

Result<PolicySet> DecodePermissions(std::string_view bytes) {
  pb::GroupMutablePermissionsV1 message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return MakeGroupRuleError(GroupRuleError::kMalformedExtension,
                              "GroupMutablePermissionsV1 does not decode");
  }
  if (!message.has_policies()) {
    return MakeGroupRuleError(GroupRuleError::kInvalidPolicy, "policies: missing");
  }
  const pb::PolicySet& in = message.policies();
  PolicySet set;
  XS_TRY(set.add_member_policy,
         (RequiredFromProto<MembershipBase>(in.has_add_member_policy(), in.add_member_policy(),
                                            "add_member_policy")));
  XS_TRY(set.remove_member_policy,
         (RequiredFromProto<MembershipBase>(in.has_remove_member_policy(),
                                            in.remove_member_policy(), "remove_member_policy")));
  for (const auto& [field, policy] : in.update_metadata_policy()) {
    XS_TRY(MetadataPolicy p,
           (FromProto<MetadataBase>(policy, "update_metadata_policy[" + field + "]")));
    set.update_metadata_policy.emplace(field, std::move(p));
  }
  XS_TRY(set.add_admin_policy,
         (RequiredFromProto<PermissionsBase>(in.has_add_admin_policy(), in.add_admin_policy(),
                                             "add_admin_policy")));
  XS_TRY(set.remove_admin_policy,
         (RequiredFromProto<PermissionsBase>(in.has_remove_admin_policy(), in.remove_admin_policy(),
                                             "remove_admin_policy")));
  XS_TRY(set.update_permissions_policy,
         (RequiredFromProto<PermissionsBase>(in.has_update_permissions_policy(),
                                             in.update_permissions_policy(),
                                             "update_permissions_policy")));
  return set;
}

}  // namespace xs::xmtp::group
