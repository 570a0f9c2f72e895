#include "signet/keys/hd.h"

#include <openssl/evp.h>
#include <secp256k1.h>
#include <sodium.h>

#include <string>

namespace xs::signet {

namespace {

secp256k1_context* Ctx() {
  static secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  return ctx;
}

crypto::Secret HmacSha512(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  crypto_auth_hmacsha512_state st;
  crypto_auth_hmacsha512_init(&st, key.data(), key.size());
  crypto_auth_hmacsha512_update(&st, data.data(), data.size());
  crypto::Secret out(crypto_auth_hmacsha512_BYTES);
  crypto_auth_hmacsha512_final(&st, out.mutable_bytes().data());
  sodium_memzero(&st, sizeof st);
  return out;
}

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

ExtendedKey Split(const crypto::Secret& i) {
  return {crypto::Secret::Copy(i.bytes().first(32)),
          crypto::Secret::Copy(i.bytes().subspan(32, 32))};
}

void AppendIndex(crypto::Secret& data, std::uint32_t index) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    data.mutable_bytes()[data.size() - 4 + static_cast<std::size_t>(3 - shift / 8)] =
        static_cast<std::uint8_t>(index >> shift);
  }
}

Result<ExtendedKey> Bip32Child(const ExtendedKey& parent, std::uint32_t index) {
  // Data = 0x00 || k || ser32(i) (hardened) or serP(K) || ser32(i) (normal); 37 bytes each.
  crypto::Secret data(37);
  if (index & kHardened) {
    data.mutable_bytes()[0] = 0;
    std::copy(parent.key.data(), parent.key.data() + 32, data.mutable_bytes().data() + 1);
  } else {
    secp256k1_pubkey pk;
    if (!secp256k1_ec_pubkey_create(Ctx(), &pk, parent.key.data())) {
      return Error::Internal("bip32: invalid parent key");
    }
    std::size_t len = 33;
    secp256k1_ec_pubkey_serialize(Ctx(), data.mutable_bytes().data(), &len, &pk,
                                  SECP256K1_EC_COMPRESSED);
  }
  AppendIndex(data, index);
  crypto::Secret i = HmacSha512(parent.chain_code.bytes(), data.bytes());
  ExtendedKey child = Split(i);
  // k_i = parse256(IL) + k_par mod n; IL >= n or k_i = 0 is invalid (BIP-32:
  // "proceed with the next value for i"; we report it, probability < 2^-127).
  if (!secp256k1_ec_seckey_verify(Ctx(), child.key.data())) {
    return Error::Internal("bip32: derived key out of range");
  }
  crypto::Secret k = parent.key.Clone();
  if (!secp256k1_ec_seckey_tweak_add(Ctx(), k.mutable_bytes().data(), child.key.data())) {
    return Error::Internal("bip32: derived key out of range");
  }
  child.key = std::move(k);
  return child;
}

}  // namespace

Result<crypto::Secret> Bip39Seed(std::string_view mnemonic, std::string_view passphrase) {
  if (mnemonic.empty() || mnemonic.size() > kMaxMnemonicBytes) {
    return Error::Validation("mnemonic", "must be 1..1024 bytes");
  }
  for (char c : mnemonic) {
    if (static_cast<unsigned char>(c) > 0x7f) {
      return Error::Validation("mnemonic", "only ASCII mnemonics are supported");
    }
  }
  std::string salt = "mnemonic" + std::string(passphrase);
  crypto::Secret seed(64);
  int ok = PKCS5_PBKDF2_HMAC(mnemonic.data(), static_cast<int>(mnemonic.size()),
                             reinterpret_cast<const unsigned char*>(salt.data()),
                             static_cast<int>(salt.size()), 2048, EVP_sha512(),
                             static_cast<int>(seed.size()), seed.mutable_bytes().data());
  sodium_memzero(salt.data(), salt.size());
  if (ok != 1) return Error::Internal("pbkdf2 failed");
  return seed;
}

Result<std::vector<std::uint32_t>> ParsePath(std::string_view path) {
  if (path.substr(0, 1) != "m") return Error::Validation("path", "must start with m");
  std::vector<std::uint32_t> out;
  std::size_t pos = 1;
  while (pos < path.size()) {
    if (path[pos] != '/') return Error::Validation("path", "malformed derivation path");
    std::size_t end = path.find('/', pos + 1);
    std::string_view part =
        path.substr(pos + 1, end == std::string_view::npos ? end : end - pos - 1);
    bool hardened = !part.empty() && (part.back() == '\'' || part.back() == 'h');
    if (hardened) part.remove_suffix(1);
    if (part.empty() || part.size() > 10) return Error::Validation("path", "bad index");
    std::uint64_t v = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return Error::Validation("path", "bad index");
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (v >= kHardened) return Error::Validation("path", "index too large");
    out.push_back(static_cast<std::uint32_t>(v) | (hardened ? kHardened : 0));
    if (out.size() > kMaxPathDepth) return Error::Validation("path", "too deep");
    if (end == std::string_view::npos) break;
    pos = end;
  }
  return out;
}

Result<ExtendedKey> Bip32Master(const crypto::Secret& seed) {
  ExtendedKey m = Split(HmacSha512(Bytes("Bitcoin seed"), seed.bytes()));
  if (!secp256k1_ec_seckey_verify(Ctx(), m.key.data())) {
    return Error::Validation("seed", "yields an invalid master key");
  }
  return m;
}

Result<ExtendedKey> Bip32Derive(const crypto::Secret& seed, std::string_view path) {
  XS_TRY(auto indices, ParsePath(path));
  XS_TRY(ExtendedKey k, Bip32Master(seed));
  for (std::uint32_t i : indices) {
    XS_TRY(k, Bip32Child(k, i));
  }
  return k;
}

Result<ExtendedKey> Slip10Ed25519Master(const crypto::Secret& seed) {
  return Split(HmacSha512(Bytes("ed25519 seed"), seed.bytes()));
}

Result<ExtendedKey> Slip10Ed25519Derive(const crypto::Secret& seed, std::string_view path) {
  XS_TRY(auto indices, ParsePath(path));
  XS_TRY(ExtendedKey k, Slip10Ed25519Master(seed));
  for (std::uint32_t i : indices) {
    if (!(i & kHardened)) {
      return Error::Validation("path", "ed25519 (SLIP-10) supports hardened indices only");
    }
    crypto::Secret data(37);
    data.mutable_bytes()[0] = 0;
    std::copy(k.key.data(), k.key.data() + 32, data.mutable_bytes().data() + 1);
    AppendIndex(data, i);
    k = Split(HmacSha512(k.chain_code.bytes(), data.bytes()));
  }
  return k;
}

}  // namespace xs::signet
