// Known-answer tests of the public ratchet tree: every entry of
// tree-validation.json (per-node tree hashes and resolutions, parent-hash
// validity, leaf signatures, the full joiner validation) and of
// tree-operations.json (Add / Update / Remove applied to tree_before gives
// tree_after byte for byte, tree hashes before and after), suites 1 and 3.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/hex.h"
#include "mls/messages/serialize.h"
#include "mls/testing/vectors.h"
#include "mls/tree/ratchet_tree.h"
#include "mls/tree/tree_validation.h"

namespace xs::mls {
namespace {

using testing::HexField;
using testing::SuiteVectorEntry;
using testing::VectorFile;

std::string Hex(std::span<const std::uint8_t> bytes) { return codec::HexEncode(bytes); }

Result<PublicTree> LoadTree(const crypto::CipherSuite& suite, const Bytes& serialized) {
  XS_TRY(RatchetTree wire, Deserialize<RatchetTree>(serialized));
  return PublicTree::FromWire(suite, wire);
}

TEST(MlsTreeValidationVectors, AllEntriesSuites1And3) {
  const VectorFile vectors("tree-validation.json");
  XS_REQUIRE_VECTORS(vectors);
  const int checked = vectors.ForEachSupportedSuite([](const SuiteVectorEntry& entry) {
    const auto& [e, where, suite_id, suite] = entry;
    auto tree = LoadTree(suite, HexField(e, "tree"));
    ASSERT_TRUE(tree.ok()) << where << ": " << tree.error().ToString();
    const Bytes group_id = HexField(e, "group_id");

    const auto& hashes = e["tree_hashes"];
    const auto& resolutions = e["resolutions"];
    ASSERT_EQ(hashes.size(), tree->node_width()) << where << ".tree_hashes";
    ASSERT_EQ(resolutions.size(), tree->node_width()) << where << ".resolutions";
    for (std::uint32_t n = 0; n < tree->node_width(); ++n) {
      const std::string at = where + " node " + std::to_string(n);
      EXPECT_EQ(Hex(tree->TreeHashOf(NodeIndex(n))), hashes[n].get<std::string>())
          << at << ".tree_hash";
      std::vector<std::uint32_t> got;
      for (NodeIndex r : tree->Resolution(NodeIndex(n))) got.push_back(r.value);
      EXPECT_EQ(got, resolutions[n].get<std::vector<std::uint32_t>>()) << at << ".resolution";
    }
    EXPECT_EQ(Hex(tree->TreeHash()), hashes[tree->node_width() / 2].get<std::string>()) << where;

    Status parent_hashes = VerifyParentHashes(*tree);
    EXPECT_TRUE(parent_hashes.ok())
        << where << ".parent_hashes: " << parent_hashes.error().ToString();
    Status leaves = ValidateTreeLeaves(*tree, group_id);
    EXPECT_TRUE(leaves.ok()) << where << ".signatures: " << leaves.error().ToString();
    Status full = ValidateTree(*tree, group_id, tree->TreeHash());
    EXPECT_TRUE(full.ok()) << where << ".validate: " << full.error().ToString();

    // The tree re-serializes to the same bytes.
    EXPECT_EQ(Hex(Serialize(tree->ToWire())), e["tree"].get<std::string>()) << where << ".tree";
  });
  EXPECT_EQ(checked, 28);  // suites 1 and 3 in the shared vectors
}

TEST(MlsTreeOperationsVectors, AllEntries) {
  const VectorFile vectors("tree-operations.json");
  XS_REQUIRE_VECTORS(vectors);
  const int checked = vectors.ForEachSupportedSuite([](const SuiteVectorEntry& entry) {
    const auto& [e, where, suite_id, suite] = entry;
    auto tree = LoadTree(suite, HexField(e, "tree_before"));
    ASSERT_TRUE(tree.ok()) << where << ": " << tree.error().ToString();
    EXPECT_EQ(Hex(tree->TreeHash()), e["tree_hash_before"].get<std::string>()) << where;

    auto proposal = Deserialize<Proposal>(HexField(e, "proposal"));
    ASSERT_TRUE(proposal.ok()) << where << ".proposal: " << proposal.error().ToString();
    const LeafIndex sender(e["proposal_sender"].get<std::uint32_t>());
    Status applied = OkStatus();
    if (const auto* add = std::get_if<AddProposal>(&*proposal)) {
      auto added = tree->AddLeaf(add->key_package.leaf_node);
      if (!added.ok()) applied = added.error();
    } else if (const auto* update = std::get_if<UpdateProposal>(&*proposal)) {
      applied = tree->UpdateLeaf(sender, update->leaf_node);
    } else if (const auto* remove = std::get_if<RemoveProposal>(&*proposal)) {
      applied = tree->RemoveLeaf(LeafIndex(remove->removed));
    } else {
      FAIL() << where << ": unexpected proposal type";
    }
    ASSERT_TRUE(applied.ok()) << where << ": " << applied.error().ToString();
    EXPECT_EQ(Hex(Serialize(tree->ToWire())), e["tree_after"].get<std::string>())
        << where << ".tree_after";
    EXPECT_EQ(Hex(tree->TreeHash()), e["tree_hash_after"].get<std::string>())
        << where << ".tree_hash_after";
    // The incremental hashes agree with a tree hashed from scratch.
    auto fresh = PublicTree::FromWire(suite, tree->ToWire());
    ASSERT_TRUE(fresh.ok()) << where;
    EXPECT_EQ(Hex(fresh->TreeHash()), Hex(tree->TreeHash())) << where << " (fresh)";
  });
  EXPECT_EQ(checked, 5);  // all entries (suite 1) in the shared vectors
}

}  // namespace
}  // namespace xs::mls
