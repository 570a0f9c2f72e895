// One test per validation rule of RFC 9420 §7.3, §7.9.2 and §12.4.3.1: each
// feeds a tree or leaf that violates exactly that rule and expects the typed
// tree error; the valid baseline passes every check.
#include "mls/tree/tree_validation.h"

#include <gtest/gtest.h>

#include "mls/tree/test_members.h"

namespace xs::mls {
namespace {

using testing::MakeMember;
using testing::TestContext;

crypto::CipherSuite Suite() { return *crypto::CipherSuite::Create(3); }

std::optional<TreeError> KindOf(const Status& status) {
  if (status.ok()) return std::nullopt;
  return TreeErrorOf(status.error());
}

class TreeValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Seven members in an 8-leaf tree, three commits (nodes 1, 3, 5, 7, 9,
    // 11 set; 13 stays blank), then member 7 added: it is unmerged at nodes
    // 11 and 7.
    auto group = testing::BuildTestGroup(suite_, 7, LeafIndex(1),
                                         {LeafIndex(0), LeafIndex(3), LeafIndex(5)});
    ASSERT_TRUE(group.ok()) << group.error().ToString();
    group_.emplace(std::move(group).value());
    ASSERT_TRUE(tree().AddLeaf(MakeMember(suite_, 7).leaf).ok());
  }

  PublicTree& tree() { return group_->tree; }
  std::span<const std::uint8_t> group_id() const { return group_id_; }

  ParentNode ParentAt(std::uint32_t node) {
    const ParentNode* parent = tree().parent(NodeIndex(node));
    EXPECT_NE(parent, nullptr) << "node " << node;
    return parent != nullptr ? *parent : ParentNode{};
  }

  Status ValidateWhole() { return ValidateTree(tree(), group_id(), tree().TreeHash()); }

  // An Update-proposal leaf for `leaf`: fresh encryption key, source update.
  LeafNode UpdateLeafFor(LeafIndex leaf) {
    LeafNode node = *tree().leaf(leaf);
    node.encryption_key = suite_.GenerateHpkeKeyPair().public_key;
    node.source = LeafNodeSource::kUpdate;
    node.lifetime = {};
    EXPECT_TRUE(SignLeafNode(suite_, node,
                             group_->members[leaf.value].signature.private_key.bytes(), group_id(),
                             leaf)
                    .ok());
    return node;
  }

  LeafNodeCheck UpdateCheck(LeafIndex leaf) {
    LeafNodeCheck check;
    check.expected_source = LeafNodeSource::kUpdate;
    check.group_id = group_id();
    check.leaf_index = leaf;
    check.replaces = leaf;
    return check;
  }

  crypto::CipherSuite suite_ = Suite();
  Bytes group_id_ = TestContext(Suite()).group_id;
  std::optional<testing::TestGroup> group_;
};

TEST_F(TreeValidationTest, ValidTreePassesEveryCheck) {
  Status status = ValidateWhole();
  EXPECT_TRUE(status.ok()) << status.error().ToString();
  ASSERT_NE(tree().parent(NodeIndex(11)), nullptr);
  EXPECT_EQ(tree().parent(NodeIndex(11))->unmerged_leaves, std::vector<std::uint32_t>{7});
  EXPECT_EQ(tree().parent(NodeIndex(13)), nullptr);
}

TEST_F(TreeValidationTest, Rfc9420_12_4_3_1_TreeHashMismatchIsRejected) {
  Bytes wrong = tree().TreeHash();
  wrong[0] ^= 1;
  EXPECT_EQ(KindOf(ValidateTree(tree(), group_id(), wrong)), TreeError::kTreeHashMismatch);
}

TEST_F(TreeValidationTest, Rfc9420_7_9_2_ParentHashMismatchIsRejected) {
  ParentNode node = ParentAt(3);
  node.parent_hash[0] ^= 1;
  ASSERT_TRUE(tree().SetParent(NodeIndex(3), node).ok());
  EXPECT_EQ(KindOf(VerifyParentHashes(tree())), TreeError::kParentHashMismatch);
  EXPECT_EQ(KindOf(ValidateWhole()), TreeError::kParentHashMismatch);
}

TEST_F(TreeValidationTest, Rfc9420_7_9_2_ChangedParentKeyBreaksTheChainIsRejected) {
  ParentNode root = ParentAt(7);
  root.encryption_key = suite_.GenerateHpkeKeyPair().public_key;
  ASSERT_TRUE(tree().SetParent(NodeIndex(7), root).ok());
  EXPECT_EQ(KindOf(VerifyParentHashes(tree())), TreeError::kParentHashMismatch);
}

TEST_F(TreeValidationTest, Rfc9420_7_9_2_ResolutionNotCoveredByUnmergedLeavesIsRejected) {
  // Leaf 7 is unmerged at nodes 11 and 7; dropping it from both lists
  // leaves a node in node 11's child resolution that no chain accounts for.
  ParentNode root = ParentAt(7);
  ASSERT_EQ(root.unmerged_leaves, std::vector<std::uint32_t>{7});
  root.unmerged_leaves.clear();
  ParentNode node11 = ParentAt(11);
  node11.unmerged_leaves.clear();
  ASSERT_TRUE(tree().SetParent(NodeIndex(7), root).ok());
  ASSERT_TRUE(tree().SetParent(NodeIndex(11), node11).ok());
  EXPECT_EQ(KindOf(VerifyParentHashes(tree())), TreeError::kParentHashMismatch);
}

TEST_F(TreeValidationTest, Rfc9420_12_4_3_1_UnmergedLeafThatIsBlankIsRejected) {
  ASSERT_TRUE(tree().Blank(LeafIndex(6).node()).ok());
  ParentNode root = ParentAt(7);
  root.unmerged_leaves.push_back(6);  // leaf 6 is now blank
  ASSERT_TRUE(tree().SetParent(NodeIndex(7), root).ok());
  EXPECT_EQ(KindOf(VerifyUnmergedLeaves(tree())), TreeError::kUnmergedLeavesInvalid);
  EXPECT_EQ(KindOf(ValidateWhole()), TreeError::kUnmergedLeavesInvalid);
}

TEST_F(TreeValidationTest, Rfc9420_12_4_3_1_UnmergedLeafOutsideTheSubtreeIsRejected) {
  ParentNode node1 = ParentAt(1);
  node1.unmerged_leaves.push_back(4);
  ASSERT_TRUE(tree().SetParent(NodeIndex(1), node1).ok());
  EXPECT_EQ(KindOf(VerifyUnmergedLeaves(tree())), TreeError::kUnmergedLeavesInvalid);
}

TEST_F(TreeValidationTest, Rfc9420_12_4_3_1_UnmergedLeafMissingOnIntermediateNodeIsRejected) {
  ParentNode node11 = ParentAt(11);
  node11.unmerged_leaves.clear();  // the root still lists leaf 7
  ASSERT_TRUE(tree().SetParent(NodeIndex(11), node11).ok());
  EXPECT_EQ(KindOf(VerifyUnmergedLeaves(tree())), TreeError::kUnmergedLeavesInvalid);
}

TEST_F(TreeValidationTest, Rfc9420_12_4_3_1_UnmergedLeafListedTwiceIsRejected) {
  ParentNode node11 = ParentAt(11);
  node11.unmerged_leaves.push_back(7);
  ASSERT_TRUE(tree().SetParent(NodeIndex(11), node11).ok());
  EXPECT_EQ(KindOf(VerifyUnmergedLeaves(tree())), TreeError::kUnmergedLeavesInvalid);
}

TEST_F(TreeValidationTest, Rfc9420_12_4_3_1_DuplicateEncryptionKeyIsRejected) {
  ParentNode node5 = ParentAt(5);
  node5.encryption_key = tree().leaf(LeafIndex(0))->encryption_key;
  ASSERT_TRUE(tree().SetParent(NodeIndex(5), node5).ok());
  EXPECT_EQ(KindOf(VerifyUniqueKeys(tree())), TreeError::kDuplicateEncryptionKey);
}

TEST_F(TreeValidationTest, Rfc9420_7_3_DuplicateSignatureKeyInTreeIsRejected) {
  // Member 7's leaf re-signed under member 2's signature key.
  LeafNode copy = *tree().leaf(LeafIndex(7));
  copy.signature_key = group_->members[2].signature.public_key;
  ASSERT_TRUE(
      SignLeafNode(suite_, copy, group_->members[2].signature.private_key.bytes(), {}, LeafIndex(7))
          .ok());
  ASSERT_TRUE(tree().SetLeaf(LeafIndex(7), copy).ok());
  EXPECT_EQ(KindOf(VerifyUniqueKeys(tree())), TreeError::kDuplicateSignatureKey);
}

TEST_F(TreeValidationTest, Rfc9420_7_3_LeafSignatureInvalidIsRejected) {
  LeafNode leaf = *tree().leaf(LeafIndex(2));
  leaf.signature[5] ^= 0x40;
  ASSERT_TRUE(tree().SetLeaf(LeafIndex(2), leaf).ok());
  EXPECT_EQ(KindOf(ValidateTreeLeaves(tree(), group_id())), TreeError::kLeafSignatureInvalid);
}

TEST_F(TreeValidationTest, Rfc9420_7_3_CommitLeafSignatureIsBoundToGroupId) {
  ASSERT_EQ(tree().leaf(LeafIndex(0))->source, LeafNodeSource::kCommit);
  const Bytes other_group{1, 2, 3};
  EXPECT_EQ(KindOf(ValidateTreeLeaves(tree(), other_group)), TreeError::kLeafSignatureInvalid);
}

TEST_F(TreeValidationTest, Rfc9420_7_3_CommitLeafSignatureIsBoundToLeafIndex) {
  const LeafNode* leaf0 = tree().leaf(LeafIndex(0));
  EXPECT_TRUE(VerifyLeafNodeSignature(suite_, *leaf0, group_id(), LeafIndex(0)).ok());
  EXPECT_EQ(KindOf(VerifyLeafNodeSignature(suite_, *leaf0, group_id(), LeafIndex(4))),
            TreeError::kLeafSignatureInvalid);
}

TEST_F(TreeValidationTest, Rfc9420_7_3_ExtensionMissingFromCapabilitiesIsRejected) {
  LeafNode leaf = UpdateLeafFor(LeafIndex(2));
  leaf.extensions.push_back({kExtensionXmtpGroupMembership, {}});
  ASSERT_TRUE(SignLeafNode(suite_, leaf, group_->members[2].signature.private_key.bytes(),
                           group_id(), LeafIndex(2))
                  .ok());
  EXPECT_EQ(KindOf(ValidateLeafNode(tree(), leaf, UpdateCheck(LeafIndex(2)))),
            TreeError::kUnsupportedExtension);
  // Listed in the capabilities, it is accepted; RFC default types need no listing.
  leaf.capabilities.extensions.push_back(kExtensionXmtpGroupMembership);
  leaf.extensions.push_back({kExtensionApplicationId, {0}});
  ASSERT_TRUE(SignLeafNode(suite_, leaf, group_->members[2].signature.private_key.bytes(),
                           group_id(), LeafIndex(2))
                  .ok());
  Status ok = ValidateLeafNode(tree(), leaf, UpdateCheck(LeafIndex(2)));
  EXPECT_TRUE(ok.ok()) << ok.error().ToString();
}

TEST_F(TreeValidationTest, Rfc9420_7_3_UnsupportedCredentialTypeIsRejected) {
  LeafNode leaf = UpdateLeafFor(LeafIndex(2));
  leaf.capabilities.credentials = {kCredentialTypeX509};  // no longer supports basic
  ASSERT_TRUE(SignLeafNode(suite_, leaf, group_->members[2].signature.private_key.bytes(),
                           group_id(), LeafIndex(2))
                  .ok());
  EXPECT_EQ(KindOf(ValidateLeafNode(tree(), leaf, UpdateCheck(LeafIndex(2)))),
            TreeError::kUnsupportedCredential);

  // The same in a received tree: one leaf that cannot handle the others.
  ASSERT_TRUE(tree().SetLeaf(LeafIndex(2), leaf).ok());
  EXPECT_EQ(KindOf(ValidateTreeLeaves(tree(), group_id())), TreeError::kUnsupportedCredential);
}

TEST_F(TreeValidationTest, Rfc9420_7_3_LifetimeOutsideNowIsRejected) {
  testing::TestMember joiner = MakeMember(suite_, 40);
  joiner.leaf.lifetime = {1000, 2000};
  ASSERT_TRUE(
      SignLeafNode(suite_, joiner.leaf, joiner.signature.private_key.bytes(), {}, LeafIndex(0))
          .ok());
  LeafNodeCheck check;
  check.options.now = 999;
  EXPECT_EQ(KindOf(ValidateLeafNode(tree(), joiner.leaf, check)), TreeError::kLeafLifetimeInvalid);
  check.options.now = 2001;
  EXPECT_EQ(KindOf(ValidateLeafNode(tree(), joiner.leaf, check)), TreeError::kLeafLifetimeInvalid);
  check.options.now = 1500;
  EXPECT_TRUE(ValidateLeafNode(tree(), joiner.leaf, check).ok());
  check.options.now.reset();  // XMTP Welcome: lifetimes not checked
  EXPECT_TRUE(ValidateLeafNode(tree(), joiner.leaf, check).ok());
}

TEST_F(TreeValidationTest, Rfc9420_7_3_UnexpectedLeafSourceIsRejected) {
  const LeafNode key_package_leaf = MakeMember(suite_, 41).leaf;
  EXPECT_EQ(KindOf(ValidateLeafNode(tree(), key_package_leaf, UpdateCheck(LeafIndex(2)))),
            TreeError::kLeafSourceInvalid);
}

TEST_F(TreeValidationTest, Rfc9420_7_3_NewLeafReusingAnEncryptionKeyIsRejected) {
  testing::TestMember joiner = MakeMember(suite_, 42);
  joiner.leaf.encryption_key = ParentAt(3).encryption_key;
  ASSERT_TRUE(
      SignLeafNode(suite_, joiner.leaf, joiner.signature.private_key.bytes(), {}, LeafIndex(0))
          .ok());
  EXPECT_EQ(KindOf(ValidateLeafNode(tree(), joiner.leaf, {})), TreeError::kDuplicateEncryptionKey);
}

TEST_F(TreeValidationTest, Rfc9420_7_3_NewLeafReusingASignatureKeyIsRejected) {
  testing::TestMember joiner = MakeMember(suite_, 43);
  joiner.leaf.signature_key = group_->members[4].signature.public_key;
  ASSERT_TRUE(SignLeafNode(suite_, joiner.leaf, group_->members[4].signature.private_key.bytes(),
                           {}, LeafIndex(0))
                  .ok());
  EXPECT_EQ(KindOf(ValidateLeafNode(tree(), joiner.leaf, {})), TreeError::kDuplicateSignatureKey);
}

TEST_F(TreeValidationTest, Rfc9420_12_1_2_UpdateKeepingTheEncryptionKeyIsRejected) {
  LeafNode leaf = UpdateLeafFor(LeafIndex(2));
  leaf.encryption_key = tree().leaf(LeafIndex(2))->encryption_key;
  ASSERT_TRUE(SignLeafNode(suite_, leaf, group_->members[2].signature.private_key.bytes(),
                           group_id(), LeafIndex(2))
                  .ok());
  EXPECT_EQ(KindOf(ValidateLeafNode(tree(), leaf, UpdateCheck(LeafIndex(2)))),
            TreeError::kDuplicateEncryptionKey);
}

TEST_F(TreeValidationTest, ValidUpdateLeafIsAccepted) {
  Status status = ValidateLeafNode(tree(), UpdateLeafFor(LeafIndex(2)), UpdateCheck(LeafIndex(2)));
  EXPECT_TRUE(status.ok()) << status.error().ToString();
  // Validated against the tree it keeps its own signature key (it replaces itself).
}

}  // namespace
}  // namespace xs::mls
