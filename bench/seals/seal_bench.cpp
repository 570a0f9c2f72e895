// Seal issue+sign and verification (docs/performance.md, "Seals").
//
//   SealIssueSign     SealManager::Issue of a material change: build the
//                     payload and delta, canonical JSON, Ed25519 signature,
//                     the store write (SQLite, synchronous=FULL) and the
//                     sinks (an enqueue, like the daemon's publisher)
//   SealBuildSign     the same without the store: payload, delta, sign
//   SealVerify        what a verifier does with a published message body:
//                     parse + schema, fingerprint, canonical JSON,
//                     Ed25519 verification, chain checks
#include <benchmark/benchmark.h>

#include <filesystem>

#include "base/clock.h"
#include "signet/seals/seal_manager.h"

namespace xs::signet::seals {
namespace {

SealInput Input(int i) {
  SealInput in;
  in.credential_id = "cred_0000000000000001";
  in.operator_id = "op_0000000000000001";
  in.chat_id = "conv_0000000000000001";
  in.scope_mode = "per-chat";
  // Alternate so every Issue is a material change (a new seal).
  in.permissions = i % 2 ? ScopePair{{"send", "reply", "react"}, {"read-messages"}}
                         : ScopePair{{"send", "reply"}, {"react", "read-messages"}};
  in.trust_tier = "unverified";
  in.operator_disclosures = Json{{"inferenceMode", "cloud"}, {"hostingMode", "self-hosted"}};
  in.provenance_map =
      Json{{"inferenceMode", {{"source", "declared"}}}, {"hostingMode", {{"source", "declared"}}}};
  return in;
}

void SealIssueSign(benchmark::State& state) {
  const std::string dir = (std::filesystem::temp_directory_path() / "xs-seal-bench").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = Store::Open(dir + "/signet.db", crypto::Secret::Random(32));
  if (!store.ok()) {
    state.SkipWithError(store.error().ToString().c_str());
    return;
  }
  RecordSet records(store->get(), "seal", "seal_", "seal", "");
  auto key = std::make_shared<const Ed25519Key>(Ed25519Key::Generate());
  std::size_t published = 0;
  SealSinks sinks;
  sinks.publish = [&](const std::string&, std::string_view, std::string body) {
    published += body.size();
  };
  SealManager manager(
      &records, SystemClock::Get(), [&] { return Result<std::shared_ptr<const Ed25519Key>>(key); },
      sinks);
  int i = 0;
  for (auto _ : state) {
    auto env = manager.Issue(Input(i++));
    benchmark::DoNotOptimize(env);
  }
  state.SetItemsProcessed(state.iterations());
  std::filesystem::remove_all(dir);
}
BENCHMARK(SealIssueSign)->Unit(benchmark::kMicrosecond);

void SealBuildSign(benchmark::State& state) {
  Ed25519Key key = Ed25519Key::Generate();
  SealPayload previous;
  int i = 0;
  for (auto _ : state) {
    const SealInput in = Input(i++);
    SealChain chain;
    chain.current.seal_id = "seal_0123456789abcdef";
    chain.current.credential_id = in.credential_id;
    chain.current.operator_id = in.operator_id;
    chain.current.chat_id = in.chat_id;
    chain.current.scope_mode = in.scope_mode;
    chain.current.permissions = in.permissions;
    chain.current.issued_at = IsoTime(SystemClock::Get()->NowMs());
    chain.current.trust_tier = in.trust_tier;
    chain.current.operator_disclosures = in.operator_disclosures;
    chain.current.provenance_map = in.provenance_map;
    if (i > 1) {
      chain.delta = ComputeDelta(previous.permissions, chain.current.permissions);
      chain.previous = previous;
    }
    previous = chain.current;
    auto env = SignSeal(std::move(chain), key);
    benchmark::DoNotOptimize(env);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(SealBuildSign)->Unit(benchmark::kMicrosecond);

void SealVerify(benchmark::State& state) {
  Ed25519Key key = Ed25519Key::Generate();
  SealChain first;
  first.current.seal_id = "seal_00000000000000aa";
  first.current.credential_id = "cred_0000000000000001";
  first.current.operator_id = "op_0000000000000001";
  first.current.chat_id = "conv_0000000000000001";
  first.current.scope_mode = "per-chat";
  first.current.permissions = Input(0).permissions;
  first.current.issued_at = "2026-12-01T10:00:00.000Z";
  first.current.trust_tier = "unverified";
  SealChain chain;
  chain.current = first.current;
  chain.current.seal_id = "seal_00000000000000bb";
  chain.current.permissions = Input(1).permissions;
  chain.previous = first.current;
  chain.delta = ComputeDelta(first.current.permissions, chain.current.permissions);
  const std::string body = SignSeal(chain, key).value().ToMessageJson().dump();
  for (auto _ : state) {
    auto env = ParseSealMessage(body);
    bool ok = env.ok() && VerifySealSignature(*env).ok() && CheckChain(env->chain).ok();
    if (!ok) {
      state.SkipWithError("a seal did not verify");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(SealVerify)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace xs::signet::seals

BENCHMARK_MAIN();
