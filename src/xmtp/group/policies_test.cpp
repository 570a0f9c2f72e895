#include "xmtp/group/policies.h"

#include <gtest/gtest.h>

#include <string>

#include "xmtp/group/constants.h"
#include "xmtp/group/group_error.h"
#include "xmtp/mls/message_contents/group_permissions.pb.h"

namespace xs::xmtp::group {
namespace {

namespace pb = ::xmtp::mls::message_contents;

constexpr Role kAll[] = {Role::kMember, Role::kAdmin, Role::kSuperAdmin};

TEST(PoliciesTest, DefaultLetsMembersAddButOnlyAdminsRemove) {
  PolicySet set = DefaultPolicies();
  for (Role r : kAll) EXPECT_TRUE(Allows(set.add_member_policy, r));
  EXPECT_FALSE(Allows(set.remove_member_policy, Role::kMember));
  EXPECT_TRUE(Allows(set.remove_member_policy, Role::kAdmin));
  EXPECT_TRUE(Allows(set.remove_member_policy, Role::kSuperAdmin));
}

TEST(PoliciesTest, AdminOnlyDeniesMemberAdds) {
  PolicySet set = AdminOnlyPolicies();
  EXPECT_FALSE(Allows(set.add_member_policy, Role::kMember));
  EXPECT_TRUE(Allows(set.add_member_policy, Role::kAdmin));
  EXPECT_TRUE(Allows(set.add_member_policy, Role::kSuperAdmin));
  EXPECT_FALSE(Allows(MetadataPolicyFor(set, kGroupName), Role::kMember));
  EXPECT_TRUE(Allows(MetadataPolicyFor(set, kGroupName), Role::kAdmin));
}

TEST(PoliciesTest, AdminListsAndPermissionsNeedSuperAdminInBothPresets) {
  for (const PolicySet& set : {DefaultPolicies(), AdminOnlyPolicies()}) {
    for (const PermissionsPolicy* p :
         {&set.add_admin_policy, &set.remove_admin_policy, &set.update_permissions_policy}) {
      EXPECT_FALSE(Allows(*p, Role::kMember));
      EXPECT_FALSE(Allows(*p, Role::kAdmin));
      EXPECT_TRUE(Allows(*p, Role::kSuperAdmin));
    }
  }
}

TEST(PoliciesTest, DefaultMetadataPolicies) {
  PolicySet set = DefaultPolicies();
  EXPECT_TRUE(Allows(MetadataPolicyFor(set, kGroupName), Role::kMember));
  EXPECT_TRUE(Allows(MetadataPolicyFor(set, kAppData), Role::kMember));
  EXPECT_FALSE(Allows(MetadataPolicyFor(set, kMessageDisappearInNs), Role::kMember));
  EXPECT_TRUE(Allows(MetadataPolicyFor(set, kMessageDisappearInNs), Role::kAdmin));
  EXPECT_FALSE(Allows(MetadataPolicyFor(set, kMinimumSupportedProtocolVersion), Role::kAdmin));
  EXPECT_TRUE(Allows(MetadataPolicyFor(set, kMinimumSupportedProtocolVersion), Role::kSuperAdmin));
}

TEST(PoliciesTest, UnlistedUnderscoreKeysAreSuperAdminOnly) {
  PolicySet set = DefaultPolicies();
  MetadataPolicy signer = MetadataPolicyFor(set, kCommitLogSigner);
  EXPECT_FALSE(Allows(signer, Role::kMember));
  EXPECT_FALSE(Allows(signer, Role::kAdmin));
  EXPECT_TRUE(Allows(signer, Role::kSuperAdmin));
  MetadataPolicy custom = MetadataPolicyFor(set, "custom_key");
  EXPECT_FALSE(Allows(custom, Role::kMember));
  EXPECT_TRUE(Allows(custom, Role::kAdmin));
  // An explicit policy wins over the prefix rule.
  set.update_metadata_policy["_open"] = MetadataPolicy::Of(MetadataBase::kAllow);
  EXPECT_TRUE(Allows(MetadataPolicyFor(set, "_open"), Role::kMember));
}

TEST(PoliciesTest, DmDeniesMembershipAndAdminChangesButOpensMetadata) {
  PolicySet set = DmPolicies();
  for (Role r : kAll) {
    EXPECT_FALSE(Allows(set.add_member_policy, r));
    EXPECT_FALSE(Allows(set.remove_member_policy, r));
    EXPECT_FALSE(Allows(set.add_admin_policy, r));
    EXPECT_FALSE(Allows(set.update_permissions_policy, r));
    for (std::string_view field : SupportedMetadataFields()) {
      EXPECT_TRUE(Allows(MetadataPolicyFor(set, field), r)) << field;
    }
  }
}

TEST(PoliciesTest, AndAnyCombinators) {
  MembershipPolicy all =
      MembershipPolicy::And({MembershipPolicy::Of(MembershipBase::kAllow),
                             MembershipPolicy::Of(MembershipBase::kAllowIfSuperAdmin)});
  EXPECT_FALSE(Allows(all, Role::kAdmin));
  EXPECT_TRUE(Allows(all, Role::kSuperAdmin));
  MembershipPolicy any =
      MembershipPolicy::Any({MembershipPolicy::Of(MembershipBase::kDeny),
                             MembershipPolicy::Of(MembershipBase::kAllowIfAdminOrSuperAdmin)});
  EXPECT_FALSE(Allows(any, Role::kMember));
  EXPECT_TRUE(Allows(any, Role::kAdmin));
}

TEST(PoliciesTest, NestedPoliciesRoundTrip) {
  PolicySet set = AdminOnlyPolicies();
  set.add_member_policy = MembershipPolicy::Any(
      {MembershipPolicy::Of(MembershipBase::kAllowIfSuperAdmin),
       MembershipPolicy::And({MembershipPolicy::Of(MembershipBase::kAllow),
                              MembershipPolicy::Of(MembershipBase::kAllowIfAdminOrSuperAdmin)})});
  set.update_metadata_policy["x"] = MetadataPolicy::And({MetadataPolicy::Of(MetadataBase::kDeny)});
  set.update_permissions_policy =
      PermissionsPolicy::Any({PermissionsPolicy::Of(PermissionsBase::kDeny),
                              PermissionsPolicy::Of(PermissionsBase::kAllowIfAdmin)});
  auto decoded = DecodePermissions(EncodePermissions(set));
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(*decoded, set);
}

std::string Serialize(const pb::GroupMutablePermissionsV1& m) { return m.SerializeAsString(); }

pb::GroupMutablePermissionsV1 ValidProto() {
  pb::GroupMutablePermissionsV1 m;
  m.ParseFromString(EncodePermissions(DefaultPolicies()));
  return m;
}

void ExpectInvalidPolicy(const pb::GroupMutablePermissionsV1& m) {
  auto decoded = DecodePermissions(Serialize(m));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(GroupRuleErrorOf(decoded.error()), GroupRuleError::kInvalidPolicy);
}

TEST(PoliciesTest, DecodeRejectsWhatLibxmtpRejects) {
  {
    pb::GroupMutablePermissionsV1 m;  // no policies
    ExpectInvalidPolicy(m);
  }
  {
    pb::GroupMutablePermissionsV1 m = ValidProto();
    m.mutable_policies()->clear_add_member_policy();
    ExpectInvalidPolicy(m);
  }
  {
    pb::GroupMutablePermissionsV1 m = ValidProto();
    m.mutable_policies()->clear_update_permissions_policy();
    ExpectInvalidPolicy(m);
  }
  {
    pb::GroupMutablePermissionsV1 m = ValidProto();
    m.mutable_policies()->mutable_add_member_policy()->set_base(
        pb::MembershipPolicy::BASE_POLICY_UNSPECIFIED);
    ExpectInvalidPolicy(m);
  }
  {
    pb::GroupMutablePermissionsV1 m = ValidProto();
    // 4 is a valid membership/metadata base but not a permissions base.
    m.mutable_policies()->mutable_add_admin_policy()->set_base(
        static_cast<pb::PermissionsUpdatePolicy::PermissionsBasePolicy>(4));
    ExpectInvalidPolicy(m);
  }
  {
    pb::GroupMutablePermissionsV1 m = ValidProto();
    m.mutable_policies()->mutable_remove_member_policy()->mutable_and_condition();
    ExpectInvalidPolicy(m);
  }
  {
    pb::GroupMutablePermissionsV1 m = ValidProto();
    (*m.mutable_policies()->mutable_update_metadata_policy())["k"].mutable_any_condition();
    ExpectInvalidPolicy(m);
  }
  {
    pb::GroupMutablePermissionsV1 m = ValidProto();
    (*m.mutable_policies()->mutable_update_metadata_policy())["k"];  // no kind
    ExpectInvalidPolicy(m);
  }
  EXPECT_FALSE(DecodePermissions(std::string("\x0a\xff", 2)).ok());
}

// The protobuf field values libxmtp writes for its presets
// (group_permissions.rs default_policy / policy_admin_only / PolicySet::new_dm,
// group_mutable_metadata.rs supported_fields), as numbers.
struct ExpectedPreset {
  int add_member, remove_member;
  std::map<std::string, int> metadata;
  int add_admin, remove_admin, update_permissions;
};

void ExpectWireValues(const PolicySet& set, const ExpectedPreset& want) {
  pb::GroupMutablePermissionsV1 m;
  ASSERT_TRUE(m.ParseFromString(EncodePermissions(set)));
  ASSERT_TRUE(m.has_policies());
  const pb::PolicySet& p = m.policies();
  EXPECT_EQ(p.add_member_policy().kind_case(), pb::MembershipPolicy::kBase);
  EXPECT_EQ(static_cast<int>(p.add_member_policy().base()), want.add_member);
  EXPECT_EQ(static_cast<int>(p.remove_member_policy().base()), want.remove_member);
  std::map<std::string, int> metadata;
  for (const auto& [key, policy] : p.update_metadata_policy()) {
    EXPECT_EQ(policy.kind_case(), pb::MetadataPolicy::kBase) << key;
    metadata[key] = static_cast<int>(policy.base());
  }
  EXPECT_EQ(metadata, want.metadata);
  EXPECT_EQ(p.add_admin_policy().kind_case(), pb::PermissionsUpdatePolicy::kBase);
  EXPECT_EQ(static_cast<int>(p.add_admin_policy().base()), want.add_admin);
  EXPECT_EQ(static_cast<int>(p.remove_admin_policy().base()), want.remove_admin);
  EXPECT_EQ(static_cast<int>(p.update_permissions_policy().base()), want.update_permissions);
}

TEST(PoliciesTest, DefaultPresetHasLibxmtpsWireValues) {
  // ALLOW=1, ALLOW_IF_ADMIN_OR_SUPER_ADMIN=3; metadata ALLOW=1, ALLOW_IF_ADMIN=3,
  // ALLOW_IF_SUPER_ADMIN=4; permissions ALLOW_IF_SUPER_ADMIN=3.
  ExpectWireValues(DefaultPolicies(), {1,
                                       3,
                                       {{"group_name", 1},
                                        {"description", 1},
                                        {"group_image_url_square", 1},
                                        {"message_disappear_from_ns", 3},
                                        {"message_disappear_in_ns", 3},
                                        {"minimum_supported_protocol_version", 4},
                                        {"app_data", 1}},
                                       3,
                                       3,
                                       3});
}

TEST(PoliciesTest, AdminOnlyPresetHasLibxmtpsWireValues) {
  ExpectWireValues(AdminOnlyPolicies(), {3,
                                         3,
                                         {{"group_name", 3},
                                          {"description", 3},
                                          {"group_image_url_square", 3},
                                          {"message_disappear_from_ns", 3},
                                          {"message_disappear_in_ns", 3},
                                          {"minimum_supported_protocol_version", 4},
                                          {"app_data", 3}},
                                         3,
                                         3,
                                         3});
}

TEST(PoliciesTest, DmPresetHasLibxmtpsWireValues) {
  // Membership DENY=2, permissions DENY=1, every metadata field ALLOW=1.
  ExpectWireValues(DmPolicies(), {2,
                                  2,
                                  {{"group_name", 1},
                                   {"description", 1},
                                   {"group_image_url_square", 1},
                                   {"message_disappear_from_ns", 1},
                                   {"message_disappear_in_ns", 1},
                                   {"minimum_supported_protocol_version", 1},
                                   {"app_data", 1}},
                                  1,
                                  1,
                                  1});
}

TEST(PoliciesTest, PresetOfRecognisesLibxmtpsPresets) {
  EXPECT_EQ(PresetOf(DefaultPolicies()), PolicyPreset::kDefault);
  EXPECT_EQ(PresetOf(AdminOnlyPolicies()), PolicyPreset::kAdminOnly);
  EXPECT_EQ(PresetOf(DmPolicies()), PolicyPreset::kCustom);
  // Older groups lack some keys; unknown keys must follow the preset's rule.
  PolicySet older = DefaultPolicies();
  older.update_metadata_policy.erase(std::string(kAppData));
  older.update_metadata_policy["new_key"] = MetadataPolicy::Of(MetadataBase::kAllow);
  EXPECT_EQ(PresetOf(older), PolicyPreset::kDefault);
  older.update_metadata_policy["new_key"] = MetadataPolicy::Of(MetadataBase::kAllowIfAdmin);
  EXPECT_EQ(PresetOf(older), PolicyPreset::kCustom);
  PolicySet changed = AdminOnlyPolicies();
  changed.remove_admin_policy = PermissionsPolicy::Of(PermissionsBase::kAllowIfAdmin);
  EXPECT_EQ(PresetOf(changed), PolicyPreset::kCustom);
}

TEST(PoliciesTest, EncodingIsDeterministic) {
  EXPECT_EQ(EncodePermissions(DefaultPolicies()), EncodePermissions(DefaultPolicies()));
  // First bytes: policies (0a, len) then add_member_policy {base: ALLOW} = 0a 02 08 01.
  std::string bytes = EncodePermissions(DefaultPolicies());
  ASSERT_GT(bytes.size(), 8u);
  EXPECT_EQ(bytes.substr(bytes[1] & 0x80 ? 3 : 2, 4), std::string("\x0a\x02\x08\x01", 4));
}

}  // namespace
}  // namespace xs::xmtp::group
