// One test per validation rule the group layer enforces, named by the RFC
// 9420 section (or the XMTP profile section) it comes from. Invalid commits
// are forged by a member that skips its own checks (signing and encrypting
// the commit directly), so what is tested is the receiver's validation.
#include <gtest/gtest.h>

#include "mls/group/group_error.h"
#include "mls/group/group_testing.h"
#include "mls/group/protect.h"
#include "mls/messages/serialize.h"
#include "mls/tree/tree_validation.h"

namespace xs::mls {
namespace {

using testing::MakeClient;
using testing::MakeKeyPackage;
using testing::MakeThreeMembers;
using testing::TestClient;

crypto::CipherSuite Suite() { return *crypto::CipherSuite::Create(kXmtpCipherSuite); }

std::optional<GroupError> KindOf(const Error& error) { return GroupErrorOf(error); }

// A three-member group (alice 0, bob 1, carol 2), everyone in epoch 1... 2.
class RulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto group = MakeThreeMembers(suite_);
    ASSERT_TRUE(group.ok()) << group.error().ToString();
    alice_ = std::move(group->alice);
    bob_ = std::move(group->bob);
    carol_ = std::move(group->carol);
    a_ = std::move(group->a);
    b_ = std::move(group->b);
    c_ = std::move(group->c);
  }

  // Bob sends `commit` as-is (signed, with a zero confirmation tag).
  MlsMessage ForgeCommit(Commit commit) {
    const FramedContent content = MakeOwnContent(*b_, std::move(commit));
    auto auth = SignOwnContent(*b_, content);
    EXPECT_TRUE(auth.ok());
    auth->confirmation_tag = Bytes(suite_.hash_size(), 0);
    auto message = ProtectOwnContent(*b_, content, *auth);
    EXPECT_TRUE(message.ok());
    return std::move(message).value();
  }

  MlsMessage ForgeInline(std::vector<Proposal> proposals, bool with_path = true) {
    Commit commit;
    for (Proposal& p : proposals) commit.proposals.emplace_back(std::move(p));
    if (with_path) {
      // A syntactically plausible path; list rules are checked before it.
      UpdatePath path;
      path.leaf_node = *b_->tree().leaf(b_->own_leaf());
      commit.path = path;
    }
    return ForgeCommit(std::move(commit));
  }

  // Alice's verdict on a message.
  std::optional<GroupError> AliceRejects(const MlsMessage& message) {
    auto processed = ProcessMessage(*a_, message);
    EXPECT_FALSE(processed.ok());
    if (processed.ok()) return std::nullopt;
    return KindOf(processed.error());
  }

  crypto::CipherSuite suite_ = Suite();
  TestClient alice_, bob_, carol_;
  std::unique_ptr<GroupState> a_, b_, c_;
};

// ---- §12.2 proposal list validation ----

TEST_F(RulesTest, Rfc12_2_UpdateFromCommitterIsInvalid) {
  UpdateProposal update{*b_->tree().leaf(b_->own_leaf())};
  EXPECT_EQ(AliceRejects(ForgeInline({update})), GroupError::kInvalidProposalList);
}

TEST_F(RulesTest, Rfc12_2_RemoveOfCommitterIsInvalid) {
  EXPECT_EQ(AliceRejects(ForgeInline({RemoveProposal{b_->own_leaf().value}})),
            GroupError::kInvalidProposalList);
}

TEST_F(RulesTest, Rfc12_2_TwoRemovesOfOneLeafAreInvalid) {
  EXPECT_EQ(AliceRejects(ForgeInline({RemoveProposal{2}, RemoveProposal{2}})),
            GroupError::kInvalidProposalList);
}

TEST_F(RulesTest, Rfc12_2_DuplicateAddsAreInvalid) {
  TestClient dave = MakeClient(suite_, 4);
  KeyPackageBundle kp = MakeKeyPackage(dave);
  EXPECT_EQ(AliceRejects(ForgeInline({AddProposal{kp.key_package}, AddProposal{kp.key_package}})),
            GroupError::kInvalidProposalList);
}

TEST_F(RulesTest, Rfc12_2_AddOfCurrentMemberIsInvalid) {
  KeyPackageBundle again = MakeKeyPackage(carol_);  // Carol's installation key, new KeyPackage
  EXPECT_EQ(AliceRejects(ForgeInline({AddProposal{again.key_package}})),
            GroupError::kInvalidProposalList);
}

TEST_F(RulesTest, Rfc12_2_ReAddWithRemoveIsValid) {
  // XMTP fork recovery: Remove + Add of the same installation in one commit.
  KeyPackageBundle again = MakeKeyPackage(carol_);
  CommitOptions options;
  options.proposals = {RemoveProposal{2}, AddProposal{again.key_package}};
  auto out = CreateCommit(*b_, options);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  auto processed = ProcessMessage(*a_, out->commit);
  ASSERT_TRUE(processed.ok()) << processed.error().ToString();
}

TEST_F(RulesTest, Rfc12_2_CommitterPrefersRemoveOverUpdateAndDropsDuplicates) {
  // Carol proposes an Update; Alice and Bob both propose removing Carol.
  auto update = ProposeUpdate(*c_);
  auto remove_by_a = ProposeRemove(*a_, LeafIndex(2));
  auto remove_by_b = ProposeRemove(*b_, LeafIndex(2));
  ASSERT_TRUE(update.ok() && remove_by_a.ok() && remove_by_b.ok());
  ASSERT_TRUE(ProcessMessage(*b_, update->message).ok());
  ASSERT_TRUE(ProcessMessage(*b_, remove_by_a->message).ok());
  ASSERT_TRUE(ProcessMessage(*a_, update->message).ok());
  ASSERT_TRUE(ProcessMessage(*a_, remove_by_b->message).ok());
  auto out = CreateCommit(*b_);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(out->staged.summary.removed, std::vector<LeafIndex>{LeafIndex(2)});
  EXPECT_TRUE(out->staged.summary.updated.empty());
  auto processed = ProcessMessage(*a_, out->commit);
  ASSERT_TRUE(processed.ok()) << processed.error().ToString();
}

TEST_F(RulesTest, Rfc12_2_TwoGroupContextExtensionsAreInvalid) {
  GroupContextExtensionsProposal gce{a_->context().extensions};
  EXPECT_EQ(AliceRejects(ForgeInline({gce, gce})), GroupError::kInvalidProposalList);
}

TEST_F(RulesTest, Rfc12_2_ExternalInitIsRejected) {
  EXPECT_EQ(AliceRejects(ForgeInline({ExternalInitProposal{Bytes(32, 1)}})),
            GroupError::kUnsupportedProposal);
}

// ---- profile §1.3: proposal types XMTP refuses ----

TEST_F(RulesTest, Profile1_3_PreSharedKeyIsRejected) {
  PreSharedKeyProposal psk;
  psk.psk.psk_type = PskType::kExternal;
  psk.psk.psk_id = {1, 2, 3};
  psk.psk.psk_nonce = Bytes(32, 7);
  EXPECT_EQ(AliceRejects(ForgeInline({psk})), GroupError::kUnsupportedProposal);
}

TEST_F(RulesTest, Profile1_3_ReInitIsRejected) {
  ReInitProposal reinit;
  reinit.group_id = {9};
  reinit.cipher_suite = kXmtpCipherSuite;
  EXPECT_EQ(AliceRejects(ForgeInline({reinit})), GroupError::kUnsupportedProposal);
}

TEST_F(RulesTest, Profile1_3_CustomProposalTypeIsRejected) {
  EXPECT_EQ(AliceRejects(ForgeInline({CustomProposal{kProposalTypeAppDataUpdate, {1}}})),
            GroupError::kUnsupportedProposal);
}

TEST_F(RulesTest, Profile1_3_ProposalMessagesOfRefusedTypesAreRejected) {
  PreSharedKeyProposal psk;
  psk.psk.psk_id = {1};
  psk.psk.psk_nonce = Bytes(32, 7);
  const FramedContent content = MakeOwnContent(*b_, Proposal{psk});
  auto auth = SignOwnContent(*b_, content);
  ASSERT_TRUE(auth.ok());
  auto message = ProtectOwnContent(*b_, content, *auth);
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(AliceRejects(*message), GroupError::kUnsupportedProposal);
}

// ---- §12.1 individual proposals ----

TEST_F(RulesTest, Rfc12_1_3_RemoveOfBlankLeafIsInvalid) {
  EXPECT_EQ(AliceRejects(ForgeInline({RemoveProposal{3}})), GroupError::kInvalidProposal);
}

TEST_F(RulesTest, Rfc12_1_1_AddWithBadKeyPackageSignatureIsInvalid) {
  KeyPackageBundle kp = MakeKeyPackage(MakeClient(suite_, 5));
  kp.key_package.signature[0] ^= 1;
  EXPECT_EQ(AliceRejects(ForgeInline({AddProposal{kp.key_package}})), GroupError::kInvalidProposal);
}

TEST_F(RulesTest, Rfc12_1_7_UnsupportedGroupContextExtensionIsInvalid) {
  std::vector<Extension> extensions = a_->context().extensions;
  extensions.push_back(Extension{0xFF7F, {1, 2}});  // no member lists 0xFF7F
  EXPECT_EQ(AliceRejects(ForgeInline({GroupContextExtensionsProposal{extensions}})),
            GroupError::kInvalidProposal);
  EXPECT_FALSE(ProposeGroupContextExtensions(*b_, extensions).ok());
}

TEST_F(RulesTest, Rfc12_1_2_UpdateReusingTheEncryptionKeyIsInvalid) {
  // Carol "updates" with her current leaf (same encryption key); Bob commits.
  LeafNode leaf = *c_->tree().leaf(c_->own_leaf());
  leaf.source = LeafNodeSource::kUpdate;
  leaf.lifetime = {};
  ASSERT_TRUE(SignLeafNode(suite_, leaf, carol_.signature.private_key.bytes(), c_->group_id(),
                           c_->own_leaf())
                  .ok());
  const FramedContent content = MakeOwnContent(*c_, Proposal{UpdateProposal{leaf}});
  auto auth = SignOwnContent(*c_, content);
  ASSERT_TRUE(auth.ok());
  auto proposal = ProtectOwnContent(*c_, content, *auth);
  ASSERT_TRUE(proposal.ok());
  ASSERT_TRUE(ProcessMessage(*a_, *proposal).ok());
  ASSERT_TRUE(ProcessMessage(*b_, *proposal).ok());
  Commit commit;
  commit.proposals.emplace_back(ProposalRef{b_->proposals.back().ref});
  EXPECT_EQ(AliceRejects(ForgeCommit(commit)), GroupError::kInvalidProposal);
}

// ---- §12.4 commit ----

TEST_F(RulesTest, Rfc12_4_PathRequiredForRemove) {
  EXPECT_EQ(AliceRejects(ForgeInline({RemoveProposal{2}}, /*with_path=*/false)),
            GroupError::kPathRequired);
}

TEST_F(RulesTest, Rfc12_4_PathRequiredForEmptyCommit) {
  EXPECT_EQ(AliceRejects(ForgeInline({}, /*with_path=*/false)), GroupError::kPathRequired);
}

TEST_F(RulesTest, Rfc12_4_AddOnlyCommitMayOmitThePath) {
  KeyPackageBundle kp = MakeKeyPackage(MakeClient(suite_, 6));
  CommitOptions options;
  options.proposals = {AddProposal{kp.key_package}};
  options.force_path = false;
  auto out = CreateCommit(*b_, options);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  auto processed = ProcessMessage(*a_, out->commit);
  ASSERT_TRUE(processed.ok()) << processed.error().ToString();
  ASSERT_TRUE(Merge(*a_, std::move(processed->commit)).ok());
  ASSERT_TRUE(Merge(*b_, std::move(out->staged)).ok());
  EXPECT_EQ(Bytes(a_->epoch_authenticator().begin(), a_->epoch_authenticator().end()),
            Bytes(b_->epoch_authenticator().begin(), b_->epoch_authenticator().end()));
}

TEST_F(RulesTest, Rfc12_4_UnknownProposalReferenceIsRejected) {
  Commit commit;
  commit.proposals.emplace_back(ProposalRef{Bytes(32, 0xAB)});
  EXPECT_EQ(AliceRejects(ForgeCommit(commit)), GroupError::kUnknownProposalRef);
}

TEST_F(RulesTest, Rfc12_4_2_WrongConfirmationTagIsRejected) {
  auto out = CreateCommit(*b_);
  ASSERT_TRUE(out.ok());
  // Re-send the same commit content with a wrong tag.
  auto verified = UnprotectHandshake(*c_, out->commit);
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(AliceRejects(ForgeCommit(std::get<Commit>(verified->content.body))),
            GroupError::kConfirmationTagMismatch);
}

TEST_F(RulesTest, Rfc12_4_2_CommitForAnotherEpochIsRejected) {
  auto first = CreateCommit(*b_);
  ASSERT_TRUE(first.ok());
  auto processed = ProcessMessage(*a_, first->commit);
  ASSERT_TRUE(processed.ok());
  ASSERT_TRUE(Merge(*a_, std::move(processed->commit)).ok());
  // A second commit Bob made in the old epoch lost the race.
  auto stale = CreateCommit(*b_);
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(AliceRejects(stale->commit), GroupError::kWrongEpoch);
}

TEST_F(RulesTest, Rfc12_4_ApplicationDataWaitsForPendingProposals) {
  ASSERT_TRUE(ProposeRemove(*b_, LeafIndex(2)).ok());
  auto sent = EncryptApplicationMessage(*b_, Bytes{1});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(KindOf(sent.error()), GroupError::kPendingProposals);
}

// ---- §6 framing ----

TEST_F(RulesTest, Rfc6_1_BadSignatureIsRejected) {
  const FramedContent content = MakeOwnContent(*b_, Bytes{1, 2, 3});
  auto auth = SignOwnContent(*b_, content);
  ASSERT_TRUE(auth.ok());
  auth->signature[0] ^= 1;
  auto message = ProtectOwnContent(*b_, content, *auth);
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(AliceRejects(*message), GroupError::kSignatureInvalid);
}

TEST_F(RulesTest, Profile1_2_PublicMessageHandshakeIsRejected) {
  const FramedContent content = MakeOwnContent(*b_, Commit{});
  PublicMessage message{content, {}, {}};
  EXPECT_EQ(AliceRejects(MlsMessage{kProtocolVersionMls10, message}),
            GroupError::kUnsupportedWireFormat);
}

TEST_F(RulesTest, Profile1_3_NonMemberSendersAreRejected) {
  // External senders, external commits (new_member_commit) and
  // new_member_proposal, even when PublicMessages are accepted.
  a_->config.accept_public_messages = true;
  for (SenderType type :
       {SenderType::kExternal, SenderType::kNewMemberCommit, SenderType::kNewMemberProposal}) {
    const bool commit = type == SenderType::kNewMemberCommit;
    FramedContent content =
        commit ? MakeOwnContent(*b_, Commit{}) : MakeOwnContent(*b_, Proposal{RemoveProposal{2}});
    content.sender = Sender{type, 0};
    PublicMessage message{content, {}, {}};
    EXPECT_EQ(AliceRejects(MlsMessage{kProtocolVersionMls10, message}),
              GroupError::kUnsupportedSender)
        << static_cast<int>(type);
  }
}

TEST_F(RulesTest, OwnMessageComesBack) {
  auto sent = EncryptApplicationMessage(*a_, Bytes{1});
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(AliceRejects(*sent), GroupError::kOwnMessage);
}

TEST_F(RulesTest, LateApplicationMessagesDecryptForThreePastEpochs) {
  std::vector<MlsMessage> late;
  for (int epoch = 0; epoch < 4; ++epoch) {
    auto sent = EncryptApplicationMessage(*b_, Bytes{static_cast<std::uint8_t>(epoch)});
    ASSERT_TRUE(sent.ok());
    late.push_back(std::move(sent).value());
    auto out = CreateCommit(*c_);
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE(Merge(*c_, std::move(out->staged)).ok());
    for (GroupState* member : {a_.get(), b_.get()}) {
      auto processed = ProcessMessage(*member, out->commit);
      ASSERT_TRUE(processed.ok()) << processed.error().ToString();
      ASSERT_TRUE(Merge(*member, std::move(processed->commit)).ok());
    }
  }
  // Epochs 1..4 were left; 2, 3 and 4 are kept, 1 is gone.
  auto oldest = ProcessMessage(*a_, late[0]);
  ASSERT_FALSE(oldest.ok());
  EXPECT_EQ(KindOf(oldest.error()), GroupError::kEpochTooOld);
  for (int i = 1; i < 4; ++i) {
    auto processed = ProcessMessage(*a_, late[i]);
    ASSERT_TRUE(processed.ok()) << i << ": " << processed.error().ToString();
    EXPECT_EQ(processed->application.data, Bytes{static_cast<std::uint8_t>(i)});
  }
}

TEST_F(RulesTest, Profile0_OutOfOrderApplicationMessagesWithinTheWindow) {
  // OpenMLS's sender ratchet (out_of_order_tolerance 5): after generation 6
  // arrives, generations 1..5 still decrypt, generation 0 does not.
  std::vector<MlsMessage> sent;
  for (std::uint8_t i = 0; i < 7; ++i) {
    auto message = EncryptApplicationMessage(*b_, Bytes{i});
    ASSERT_TRUE(message.ok());
    sent.push_back(std::move(message).value());
  }
  for (int i = 6; i >= 1; --i) {
    auto processed = ProcessMessage(*a_, sent[i]);
    ASSERT_TRUE(processed.ok()) << i << ": " << processed.error().ToString();
    EXPECT_EQ(processed->application.data, Bytes{static_cast<std::uint8_t>(i)});
  }
  auto too_old = ProcessMessage(*a_, sent[0]);
  ASSERT_FALSE(too_old.ok());
  EXPECT_EQ(SecretTreeErrorOf(too_old.error()), SecretTreeError::kGenerationTooOld);
}

// ---- §12.4.3.1 Welcome ----

TEST_F(RulesTest, Rfc12_4_3_1_WelcomeForAnotherKeyPackageIsRejected) {
  TestClient dave = MakeClient(suite_, 7);
  KeyPackageBundle added = MakeKeyPackage(dave);
  KeyPackageBundle other = MakeKeyPackage(dave);
  CommitOptions options;
  options.proposals = {AddProposal{added.key_package}};
  auto out = CreateCommit(*a_, options);
  ASSERT_TRUE(out.ok());
  auto joined = JoinFromWelcome(std::get<Welcome>(out->welcome->body), other,
                                dave.signature.private_key.bytes());
  ASSERT_FALSE(joined.ok());
  EXPECT_EQ(KindOf(joined.error()), GroupError::kKeyPackageNotInWelcome);
}

TEST_F(RulesTest, Profile1_1_WelcomeWithoutRatchetTreeNeedsOne) {
  TestClient dave = MakeClient(suite_, 8);
  KeyPackageBundle kp = MakeKeyPackage(dave);
  CommitOptions options;
  options.proposals = {AddProposal{kp.key_package}};
  auto out = CreateCommit(*a_, options);
  ASSERT_TRUE(out.ok());
  // The Welcome works with its own tree; the GroupInfo it carries is signed.
  EXPECT_TRUE(VerifyGroupInfoSignature(suite_, out->group_info,
                                       a_->tree().leaf(a_->own_leaf())->signature_key)
                  .ok());
  auto joined = JoinFromWelcome(std::get<Welcome>(out->welcome->body), kp,
                                dave.signature.private_key.bytes());
  EXPECT_TRUE(joined.ok()) << joined.error().ToString();
}

}  // namespace
}  // namespace xs::mls
