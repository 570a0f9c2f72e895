// Fuzzes the admin plane's parsers of untrusted input. The first byte picks
// the path: admin JWT verification against a fixed key (and, for inputs that
// decode, a re-check that nothing but a real signature passes), or the
// client's reading of a daemon reply line (JSON-RPC error -> xs::Error).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "signet/keys/ed25519_key.h"
#include "transport/admin/admin_jwt.h"
#include "transport/admin/admin_protocol.h"

namespace {

const xs::signet::Ed25519Key& Key() {
  static const xs::signet::Ed25519Key* key = [] {
    xs::crypto::Secret seed(32);
    for (std::size_t i = 0; i < 32; ++i) seed.mutable_bytes()[i] = static_cast<std::uint8_t>(i);
    return new xs::signet::Ed25519Key(xs::signet::Ed25519Key::FromSeed(std::move(seed)).value());
  }();
  return *key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto& key = Key();
  switch (data[0] % 3) {
    case 0: {
      auto claims =
          xs::transport::VerifyAdminJwt(text, key.public_key(), key.fingerprint(), 1'700'000'000);
      // Random bytes cannot carry a valid Ed25519 signature by our key.
      if (claims.ok()) std::abort();
      if (!claims.error().IsAuth()) std::abort();
      break;
    }
    case 1: {
      nlohmann::json reply = nlohmann::json::parse(text, nullptr, false);
      if (reply.is_object() && reply.contains("error")) {
        xs::Error e = xs::transport::ErrorFromJsonRpc(reply["error"]);
        (void)xs::transport::ErrorLine(reply.value("id", nlohmann::json()), e);
      }
      break;
    }
    default: {
      // Valid tokens with fuzzed claims: whatever the claims, the verifier
      // answers without crashing and only accepts sane ones.
      auto signer = [&key](std::span<const std::uint8_t> m) { return key.Sign(m); };
      std::int64_t now = 1'700'000'000 + static_cast<std::int64_t>(size % 7200) - 3600;
      auto token =
          xs::transport::MintAdminJwtWith(signer, text, now, 1 + static_cast<int>(size % 3600));
      if (!token.ok()) std::abort();
      auto claims =
          xs::transport::VerifyAdminJwt(*token, key.public_key(), key.fingerprint(), 1'700'000'000);
      if (claims.ok() && (claims->iss != key.fingerprint() || claims->exp <= claims->iat)) {
        std::abort();
      }
      break;
    }
  }
  return 0;
}
