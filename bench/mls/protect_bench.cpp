// Application-message protection cost: PrivateMessage protect +
// unprotect of a 100-byte message (sign, encrypt, serialize, parse, decrypt,
// verify) in a 2-member and a 1,000-member group, suite 3, against the raw
// primitives it needs (one Ed25519 sign, one verify, two ChaCha20-Poly1305
// operations) measured in the same run.
// Run: build-*/bench/mls/xs_mls_protect_bench
#include <benchmark/benchmark.h>

#include "crypto/ed25519.h"
#include "crypto/random.h"
#include "mls/framing/private_message.h"
#include "mls/framing/public_message.h"
#include "mls/messages/serialize.h"

namespace {

using namespace xs;       // NOLINT
using namespace xs::mls;  // NOLINT

constexpr std::uint16_t kSuite = 3;
constexpr std::size_t kMessageSize = 100;

struct Setup {
  crypto::CipherSuite suite = *crypto::CipherSuite::Create(kSuite);
  crypto::Ed25519KeyPair signer = crypto::Ed25519Generate();
  crypto::Secret encryption_secret = crypto::Secret::Random(32);
  crypto::Secret sender_data_secret = crypto::Secret::Random(32);
  Bytes context;
  FramedContent content;

  explicit Setup(std::uint32_t members) {
    GroupContext gc;
    gc.cipher_suite = kSuite;
    gc.group_id = crypto::RandomVector(16);
    gc.epoch = 42;
    gc.tree_hash = crypto::RandomVector(32);
    gc.confirmed_transcript_hash = crypto::RandomVector(32);
    context = Serialize(gc);
    content.group_id = gc.group_id;
    content.epoch = gc.epoch;
    content.sender = Sender{SenderType::kMember, members - 1};
    content.body = crypto::RandomVector(kMessageSize);
  }
};

void BM_PrivateMessageProtectUnprotect(benchmark::State& state) {
  const auto members = static_cast<std::uint32_t>(state.range(0));
  Setup s(members);
  SecretTree sender_tree(s.suite, s.encryption_secret.Clone(), members);
  SecretTree receiver_tree(s.suite, s.encryption_secret.Clone(), members);
  for (auto _ : state) {
    auto auth = SignFramedContent(s.suite, WireFormat::kPrivateMessage, s.content, s.context,
                                  s.signer.seed.bytes(), {});
    auto sealed =
        ProtectPrivateMessage(s.suite, s.content, *auth, sender_tree, s.sender_data_secret);
    const Bytes wire = Serialize(MlsMessage{kProtocolVersionMls10, *sealed});
    auto parsed = Deserialize<MlsMessage>(wire);
    auto opened = UnprotectPrivateMessage(s.suite, std::get<PrivateMessage>(parsed->body),
                                          receiver_tree, s.sender_data_secret);
    if (!opened.ok() || !VerifyFramedContent(s.suite, WireFormat::kPrivateMessage, opened->content,
                                             opened->auth, s.context, s.signer.public_key)
                             .ok()) {
      state.SkipWithError("protect/unprotect failed");
      break;
    }
    benchmark::DoNotOptimize(opened);
  }
}
BENCHMARK(BM_PrivateMessageProtectUnprotect)->Arg(2)->Arg(1000);

// One Ed25519 sign + one verify + one AEAD seal + one AEAD open of the same
// sizes as above (the signed content and the padded plaintext).
void BM_RawPrimitives(benchmark::State& state) {
  Setup s(2);
  const Bytes tbs = EncodeFramedContentTbs(WireFormat::kPrivateMessage, s.content, s.context);
  const crypto::Secret key = crypto::Secret::Random(s.suite.aead_key_size());
  const Bytes nonce = crypto::RandomVector(s.suite.aead_nonce_size());
  const Bytes aad = crypto::RandomVector(30);
  // PrivateMessageContent of the benchmark: opaque<V> body, opaque<V> signature.
  const Bytes plaintext =
      crypto::RandomVector(kMessageSize + 1 + crypto::kEd25519SignatureSize + 1);
  for (auto _ : state) {
    auto sig = crypto::Ed25519Sign(s.signer.seed.bytes(), tbs);
    const bool ok = crypto::Ed25519Verify(s.signer.public_key, tbs, *sig);
    auto ct = s.suite.Seal(key.bytes(), nonce, aad, plaintext);
    auto pt = s.suite.Open(key.bytes(), nonce, aad, *ct);
    if (!ok || !pt.ok()) {
      state.SkipWithError("primitive failed");
      break;
    }
    benchmark::DoNotOptimize(pt);
  }
}
BENCHMARK(BM_RawPrimitives);

}  // namespace

BENCHMARK_MAIN();
