// Hierarchical key derivation (concepts.md §8):
//   BIP-39 seed   = PBKDF2-HMAC-SHA512(NFKD mnemonic, "mnemonic" || passphrase, 2048, 64 bytes)
//   BIP-32        = secp256k1 master from HMAC-SHA512("Bitcoin seed", seed); hardened and
//                   normal child private derivation (CKDpriv, BIP-32 §"Private parent key →
//                   private child key").
//   SLIP-10       = Ed25519 master from HMAC-SHA512("ed25519 seed", seed); hardened children only.
// Paths look like "m/44'/60'/0'/0/0". Mnemonic words are not checked against
// the BIP-39 wordlist (no wordlist is bundled): the caller's mnemonic is used
// as given, ASCII only (NFKD of ASCII is the identity).
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/secret.h"

namespace xs::signet {

inline constexpr std::uint32_t kHardened = 0x80000000u;
inline constexpr std::size_t kMaxPathDepth = 16;
inline constexpr std::size_t kMaxMnemonicBytes = 1024;
// EVM / XMTP identity key (concepts.md §8).
inline constexpr std::string_view kEvmPath = "m/44'/60'/0'/0/0";

struct ExtendedKey {
  crypto::Secret key;         // 32 bytes
  crypto::Secret chain_code;  // 32 bytes
};

Result<crypto::Secret> Bip39Seed(std::string_view mnemonic, std::string_view passphrase);
Result<std::vector<std::uint32_t>> ParsePath(std::string_view path);

// BIP-32 over secp256k1.
Result<ExtendedKey> Bip32Master(const crypto::Secret& seed);
Result<ExtendedKey> Bip32Derive(const crypto::Secret& seed, std::string_view path);

// SLIP-10 over Ed25519 (hardened only; a normal index is a validation error).
Result<ExtendedKey> Slip10Ed25519Master(const crypto::Secret& seed);
Result<ExtendedKey> Slip10Ed25519Derive(const crypto::Secret& seed, std::string_view path);

}  // namespace xs::signet
