// Ratchet tree and TreeKEM cost (RFC 9420 §7), suite 3, for groups of 2, 10,
// 100, 250 (the XMTP cap) and 2,500 members. Every group is built with real
// Adds and then commits from every other leaf, so all parent nodes are set
// (the steady state of a busy group: each copath resolution is one node).
//   TreeHashAfterLeafChange — one leaf replaced, then the root tree hash
//                             (incremental: log2 n + 1 node hashes);
//   TreeHashFromScratch     — the same root hash over a tree with a cold
//                             cache (what a non-incremental tree pays);
//   CreateUpdatePath        — leaf 0 commits: fresh keys, path secrets,
//                             parent hashes, leaf signature, tree hash,
//                             HPKE encryption to each copath resolution;
//   ApplyUpdatePath         — the last member processes such a path:
//                             signature, merge, parent-hash check, tree
//                             hash, one HPKE decryption, key derivations.
// Run: build-*/bench/mls/xs_mls_tree_bench
#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "mls/tree/test_members.h"

namespace {

using namespace xs;       // NOLINT
using namespace xs::mls;  // NOLINT

constexpr std::uint16_t kSuite = 3;

crypto::CipherSuite Suite() { return *crypto::CipherSuite::Create(kSuite); }

struct Fixture {
  testing::TestGroup group;  // the observer's (last member's) view
  PublicTree committer_view;
};

// Built once per size and copied by each benchmark.
const Fixture& FixtureFor(std::uint32_t members) {
  static std::map<std::uint32_t, std::unique_ptr<Fixture>> cache;
  auto& slot = cache[members];
  if (!slot) {
    std::vector<LeafIndex> committers;
    for (std::uint32_t leaf = (members - 1) & ~1u;; leaf -= 2) {
      committers.emplace_back(leaf);
      if (leaf == 0) break;
    }
    auto group = testing::BuildTestGroup(Suite(), members, LeafIndex(members - 1), committers);
    if (!group.ok()) std::abort();
    PublicTree view = group->tree;
    slot = std::make_unique<Fixture>(Fixture{std::move(group).value(), std::move(view)});
  }
  return *slot;
}

void BM_TreeHashAfterLeafChange(benchmark::State& state) {
  const auto members = static_cast<std::uint32_t>(state.range(0));
  PublicTree tree = FixtureFor(members).group.tree;
  const LeafIndex changed(members / 2);
  const LeafNode alternatives[2] = {testing::MakeMember(tree.suite(), 1000).leaf,
                                    testing::MakeMember(tree.suite(), 1001).leaf};
  std::size_t i = 0;
  for (auto _ : state) {
    if (!tree.SetLeaf(changed, alternatives[i++ % 2]).ok()) {
      state.SkipWithError("set leaf failed");
      break;
    }
    benchmark::DoNotOptimize(tree.TreeHash());
  }
}

void BM_TreeHashFromScratch(benchmark::State& state) {
  const auto members = static_cast<std::uint32_t>(state.range(0));
  const RatchetTree wire = FixtureFor(members).group.tree.ToWire();
  for (auto _ : state) {
    state.PauseTiming();
    auto tree = PublicTree::FromWire(Suite(), wire);
    state.ResumeTiming();
    benchmark::DoNotOptimize(tree->TreeHash());
  }
}

void BM_CreateUpdatePath(benchmark::State& state) {
  const auto members = static_cast<std::uint32_t>(state.range(0));
  const Fixture& fixture = FixtureFor(members);
  PublicTree tree = fixture.committer_view;
  TreePrivateKeys keys = TreePrivateKeys::FromEntries(LeafIndex(0), {});
  const crypto::Secret& signature = fixture.group.members[0].signature.private_key;
  UpdatePathRequest request{
      LeafIndex(0), *tree.leaf(LeafIndex(0)), testing::TestContext(Suite()), {}};
  for (auto _ : state) {
    auto created = CreateUpdatePath(tree, keys, request, signature);
    if (!created.ok()) {
      state.SkipWithError("create failed");
      break;
    }
    benchmark::DoNotOptimize(created);
  }
}

void BM_ApplyUpdatePath(benchmark::State& state) {
  const auto members = static_cast<std::uint32_t>(state.range(0));
  const Fixture& fixture = FixtureFor(members);
  PublicTree committer_tree = fixture.committer_view;
  TreePrivateKeys committer_keys = TreePrivateKeys::FromEntries(LeafIndex(0), {});
  PublicTree observer_tree = fixture.group.tree;
  TreePrivateKeys observer_keys = fixture.group.observer_keys.Clone();
  const crypto::Secret& signature = fixture.group.members[0].signature.private_key;
  const GroupContext context = testing::TestContext(Suite());
  UpdatePathRequest request{LeafIndex(0), *committer_tree.leaf(LeafIndex(0)), context, {}};
  for (auto _ : state) {
    state.PauseTiming();
    auto created = CreateUpdatePath(committer_tree, committer_keys, request, signature);
    state.ResumeTiming();
    if (!created.ok()) {
      state.SkipWithError("create failed");
      break;
    }
    auto applied =
        ApplyUpdatePath(observer_tree, observer_keys, LeafIndex(0), created->path, context, {});
    if (!applied.ok()) {
      state.SkipWithError("apply failed");
      break;
    }
    benchmark::DoNotOptimize(applied);
  }
}

#define XS_TREE_SIZES Arg(2)->Arg(10)->Arg(100)->Arg(250)->Arg(2500)
BENCHMARK(BM_TreeHashAfterLeafChange)->XS_TREE_SIZES->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TreeHashFromScratch)->XS_TREE_SIZES->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CreateUpdatePath)->XS_TREE_SIZES->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ApplyUpdatePath)->XS_TREE_SIZES->Unit(benchmark::kMicrosecond);

}  // namespace
BENCHMARK_MAIN();
