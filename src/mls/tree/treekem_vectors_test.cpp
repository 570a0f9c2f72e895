// Known-answer tests of TreeKEM: every entry of treekem.json for suites 1 and
// 3. For each entry the private states of `leaves_private` are loaded and
// checked against the tree; for each update path the public merge must be
// parent-hash valid with tree hash `tree_hash_after`, and every leaf with a
// private key must decrypt it to `path_secrets[leaf]` and `commit_secret`.
// Then every such leaf creates its own UpdatePath and every other one must
// apply it and agree on the commit secret and tree hash.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "codec/hex.h"
#include "mls/messages/serialize.h"
#include "mls/testing/vectors.h"
#include "mls/tree/ratchet_tree.h"
#include "mls/tree/tree_private_keys.h"
#include "mls/tree/tree_validation.h"
#include "mls/tree/treekem.h"

namespace xs::mls {
namespace {

using testing::HexField;
using testing::SuiteVectorEntry;
using testing::VectorFile;

constexpr char kFile[] = "treekem.json";

std::string Hex(std::span<const std::uint8_t> bytes) { return codec::HexEncode(bytes); }

struct PrivateLeaf {
  TreePrivateKeys keys;
  crypto::Secret signature_private_key;
};

GroupContext ContextOf(const nlohmann::json& e) {
  GroupContext context;
  context.cipher_suite = e["cipher_suite"].get<std::uint16_t>();
  context.group_id = HexField(e, "group_id");
  context.epoch = e["epoch"].get<std::uint64_t>();
  context.confirmed_transcript_hash = HexField(e, "confirmed_transcript_hash");
  return context;
}

class TreeKemEntry {
 public:
  explicit TreeKemEntry(const SuiteVectorEntry& entry)
      : e_(entry.json), where_(entry.where), suite_(entry.suite) {}

  void Run() {
    auto wire = Deserialize<RatchetTree>(HexField(e_, "ratchet_tree"));
    ASSERT_TRUE(wire.ok()) << where_ << ": " << wire.error().ToString();
    auto tree = PublicTree::FromWire(suite_, *wire);
    ASSERT_TRUE(tree.ok()) << where_ << ": " << tree.error().ToString();
    tree_.emplace(std::move(tree).value());
    ASSERT_NO_FATAL_FAILURE(LoadPrivateLeaves());
    for (std::size_t k = 0; k < e_["update_paths"].size(); ++k) {
      ASSERT_NO_FATAL_FAILURE(CheckUpdatePath(k));
    }
    for (const auto& [leaf, state] : leaves_) {
      ASSERT_NO_FATAL_FAILURE(CheckOwnPath(LeafIndex(leaf)));
    }
  }

 private:
  void LoadPrivateLeaves() {
    for (const auto& p : e_["leaves_private"]) {
      const LeafIndex leaf(p["index"].get<std::uint32_t>());
      const std::string at = where_ + ".leaves_private[leaf " + std::to_string(leaf.value) + "]";
      auto keys = TreePrivateKeys::Create(*tree_, leaf,
                                          crypto::Secret::Copy(HexField(p, "encryption_priv")));
      ASSERT_TRUE(keys.ok()) << at << ": " << keys.error().ToString();
      for (const auto& ps : p["path_secrets"]) {
        const NodeIndex node(ps["node"].get<std::uint32_t>());
        Status set = keys->SetFromPathSecret(*tree_, node, HexField(ps, "path_secret"));
        ASSERT_TRUE(set.ok()) << at << " node " << node.value << ": " << set.error().ToString();
      }
      crypto::Secret signature_key = crypto::Secret::Copy(HexField(p, "signature_priv"));
      auto public_key = suite_.SignaturePublicKeyOf(signature_key.bytes());
      ASSERT_TRUE(public_key.ok()) << at;
      ASSERT_EQ(*public_key, tree_->leaf(leaf)->signature_key) << at << ".signature_priv";
      leaves_.emplace(leaf.value, PrivateLeaf{std::move(keys).value(), std::move(signature_key)});
    }
  }

  void CheckUpdatePath(std::size_t k) {
    const auto& u = e_["update_paths"][k];
    const std::string at = where_ + ".update_paths[" + std::to_string(k) + "]";
    const LeafIndex sender(u["sender"].get<std::uint32_t>());
    auto path = Deserialize<UpdatePath>(HexField(u, "update_path"));
    ASSERT_TRUE(path.ok()) << at << ": " << path.error().ToString();

    PublicTree merged = *tree_;
    auto filtered = MergeUpdatePath(merged, sender, *path);
    ASSERT_TRUE(filtered.ok()) << at << ".merge: " << filtered.error().ToString();
    Status parent_hashes = VerifyParentHashes(merged);
    EXPECT_TRUE(parent_hashes.ok()) << at << ".parent_hashes: " << parent_hashes.error().ToString();
    EXPECT_EQ(Hex(merged.TreeHash()), u["tree_hash_after"].get<std::string>())
        << at << ".tree_hash_after";

    for (const auto& [leaf_value, state] : leaves_) {
      if (leaf_value == sender.value) continue;
      const std::string who = at + " at leaf " + std::to_string(leaf_value);
      PublicTree tree = *tree_;
      TreePrivateKeys keys = state.keys.Clone();
      auto applied = ApplyUpdatePath(tree, keys, sender, *path, ContextOf(e_), {});
      ASSERT_TRUE(applied.ok()) << who << ": " << applied.error().ToString();
      EXPECT_EQ(Hex(applied->path_secret.bytes()), u["path_secrets"][leaf_value].get<std::string>())
          << who << ".path_secret";
      EXPECT_EQ(Hex(applied->commit_secret.bytes()), u["commit_secret"].get<std::string>())
          << who << ".commit_secret";
      EXPECT_EQ(Hex(applied->tree_hash), u["tree_hash_after"].get<std::string>())
          << who << ".tree_hash_after";
    }
  }

  void CheckOwnPath(LeafIndex committer) {
    const std::string at = where_ + " own path of leaf " + std::to_string(committer.value);
    PublicTree tree = *tree_;
    TreePrivateKeys keys = leaves_.at(committer.value).keys.Clone();
    UpdatePathRequest request{committer, *tree_->leaf(committer), ContextOf(e_), {}};
    auto created =
        CreateUpdatePath(tree, keys, request, leaves_.at(committer.value).signature_private_key);
    ASSERT_TRUE(created.ok()) << at << ": " << created.error().ToString();
    Status parent_hashes = VerifyParentHashes(tree);
    EXPECT_TRUE(parent_hashes.ok()) << at << ".parent_hashes: " << parent_hashes.error().ToString();
    Status leaves = ValidateTreeLeaves(tree, HexField(e_, "group_id"));
    EXPECT_TRUE(leaves.ok()) << at << ".signatures: " << leaves.error().ToString();

    // The path goes over the wire: decode what we encoded.
    auto sent = Deserialize<UpdatePath>(Serialize(created->path));
    ASSERT_TRUE(sent.ok()) << at;
    for (const auto& [leaf_value, state] : leaves_) {
      if (leaf_value == committer.value) continue;
      const std::string who = at + " at leaf " + std::to_string(leaf_value);
      PublicTree receiver_tree = *tree_;
      TreePrivateKeys receiver_keys = state.keys.Clone();
      auto applied =
          ApplyUpdatePath(receiver_tree, receiver_keys, committer, *sent, ContextOf(e_), {});
      ASSERT_TRUE(applied.ok()) << who << ": " << applied.error().ToString();
      EXPECT_TRUE(applied->commit_secret.Equals(created->commit_secret.bytes()))
          << who << ".commit_secret";
      EXPECT_EQ(Hex(applied->tree_hash), Hex(created->tree_hash)) << who << ".tree_hash";
      EXPECT_EQ(Hex(Serialize(receiver_tree.ToWire())), Hex(Serialize(tree.ToWire())))
          << who << ".tree";
    }
  }

  const nlohmann::json& e_;
  std::string where_;
  crypto::CipherSuite suite_;
  std::optional<PublicTree> tree_;
  std::map<std::uint32_t, PrivateLeaf> leaves_;
};

TEST(MlsTreeKemVectors, AllEntriesSuites1And3) {
  const VectorFile vectors(kFile);
  XS_REQUIRE_VECTORS(vectors);
  const int checked = vectors.ForEachSupportedSuite(
      [](const SuiteVectorEntry& entry) { TreeKemEntry(entry).Run(); });
  EXPECT_EQ(checked, 22);  // suites 1 and 3 in the shared vectors
}

}  // namespace
}  // namespace xs::mls
