// AddDataDirSecrets: every secret a signet data dir holds, read the honest
// way (through the product's own vault and store), added to a SecretScan:
// the vault key file, the admin.key seed, the vault's data key, root and
// admin seeds, and every secret sealed in a store row (wallet private keys,
// installation and operational key seeds, inbox database keys), and the
// installation private key of every native client in the client stores
// (<dataDir>/db/<env>/clients.db3, opened with the client-store key the
// signet store seals). Call it when no daemon holds the data dir. AddDataDir
// also adds the dir's files.
// Header-only test support.
//
// Thread contract: a plain function; no shared state.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "codec/hex.h"
#include "signet/core/runtime_state.h"
#include "signet/keys/admin_key.h"
#include "signet/keys/limits.h"
#include "signet/keys/vault.h"
#include "signet/store/store.h"
#include "support/secret_scan.h"
#include "xmtp/store/store.h"

namespace xs::testing {

// The files of a data dir whose job is to hold a secret in the clear.
inline const std::set<std::string>& SecretHolderFiles() {
  static const std::set<std::string> kHolders = {"vault.key", "admin.key"};
  return kHolders;
}

// The store row kinds that carry a sealed secret.
inline constexpr const char* kSecretRowKinds[] = {"wallet", "key", "inbox"};

// The daemon's client store file in <dataDir>/db/<env>/ (daemon.h
// kClientStoreFileName).
inline constexpr const char* kClientStoreFile = "clients.db3";

// Every installation private key in the client stores under the data dir.
inline Status AddClientStoreSecrets(const std::string& data_dir, const crypto::Secret& key,
                                    SecretScan& scan) {
  std::error_code ec;
  const std::filesystem::path db_dir = std::filesystem::path(data_dir) / "db";
  if (!std::filesystem::is_directory(db_dir, ec)) return OkStatus();
  for (const auto& env : std::filesystem::directory_iterator(db_dir, ec)) {
    const std::filesystem::path path = env.path() / kClientStoreFile;
    if (!std::filesystem::is_regular_file(path, ec)) continue;
    XS_TRY(auto store, xmtp::store::Store::Open(path.string(), key, *SystemClock::Get()));
    XS_TRY(auto identities, store->ListIdentities());
    for (const auto& identity : identities) {
      scan.AddSecret("installation " + codec::HexEncode(identity.installation_key) + " private key",
                     identity.installation_private_key.bytes());
    }
  }
  return OkStatus();
}

inline Status AddStoreSecrets(const std::string& data_dir, const signet::Vault& vault,
                              SecretScan& scan) {
  XS_TRY(auto store,
         signet::Store::Open(data_dir + "/" + signet::kStoreFileName, vault.data_key().Clone()));
  std::optional<crypto::Secret> client_store_key;
  for (const char* kind : kSecretRowKinds) {
    XS_TRY(auto rows, store->List(kind));
    for (const auto& row : rows) {
      if (row.sealed_secret.empty()) continue;
      XS_TRY(auto secret, store->OpenSecret(row));
      scan.AddSecret(std::string(kind) + " " + row.id + " private key", secret.bytes());
      if (row.body.value("kind", "") == signet::kClientStoreKeyKind) {
        client_store_key = std::move(secret);
      }
    }
  }
  if (!client_store_key) return OkStatus();
  return AddClientStoreSecrets(data_dir, *client_store_key, scan);
}

inline Status AddDataDirSecrets(const std::string& data_dir,
                                std::optional<std::string_view> passphrase, SecretScan& scan) {
  std::ifstream key_file(data_dir + "/vault.key", std::ios::binary);
  std::string vault_key((std::istreambuf_iterator<char>(key_file)), {});
  scan.AddSecret("vault key", vault_key);
  XS_TRY(auto vault, signet::Vault::Unseal(data_dir, passphrase));
  scan.AddSecret("vault data key", vault->data_key().bytes());
  scan.AddSecret("root seed", vault->root_key().seed().bytes());
  scan.AddSecret("admin seed", vault->admin_key().seed().bytes());
  return AddStoreSecrets(data_dir, *vault, scan);
}

// Adds a data dir to the scan: its secrets when it holds a vault, and every
// file in it but the secret holders. Sets *initialized to whether it holds one.
inline Status AddDataDir(const std::string& data_dir, std::optional<std::string_view> passphrase,
                         SecretScan& scan, bool* initialized) {
  *initialized = signet::Vault::Exists(data_dir);
  scan.AddFilesUnder(data_dir, SecretHolderFiles());
  if (!*initialized) return OkStatus();
  return AddDataDirSecrets(data_dir, passphrase, scan);
}

}  // namespace xs::testing
