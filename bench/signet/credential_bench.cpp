// Credential hot paths: VerifyToken (SHA-256 + sharded-free hash map under a
// shared lock + constant-time compare) and Issue (token generation, dedupe
// hash, SQLite WAL write with synchronous=FULL, sealed token).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/testing/fake_clock.h"
#include "signet/credentials/credential_manager.h"

namespace xs::signet {
namespace {

struct Fixture {
  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("signet-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    store = std::move(Store::Open((dir / "s.db").string(), crypto::Secret::Random(32))).value();
    CredentialOptions opt;
    opt.max_concurrent_per_operator = 1 << 20;
    mgr = std::make_unique<CredentialManager>(store.get(), &clock, opt);
  }
  ~Fixture() {
    mgr.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  IssueRequest Req(int i) {
    IssueRequest r;
    r.operator_id = "op_00000000000000a1";
    char chat[32];
    std::snprintf(chat, sizeof chat, "conv_%016x", i);
    r.chat_ids = {chat};
    r.inline_scopes.allow = {"send", "reply"};
    return r;
  }
  std::filesystem::path dir;
  FakeClock clock;
  std::unique_ptr<Store> store;
  std::unique_ptr<CredentialManager> mgr;
};

void BM_VerifyToken(benchmark::State& state) {
  static Fixture* f = nullptr;
  static std::vector<std::string> tokens;
  if (state.thread_index() == 0 && f == nullptr) {
    f = new Fixture();
    (void)f->store->Transaction([&]() -> Status {
      for (int i = 0; i < 1000; ++i) tokens.push_back(f->mgr->Issue(f->Req(i))->token);
      return OkStatus();
    });
  }
  std::size_t i = static_cast<std::size_t>(state.thread_index());
  for (auto _ : state) {
    auto r = f->mgr->VerifyToken(tokens[i++ % tokens.size()]);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyToken)->Threads(1)->Threads(2)->UseRealTime();

void BM_VerifyUnknownToken(benchmark::State& state) {
  Fixture f;
  std::string bogus(43, 'A');
  for (auto _ : state) {
    auto r = f.mgr->VerifyToken(bogus);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyUnknownToken);

void BM_IssueCredential(benchmark::State& state) {
  Fixture f;
  int i = 0;
  for (auto _ : state) {
    auto r = f.mgr->Issue(f.Req(i++));
    if (!r.ok()) state.SkipWithError("issue failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IssueCredential)->UseRealTime();

void BM_IssueCredentialBatched(benchmark::State& state) {
  // 100 issues per store transaction: the cost without one fsync per issue.
  Fixture f;
  int i = 0;
  for (auto _ : state) {
    (void)f.store->Transaction([&]() -> Status {
      for (int k = 0; k < 100; ++k) (void)f.mgr->Issue(f.Req(i++));
      return OkStatus();
    });
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_IssueCredentialBatched)->UseRealTime();

}  // namespace
}  // namespace xs::signet

BENCHMARK_MAIN();
