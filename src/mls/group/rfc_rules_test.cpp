// RFC 9420 receiver-side validation rules not already covered by
// group_rules_test.cpp, key_package_test.cpp, tree_validation_test.cpp and
// treekem_test.cpp: one test per rule, named Rfc9420_<section>_<Rule>, each
// feeding a message that breaks exactly that rule and expecting its typed
// error. The checklist mapping every rule to its check and test is in
// docs/mls.md ("RFC 9420 receiver rules").
//
// Invalid messages are forged by a member (or a committer, for Welcomes) that
// skips its own checks and signs / encrypts directly, so what is tested is
// the receiver's validation.
#include <gtest/gtest.h>

#include <functional>

#include "base/testing/fake_clock.h"
#include "mls/framing/public_message.h"
#include "mls/group/group_error.h"
#include "mls/group/group_testing.h"
#include "mls/group/protect.h"
#include "mls/key_schedule.h"
#include "mls/messages/extensions.h"
#include "mls/messages/serialize.h"
#include "mls/tree/tree_error.h"
#include "mls/tree/tree_validation.h"

namespace xs::mls {
namespace {

using testing::MakeClient;
using testing::MakeKeyPackage;
using testing::MakeThreeMembers;
using testing::TestClient;

constexpr char kWelcomeLabel[] = "Welcome";

// Alice (0), Bob (1) and Carol (2) in one group, all in the same epoch.
class RfcRulesTest : public ::testing::Test {
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

  // Bob sends `body` signed, encrypted, and (for commits) with a zero
  // confirmation tag.
  MlsMessage BobSends(ContentBody body) {
    const FramedContent content = MakeOwnContent(*b_, std::move(body));
    return Protect(*b_, content);
  }

  MlsMessage Protect(GroupState& sender, const FramedContent& content) {
    auto auth = SignOwnContent(sender, content);
    EXPECT_TRUE(auth.ok());
    if (std::holds_alternative<Commit>(content.body)) {
      auth->confirmation_tag = Bytes(suite_.hash_size(), 0);
    }
    auto message = ProtectOwnContent(sender, content, *auth);
    EXPECT_TRUE(message.ok()) << message.error().ToString();
    return std::move(message).value();
  }

  MlsMessage BobCommits(std::vector<ProposalOrRef> proposals, std::optional<UpdatePath> path) {
    Commit commit;
    commit.proposals = std::move(proposals);
    commit.path = std::move(path);
    return BobSends(std::move(commit));
  }

  // A path whose leaf is what a correct committer would send except for
  // what the test changes afterwards (then call SignBobLeaf again).
  UpdatePath BobPath() {
    UpdatePath path;
    path.leaf_node = *b_->tree().leaf(b_->own_leaf());
    path.leaf_node.source = LeafNodeSource::kCommit;
    path.leaf_node.lifetime = {};
    path.leaf_node.encryption_key = suite_.GenerateHpkeKeyPair().public_key;
    SignBobLeaf(path.leaf_node);
    return path;
  }

  void SignBobLeaf(LeafNode& leaf) {
    ASSERT_TRUE(SignLeafNode(suite_, leaf, bob_.signature.private_key.bytes(), b_->group_id(),
                             b_->own_leaf())
                    .ok());
  }

  // Carol's Update proposal carrying `leaf`, processed by Alice and Bob;
  // returns its reference.
  ProposalRef CarolUpdates(const LeafNode& leaf) {
    const FramedContent content = MakeOwnContent(*c_, Proposal{UpdateProposal{leaf}});
    const MlsMessage message = Protect(*c_, content);
    EXPECT_TRUE(ProcessMessage(*a_, message).ok());
    EXPECT_TRUE(ProcessMessage(*b_, message).ok());
    return ProposalRef{b_->proposals.back().ref};
  }

  // A fresh update-source leaf for Carol, signed.
  LeafNode CarolUpdateLeaf() {
    LeafNode leaf = *c_->tree().leaf(c_->own_leaf());
    leaf.source = LeafNodeSource::kUpdate;
    leaf.lifetime = {};
    leaf.encryption_key = suite_.GenerateHpkeKeyPair().public_key;
    SignCarolLeaf(leaf);
    return leaf;
  }

  void SignCarolLeaf(LeafNode& leaf) {
    ASSERT_TRUE(SignLeafNode(suite_, leaf, carol_.signature.private_key.bytes(), c_->group_id(),
                             c_->own_leaf())
                    .ok());
  }

  std::optional<GroupError> AliceRejects(const MlsMessage& message) {
    auto processed = ProcessMessage(*a_, message);
    EXPECT_FALSE(processed.ok());
    if (processed.ok()) return std::nullopt;
    return GroupErrorOf(processed.error());
  }

  std::optional<Error> AliceError(const MlsMessage& message) {
    auto processed = ProcessMessage(*a_, message);
    if (processed.ok()) return std::nullopt;
    return processed.error();
  }

  PreSharedKeyProposal ExternalPsk(std::size_t nonce_size) {
    PreSharedKeyProposal psk;
    psk.psk.psk_type = PskType::kExternal;
    psk.psk.psk_id = {1, 2, 3};
    psk.psk.psk_nonce = Bytes(nonce_size, 7);
    return psk;
  }

  crypto::CipherSuite suite_ = *crypto::CipherSuite::Create(kXmtpCipherSuite);
  TestClient alice_, bob_, carol_;
  std::unique_ptr<GroupState> a_, b_, c_;
};

// ---- §6 framing checks on received messages ----

TEST_F(RfcRulesTest, Rfc9420_6_HandshakeForAnotherGroupIsRejected) {
  MlsMessage message = BobSends(Proposal{RemoveProposal{2}});
  std::get<PrivateMessage>(message.body).group_id[0] ^= 1;
  EXPECT_EQ(AliceRejects(message), GroupError::kWrongGroup);
}

TEST_F(RfcRulesTest, Rfc9420_6_ApplicationMessageForAnotherGroupIsRejected) {
  auto sent = EncryptApplicationMessage(*b_, Bytes{1});
  ASSERT_TRUE(sent.ok());
  std::get<PrivateMessage>(sent->body).group_id[0] ^= 1;
  EXPECT_EQ(AliceRejects(*sent), GroupError::kWrongGroup);
}

TEST_F(RfcRulesTest, Rfc9420_6_UnsupportedProtocolVersionIsRejected) {
  MlsMessage handshake = BobSends(Proposal{RemoveProposal{2}});
  handshake.version = 2;
  auto error = AliceError(handshake);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(GroupErrorOf(*error), GroupError::kUnsupportedVersion) << error->ToString();

  auto application = EncryptApplicationMessage(*b_, Bytes{1});
  ASSERT_TRUE(application.ok());
  application->version = 2;
  error = AliceError(*application);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(GroupErrorOf(*error), GroupError::kUnsupportedVersion) << error->ToString();
}

TEST_F(RfcRulesTest, Rfc9420_6_3_2_SenderDataNamingABlankLeafIsRejected) {
  // Leaf 3 is blank in the four-leaf tree.
  FramedContent content = MakeOwnContent(*b_, Proposal{RemoveProposal{2}});
  content.sender.index = 3;
  EXPECT_EQ(AliceRejects(Protect(*b_, content)), GroupError::kNonMemberSender);
}

TEST_F(RfcRulesTest, Rfc9420_6_2_PublicMessageFromBlankLeafIsRejected) {
  a_->config.accept_public_messages = true;
  FramedContent content = MakeOwnContent(*b_, Proposal{RemoveProposal{2}});
  content.sender.index = 3;
  PublicMessage message{content, {}, Bytes(suite_.hash_size(), 0)};
  EXPECT_EQ(AliceRejects(MlsMessage{kProtocolVersionMls10, message}), GroupError::kNonMemberSender);
}

TEST_F(RfcRulesTest, Rfc9420_6_2_MembershipTagMismatchIsRejected) {
  a_->config.accept_public_messages = true;
  const FramedContent content = MakeOwnContent(*b_, Proposal{RemoveProposal{2}});
  auto auth = SignFramedContent(suite_, WireFormat::kPublicMessage, content, b_->ContextBytes(),
                                bob_.signature.private_key.bytes(), {});
  ASSERT_TRUE(auth.ok());
  PublicMessage message{content, *auth, Bytes(suite_.hash_size(), 0)};
  EXPECT_EQ(AliceRejects(MlsMessage{kProtocolVersionMls10, message}),
            GroupError::kMembershipTagInvalid);
}

TEST_F(RfcRulesTest, Rfc9420_6_2_ApplicationDataAsPublicMessageIsRejected) {
  a_->config.accept_public_messages = true;
  const FramedContent content = MakeOwnContent(*b_, Bytes{1, 2, 3});
  PublicMessage message{content, {}, Bytes(suite_.hash_size(), 0)};
  EXPECT_EQ(AliceRejects(MlsMessage{kProtocolVersionMls10, message}),
            GroupError::kUnsupportedWireFormat);
}

// ---- §7.3 leaf nodes arriving in proposals and commits ----

TEST_F(RfcRulesTest, Rfc9420_7_3_AddWithExpiredKeyPackageIsInvalid) {
  TestClient dave = MakeClient(suite_, 4);
  constexpr std::uint64_t kHundredDays = 100ull * 24 * 3600;
  auto old = CreateKeyPackage(
      XmtpKeyPackageOptions(dave.inbox_id, SystemClock::Get()->NowSeconds() - kHundredDays),
      dave.signature.private_key.bytes());
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(AliceRejects(BobCommits({Proposal{AddProposal{old->key_package}}}, BobPath())),
            GroupError::kInvalidProposal);
}

// The lifetime check reads the group's injected clock: a key package that is
// fresh today has expired for a member whose clock says a hundred days later.
TEST_F(RfcRulesTest, Rfc9420_7_3_LifetimeIsCheckedAgainstTheGroupClock) {
  TestClient dave = MakeClient(suite_, 4);
  auto fresh =
      CreateKeyPackage(XmtpKeyPackageOptions(dave.inbox_id, SystemClock::Get()->NowSeconds()),
                       dave.signature.private_key.bytes());
  ASSERT_TRUE(fresh.ok());
  const MlsMessage commit = BobCommits({Proposal{AddProposal{fresh->key_package}}}, BobPath());
  FakeClock later(SystemClock::Get()->NowMs() + 100ll * 24 * 3600 * 1000);
  a_->config.clock = &later;
  EXPECT_EQ(AliceRejects(commit), GroupError::kInvalidProposal);
  // On the real clock the same key package passes the lifetime check (this
  // hand-built commit then fails later, on its confirmation tag).
  a_->config.clock = SystemClock::Get();
  const std::optional<Error> now_error =
      AliceError(BobCommits({Proposal{AddProposal{fresh->key_package}}}, BobPath()));
  ASSERT_TRUE(now_error.has_value());
  EXPECT_NE(GroupErrorOf(*now_error), GroupError::kInvalidProposal) << now_error->ToString();
}

TEST_F(RfcRulesTest, Rfc9420_7_3_UpdateLackingRequiredCapabilitiesIsInvalid) {
  LeafNode leaf = CarolUpdateLeaf();
  leaf.capabilities.extensions.clear();  // the XMTP extensions are required
  SignCarolLeaf(leaf);
  const ProposalRef ref = CarolUpdates(leaf);
  EXPECT_EQ(AliceRejects(BobCommits({ref}, BobPath())), GroupError::kInvalidProposal);
}

TEST_F(RfcRulesTest, Rfc9420_7_3_PathLeafLackingRequiredCapabilitiesIsInvalid) {
  UpdatePath path = BobPath();
  path.leaf_node.capabilities.extensions.clear();
  SignBobLeaf(path.leaf_node);
  EXPECT_EQ(AliceRejects(BobCommits({}, path)), GroupError::kInvalidPath);
}

// ---- §12.1 individual proposals ----

TEST_F(RfcRulesTest, Rfc9420_12_1_2_UpdateLeafSourceMustBeUpdate) {
  LeafNode leaf = CarolUpdateLeaf();
  leaf.source = LeafNodeSource::kCommit;
  SignCarolLeaf(leaf);
  const ProposalRef ref = CarolUpdates(leaf);
  EXPECT_EQ(AliceRejects(BobCommits({ref}, BobPath())), GroupError::kInvalidProposal);
}

TEST_F(RfcRulesTest, Rfc9420_12_1_2_UpdateLeafSignatureMustVerify) {
  LeafNode leaf = CarolUpdateLeaf();
  leaf.signature[0] ^= 1;
  const ProposalRef ref = CarolUpdates(leaf);
  EXPECT_EQ(AliceRejects(BobCommits({ref}, BobPath())), GroupError::kInvalidProposal);
}

TEST_F(RfcRulesTest, Rfc9420_12_1_2_UpdateLeafReusingAnotherMembersKeyIsInvalid) {
  LeafNode leaf = CarolUpdateLeaf();
  leaf.encryption_key = a_->tree().leaf(LeafIndex(0))->encryption_key;
  SignCarolLeaf(leaf);
  const ProposalRef ref = CarolUpdates(leaf);
  EXPECT_EQ(AliceRejects(BobCommits({ref}, BobPath())), GroupError::kInvalidProposal);
}

TEST_F(RfcRulesTest, Rfc9420_12_1_2_ValidUpdateIsAccepted) {
  CarolUpdates(CarolUpdateLeaf());
  auto out = CreateCommit(*b_);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  auto processed = ProcessMessage(*a_, out->commit);
  ASSERT_TRUE(processed.ok()) << processed.error().ToString();
  EXPECT_EQ(processed->commit.summary.updated, std::vector<LeafIndex>{LeafIndex(2)});
}

TEST_F(RfcRulesTest, Rfc9420_12_1_3_RemoveOfLeafOutsideTheTreeIsInvalid) {
  EXPECT_EQ(AliceRejects(BobCommits({Proposal{RemoveProposal{1000}}}, BobPath())),
            GroupError::kInvalidProposal);
}

TEST_F(RfcRulesTest, Rfc9420_12_1_4_PskNonceMustBeKdfNhLong) {
  a_->config.allow_psks = true;
  EXPECT_EQ(AliceRejects(BobCommits({Proposal{ExternalPsk(5)}}, BobPath())),
            GroupError::kInvalidProposal);
}

TEST_F(RfcRulesTest, Rfc9420_12_1_4_ResumptionPskUsageMustBeApplication) {
  a_->config.allow_psks = true;
  PreSharedKeyProposal psk;
  psk.psk.psk_type = PskType::kResumption;
  psk.psk.usage = 2;  // reinit
  psk.psk.psk_group_id = a_->group_id();
  psk.psk.psk_epoch = 0;
  psk.psk.psk_nonce = Bytes(suite_.hash_size(), 7);
  EXPECT_EQ(AliceRejects(BobCommits({Proposal{psk}}, BobPath())), GroupError::kInvalidProposal);
}

TEST_F(RfcRulesTest, Rfc9420_12_1_7_RequiredCapabilitiesUnsupportedByAMemberAreInvalid) {
  std::vector<Extension> extensions;
  RequiredCapabilities required;
  required.extension_types = {0xFF7F};  // nobody lists it
  for (const Extension& ext : a_->context().extensions) {
    if (ext.extension_type != kExtensionRequiredCapabilities) extensions.push_back(ext);
  }
  extensions.push_back(MakeRequiredCapabilitiesExtension(required));
  EXPECT_EQ(
      AliceRejects(BobCommits({Proposal{GroupContextExtensionsProposal{extensions}}}, BobPath())),
      GroupError::kInvalidProposal);
}

TEST_F(RfcRulesTest, Rfc9420_13_4_GroupContextExtensionTypeListedTwiceIsInvalid) {
  std::vector<Extension> extensions = a_->context().extensions;
  extensions.push_back(extensions.front());
  EXPECT_EQ(
      AliceRejects(BobCommits({Proposal{GroupContextExtensionsProposal{extensions}}}, BobPath())),
      GroupError::kInvalidProposal);
}

// ---- §12.2 proposal list ----

TEST_F(RfcRulesTest, Rfc9420_12_2_UpdateAndRemoveOfOneLeafAreInvalid) {
  const ProposalRef ref = CarolUpdates(CarolUpdateLeaf());
  EXPECT_EQ(AliceRejects(BobCommits({ref, Proposal{RemoveProposal{2}}}, BobPath())),
            GroupError::kInvalidProposalList);
}

TEST_F(RfcRulesTest, Rfc9420_12_2_UpdateByReferenceFromTheCommitterIsInvalid) {
  auto update = ProposeUpdate(*b_);
  ASSERT_TRUE(update.ok());
  ASSERT_TRUE(ProcessMessage(*a_, update->message).ok());
  EXPECT_EQ(AliceRejects(BobCommits({ProposalRef{update->ref}}, BobPath())),
            GroupError::kInvalidProposalList);
}

TEST_F(RfcRulesTest, Rfc9420_12_2_TwoPskProposalsForOnePskAreInvalid) {
  a_->config.allow_psks = true;
  const PreSharedKeyProposal psk = ExternalPsk(suite_.hash_size());
  EXPECT_EQ(AliceRejects(BobCommits({Proposal{psk}, Proposal{psk}}, BobPath())),
            GroupError::kInvalidProposalList);
}

// ---- §12.4 / §12.4.2 commits ----

TEST_F(RfcRulesTest, Rfc9420_12_4_PathRequiredForUpdate) {
  const ProposalRef ref = CarolUpdates(CarolUpdateLeaf());
  EXPECT_EQ(AliceRejects(BobCommits({ref}, std::nullopt)), GroupError::kPathRequired);
}

TEST_F(RfcRulesTest, Rfc9420_12_4_PathRequiredForGroupContextExtensions) {
  GroupContextExtensionsProposal gce{a_->context().extensions};
  EXPECT_EQ(AliceRejects(BobCommits({Proposal{gce}}, std::nullopt)), GroupError::kPathRequired);
}

TEST_F(RfcRulesTest, Rfc9420_12_4_2_PathLeafSourceMustBeCommit) {
  UpdatePath path = BobPath();
  path.leaf_node.source = LeafNodeSource::kUpdate;
  SignBobLeaf(path.leaf_node);
  EXPECT_EQ(AliceRejects(BobCommits({}, path)), GroupError::kInvalidPath);
}

TEST_F(RfcRulesTest, Rfc9420_12_4_2_PathLeafSignatureMustVerify) {
  UpdatePath path = BobPath();
  path.leaf_node.signature[0] ^= 1;
  EXPECT_EQ(AliceRejects(BobCommits({}, path)), GroupError::kInvalidPath);
}

TEST_F(RfcRulesTest, Rfc9420_12_4_2_PathLeafMustChangeTheEncryptionKey) {
  UpdatePath path = BobPath();
  path.leaf_node.encryption_key = b_->tree().leaf(b_->own_leaf())->encryption_key;
  SignBobLeaf(path.leaf_node);
  EXPECT_EQ(AliceRejects(BobCommits({}, path)), GroupError::kInvalidPath);
}

TEST_F(RfcRulesTest, Rfc9420_12_4_2_PathLeafSignatureKeyOfAnotherMemberIsInvalid) {
  UpdatePath path = BobPath();
  path.leaf_node.signature_key = a_->tree().leaf(LeafIndex(0))->signature_key;
  // Signed with Bob's key: refused for the shared key or, failing that, the signature.
  SignBobLeaf(path.leaf_node);
  EXPECT_EQ(AliceRejects(BobCommits({}, path)), GroupError::kInvalidPath);
}

TEST_F(RfcRulesTest, Rfc9420_12_4_2_PathKeyAlreadyInTheTreeIsRejected) {
  UpdatePath path = BobPath();
  path.nodes.push_back(UpdatePathNode{a_->tree().leaf(LeafIndex(0))->encryption_key, {}});
  EXPECT_EQ(AliceRejects(BobCommits({}, path)), GroupError::kInvalidPath);
}

// ---- §12.4.3.1 joining from a Welcome ----

// Dave is added by Alice; the tests take the Welcome apart, change one thing
// and seal it again as a misbehaving committer could.
class RfcWelcomeTest : public RfcRulesTest {
 protected:
  void SetUp() override {
    RfcRulesTest::SetUp();
    if (HasFatalFailure()) return;
    dave_ = MakeClient(suite_, 4);
    dave_kp_ = MakeKeyPackage(dave_);
    CommitOptions options;
    options.proposals = {AddProposal{dave_kp_.key_package}};
    if (!with_path_) {
      // Erin (leaf 4) lands in a half of the tree no parent hash covers.
      erin_ = MakeClient(suite_, 5);
      options.proposals.emplace_back(AddProposal{MakeKeyPackage(erin_).key_package});
    }
    options.force_path = with_path_;
    auto out = CreateCommit(*a_, options);
    ASSERT_TRUE(out.ok()) << out.error().ToString();
    welcome_ = std::get<Welcome>(out->welcome->body);
    auto opened = OpenWelcome(suite_, welcome_, dave_kp_.key_package,
                              dave_kp_.init_private_key.bytes(), JoinOptions{});
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    info_ = opened->group_info;
    secrets_ = opened->group_secrets;
  }

  void ResignInfo() {
    ASSERT_TRUE(SignGroupInfo(suite_, info_, alice_.signature.private_key.bytes()).ok());
  }

  // The Welcome a committer would build from info_ and secrets_.
  Welcome Seal() {
    const crypto::Secret joiner = crypto::Secret::Copy(secrets_.joiner_secret);
    auto welcome_secret = DeriveWelcomeSecret(suite_, joiner, ZeroSecret(suite_));
    EXPECT_TRUE(welcome_secret.ok());
    auto key = DeriveWelcomeKey(suite_, *welcome_secret);
    EXPECT_TRUE(key.ok());
    Welcome welcome;
    welcome.cipher_suite = suite_.id();
    auto sealed_info = suite_.Seal(key->key.bytes(), key->nonce.bytes(), {}, Serialize(info_));
    EXPECT_TRUE(sealed_info.ok());
    welcome.encrypted_group_info = std::move(sealed_info).value();
    auto sealed = suite_.EncryptWithLabel(dave_kp_.key_package.init_key, kWelcomeLabel,
                                          welcome.encrypted_group_info, Serialize(secrets_));
    EXPECT_TRUE(sealed.ok());
    welcome.secrets.push_back(
        EncryptedGroupSecrets{MakeKeyPackageRef(suite_, dave_kp_.key_package),
                              HpkeCiphertext{sealed->kem_output, sealed->ciphertext}});
    return welcome;
  }

  Result<GroupState> DaveJoins(const Welcome& welcome, JoinOptions options = {}) {
    return JoinFromWelcome(welcome, dave_kp_, dave_.signature.private_key.bytes(),
                           std::move(options));
  }

  std::optional<GroupError> DaveRejects(const Welcome& welcome, JoinOptions options = {}) {
    auto joined = DaveJoins(welcome, std::move(options));
    EXPECT_FALSE(joined.ok());
    if (joined.ok()) return std::nullopt;
    EXPECT_TRUE(GroupErrorOf(joined.error()).has_value()) << joined.error().ToString();
    return GroupErrorOf(joined.error());
  }

  std::optional<TreeError> DaveRejectsTree(const Welcome& welcome) {
    auto joined = DaveJoins(welcome);
    EXPECT_FALSE(joined.ok());
    if (joined.ok()) return std::nullopt;
    return TreeErrorOf(joined.error());
  }

  // The tree the GroupInfo carries, changed by `edit`, put back into
  // info_ with a matching tree hash (so only the tested rule is broken).
  void EditTree(const std::function<void(RatchetTree&)>& edit) {
    const Extension* ext = FindExtension(info_.extensions, kExtensionRatchetTree);
    ASSERT_NE(ext, nullptr);
    auto wire = ParseRatchetTreeExtension(*ext);
    ASSERT_TRUE(wire.ok());
    edit(*wire);
    auto tree = PublicTree::FromWire(suite_, *wire);
    ASSERT_TRUE(tree.ok()) << tree.error().ToString();
    info_.group_context.tree_hash = tree->TreeHash();
    for (Extension& e : info_.extensions) {
      if (e.extension_type == kExtensionRatchetTree) e = MakeRatchetTreeExtension(*wire);
    }
    ResignInfo();
  }

  bool with_path_ = true;
  TestClient dave_, erin_;
  KeyPackageBundle dave_kp_;
  Welcome welcome_;
  GroupInfo info_;
  GroupSecrets secrets_;
};

// An add-only commit (no path) adding Dave and Erin: Erin's leaf can be
// edited without breaking any parent hash, so the tree rules on leaves are
// reached.
class RfcWelcomeWithoutPathTest : public RfcWelcomeTest {
 protected:
  void SetUp() override {
    with_path_ = false;
    RfcWelcomeTest::SetUp();
  }
};

TEST_F(RfcWelcomeTest, ResealedWelcomeIsAccepted) {
  // The control for every test below: sealing again changes nothing.
  auto joined = DaveJoins(Seal());
  ASSERT_TRUE(joined.ok()) << joined.error().ToString();
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_CipherSuiteMustMatchTheKeyPackage) {
  Welcome welcome = welcome_;
  welcome.cipher_suite = 1;
  EXPECT_EQ(DaveRejects(welcome), GroupError::kWelcomeInvalid);
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_GroupSecretsThatDoNotDecryptAreRejected) {
  Welcome welcome = welcome_;
  welcome.secrets.front().encrypted_group_secrets.ciphertext[0] ^= 1;
  EXPECT_EQ(DaveRejects(welcome), GroupError::kWelcomeInvalid);
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_GroupInfoThatDoesNotDecryptIsRejected) {
  // The GroupSecrets are bound to encrypted_group_info, so seal them again
  // over the damaged GroupInfo ciphertext.
  Welcome welcome = Seal();
  welcome.encrypted_group_info[0] ^= 1;
  auto sealed = suite_.EncryptWithLabel(dave_kp_.key_package.init_key, kWelcomeLabel,
                                        welcome.encrypted_group_info, Serialize(secrets_));
  ASSERT_TRUE(sealed.ok());
  welcome.secrets.front().encrypted_group_secrets =
      HpkeCiphertext{sealed->kem_output, sealed->ciphertext};
  EXPECT_EQ(DaveRejects(welcome), GroupError::kWelcomeInvalid);
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_PskWeDoNotHoldIsRejected) {
  PreSharedKeyId id;
  id.psk_type = PskType::kExternal;
  id.psk_id = {4, 5, 6};
  id.psk_nonce = Bytes(suite_.hash_size(), 1);
  secrets_.psks.push_back(id);
  JoinOptions options;
  options.config.allow_psks = true;
  EXPECT_EQ(DaveRejects(Seal(), std::move(options)), GroupError::kPskNotAvailable);
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_GroupInfoSignatureMustVerify) {
  info_.signature[0] ^= 1;
  EXPECT_EQ(DaveRejects(Seal()), GroupError::kSignatureInvalid);
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_GroupInfoSignerMustBeAMember) {
  info_.signer = 5;  // the tree has four leaves
  ResignInfo();
  EXPECT_EQ(DaveRejects(Seal()), GroupError::kWelcomeInvalid);
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_GroupInfoCipherSuiteMustMatch) {
  info_.group_context.cipher_suite = 1;
  ResignInfo();
  EXPECT_EQ(DaveRejects(Seal()), GroupError::kWelcomeInvalid);
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_RatchetTreeIsRequired) {
  std::erase_if(info_.extensions,
                [](const Extension& e) { return e.extension_type == kExtensionRatchetTree; });
  ResignInfo();
  EXPECT_EQ(DaveRejects(Seal()), GroupError::kWelcomeInvalid);
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_TreeHashMustMatchTheGroupContext) {
  info_.group_context.tree_hash[0] ^= 1;
  ResignInfo();
  EXPECT_EQ(DaveRejectsTree(Seal()), TreeError::kTreeHashMismatch);
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_OurLeafMustBeInTheTree) {
  // A consistent tree and context, signed by the committer, without Dave.
  JoinOptions options;
  options.ratchet_tree = a_->tree().ToWire();
  std::erase_if(info_.extensions,
                [](const Extension& e) { return e.extension_type == kExtensionRatchetTree; });
  info_.group_context.tree_hash = a_->tree().TreeHash();
  ResignInfo();
  EXPECT_EQ(DaveRejects(Seal(), std::move(options)), GroupError::kWelcomeInvalid);
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_PathSecretMustMatchTheTree) {
  ASSERT_TRUE(secrets_.path_secret.has_value());
  secrets_.path_secret = Bytes(suite_.hash_size(), 0x5A);
  EXPECT_EQ(DaveRejectsTree(Seal()), TreeError::kPrivateKeyMismatch);
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_ConfirmationTagMustVerify) {
  info_.confirmation_tag[0] ^= 1;
  ResignInfo();
  EXPECT_EQ(DaveRejects(Seal()), GroupError::kConfirmationTagMismatch);
}

TEST_F(RfcWelcomeWithoutPathTest, Rfc9420_12_4_3_1_LeafSignatureInTheTreeMustVerify) {
  EditTree([](RatchetTree& wire) {
    std::get<LeafNode>(*wire[8]).signature[0] ^= 1;  // Erin, leaf 4
  });
  EXPECT_EQ(DaveRejectsTree(Seal()), TreeError::kLeafSignatureInvalid);
}

TEST_F(RfcWelcomeTest, Rfc9420_12_4_3_1_JoinerMustSupportTheGroupContextExtensions) {
  std::vector<Extension>& extensions = info_.group_context.extensions;
  extensions.insert(extensions.begin(), Extension{0xFF7F, {1}});
  ResignInfo();
  EXPECT_EQ(DaveRejects(Seal()), GroupError::kWelcomeInvalid);
}

TEST_F(RfcWelcomeWithoutPathTest, Rfc9420_12_4_3_1_EveryMemberMustSupportTheRequiredCapabilities) {
  // Erin's leaf lists none of the XMTP extensions, re-signed by Erin so that
  // only the §7.3 compatibility rule is broken.
  const Bytes erin_key(erin_.signature.private_key.bytes().begin(),
                       erin_.signature.private_key.bytes().end());
  EditTree([&](RatchetTree& wire) {
    LeafNode& leaf = std::get<LeafNode>(*wire[8]);
    leaf.capabilities.extensions.clear();
    ASSERT_TRUE(SignLeafNode(suite_, leaf, erin_key, {}, LeafIndex(4)).ok());
  });
  EXPECT_EQ(DaveRejects(Seal()), GroupError::kWelcomeInvalid);
}

}  // namespace
}  // namespace xs::mls
