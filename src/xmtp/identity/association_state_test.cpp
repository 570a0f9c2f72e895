#include "xmtp/identity/association_state.h"

#include <gtest/gtest.h>

#include "xmtp/identity/test_support.h"

namespace xs::xmtp::identity {
namespace {

namespace pb = ::xmtp::identity::associations;
using testing::InboxOf;
using testing::kTestTimeNs;
using testing::TestInstallation;
using testing::TestWallet;

class AssociationStateTest : public ::testing::Test {
 protected:
  WalletKey wallet1_ = TestWallet(0x11);
  WalletKey wallet2_ = TestWallet(0x22);
  WalletKey wallet3_ = TestWallet(0x33);
  InstallationKey inst1_ = TestInstallation(0xa1);
  InstallationKey inst2_ = TestInstallation(0xa2);
  InstallationKey inst3_ = TestInstallation(0xa3);
  std::string inbox_ = InboxOf(wallet1_);

  pb::IdentityUpdate Registration() {
    return BuildRegistrationUpdate(wallet1_, inst1_, 1, kTestTimeNs).value();
  }
  AssociationState Registered() { return ApplyUpdate(std::nullopt, Registration()).value(); }
  UpdateBuilder Builder(std::uint64_t offset_s = 1) {
    return UpdateBuilder(inbox_, kTestTimeNs + offset_s * 1000000000ULL);
  }
};

void ExpectRejected(const Result<AssociationState>& r, std::string_view field,
                    std::string_view reason) {
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsValidation()) << r.error().ToString();
  EXPECT_NE(r.error().message().find(field), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find(reason), std::string::npos) << r.error().message();
}

TEST_F(AssociationStateTest, RegistrationRoundTrip) {
  pb::IdentityUpdate update = Registration();
  ASSERT_EQ(update.actions_size(), 2);
  // The SDK puts the same wallet signature in both actions.
  EXPECT_EQ(update.actions(0).create_inbox().initial_identifier_signature().SerializeAsString(),
            update.actions(1).add().existing_member_signature().SerializeAsString());

  // Survives serialization.
  pb::IdentityUpdate parsed;
  ASSERT_TRUE(parsed.ParseFromString(update.SerializeAsString()));
  auto state = ApplyUpdate(std::nullopt, parsed);
  ASSERT_TRUE(state.ok()) << state.error().ToString();
  EXPECT_EQ(state->inbox_id(), inbox_);
  EXPECT_EQ(state->EthereumAddresses(), std::vector<std::string>{wallet1_.address()});
  EXPECT_TRUE(state->HasInstallation(inst1_.public_key()));
  EXPECT_EQ(state->recovery_identifier(), wallet1_.identity());
  EXPECT_EQ(state->members().size(), 2u);
  EXPECT_EQ(state->seen_signatures().size(), 2u);
  const Member* inst = state->FindMember(inst1_.identity());
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(inst->added_by, wallet1_.identity());
  EXPECT_EQ(inst->client_timestamp_ns, kTestTimeNs);
  EXPECT_FALSE(state->FindMember(wallet1_.identity())->added_by.has_value());

  pb::AssociationState proto = state->ToProto();
  EXPECT_EQ(proto.inbox_id(), inbox_);
  EXPECT_EQ(proto.members_size(), 2);
  EXPECT_EQ(proto.recovery_identifier(), wallet1_.address());
}

TEST_F(AssociationStateTest, ComputeStateOverSeveralUpdates) {
  std::vector<pb::IdentityUpdate> log;
  log.push_back(Registration());
  // wallet1 links wallet2; wallet2 grants inst2.
  log.push_back(Builder(1)
                    .AddAssociation(wallet2_.identity(), wallet1_.identity())
                    .Sign({&wallet1_, &wallet2_})
                    .value());
  log.push_back(Builder(2)
                    .AddAssociation(inst2_.identity(), wallet2_.identity())
                    .Sign({&wallet2_, &inst2_})
                    .value());
  auto mid = ComputeState(log);
  ASSERT_TRUE(mid.ok()) << mid.error().ToString();
  EXPECT_EQ(mid->members().size(), 4u);
  EXPECT_EQ(mid->InstallationKeys().size(), 2u);

  // The recovery wallet revokes wallet2: inst2 (added by wallet2) goes too.
  log.push_back(Builder(3)
                    .RevokeAssociation(wallet2_.identity(), wallet1_.identity())
                    .Sign({&wallet1_})
                    .value());
  // Recovery moves to wallet3, which is not a member but may then add.
  log.push_back(Builder(4)
                    .ChangeRecoveryAddress(wallet3_.identity(), wallet1_.identity())
                    .Sign({&wallet1_})
                    .value());
  log.push_back(Builder(5)
                    .AddAssociation(inst3_.identity(), wallet3_.identity())
                    .Sign({&wallet3_, &inst3_})
                    .value());
  auto state = ComputeState(log);
  ASSERT_TRUE(state.ok()) << state.error().ToString();
  EXPECT_EQ(state->EthereumAddresses(), std::vector<std::string>{wallet1_.address()});
  EXPECT_TRUE(state->HasInstallation(inst1_.public_key()));
  EXPECT_FALSE(state->HasInstallation(inst2_.public_key()));
  EXPECT_TRUE(state->HasInstallation(inst3_.public_key()));
  EXPECT_EQ(state->recovery_identifier(), wallet3_.identity());
  EXPECT_EQ(state->FindMember(inst3_.identity())->added_by, wallet3_.identity());

  auto diff = Diff(*mid, *state);
  EXPECT_EQ(diff.new_members, std::vector<MemberId>{inst3_.identity()});
  EXPECT_EQ(diff.removed_members.size(), 2u);

  // wallet1 is no longer the recovery identifier.
  auto revoke = Builder(6)
                    .RevokeAssociation(inst3_.identity(), wallet1_.identity())
                    .Sign({&wallet1_})
                    .value();
  ExpectRejected(ApplyUpdate(*state, revoke), "recovery_identifier_signature",
                 "is not the recovery identifier");
}

TEST_F(AssociationStateTest, RejectsReplayedSignature) {
  AssociationState state = Registered();
  auto add = Builder()
                 .AddAssociation(wallet2_.identity(), wallet1_.identity())
                 .Sign({&wallet1_, &wallet2_})
                 .value();
  auto after = ApplyUpdate(state, add);
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  ExpectRejected(ApplyUpdate(*after, add), "actions[0].add", "signature replayed");
  // Re-publishing the registration itself is a second create.
  ExpectRejected(ApplyUpdate(state, Registration()), "create_inbox", "inbox already exists");
}

TEST_F(AssociationStateTest, RejectsBadErc191Signature) {
  pb::IdentityUpdate update = Registration();
  auto* bytes = update.mutable_actions(0)
                    ->mutable_create_inbox()
                    ->mutable_initial_identifier_signature()
                    ->mutable_erc_191()
                    ->mutable_bytes();
  (*bytes)[10] = static_cast<char>((*bytes)[10] ^ 0x01);
  auto r = ApplyUpdate(std::nullopt, update);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("initial_identifier_signature"), std::string::npos)
      << r.error().message();

  bytes->resize(64);
  ExpectRejected(ApplyUpdate(std::nullopt, update), "initial_identifier_signature", "65 bytes");
}

TEST_F(AssociationStateTest, RejectsTamperedText) {
  pb::IdentityUpdate update = Registration();
  update.set_client_timestamp_ns(update.client_timestamp_ns() + 5000000000ULL);
  auto r = ApplyUpdate(std::nullopt, update);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsValidation());
}

TEST_F(AssociationStateTest, RejectsWrongSigner) {
  // wallet2 signs a CreateInbox that names wallet1.
  UpdateBuilder b(inbox_, kTestTimeNs);
  b.CreateInbox(wallet1_.identity(), 1);
  auto text = b.SignatureText();
  pb::IdentityUpdate update;
  update.set_inbox_id(inbox_);
  update.set_client_timestamp_ns(kTestTimeNs);
  auto* create = update.add_actions()->mutable_create_inbox();
  create->set_initial_identifier(wallet1_.address());
  create->set_nonce(1);
  create->set_initial_identifier_kind(pb::IDENTIFIER_KIND_ETHEREUM);
  *create->mutable_initial_identifier_signature() = wallet2_.Sign(text).value();
  ExpectRejected(ApplyUpdate(std::nullopt, update), "initial_identifier_signature",
                 "does not match initial identifier");

  // New member signature made by someone other than the new member.
  AssociationState state = Registered();
  auto add = Builder()
                 .AddAssociation(wallet2_.identity(), wallet1_.identity())
                 .Sign({&wallet1_, &wallet2_})
                 .value();
  auto other = Builder()
                   .AddAssociation(wallet3_.identity(), wallet1_.identity())
                   .Sign({&wallet1_, &wallet3_})
                   .value();
  *add.mutable_actions(0)->mutable_add()->mutable_new_member_signature() =
      wallet3_
          .Sign(Builder().AddAssociation(wallet2_.identity(), wallet1_.identity()).SignatureText())
          .value();
  ExpectRejected(ApplyUpdate(state, add), "actions[0].add.new_member_signature",
                 "does not match new member " + wallet2_.address());
  (void)other;
}

TEST_F(AssociationStateTest, RejectsNonMemberAdder) {
  AssociationState state = Registered();
  auto add = Builder()
                 .AddAssociation(inst2_.identity(), wallet2_.identity())
                 .Sign({&wallet2_, &inst2_})
                 .value();
  ExpectRejected(ApplyUpdate(state, add), "existing_member_signature",
                 "is neither a member nor the recovery identifier");
}

TEST_F(AssociationStateTest, RejectsInstallationAddingInstallation) {
  AssociationState state = Registered();
  auto add = Builder()
                 .AddAssociation(inst2_.identity(), inst1_.identity())
                 .Sign({&inst1_, &inst2_})
                 .value();
  ExpectRejected(ApplyUpdate(state, add), "existing_member_signature",
                 "an installation cannot add another installation");
  // An installation may add a wallet, though.
  auto wallet = Builder()
                    .AddAssociation(wallet2_.identity(), inst1_.identity())
                    .Sign({&inst1_, &wallet2_})
                    .value();
  EXPECT_TRUE(ApplyUpdate(state, wallet).ok());
}

TEST_F(AssociationStateTest, RejectsSelfAdd) {
  AssociationState state = Registered();
  auto add =
      Builder().AddAssociation(wallet1_.identity(), wallet1_.identity()).Sign({&wallet1_}).value();
  ExpectRejected(ApplyUpdate(state, add), "existing_member_signature", "cannot add itself");
}

TEST_F(AssociationStateTest, RejectsRevokeByNonRecovery) {
  AssociationState state = Registered();
  auto add = Builder(1)
                 .AddAssociation(wallet2_.identity(), wallet1_.identity())
                 .Sign({&wallet1_, &wallet2_})
                 .value();
  AssociationState with2 = ApplyUpdate(state, add).value();
  auto revoke = Builder(2)
                    .RevokeAssociation(inst1_.identity(), wallet2_.identity())
                    .Sign({&wallet2_})
                    .value();
  ExpectRejected(ApplyUpdate(with2, revoke), "actions[0].revoke.recovery_identifier_signature",
                 "is not the recovery identifier");
  auto change = Builder(3)
                    .ChangeRecoveryAddress(wallet2_.identity(), wallet2_.identity())
                    .Sign({&wallet2_})
                    .value();
  ExpectRejected(ApplyUpdate(with2, change), "existing_recovery_identifier_signature",
                 "is not the recovery identifier");
}

TEST_F(AssociationStateTest, RejectsMissingPriorState) {
  auto add = Builder()
                 .AddAssociation(inst1_.identity(), wallet1_.identity())
                 .Sign({&wallet1_, &inst1_})
                 .value();
  ExpectRejected(ApplyUpdate(std::nullopt, add), "actions[0].add", "inbox does not exist yet");
  auto revoke =
      Builder().RevokeAssociation(inst1_.identity(), wallet1_.identity()).Sign({&wallet1_}).value();
  ExpectRejected(ApplyUpdate(std::nullopt, revoke), "actions[0].revoke",
                 "inbox does not exist yet");
  ExpectRejected(ComputeState({}), "identity_updates", "no updates");
}

TEST_F(AssociationStateTest, RejectsInboxIdMismatch) {
  UpdateBuilder b(InboxOf(wallet1_, 2), kTestTimeNs);  // claims the nonce-2 inbox
  b.CreateInbox(wallet1_.identity(), 1);
  ExpectRejected(ApplyUpdate(std::nullopt, b.Sign({&wallet1_}).value()), "identity_update.inbox_id",
                 "inbox id does not match");
}

TEST_F(AssociationStateTest, RejectsWrongEd25519phContext) {
  UpdateBuilder b(inbox_, kTestTimeNs);
  b.CreateInbox(wallet1_.identity(), 1).AddAssociation(inst1_.identity(), wallet1_.identity());
  pb::IdentityUpdate update = b.Sign({&wallet1_, &inst1_}).value();
  auto* sig = update.mutable_actions(1)
                  ->mutable_add()
                  ->mutable_new_member_signature()
                  ->mutable_installation_key();
  auto other = inst1_.SignTextWithContext(b.SignatureText(), "PUBLIC SIGNATURE CONTEXT").value();
  sig->set_bytes(other.data(), other.size());
  ExpectRejected(ApplyUpdate(std::nullopt, update), "actions[1].add.new_member_signature",
                 "installation signature does not verify");
}

TEST_F(AssociationStateTest, RejectsMalformedUpdates) {
  pb::IdentityUpdate empty;
  empty.set_inbox_id(inbox_);
  ExpectRejected(ApplyUpdate(std::nullopt, empty), "identity_update.actions", "no actions");

  pb::IdentityUpdate update = Registration();
  update.mutable_actions(1)->mutable_add()->mutable_new_member_signature()->Clear();
  ExpectRejected(ApplyUpdate(std::nullopt, update), "actions[1].add.new_member_signature",
                 "signature is not set");

  update = Registration();
  update.mutable_actions(1)
      ->mutable_add()
      ->mutable_new_member_identifier()
      ->set_installation_public_key("short");
  ExpectRejected(ApplyUpdate(std::nullopt, update), "new_member_identifier.installation_public_key",
                 "32 bytes");

  update = Registration();
  update.mutable_actions(0)->mutable_create_inbox()->set_initial_identifier(
      "0x19E7E376E7C213B7E7E7E46CC70A5DD086DAFF2A");
  ExpectRejected(ApplyUpdate(std::nullopt, update), "initial_identifier", "lowercase");
}

TEST_F(AssociationStateTest, RejectsUnsupportedSignatureKinds) {
  pb::IdentityUpdate update = Registration();
  auto* sig =
      update.mutable_actions(0)->mutable_create_inbox()->mutable_initial_identifier_signature();
  sig->mutable_erc_6492()->set_account_id("eip155:1:" + wallet1_.address());
  ExpectRejected(ApplyUpdate(std::nullopt, update), "initial_identifier_signature.erc_6492",
                 "not supported");
  sig->mutable_delegated_erc_191();
  ExpectRejected(ApplyUpdate(std::nullopt, update), "delegated_erc_191", "not supported");
}

}  // namespace
}  // namespace xs::xmtp::identity
