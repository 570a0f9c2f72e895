// Group operation costs (issue 4): create a commit, process a commit, join
// from a Welcome, in XMTP-profile groups (suite 3, PrivateMessage, ratchet
// tree in the Welcome) of 2, 10, 100, 250 and 2,500 members.
//
// Shape of the measured groups: the creator (leaf 0) added everyone else in
// one commit, as XMTP creates a group. Most parent nodes are then blank, so
// an UpdatePath from leaf 0 is encrypted to the resolution of each copath
// child, up to n/2 leaves at the root: the worst case for a fresh group.
//   create  leaf 0 builds an empty commit with a path (XMTP key update)
//   process the last member processes that commit (no merge)
//   join    a newcomer joins from the Welcome of a commit adding it
// Run: build-*/bench/mls/xs_mls_group_bench
#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "mls/group/group_testing.h"
#include "mls/messages/serialize.h"

namespace {

using namespace xs;       // NOLINT
using namespace xs::mls;  // NOLINT
using mls::testing::CreateTestGroup;
using mls::testing::MakeClient;
using mls::testing::MakeKeyPackage;
using mls::testing::TestClient;

struct Fixture {
  crypto::CipherSuite suite = *crypto::CipherSuite::Create(kXmtpCipherSuite);
  std::unique_ptr<GroupState> creator;
  Bytes last_member_state;  // serialized GroupState of the last member
  MlsMessage commit;        // leaf 0's empty commit in the current epoch
  MlsMessage welcome;       // adds `joiner`
  TestClient joiner;
  KeyPackageBundle joiner_key_package;

  explicit Fixture(std::uint32_t members) {
    TestClient alice = MakeClient(suite, 0);
    creator = std::make_unique<GroupState>(CreateTestGroup(alice));
    std::vector<TestClient> clients;
    std::vector<KeyPackageBundle> packages;
    CommitOptions add;
    for (std::uint32_t i = 1; i < members; ++i) {
      clients.push_back(MakeClient(suite, i));
      packages.push_back(MakeKeyPackage(clients.back()));
      add.proposals.push_back(AddProposal{packages.back().key_package});
    }
    auto added = CreateCommit(*creator, add);
    if (!added.ok() || !Merge(*creator, std::move(added->staged)).ok()) std::abort();
    auto last = JoinFromWelcome(std::get<Welcome>(added->welcome->body), packages.back(),
                                clients.back().signature.private_key.bytes());
    if (!last.ok()) std::abort();
    last_member_state = last->Serialize();

    auto update = CreateCommit(*creator);
    if (!update.ok()) std::abort();
    commit = update->commit;

    joiner = MakeClient(suite, members);
    joiner_key_package = MakeKeyPackage(joiner);
    CommitOptions add_one;
    add_one.proposals.push_back(AddProposal{joiner_key_package.key_package});
    auto grown = CreateCommit(*creator, add_one);
    if (!grown.ok()) std::abort();
    welcome = *grown->welcome;
  }
};

Fixture& FixtureFor(std::uint32_t members) {
  static std::map<std::uint32_t, std::unique_ptr<Fixture>> fixtures;
  auto& slot = fixtures[members];
  if (!slot) slot = std::make_unique<Fixture>(members);
  return *slot;
}

void BM_CreateCommit(benchmark::State& state) {
  Fixture& f = FixtureFor(static_cast<std::uint32_t>(state.range(0)));
  for (auto _ : state) {
    auto out = CreateCommit(*f.creator);
    if (!out.ok()) state.SkipWithError("commit failed");
    benchmark::DoNotOptimize(out);
  }
}

void BM_ProcessCommit(benchmark::State& state) {
  Fixture& f = FixtureFor(static_cast<std::uint32_t>(state.range(0)));
  const Bytes wire = Serialize(f.commit);
  for (auto _ : state) {
    state.PauseTiming();
    auto member = GroupState::Deserialize(f.last_member_state);
    state.ResumeTiming();
    auto message = Deserialize<MlsMessage>(wire);
    auto processed = ProcessMessage(*member, *message);
    if (!processed.ok()) state.SkipWithError("process failed");
    benchmark::DoNotOptimize(processed);
  }
}

void BM_JoinFromWelcome(benchmark::State& state) {
  Fixture& f = FixtureFor(static_cast<std::uint32_t>(state.range(0)));
  const Bytes wire = Serialize(f.welcome);
  for (auto _ : state) {
    auto message = Deserialize<MlsMessage>(wire);
    auto joined = JoinFromWelcome(std::get<Welcome>(message->body), f.joiner_key_package,
                                  f.joiner.signature.private_key.bytes());
    if (!joined.ok()) state.SkipWithError("join failed");
    benchmark::DoNotOptimize(joined);
  }
}

void Sizes(benchmark::internal::Benchmark* b) {
  for (int members : {2, 10, 100, 250, 2500}) b->Arg(members);
  b->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_CreateCommit)->Apply(Sizes);
BENCHMARK(BM_ProcessCommit)->Apply(Sizes);
BENCHMARK(BM_JoinFromWelcome)->Apply(Sizes);

}  // namespace

BENCHMARK_MAIN();
