#include "xmtp/group/commit_validation.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <utility>

#include "mls/group/xmtp_profile.h"
#include "xmtp/group/constants.h"
#include "xmtp/group/group_error.h"

namespace xs::xmtp::group {
namespace {

Bytes Key(std::uint8_t id) { return Bytes(32, id); }

// alice: A1. bob: B1 at 1, B1+B2 at 2. carol: C1 at 1. dave: D1 at 1.
// Sequence id 0 resolves to the latest state.
class FakeIdentity {
 public:
  FakeIdentity() {
    states_[{"alice", 1}] = {Key(0xA1)};
    states_[{"bob", 1}] = {Key(0xB1)};
    states_[{"bob", 2}] = {Key(0xB1), Key(0xB2)};
    states_[{"carol", 1}] = {Key(0xC1)};
    states_[{"dave", 1}] = {Key(0xD1)};
  }
  InstallationResolver Resolver() const {
    return [this](const std::string& inbox, std::uint64_t sequence) -> Result<std::set<Bytes>> {
      if (sequence == 0) {
        std::optional<std::set<Bytes>> latest;
        for (const auto& [key, installations] : states_) {
          if (key.first == inbox) latest = installations;
        }
        if (latest) return *latest;
      }
      auto it = states_.find({inbox, sequence});
      if (it == states_.end()) return Error::NotFound("no identity state for " + inbox);
      return it->second;
    };
  }

 private:
  std::map<std::pair<std::string, std::uint64_t>, std::set<Bytes>> states_;
};

LeafIdentity Leaf(std::string inbox, std::uint8_t key) { return {std::move(inbox), Key(key)}; }

class CommitValidationTest : public ::testing::Test {
 protected:
  // alice (creator, super admin) and bob, both resolved at sequence id 1.
  GroupExtensions Group(PolicySet policies = DefaultPolicies()) {
    GroupExtensions group = NewGroup("alice", std::move(policies));
    group.membership.members = {{"alice", 1}, {"bob", 1}};
    return group;
  }

  Result<ValidatedCommit> Validate(const GroupExtensions& before, const GroupExtensions& after,
                                   const CommitFacts& facts) {
    return ValidateCommit(before, after, facts, identity_.Resolver());
  }

  static void ExpectKind(const Result<ValidatedCommit>& result, GroupRuleError kind) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(GroupRuleErrorOf(result.error()), kind) << result.error().ToString();
  }

  FakeIdentity identity_;
};

TEST_F(CommitValidationTest, AcceptsAMemberAddingUnderTheDefaultPolicy) {
  GroupExtensions before = Group();
  GroupExtensions after = before;
  after.membership.members["carol"] = 1;
  CommitFacts facts{Leaf("bob", 0xB1), {Leaf("carol", 0xC1)}, {}, {}};
  auto result = Validate(before, after, facts);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->actor_inbox_id, "bob");
  EXPECT_EQ(result->added_inboxes, std::vector<std::string>{"carol"});
  EXPECT_TRUE(result->removed_inboxes.empty());
  EXPECT_TRUE(result->installations_changed);
  EXPECT_FALSE(result->permissions_changed);
}

TEST_F(CommitValidationTest, AcceptsASuperAdminRemovingAMember) {
  GroupExtensions before = Group();
  GroupExtensions after = before;
  after.membership.members.erase("bob");
  CommitFacts facts{Leaf("alice", 0xA1), {}, {Leaf("bob", 0xB1)}, {}};
  auto result = Validate(before, after, facts);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->removed_inboxes, std::vector<std::string>{"bob"});
  EXPECT_TRUE(result->left_inboxes.empty());
}

TEST_F(CommitValidationTest, Rule1RejectsANonMemberCommitter) {
  GroupExtensions before = Group();
  CommitFacts facts{Leaf("carol", 0xC1), {}, {}, {}};
  ExpectKind(Validate(before, before, facts), GroupRuleError::kNotMember);
}

TEST_F(CommitValidationTest, Rule2RejectsASequenceIdDecrease) {
  GroupExtensions before = Group();
  before.membership.members["bob"] = 2;
  GroupExtensions after = before;
  after.membership.members["bob"] = 1;
  CommitFacts facts{Leaf("alice", 0xA1), {}, {Leaf("bob", 0xB2)}, {}};
  ExpectKind(Validate(before, after, facts), GroupRuleError::kSequenceIdDecreased);
}

TEST_F(CommitValidationTest, Rule3RejectsAMissingExpectedRemoval) {
  GroupExtensions before = Group();
  before.membership.members["bob"] = 2;  // B1 and B2
  GroupExtensions after = before;
  after.membership.members.erase("bob");
  CommitFacts facts{Leaf("alice", 0xA1), {}, {Leaf("bob", 0xB1)}, {}};
  ExpectKind(Validate(before, after, facts), GroupRuleError::kInstallationRemovalMismatch);
  // Tolerated when the missing one is a failed installation.
  after.membership.failed_installations = {Key(0xB2)};
  EXPECT_TRUE(Validate(before, after, facts).ok());
}

TEST_F(CommitValidationTest, Rule3RejectsARemovalNobodyExpects) {
  GroupExtensions before = Group();
  CommitFacts facts{Leaf("alice", 0xA1), {}, {Leaf("bob", 0xB1)}, {}};
  ExpectKind(Validate(before, before, facts), GroupRuleError::kInstallationRemovalMismatch);
}

TEST_F(CommitValidationTest, Rule3RejectsAnInstallationThatIsNotTheInboxs) {
  GroupExtensions before = Group();
  GroupExtensions after = before;
  after.membership.members["carol"] = 1;
  CommitFacts stranger{Leaf("alice", 0xA1), {Leaf("carol", 0x99)}, {}, {}};
  ExpectKind(Validate(before, after, stranger), GroupRuleError::kUnexpectedInstallation);
  // dave's installation under carol's credential.
  after.membership.members["dave"] = 1;
  CommitFacts wrong_inbox{Leaf("alice", 0xA1), {Leaf("carol", 0xD1)}, {}, {}};
  ExpectKind(Validate(before, after, wrong_inbox), GroupRuleError::kUnexpectedInstallation);
}

TEST_F(CommitValidationTest, Rule7ToleratesAMissingNewInstallation) {
  GroupExtensions before = Group();
  GroupExtensions after = before;
  after.membership.members["bob"] = 2;  // B2 expected, not added
  CommitFacts facts{Leaf("alice", 0xA1), {}, {}, {}};
  auto result = Validate(before, after, facts);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->added_inboxes.empty());
  facts.added = {Leaf("bob", 0xB2)};
  EXPECT_TRUE(Validate(before, after, facts).ok());
}

TEST_F(CommitValidationTest, Rule4RejectsACommitterKeyOutsideItsInbox) {
  GroupExtensions before = Group();
  CommitFacts facts{Leaf("bob", 0xB2), {}, {}, {}};  // B2 is bob's only from sequence 2
  ExpectKind(Validate(before, before, facts), GroupRuleError::kCredentialMismatch);
  CommitFacts update{Leaf("alice", 0xA1), {}, {}, {Leaf("bob", 0xC1)}};
  ExpectKind(Validate(before, before, update), GroupRuleError::kCredentialMismatch);
}

TEST_F(CommitValidationTest, Rule5AdminOnlyDeniesAMemberAdding) {
  GroupExtensions before = Group(AdminOnlyPolicies());
  GroupExtensions after = before;
  after.membership.members["carol"] = 1;
  CommitFacts facts{Leaf("bob", 0xB1), {Leaf("carol", 0xC1)}, {}, {}};
  auto result = Validate(before, after, facts);
  ExpectKind(result, GroupRuleError::kPermissionDenied);
  EXPECT_TRUE(result.error().IsPermission());
  EXPECT_NE(result.error().message().find("add_member_policy denies inbox bob"), std::string::npos)
      << result.error().message();
  facts.committer = Leaf("alice", 0xA1);
  EXPECT_TRUE(Validate(before, after, facts).ok());
}

TEST_F(CommitValidationTest, Rule5DefaultDeniesAMemberRemoving) {
  GroupExtensions before = Group();
  before.membership.members["carol"] = 1;
  GroupExtensions after = before;
  after.membership.members.erase("carol");
  CommitFacts facts{Leaf("bob", 0xB1), {}, {Leaf("carol", 0xC1)}, {}};
  ExpectKind(Validate(before, after, facts), GroupRuleError::kPermissionDenied);
  before.mutable_metadata.admins = {"bob"};
  after.mutable_metadata.admins = {"bob"};
  EXPECT_TRUE(Validate(before, after, facts).ok());
}

TEST_F(CommitValidationTest, Rule5SuperAdminsCannotBeRemoved) {
  GroupExtensions before = Group();
  before.mutable_metadata.admins = {"bob"};
  GroupExtensions after = before;
  after.membership.members.erase("alice");
  CommitFacts facts{Leaf("bob", 0xB1), {}, {Leaf("alice", 0xA1)}, {}};
  ExpectKind(Validate(before, after, facts), GroupRuleError::kPermissionDenied);
}

TEST_F(CommitValidationTest, Rule5UnderscoreKeysNeedASuperAdmin) {
  GroupExtensions before = Group();
  before.mutable_metadata.admins = {"bob"};
  GroupExtensions after = before;
  after.mutable_metadata.attributes[std::string(kCommitLogSigner)] = "00ff";
  CommitFacts by_admin{Leaf("bob", 0xB1), {}, {}, {}};
  ExpectKind(Validate(before, after, by_admin), GroupRuleError::kPermissionDenied);
  CommitFacts by_super{Leaf("alice", 0xA1), {}, {}, {}};
  auto result = Validate(before, after, by_super);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  ASSERT_EQ(result->metadata_changes.size(), 1u);
  EXPECT_EQ(result->metadata_changes[0],
            (MetadataFieldChange{std::string(kCommitLogSigner), std::nullopt, "00ff"}));
}

TEST_F(CommitValidationTest, Rule5MembersMayRenameUnderTheDefaultPolicy) {
  GroupExtensions before = Group();
  GroupExtensions after = before;
  after.mutable_metadata.attributes[std::string(kGroupName)] = "new";
  CommitFacts facts{Leaf("bob", 0xB1), {}, {}, {}};
  auto result = Validate(before, after, facts);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  ASSERT_EQ(result->metadata_changes.size(), 1u);
  EXPECT_EQ(result->metadata_changes[0], (MetadataFieldChange{"group_name", "", "new"}));
  // Admin-only: denied to members.
  ExpectKind(Validate(
                 Group(AdminOnlyPolicies()),
                 [&] {
                   GroupExtensions g = Group(AdminOnlyPolicies());
                   g.mutable_metadata.attributes[std::string(kGroupName)] = "new";
                   return g;
                 }(),
                 facts),
             GroupRuleError::kPermissionDenied);
}

TEST_F(CommitValidationTest, Rule5AdminListChangesNeedASuperAdmin) {
  GroupExtensions before = Group();
  before.membership.members["carol"] = 1;
  before.mutable_metadata.admins = {"bob"};
  GroupExtensions after = before;
  after.mutable_metadata.admins = {"bob", "carol"};
  CommitFacts by_admin{Leaf("bob", 0xB1), {}, {}, {}};
  ExpectKind(Validate(before, after, by_admin), GroupRuleError::kPermissionDenied);
  CommitFacts by_super{Leaf("alice", 0xA1), {}, {}, {}};
  auto result = Validate(before, after, by_super);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->added_admins, std::vector<std::string>{"carol"});

  GroupExtensions promoted = before;
  promoted.mutable_metadata.super_admins.emplace_back("bob");
  ExpectKind(Validate(before, promoted, by_admin), GroupRuleError::kPermissionDenied);
  auto promotion = Validate(before, promoted, by_super);
  ASSERT_TRUE(promotion.ok()) << promotion.error().ToString();
  EXPECT_EQ(promotion->added_super_admins, std::vector<std::string>{"bob"});
}

TEST_F(CommitValidationTest, Rule5TheLastSuperAdminStays) {
  GroupExtensions before = Group();
  GroupExtensions after = before;
  after.mutable_metadata.super_admins.clear();
  CommitFacts facts{Leaf("alice", 0xA1), {}, {}, {}};
  ExpectKind(Validate(before, after, facts), GroupRuleError::kPermissionDenied);
}

TEST_F(CommitValidationTest, Rule5PermissionChangesNeedASuperAdmin) {
  GroupExtensions before = Group();
  before.mutable_metadata.admins = {"bob"};
  GroupExtensions after = before;
  after.policies = AdminOnlyPolicies();
  CommitFacts by_admin{Leaf("bob", 0xB1), {}, {}, {}};
  ExpectKind(Validate(before, after, by_admin), GroupRuleError::kPermissionDenied);
  CommitFacts by_super{Leaf("alice", 0xA1), {}, {}, {}};
  auto result = Validate(before, after, by_super);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->permissions_changed);
}

TEST_F(CommitValidationTest, Rule6RejectsPsks) {
  GroupExtensions before = Group();
  CommitFacts facts{Leaf("alice", 0xA1), {}, {}, {}, /*has_psk=*/true};
  ExpectKind(Validate(before, before, facts), GroupRuleError::kPskNotAllowed);
}

TEST_F(CommitValidationTest, Rule8RejectsMetadataOverTheLimit) {
  GroupExtensions before = Group();
  GroupExtensions after = before;
  after.mutable_metadata.attributes[std::string(kGroupName)] =
      std::string(kMaxGroupNameBytes + 1, 'n');
  CommitFacts facts{Leaf("alice", 0xA1), {}, {}, {}};
  ExpectKind(Validate(before, after, facts), GroupRuleError::kMetadataTooLong);
  after.mutable_metadata.attributes[std::string(kGroupName)] = std::string(kMaxGroupNameBytes, 'n');
  EXPECT_TRUE(Validate(before, after, facts).ok());
}

TEST_F(CommitValidationTest, DmRejectsAThirdMember) {
  GroupExtensions before = NewDm("alice", "bob");
  before.membership.members = {{"alice", 1}, {"bob", 1}};
  GroupExtensions after = before;
  after.membership.members["carol"] = 1;
  CommitFacts facts{Leaf("alice", 0xA1), {Leaf("carol", 0xC1)}, {}, {}};
  ExpectKind(Validate(before, after, facts), GroupRuleError::kDmMembership);
}

TEST_F(CommitValidationTest, DmAllowsAddingThePeerDespiteDenyPolicy) {
  GroupExtensions before = NewDm("alice", "bob");
  before.membership.members = {{"alice", 1}};
  GroupExtensions after = before;
  after.membership.members["bob"] = 1;
  CommitFacts facts{Leaf("alice", 0xA1), {Leaf("bob", 0xB1)}, {}, {}};
  auto result = Validate(before, after, facts);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->added_inboxes, std::vector<std::string>{"bob"});
}

TEST_F(CommitValidationTest, ImmutableMetadataMustNotChange) {
  GroupExtensions before = Group();
  GroupExtensions after = before;
  after.metadata.creator_inbox_id = "bob";
  CommitFacts facts{Leaf("alice", 0xA1), {}, {}, {}};
  ExpectKind(Validate(before, after, facts), GroupRuleError::kImmutableMetadataChanged);
}

TEST_F(CommitValidationTest, AnInboxAddedAtThePlaceholderIsRejected) {
  GroupExtensions before = Group();
  GroupExtensions after = before;
  after.membership.members["carol"] = 0;
  CommitFacts facts{Leaf("alice", 0xA1), {Leaf("carol", 0xC1)}, {}, {}};
  ExpectKind(Validate(before, after, facts), GroupRuleError::kInvalidSequenceId);
}

TEST_F(CommitValidationTest, FirstCommitAfterCreationResolvesFromThePlaceholder) {
  GroupExtensions before = NewGroup("alice", DefaultPolicies());  // alice at 0
  GroupExtensions after = before;
  after.membership.members = {{"alice", 1}, {"bob", 2}};
  CommitFacts facts{Leaf("alice", 0xA1), {Leaf("bob", 0xB1), Leaf("bob", 0xB2)}, {}, {}};
  auto result = Validate(before, after, facts);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->added_inboxes, std::vector<std::string>{"bob"});
}

TEST_F(CommitValidationTest, ResolverErrorsPassThrough) {
  GroupExtensions before = Group();
  GroupExtensions after = before;
  after.membership.members["zed"] = 5;
  CommitFacts facts{Leaf("alice", 0xA1), {}, {}, {}};
  auto result = Validate(before, after, facts);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().IsNotFound());
}

TEST_F(CommitValidationTest, SuperAdminMayReaddAnInstallation) {
  GroupExtensions before = Group();
  CommitFacts facts{Leaf("alice", 0xA1), {Leaf("bob", 0xB1)}, {Leaf("bob", 0xB1)}, {}};
  auto result = Validate(before, before, facts);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->readded_installations, std::set<Bytes>{Key(0xB1)});
  before.mutable_metadata.admins = {"bob"};
  facts.committer = Leaf("bob", 0xB1);
  EXPECT_FALSE(Validate(before, before, facts).ok());
}

TEST_F(CommitValidationTest, ACommitterCannotRemoveItself) {
  PolicySet open = DefaultPolicies();
  open.remove_member_policy = MembershipPolicy::Of(MembershipBase::kAllow);
  GroupExtensions before = Group(open);
  GroupExtensions after = before;
  after.membership.members.erase("bob");
  CommitFacts facts{Leaf("bob", 0xB1), {}, {Leaf("bob", 0xB1)}, {}};
  ExpectKind(Validate(before, after, facts), GroupRuleError::kNotMember);
}

TEST_F(CommitValidationTest, AnAdminRemovingALeaverReportsItAsLeft) {
  GroupExtensions before = Group();
  before.membership.members["carol"] = 1;
  GroupExtensions after = before;
  after.membership.members.erase("bob");
  after.membership.members.erase("carol");
  CommitFacts facts{Leaf("alice", 0xA1), {}, {Leaf("bob", 0xB1), Leaf("carol", 0xC1)}, {}};
  auto result = Validate(before, after, facts);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->left_inboxes.empty());
  MarkLeftInboxes(*result, {"bob"});
  EXPECT_EQ(result->left_inboxes, std::vector<std::string>{"bob"});
  EXPECT_EQ(result->removed_inboxes, std::vector<std::string>{"carol"});
}

TEST_F(CommitValidationTest, MarkLeftInboxesMovesPendingRemovals) {
  ValidatedCommit commit;
  commit.removed_inboxes = {"bob", "carol", "dave"};
  MarkLeftInboxes(commit, {"carol", "zed"});
  EXPECT_EQ(commit.removed_inboxes, (std::vector<std::string>{"bob", "dave"}));
  EXPECT_EQ(commit.left_inboxes, std::vector<std::string>{"carol"});
}

TEST_F(CommitValidationTest, ReportsTheMinimumSupportedProtocolVersion) {
  GroupExtensions before = Group();
  GroupExtensions after = before;
  after.mutable_metadata.attributes[std::string(kMinimumSupportedProtocolVersion)] = "1.9.0";
  CommitFacts facts{Leaf("alice", 0xA1), {}, {}, {}};
  auto result = Validate(before, after, facts);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->minimum_supported_protocol_version, "1.9.0");
}

TEST_F(CommitValidationTest, AFloorThatIsNotAVersionInvalidatesTheCommit) {
  GroupExtensions before = Group();
  GroupExtensions after = before;
  after.mutable_metadata.attributes[std::string(kMinimumSupportedProtocolVersion)] = "latest";
  CommitFacts facts{Leaf("alice", 0xA1), {}, {}, {}};
  ExpectKind(Validate(before, after, facts), GroupRuleError::kInvalidVersion);
}

TEST_F(CommitValidationTest, CheckChangeLetsASenderFailFast) {
  GroupExtensions before = Group(AdminOnlyPolicies());
  GroupExtensions renamed = before;
  renamed.mutable_metadata.attributes[std::string(kGroupName)] = "new";
  auto by_member = CheckChange(before, renamed, "bob");
  ASSERT_FALSE(by_member.ok());
  EXPECT_TRUE(by_member.error().IsPermission());
  auto by_super = CheckChange(before, renamed, "alice");
  ASSERT_TRUE(by_super.ok()) << by_super.error().ToString();
  EXPECT_EQ(by_super->metadata_changes.size(), 1u);
  GroupExtensions grown = before;
  grown.membership.members["carol"] = 1;
  EXPECT_FALSE(CheckChange(before, grown, "bob").ok());
  auto added = CheckChange(before, grown, "alice");
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  EXPECT_EQ(added->added_inboxes, std::vector<std::string>{"carol"});
}

TEST(LeafIdentityTest, DecodesTheXmtpCredential) {
  mls::LeafNode leaf;
  leaf.credential = mls::MakeXmtpCredential("inbox-1");
  leaf.signature_key = Key(0x11);
  auto identity = LeafIdentityOf(leaf);
  ASSERT_TRUE(identity.ok()) << identity.error().ToString();
  EXPECT_EQ(*identity, (LeafIdentity{"inbox-1", Key(0x11)}));

  leaf.credential.credential_type = 2;
  auto x509 = LeafIdentityOf(leaf);
  ASSERT_FALSE(x509.ok());
  EXPECT_EQ(GroupRuleErrorOf(x509.error()), GroupRuleError::kInvalidCredential);

  leaf.credential = mls::Credential{mls::kCredentialTypeBasic, Bytes{0x0a, 0x05, 0x61}, {}};
  auto truncated = LeafIdentityOf(leaf);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(GroupRuleErrorOf(truncated.error()), GroupRuleError::kInvalidCredential);
}

class WelcomeMembershipTest : public CommitValidationTest {};

TEST_F(WelcomeMembershipTest, AcceptsAMatchingTree) {
  GroupExtensions group = Group();
  group.membership.members["bob"] = 2;
  EXPECT_TRUE(ValidateWelcomeMembership(group,
                                        {Leaf("alice", 0xA1), Leaf("bob", 0xB1), Leaf("bob", 0xB2)},
                                        identity_.Resolver())
                  .ok());
}

TEST_F(WelcomeMembershipTest, RejectsALeafOfAnUnlistedInbox) {
  Status s = ValidateWelcomeMembership(
      Group(), {Leaf("alice", 0xA1), Leaf("bob", 0xB1), Leaf("carol", 0xC1)}, identity_.Resolver());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(GroupRuleErrorOf(s.error()), GroupRuleError::kWelcomeMembership);
}

TEST_F(WelcomeMembershipTest, RejectsALeafThatIsNotTheInboxsInstallation) {
  Status s = ValidateWelcomeMembership(Group(), {Leaf("alice", 0xA1), Leaf("bob", 0xC1)},
                                       identity_.Resolver());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(GroupRuleErrorOf(s.error()), GroupRuleError::kWelcomeMembership);
}

TEST_F(WelcomeMembershipTest, MissingInstallationsMustBeFailed) {
  GroupExtensions group = Group();
  group.membership.members["bob"] = 2;
  std::vector<LeafIdentity> tree{Leaf("alice", 0xA1), Leaf("bob", 0xB1)};
  Status s = ValidateWelcomeMembership(group, tree, identity_.Resolver());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(GroupRuleErrorOf(s.error()), GroupRuleError::kWelcomeMembership);
  group.membership.failed_installations = {Key(0xB2)};
  EXPECT_TRUE(ValidateWelcomeMembership(group, tree, identity_.Resolver()).ok());
}

TEST_F(WelcomeMembershipTest, DmWithAThirdInboxIsRejected) {
  GroupExtensions dm = NewDm("alice", "bob");
  dm.membership.members = {{"alice", 1}, {"bob", 1}, {"carol", 1}};
  Status s = ValidateWelcomeMembership(
      dm, {Leaf("alice", 0xA1), Leaf("bob", 0xB1), Leaf("carol", 0xC1)}, identity_.Resolver());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(GroupRuleErrorOf(s.error()), GroupRuleError::kDmMembership);
}

TEST(ValidateDmGroupTest, FollowsLibxmtp) {
  GroupExtensions dm = NewDm("alice", "bob");
  EXPECT_TRUE(ValidateDmGroup(dm, "alice", "bob").ok());
  EXPECT_TRUE(ValidateDmGroup(dm, "bob", "bob").ok());
  EXPECT_FALSE(ValidateDmGroup(dm, "carol", "bob").ok());
  EXPECT_FALSE(ValidateDmGroup(dm, "alice", "carol").ok());
  GroupExtensions with_admin = dm;
  with_admin.mutable_metadata.super_admins = {"alice"};
  EXPECT_FALSE(ValidateDmGroup(with_admin, "alice", "bob").ok());
  GroupExtensions group_policies = dm;
  group_policies.policies = DefaultPolicies();
  EXPECT_FALSE(ValidateDmGroup(group_policies, "alice", "bob").ok());
  EXPECT_FALSE(ValidateDmGroup(NewGroup("alice", DefaultPolicies()), "alice", "bob").ok());
}

}  // namespace
}  // namespace xs::xmtp::group
