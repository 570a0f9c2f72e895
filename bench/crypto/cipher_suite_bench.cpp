// Cost of the MLS cipher-suite operations every group operation is built
// from: HPKE seal/open (EncryptWithLabel is one HPKE seal), ExpandWithLabel
// (the key schedule and secret tree are chains of it), SignWithLabel /
// VerifyWithLabel, and the raw AEAD. The range argument is the cipher suite
// (1 = AES-128-GCM, 3 = ChaCha20-Poly1305) where the AEAD matters.
// Run: build-*/bench/crypto/xs_crypto_bench
#include <benchmark/benchmark.h>

#include "crypto/cipher_suite.h"
#include "crypto/random.h"

namespace {

using xs::crypto::Bytes;
using xs::crypto::CipherSuite;
using xs::crypto::Secret;

CipherSuite Suite(const benchmark::State& state) {
  return *CipherSuite::Create(static_cast<std::uint16_t>(state.range(0)));
}

void BM_HpkeSeal(benchmark::State& state) {
  const CipherSuite suite = Suite(state);
  const auto pair = suite.GenerateHpkeKeyPair();
  const Bytes info(32, 1), aad;
  const Bytes plaintext = xs::crypto::RandomVector(static_cast<std::size_t>(state.range(1)));
  for (auto _ : state) {
    auto sealed = suite.HpkeSeal(pair.public_key, info, aad, plaintext);
    benchmark::DoNotOptimize(sealed);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * plaintext.size()));
}
BENCHMARK(BM_HpkeSeal)->ArgsProduct({{1, 3}, {100, 1024}});

void BM_HpkeOpen(benchmark::State& state) {
  const CipherSuite suite = Suite(state);
  const auto pair = suite.GenerateHpkeKeyPair();
  const Bytes info(32, 1), aad;
  const Bytes plaintext = xs::crypto::RandomVector(static_cast<std::size_t>(state.range(1)));
  const auto sealed = *suite.HpkeSeal(pair.public_key, info, aad, plaintext);
  for (auto _ : state) {
    auto opened =
        suite.HpkeOpen(pair.private_key.bytes(), sealed.kem_output, info, aad, sealed.ciphertext);
    if (!opened.ok()) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(opened);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * plaintext.size()));
}
BENCHMARK(BM_HpkeOpen)->ArgsProduct({{1, 3}, {100, 1024}});

void BM_DeriveHpkeKeyPair(benchmark::State& state) {
  const CipherSuite suite = Suite(state);
  const Secret ikm = Secret::Random(32);
  for (auto _ : state) {
    auto pair = suite.DeriveHpkeKeyPair(ikm.bytes());
    benchmark::DoNotOptimize(pair);
  }
}
BENCHMARK(BM_DeriveHpkeKeyPair)->Arg(3);

void BM_ExpandWithLabel(benchmark::State& state) {
  const CipherSuite suite = Suite(state);
  const Secret secret = Secret::Random(32);
  const Bytes context(32, 7);
  for (auto _ : state) {
    auto out = suite.ExpandWithLabel(secret.bytes(), "epoch", context, 32);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_ExpandWithLabel)->Arg(3);

void BM_SignWithLabel(benchmark::State& state) {
  const CipherSuite suite = Suite(state);
  const auto pair = suite.GenerateSignatureKeyPair();
  const Bytes content = xs::crypto::RandomVector(100);
  for (auto _ : state) {
    auto signature = suite.SignWithLabel(pair.private_key.bytes(), "FramedContentTBS", content);
    benchmark::DoNotOptimize(signature);
  }
}
BENCHMARK(BM_SignWithLabel)->Arg(3);

void BM_VerifyWithLabel(benchmark::State& state) {
  const CipherSuite suite = Suite(state);
  const auto pair = suite.GenerateSignatureKeyPair();
  const Bytes content = xs::crypto::RandomVector(100);
  const Bytes signature =
      *suite.SignWithLabel(pair.private_key.bytes(), "FramedContentTBS", content);
  for (auto _ : state) {
    bool valid = suite.VerifyWithLabel(pair.public_key, "FramedContentTBS", content, signature);
    if (!valid) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(valid);
  }
}
BENCHMARK(BM_VerifyWithLabel)->Arg(3);

void BM_AeadSeal(benchmark::State& state) {
  const CipherSuite suite = Suite(state);
  const Secret key = Secret::Random(suite.aead_key_size());
  const Bytes nonce(12, 3), aad(16, 4);
  const Bytes plaintext = xs::crypto::RandomVector(static_cast<std::size_t>(state.range(1)));
  for (auto _ : state) {
    auto sealed = suite.Seal(key.bytes(), nonce, aad, plaintext);
    benchmark::DoNotOptimize(sealed);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * plaintext.size()));
}
BENCHMARK(BM_AeadSeal)->ArgsProduct({{1, 3}, {100}});

void BM_AeadOpen(benchmark::State& state) {
  const CipherSuite suite = Suite(state);
  const Secret key = Secret::Random(suite.aead_key_size());
  const Bytes nonce(12, 3), aad(16, 4);
  const Bytes plaintext = xs::crypto::RandomVector(static_cast<std::size_t>(state.range(1)));
  const Bytes sealed = *suite.Seal(key.bytes(), nonce, aad, plaintext);
  for (auto _ : state) {
    auto opened = suite.Open(key.bytes(), nonce, aad, sealed);
    if (!opened.ok()) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(opened);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * plaintext.size()));
}
BENCHMARK(BM_AeadOpen)->ArgsProduct({{1, 3}, {100}});

}  // namespace

BENCHMARK_MAIN();
