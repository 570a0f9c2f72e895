// Named limits and parameters of the key layer.
#pragma once

#include <sodium.h>

#include <cstddef>

namespace xs::signet {

// Argon2id cost for sealing the vault with a passphrase: libsodium's
// "interactive" profile (2 passes, 64 MiB) — the daemon unseals once at start
// and the machine is shared, so the moderate profile (256 MiB) is too heavy.
inline constexpr unsigned long long kVaultArgonOps = crypto_pwhash_OPSLIMIT_INTERACTIVE;
inline constexpr std::size_t kVaultArgonMem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
inline constexpr std::size_t kVaultSaltBytes = crypto_pwhash_SALTBYTES;
inline constexpr std::size_t kVaultKeyFileBytes = 32;
inline constexpr std::size_t kSeedBytes = 32;
inline constexpr std::size_t kMinPassphraseBytes = 8;
inline constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;
inline constexpr int kVaultVersion = 1;

inline constexpr const char* kVaultFileName = "vault.db";
inline constexpr const char* kVaultKeyFileName = "vault.key";
inline constexpr const char* kAdminKeyFileName = "admin.key";
inline constexpr const char* kStoreFileName = "signet.db";

}  // namespace xs::signet
