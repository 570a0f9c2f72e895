// TreeKEM between real members (RFC 9420 §7.4-7.6, §12.4.1-12.4.3): round
// trips, joiners excluded from the path and keyed through the Welcome path
// secret, and one test per rule a received UpdatePath must satisfy, each
// expecting its typed error and an unchanged tree.
#include "mls/tree/treekem.h"

#include <gtest/gtest.h>

#include "mls/messages/serialize.h"
#include "mls/tree/test_members.h"

namespace xs::mls {
namespace {

using testing::MakeMember;
using testing::TestContext;

crypto::CipherSuite Suite() { return *crypto::CipherSuite::Create(3); }

std::optional<TreeError> KindOf(const Error& error) { return TreeErrorOf(error); }

class TreeKemTest : public ::testing::Test {
 protected:
  static constexpr LeafIndex kCommitter{1};
  static constexpr LeafIndex kObserver{4};

  void SetUp() override {
    auto group = testing::BuildTestGroup(suite_, 6, kObserver, {LeafIndex(0), LeafIndex(5)});
    ASSERT_TRUE(group.ok()) << group.error().ToString();
    group_.emplace(std::move(group).value());
    committer_tree_.emplace(group_->tree);
  }

  PublicTree& observer_tree() { return group_->tree; }
  TreePrivateKeys& observer_keys() { return group_->observer_keys; }

  Result<CreatedUpdatePath> Commit(std::vector<LeafIndex> excluded = {}) {
    TreePrivateKeys keys = TreePrivateKeys::FromEntries(kCommitter, {});
    UpdatePathRequest request{kCommitter, *committer_tree_->leaf(kCommitter), context_,
                              std::move(excluded)};
    return CreateUpdatePath(*committer_tree_, keys, request,
                            group_->members[kCommitter.value].signature.private_key);
  }

  Result<AppliedUpdatePath> Apply(const UpdatePath& path, std::vector<LeafIndex> excluded = {}) {
    return ApplyUpdatePath(observer_tree(), observer_keys(), kCommitter, path, context_, excluded);
  }

  // Applying `path` fails with `kind` and leaves the observer's tree as it was.
  void ExpectRejected(const UpdatePath& path, TreeError kind) {
    const Bytes before = Serialize(observer_tree().ToWire());
    const Bytes hash_before = observer_tree().TreeHash();
    auto applied = Apply(path);
    ASSERT_FALSE(applied.ok());
    EXPECT_EQ(KindOf(applied.error()), kind) << applied.error().ToString();
    EXPECT_EQ(Serialize(observer_tree().ToWire()), before);
    EXPECT_EQ(observer_tree().TreeHash(), hash_before);
  }

  void Resign(LeafNode& leaf) {
    ASSERT_TRUE(SignLeafNode(suite_, leaf,
                             group_->members[kCommitter.value].signature.private_key.bytes(),
                             context_.group_id, kCommitter)
                    .ok());
  }

  crypto::CipherSuite suite_ = Suite();
  GroupContext context_ = TestContext(Suite(), 9);
  std::optional<testing::TestGroup> group_;
  std::optional<PublicTree> committer_tree_;
};

TEST_F(TreeKemTest, CommitterAndReceiverAgree) {
  auto created = Commit();
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  ASSERT_EQ(created->path.nodes.size(), 3u);
  auto applied = Apply(created->path);
  ASSERT_TRUE(applied.ok()) << applied.error().ToString();
  EXPECT_TRUE(applied->commit_secret.Equals(created->commit_secret.bytes()));
  EXPECT_EQ(applied->tree_hash, created->tree_hash);
  EXPECT_EQ(applied->group_context, created->group_context);
  EXPECT_EQ(Serialize(observer_tree().ToWire()), Serialize(committer_tree_->ToWire()));
  // Leaf 4 shares only the root with leaf 1: it decrypted the root's secret.
  EXPECT_EQ(applied->decrypted_node, NodeIndex(7));
  EXPECT_TRUE(applied->path_secret.Equals(created->path_secrets[2].bytes()));
  Status valid = ValidateTree(observer_tree(), context_.group_id, created->tree_hash);
  EXPECT_TRUE(valid.ok()) << valid.error().ToString();
  EXPECT_NE(observer_keys().PrivateKeyFor(observer_tree(), NodeIndex(7)), nullptr);

  // The observer's refreshed keys open the next commit too.
  TreePrivateKeys keys = TreePrivateKeys::FromEntries(LeafIndex(2), {});
  PublicTree next_tree = observer_tree();
  UpdatePathRequest request{LeafIndex(2), *next_tree.leaf(LeafIndex(2)), context_, {}};
  auto second =
      CreateUpdatePath(next_tree, keys, request, group_->members[2].signature.private_key);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  auto applied2 =
      ApplyUpdatePath(observer_tree(), observer_keys(), LeafIndex(2), second->path, context_, {});
  ASSERT_TRUE(applied2.ok()) << applied2.error().ToString();
  EXPECT_TRUE(applied2->commit_secret.Equals(second->commit_secret.bytes()));
}

TEST_F(TreeKemTest, CommitterKeepsItsNewPrivateKeys) {
  const crypto::Secret& signature = group_->members[kCommitter.value].signature.private_key;
  TreePrivateKeys keys = TreePrivateKeys::FromEntries(kCommitter, {});
  UpdatePathRequest request{kCommitter, *committer_tree_->leaf(kCommitter), context_, {}};
  auto created = CreateUpdatePath(*committer_tree_, keys, request, signature);
  ASSERT_TRUE(created.ok());
  for (NodeIndex node : {NodeIndex(2), NodeIndex(1), NodeIndex(3), NodeIndex(7)}) {
    EXPECT_NE(keys.PrivateKeyFor(*committer_tree_, node), nullptr) << "node " << node.value;
  }
  EXPECT_EQ(keys.size(), 4u);
  // Keys bound to another leaf cannot commit for this one.
  TreePrivateKeys other = TreePrivateKeys::FromEntries(LeafIndex(3), {});
  EXPECT_EQ(KindOf(CreateUpdatePath(*committer_tree_, other, request, signature).error()),
            TreeError::kPrivateKeyMismatch);
}

TEST_F(TreeKemTest, OneMemberGroupHasAnEmptyPath) {
  const testing::TestMember solo = MakeMember(suite_, 0);
  PublicTree tree = PublicTree::Create(suite_, solo.leaf);
  TreePrivateKeys keys = TreePrivateKeys::FromEntries(LeafIndex(0), {});
  auto created = CreateUpdatePath(tree, keys, {LeafIndex(0), solo.leaf, context_, {}},
                                  solo.signature.private_key);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_TRUE(created->path.nodes.empty());
  EXPECT_EQ(created->commit_secret.size(), suite_.hash_size());
  EXPECT_TRUE(created->path.leaf_node.parent_hash.empty());
}

TEST_F(TreeKemTest, Rfc9420_12_4_2_JoinersAreExcludedAndKeyedByTheWelcome) {
  const testing::TestMember joiner = MakeMember(suite_, 20);
  auto at = committer_tree_->AddLeaf(joiner.leaf);
  ASSERT_TRUE(at.ok());
  ASSERT_EQ(at->value, 6u);
  ASSERT_TRUE(observer_tree().AddLeaf(joiner.leaf).ok());

  auto created = Commit({*at});
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  // The receiver must exclude the same joiners to line up the ciphertexts.
  {
    PublicTree copy = observer_tree();
    TreePrivateKeys keys = observer_keys().Clone();
    auto wrong = ApplyUpdatePath(copy, keys, kCommitter, created->path, context_, {});
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(KindOf(wrong.error()), TreeError::kPathLengthMismatch);
  }
  auto applied = Apply(created->path, {*at});
  ASSERT_TRUE(applied.ok()) << applied.error().ToString();
  EXPECT_TRUE(applied->commit_secret.Equals(created->commit_secret.bytes()));

  // The joiner gets the tree (ratchet_tree extension) and the path secret of
  // the lowest committer-path node above it: here the root.
  auto joined_tree = PublicTree::FromWire(suite_, committer_tree_->ToWire());
  ASSERT_TRUE(joined_tree.ok());
  auto joiner_keys =
      TreePrivateKeys::Create(*joined_tree, *at, joiner.encryption.private_key.Clone());
  ASSERT_TRUE(joiner_keys.ok()) << joiner_keys.error().ToString();
  std::optional<crypto::Secret> welcome_secret = created->PathSecretFor(*at);
  ASSERT_TRUE(welcome_secret.has_value());
  Status implanted =
      joiner_keys->ImplantPathSecret(*joined_tree, kCommitter, welcome_secret->bytes());
  ASSERT_TRUE(implanted.ok()) << implanted.error().ToString();
  EXPECT_NE(joiner_keys->PrivateKeyFor(*joined_tree, NodeIndex(7)), nullptr);

  // A wrong Welcome path secret does not match the tree.
  TreePrivateKeys wrong_keys = joiner_keys->Clone();
  const crypto::Secret random = crypto::Secret::Random(32);
  EXPECT_EQ(KindOf(wrong_keys.ImplantPathSecret(*joined_tree, kCommitter, random.bytes()).error()),
            TreeError::kPrivateKeyMismatch);

  // The joiner then follows a commit from the observer (leaf 4), which
  // reaches it through the root it now holds.
  PublicTree observer_copy = observer_tree();
  TreePrivateKeys observer_commit_keys = TreePrivateKeys::FromEntries(kObserver, {});
  UpdatePathRequest request{kObserver, *observer_copy.leaf(kObserver), context_, {}};
  auto next = CreateUpdatePath(observer_copy, observer_commit_keys, request,
                               group_->members[kObserver.value].signature.private_key);
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  auto followed = ApplyUpdatePath(*joined_tree, *joiner_keys, kObserver, next->path, context_, {});
  ASSERT_TRUE(followed.ok()) << followed.error().ToString();
  EXPECT_TRUE(followed->commit_secret.Equals(next->commit_secret.bytes()));
}

TEST_F(TreeKemTest, Rfc9420_12_4_2_PathWithWrongNodeCountIsRejected) {
  auto created = Commit();
  ASSERT_TRUE(created.ok());
  UpdatePath path = created->path;
  path.nodes.pop_back();
  ExpectRejected(path, TreeError::kPathLengthMismatch);
}

TEST_F(TreeKemTest, Rfc9420_12_4_2_WrongCiphertextCountIsRejected) {
  auto created = Commit();
  ASSERT_TRUE(created.ok());
  UpdatePath path = created->path;
  path.nodes[0].encrypted_path_secret.push_back(path.nodes[0].encrypted_path_secret[0]);
  ExpectRejected(path, TreeError::kPathLengthMismatch);
}

TEST_F(TreeKemTest, Rfc9420_12_4_2_LeafSignatureInvalidIsRejected) {
  auto created = Commit();
  ASSERT_TRUE(created.ok());
  UpdatePath path = created->path;
  path.leaf_node.signature[0] ^= 1;
  ExpectRejected(path, TreeError::kLeafSignatureInvalid);
}

TEST_F(TreeKemTest, Rfc9420_12_4_2_LeafSourceMustBeCommit) {
  auto created = Commit();
  ASSERT_TRUE(created.ok());
  UpdatePath path = created->path;
  path.leaf_node.source = LeafNodeSource::kUpdate;
  path.leaf_node.parent_hash.clear();
  Resign(path.leaf_node);
  ExpectRejected(path, TreeError::kLeafSourceInvalid);
}

TEST_F(TreeKemTest, Rfc9420_7_9_2_LeafParentHashMismatchIsRejected) {
  auto created = Commit();
  ASSERT_TRUE(created.ok());
  UpdatePath path = created->path;
  path.leaf_node.parent_hash[3] ^= 1;
  Resign(path.leaf_node);
  ExpectRejected(path, TreeError::kParentHashMismatch);
}

TEST_F(TreeKemTest, Rfc9420_7_9_2_ReplacedPathKeyBreaksTheParentHashChain) {
  auto created = Commit();
  ASSERT_TRUE(created.ok());
  UpdatePath path = created->path;
  path.nodes[1].encryption_key = suite_.GenerateHpkeKeyPair().public_key;
  ExpectRejected(path, TreeError::kParentHashMismatch);
}

TEST_F(TreeKemTest, Rfc9420_12_4_2_DerivedPublicKeyMismatchIsRejected) {
  // A committer that encrypts to us a path secret other than the one its
  // path keys come from: the ciphertext opens, the derived key differs.
  auto created = Commit();
  ASSERT_TRUE(created.ok());
  UpdatePath path = created->path;
  // Leaf 4 is reached through the root's copath child, node 11, whose
  // resolution holds node 9 (set by leaf 5's commit).
  const std::vector<NodeIndex> resolution = committer_tree_->Resolution(NodeIndex(11));
  const auto ours = std::find_if(resolution.begin(), resolution.end(), [&](NodeIndex node) {
    return observer_keys().PrivateKeyFor(observer_tree(), node) != nullptr;
  });
  ASSERT_NE(ours, resolution.end());
  const crypto::Secret other = crypto::Secret::Random(32);
  auto sealed = suite_.EncryptWithLabel(committer_tree_->EncryptionKey(*ours), "UpdatePathNode",
                                        created->group_context, other.bytes());
  ASSERT_TRUE(sealed.ok());
  path.nodes[2].encrypted_path_secret[static_cast<std::size_t>(ours - resolution.begin())] = {
      sealed->kem_output, sealed->ciphertext};
  ExpectRejected(path, TreeError::kPathKeyMismatch);
}

TEST_F(TreeKemTest, Rfc9420_12_4_2_OtherGroupContextCannotDecrypt) {
  auto created = Commit();
  ASSERT_TRUE(created.ok());
  const Bytes before = Serialize(observer_tree().ToWire());
  GroupContext other = context_;
  other.epoch += 1;
  auto applied =
      ApplyUpdatePath(observer_tree(), observer_keys(), kCommitter, created->path, other, {});
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(KindOf(applied.error()), TreeError::kPathDecryptionFailed);
  EXPECT_EQ(Serialize(observer_tree().ToWire()), before);
}

TEST_F(TreeKemTest, Rfc9420_12_4_2_MissingPrivateKeyCannotDecrypt) {
  auto created = Commit();
  ASSERT_TRUE(created.ok());
  TreePrivateKeys empty = TreePrivateKeys::FromEntries(kObserver, {});
  auto applied = ApplyUpdatePath(observer_tree(), empty, kCommitter, created->path, context_, {});
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(KindOf(applied.error()), TreeError::kPathDecryptionFailed);
}

TEST_F(TreeKemTest, PrivateKeysCheckAndPrune) {
  const testing::TestMember stranger = MakeMember(suite_, 30);
  auto mismatch = TreePrivateKeys::Create(observer_tree(), LeafIndex(2),
                                          stranger.encryption.private_key.Clone());
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(KindOf(mismatch.error()), TreeError::kPrivateKeyMismatch);

  // The observer holds leaf 4 plus nodes 9 (leaf 5's commit) and 7 (leaf
  // 0's commit).
  EXPECT_EQ(observer_keys().size(), 3u);
  ASSERT_NE(observer_keys().PrivateKeyFor(observer_tree(), NodeIndex(7)), nullptr);
  std::vector<NodePrivateKey> entries = observer_keys().Entries();
  TreePrivateKeys restored = TreePrivateKeys::FromEntries(kObserver, std::move(entries));
  EXPECT_EQ(restored.size(), observer_keys().size());
  EXPECT_NE(restored.PrivateKeyFor(observer_tree(), NodeIndex(7)), nullptr);

  // An Update by leaf 0 blanks the root: the root key is stale and pruned.
  ASSERT_TRUE(observer_tree().UpdateLeaf(LeafIndex(0), MakeMember(suite_, 31).leaf).ok());
  EXPECT_EQ(restored.PrivateKeyFor(observer_tree(), NodeIndex(7)), nullptr);
  EXPECT_TRUE(restored.Holds(NodeIndex(7)));
  restored.Prune(observer_tree());
  EXPECT_FALSE(restored.Holds(NodeIndex(7)));
  EXPECT_TRUE(restored.Holds(kObserver.node()));
}

}  // namespace
}  // namespace xs::mls
