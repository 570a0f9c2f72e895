// Group operation costs: create a commit, process a commit, join
// from a Welcome, in XMTP-profile groups (suite 3, PrivateMessage, ratchet
// tree in the Welcome) of 2, 10, 100, 250 and 2,500 members, in two shapes:
//
//   Fresh      the creator (leaf 0) added everyone else in one commit, as
//              XMTP creates a group. Most parent nodes are blank and leaf 0's
//              path nodes list everyone as unmerged, so an UpdatePath from
//              leaf 0 is encrypted to ~n-1 leaves: the worst case.
//   Populated  after that, the members at leaves 1, 2, 4, 8, ... (one inside
//              each subtree on leaf 0's copath) each commit an update in turn,
//              everyone processing the previous ones. Every copath node of
//              leaf 0 then holds a key and nothing is unmerged, so its
//              UpdatePath is encrypted once per level (log2 n): the steady
//              state of a group whose members have committed.
//
//   create  leaf 0 builds an empty commit with a path (XMTP key update)
//   process the last member, loaded from storage, processes that commit
//           (no merge); _WarmHashes: its tree hashes already cached
//   join    a newcomer joins from the Welcome of a commit adding it
// The "encryptions" counter is the number of HPKE encryptions in leaf 0's
// UpdatePath (the sum of its copath resolutions).
// Run: build-*/bench/mls/xs_mls_group_bench
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <utility>

#include "mls/group/group_testing.h"
#include "mls/messages/serialize.h"

namespace {

using namespace xs;       // NOLINT
using namespace xs::mls;  // NOLINT
using mls::testing::CreateTestGroup;
using mls::testing::MakeClient;
using mls::testing::MakeKeyPackage;
using mls::testing::TestClient;

enum class Shape { kFresh, kPopulated };

// Processes and merges `commit` into `member` (a member other than its author).
void Apply(GroupState& member, const MlsMessage& commit) {
  auto processed = ProcessMessage(member, commit);
  if (!processed.ok() || processed->kind != ProcessedMessage::Kind::kCommit ||
      !Merge(member, std::move(processed->commit)).ok()) {
    std::abort();
  }
}

struct Fixture {
  crypto::CipherSuite suite = *crypto::CipherSuite::Create(kXmtpCipherSuite);
  std::unique_ptr<GroupState> creator;
  crypto::Secret last_member_state;  // serialized GroupState of the last member
  MlsMessage commit;                 // leaf 0's empty commit in the current epoch
  MlsMessage welcome;                // adds `joiner`
  TestClient joiner;
  KeyPackageBundle joiner_key_package;
  std::size_t encryptions = 0;       // HPKE encryptions of leaf 0's UpdatePath
  std::size_t group_info_bytes = 0;  // the signed GroupInfo, ratchet tree included

  Fixture(std::uint32_t members, Shape shape) {
    TestClient alice = MakeClient(suite, 0);
    creator = std::make_unique<GroupState>(CreateTestGroup(alice));
    std::vector<TestClient> clients;  // clients[i] is added at leaf i + 1
    std::vector<KeyPackageBundle> packages;
    CommitOptions add;
    for (std::uint32_t i = 1; i < members; ++i) {
      clients.push_back(MakeClient(suite, i));
      packages.push_back(MakeKeyPackage(clients.back()));
      add.proposals.emplace_back(AddProposal{packages.back().key_package});
    }
    auto added = CreateCommit(*creator, add);
    if (!added.ok() || !Merge(*creator, std::move(added->staged)).ok()) std::abort();
    const Welcome& add_welcome = std::get<Welcome>(added->welcome->body);
    auto join = [&](std::uint32_t leaf) {
      auto joined = JoinFromWelcome(add_welcome, packages[leaf - 1],
                                    clients[leaf - 1].signature.private_key.bytes());
      if (!joined.ok() || joined->own_leaf().value != leaf) std::abort();
      return std::make_unique<GroupState>(std::move(joined).value());
    };

    // Members that follow the group: the last one, and in the populated
    // shape the committers at leaves 1, 2, 4, ... (the last may be one).
    std::map<std::uint32_t, std::unique_ptr<GroupState>> followers;
    const std::uint32_t last = members - 1;
    if (last > 0) followers[last] = join(last);
    if (shape == Shape::kPopulated) {
      for (std::uint32_t leaf = 1; leaf < members; leaf *= 2) {
        if (!followers.count(leaf)) followers[leaf] = join(leaf);
      }
      for (std::uint32_t leaf = 1; leaf < members; leaf *= 2) {
        GroupState& committer = *followers.at(leaf);
        auto update = CreateCommit(committer);
        if (!update.ok() || !Merge(committer, std::move(update->staged)).ok()) std::abort();
        const MlsMessage wire = *Deserialize<MlsMessage>(Serialize(update->commit));
        Apply(*creator, wire);
        for (auto& [other, state] : followers) {
          if (other != leaf) Apply(*state, wire);
        }
      }
    }
    if (last > 0) last_member_state = followers.at(last)->Serialize();

    const PublicTree& tree = creator->tree();
    for (const FilteredPathStep& step : tree.FilteredDirectPath(LeafIndex(0))) {
      encryptions += tree.Resolution(step.copath_child).size();
    }

    auto update = CreateCommit(*creator);
    if (!update.ok()) std::abort();
    commit = update->commit;
    group_info_bytes = Serialize(update->group_info).size();

    joiner = MakeClient(suite, members);
    joiner_key_package = MakeKeyPackage(joiner);
    CommitOptions add_one;
    add_one.proposals.emplace_back(AddProposal{joiner_key_package.key_package});
    auto grown = CreateCommit(*creator, add_one);
    if (!grown.ok()) std::abort();
    welcome = *grown->welcome;
  }
};

Fixture& FixtureFor(std::uint32_t members, Shape shape) {
  static std::map<std::pair<std::uint32_t, Shape>, std::unique_ptr<Fixture>> fixtures;
  auto& slot = fixtures[{members, shape}];
  if (!slot) slot = std::make_unique<Fixture>(members, shape);
  return *slot;
}

void CreateCommitBench(benchmark::State& state, Shape shape) {
  Fixture& f = FixtureFor(static_cast<std::uint32_t>(state.range(0)), shape);
  for (auto _ : state) {
    auto out = CreateCommit(*f.creator);
    if (!out.ok()) state.SkipWithError("commit failed");
    benchmark::DoNotOptimize(out);
  }
  state.counters["encryptions"] = static_cast<double>(f.encryptions);
  state.counters["group_info_bytes"] = static_cast<double>(f.group_info_bytes);
}

// The member is loaded from storage before each run (a processed commit
// cannot be processed again). A loaded tree has no cached tree hashes;
// `warm_hashes` fills them outside the timing, as in a member kept in memory.
void ProcessCommitBench(benchmark::State& state, Shape shape, bool warm_hashes = false) {
  Fixture& f = FixtureFor(static_cast<std::uint32_t>(state.range(0)), shape);
  const Bytes wire = Serialize(f.commit);
  for (auto _ : state) {
    state.PauseTiming();
    auto member = GroupState::Deserialize(f.last_member_state.bytes());
    if (warm_hashes) benchmark::DoNotOptimize(member->tree().TreeHash());
    state.ResumeTiming();
    auto message = Deserialize<MlsMessage>(wire);
    auto processed = ProcessMessage(*member, *message);
    if (!processed.ok()) state.SkipWithError("process failed");
    benchmark::DoNotOptimize(processed);
  }
}

void JoinFromWelcomeBench(benchmark::State& state, Shape shape) {
  Fixture& f = FixtureFor(static_cast<std::uint32_t>(state.range(0)), shape);
  const Bytes wire = Serialize(f.welcome);
  for (auto _ : state) {
    auto message = Deserialize<MlsMessage>(wire);
    auto joined = JoinFromWelcome(std::get<Welcome>(message->body), f.joiner_key_package,
                                  f.joiner.signature.private_key.bytes());
    if (!joined.ok()) state.SkipWithError("join failed");
    benchmark::DoNotOptimize(joined);
  }
}

void BM_CreateCommit_Fresh(benchmark::State& s) { CreateCommitBench(s, Shape::kFresh); }
void BM_CreateCommit_Populated(benchmark::State& s) { CreateCommitBench(s, Shape::kPopulated); }
void BM_ProcessCommit_Fresh(benchmark::State& s) { ProcessCommitBench(s, Shape::kFresh); }
void BM_ProcessCommit_Populated(benchmark::State& s) { ProcessCommitBench(s, Shape::kPopulated); }
void BM_ProcessCommit_Populated_WarmHashes(benchmark::State& s) {
  ProcessCommitBench(s, Shape::kPopulated, true);
}
void BM_JoinFromWelcome_Fresh(benchmark::State& s) { JoinFromWelcomeBench(s, Shape::kFresh); }
void BM_JoinFromWelcome_Populated(benchmark::State& s) {
  JoinFromWelcomeBench(s, Shape::kPopulated);
}

void Sizes(benchmark::internal::Benchmark* b) {
  for (int members : {2, 10, 100, 250, 2500}) b->Arg(members);
  b->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_CreateCommit_Fresh)->Apply(Sizes);
BENCHMARK(BM_CreateCommit_Populated)->Apply(Sizes);
BENCHMARK(BM_ProcessCommit_Fresh)->Apply(Sizes);
BENCHMARK(BM_ProcessCommit_Populated)->Apply(Sizes);
BENCHMARK(BM_ProcessCommit_Populated_WarmHashes)->Apply(Sizes);
BENCHMARK(BM_JoinFromWelcome_Fresh)->Apply(Sizes);
BENCHMARK(BM_JoinFromWelcome_Populated)->Apply(Sizes);

}  // namespace

BENCHMARK_MAIN();
