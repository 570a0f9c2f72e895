// Secret-tree derivation cost (RFC 9420 §9), suite 3, for a 2-member and a
// 1,000-member group (a 1,024-leaf tree):
//   FirstKey   — a fresh epoch's tree and the first key of one sender (the
//                path from the root to that leaf, its two ratchets, one key);
//   EveryLeaf  — the first application key of every member (what a member
//                pays over an epoch in which everyone speaks);
//   Step       — one further ratchet step of a warm sender;
//   Jump       — a receiver catching up the maximum forward distance.
// Run: build-*/bench/mls/xs_mls_secret_tree_bench
#include <benchmark/benchmark.h>

#include "crypto/secret.h"
#include "mls/secret_tree.h"

namespace {

using namespace xs;       // NOLINT
using namespace xs::mls;  // NOLINT

constexpr std::uint16_t kSuite = 3;

crypto::CipherSuite Suite() { return *crypto::CipherSuite::Create(kSuite); }

void BM_SecretTreeFirstKey(benchmark::State& state) {
  const auto members = static_cast<std::uint32_t>(state.range(0));
  const crypto::CipherSuite suite = Suite();
  const crypto::Secret encryption_secret = crypto::Secret::Random(suite.hash_size());
  for (auto _ : state) {
    SecretTree tree(suite, encryption_secret.Clone(), members);
    auto key = tree.Next(members - 1, RatchetType::kApplication);
    if (!key.ok()) {
      state.SkipWithError("derivation failed");
      break;
    }
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_SecretTreeFirstKey)->Arg(2)->Arg(1000);

void BM_SecretTreeEveryLeaf(benchmark::State& state) {
  const auto members = static_cast<std::uint32_t>(state.range(0));
  const crypto::CipherSuite suite = Suite();
  const crypto::Secret encryption_secret = crypto::Secret::Random(suite.hash_size());
  for (auto _ : state) {
    SecretTree tree(suite, encryption_secret.Clone(), members);
    for (std::uint32_t leaf = 0; leaf < members; ++leaf) {
      auto key = tree.Get(leaf, RatchetType::kApplication, 0);
      if (!key.ok()) {
        state.SkipWithError("derivation failed");
        return;
      }
      benchmark::DoNotOptimize(key);
    }
  }
  state.counters["leaves/s"] =
      benchmark::Counter(static_cast<double>(members) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SecretTreeEveryLeaf)->Arg(2)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_SecretTreeStep(benchmark::State& state) {
  const auto members = static_cast<std::uint32_t>(state.range(0));
  const crypto::CipherSuite suite = Suite();
  SecretTree tree(suite, crypto::Secret::Random(suite.hash_size()), members);
  for (auto _ : state) {
    auto key = tree.Next(0, RatchetType::kApplication);
    if (!key.ok()) {
      state.SkipWithError("ratchet failed");
      break;
    }
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_SecretTreeStep)->Arg(2)->Arg(1000);

void BM_SecretTreeJump(benchmark::State& state) {
  const crypto::CipherSuite suite = Suite();
  const crypto::Secret encryption_secret = crypto::Secret::Random(suite.hash_size());
  for (auto _ : state) {
    SecretTree tree(suite, encryption_secret.Clone(), 2);
    auto key = tree.Get(1, RatchetType::kApplication, kMaximumForwardDistance);
    if (!key.ok()) {
      state.SkipWithError("jump failed");
      break;
    }
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_SecretTreeJump)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
