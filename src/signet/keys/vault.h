// Vault: the sealed file `<dataDir>/vault.db` (mode 0600) holding the three
// secrets everything else hangs from: the store data key (seals every secret
// row of the SQLite store), the root key seed and the admin key seed.
//
// Sealing (key policy of the vault tier, cli.md [keys]):
//   open                 -> a random 32-byte key file `<dataDir>/vault.key` (0600)
//   passcode | biometric -> Argon2id(passphrase, 16-byte salt); on Linux there
//                           is no biometric hardware, so biometric = passphrase.
// Payload: XChaCha20-Poly1305(vault key, dataKey || rootSeed || adminSeed),
// associated data "xs-vault-v1". A wrong passphrase/key file is an auth error.
//
// The owner confirmation (decisions.md #13) checks a passphrase against an
// Argon2id verifier string kept in the vault file when a passphrase was given
// at init.
//
// Thread contract: immutable after Create/Unseal; const methods thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/secret.h"
#include "signet/keys/ed25519_key.h"

namespace xs::signet {

enum class KeyPolicy { kBiometric, kPasscode, kOpen };
std::string_view KeyPolicyName(KeyPolicy p);
Result<KeyPolicy> ParseKeyPolicy(std::string_view text);

class Vault {
 public:
  // Creates a new vault in data_dir (fails if one exists). `passphrase` is
  // required unless policy is kOpen; `owner_passphrase` (optional) sets the
  // owner-confirmation verifier (defaults to `passphrase`).
  static Result<std::unique_ptr<Vault>> Create(const std::string& data_dir, KeyPolicy policy,
                                               std::optional<std::string_view> passphrase,
                                               std::optional<std::string_view> owner_passphrase);
  // Opens an existing vault; passphrase needed iff it was passphrase-sealed.
  static Result<std::unique_ptr<Vault>> Unseal(const std::string& data_dir,
                                               std::optional<std::string_view> passphrase);
  static bool Exists(const std::string& data_dir);

  const crypto::Secret& data_key() const { return data_key_; }
  const Ed25519Key& root_key() const { return root_; }
  const Ed25519Key& admin_key() const { return admin_; }
  bool passphrase_sealed() const { return passphrase_sealed_; }
  bool has_owner_verifier() const { return !owner_verifier_.empty(); }
  // Owner confirmation: permission error when no verifier is configured or
  // the passphrase does not match.
  Status VerifyOwner(std::string_view passphrase) const;

 private:
  Vault(crypto::Secret data_key, Ed25519Key root, Ed25519Key admin)
      : data_key_(std::move(data_key)), root_(std::move(root)), admin_(std::move(admin)) {}
  crypto::Secret data_key_;
  Ed25519Key root_;
  Ed25519Key admin_;
  bool passphrase_sealed_ = false;
  std::string owner_verifier_;
};

}  // namespace xs::signet
