// Test-only helper (header-only, not part of xs_mls): members with real
// Ed25519 signature keys and X25519 leaf keys, and groups whose trees were
// built by real Adds and commits (CreateUpdatePath / ApplyUpdatePath), for
// the tree tests and the tree benchmark.
//
// Thread contract: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mls/messages/group.h"
#include "mls/tree/ratchet_tree.h"
#include "mls/tree/tree_private_keys.h"
#include "mls/tree/tree_validation.h"
#include "mls/tree/treekem.h"

namespace xs::mls::testing {

struct TestMember {
  crypto::SignatureKeyPair signature;
  crypto::HpkeKeyPair encryption;
  LeafNode leaf;  // as in its KeyPackage (source key_package), signed
};

inline Capabilities TestCapabilities() {
  Capabilities caps;
  caps.versions = {kProtocolVersionMls10};
  caps.cipher_suites = {1, 3};
  caps.credentials = {kCredentialTypeBasic};
  return caps;
}

inline TestMember MakeMember(const crypto::CipherSuite& suite, std::uint32_t id) {
  TestMember m{suite.GenerateSignatureKeyPair(), suite.GenerateHpkeKeyPair(), {}};
  m.leaf.encryption_key = m.encryption.public_key;
  m.leaf.signature_key = m.signature.public_key;
  const std::string identity = "member-" + std::to_string(id);
  m.leaf.credential.identity.assign(identity.begin(), identity.end());
  m.leaf.capabilities = TestCapabilities();
  m.leaf.source = LeafNodeSource::kKeyPackage;
  m.leaf.lifetime = {0, ~std::uint64_t{0}};
  (void)SignLeafNode(suite, m.leaf, m.signature.private_key.bytes(), {}, LeafIndex(0));
  return m;
}

inline GroupContext TestContext(const crypto::CipherSuite& suite, std::uint64_t epoch = 1) {
  GroupContext context;
  context.cipher_suite = suite.id();
  context.group_id = {0x67, 0x72, 0x6f, 0x75, 0x70};  // "group"
  context.epoch = epoch;
  context.confirmed_transcript_hash = Bytes(32, 0xc7);
  return context;
}

// A group of `size` members at leaves 0..size-1 seen by one observer leaf:
// the tree, the members' keys, and the observer's private keys.
struct TestGroup {
  PublicTree tree;
  std::vector<TestMember> members;
  TreePrivateKeys observer_keys;
};

// Adds `size` members, then lets `committers` commit in turn (each with a
// full UpdatePath applied by the observer) so that parent nodes are set.
inline Result<TestGroup> BuildTestGroup(const crypto::CipherSuite& suite, std::uint32_t size,
                                        LeafIndex observer,
                                        const std::vector<LeafIndex>& committers) {
  std::vector<TestMember> members;
  members.reserve(size);
  for (std::uint32_t i = 0; i < size; ++i) members.push_back(MakeMember(suite, i));
  PublicTree tree = PublicTree::Create(suite, members[0].leaf);
  for (std::uint32_t i = 1; i < size; ++i) {
    XS_TRY(LeafIndex added, tree.AddLeaf(members[i].leaf));
    (void)added;
  }
  XS_TRY(TreePrivateKeys observer_keys,
         TreePrivateKeys::Create(tree, observer,
                                 members[observer.value].encryption.private_key.Clone()));
  // Everyone else's view of the tree: committers create their paths on it,
  // the observer applies them to its own copy, and the two stay equal.
  PublicTree shared = tree;
  std::uint64_t epoch = 1;
  for (LeafIndex committer : committers) {
    TestMember& m = members[committer.value];
    UpdatePathRequest request{committer, *tree.leaf(committer), TestContext(suite, epoch++), {}};
    if (committer == observer) {
      XS_TRY(CreatedUpdatePath created,
             CreateUpdatePath(tree, observer_keys, request, m.signature.private_key));
      XS_TRY(std::vector<FilteredPathStep> merged,
             MergeUpdatePath(shared, committer, created.path));
      (void)merged;
      continue;
    }
    // Creating a path needs no old private key, only a key set bound to
    // the committer's leaf.
    TreePrivateKeys keys = TreePrivateKeys::FromEntries(committer, {});
    XS_TRY(CreatedUpdatePath created,
           CreateUpdatePath(shared, keys, request, m.signature.private_key));
    XS_TRY(AppliedUpdatePath applied, ApplyUpdatePath(tree, observer_keys, committer, created.path,
                                                      request.provisional_context, {}));
    (void)applied;
  }
  return TestGroup{std::move(tree), std::move(members), std::move(observer_keys)};
}

}  // namespace xs::mls::testing
