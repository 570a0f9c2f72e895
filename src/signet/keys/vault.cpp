#include "signet/keys/vault.h"

#include <sodium.h>

#include "signet/keys/aead.h"
#include "signet/keys/limits.h"
#include "signet/util/file_util.h"
#include "signet/util/util.h"

namespace xs::signet {

namespace {

constexpr const char* kVaultAd = "xs-vault-v1";
constexpr std::size_t kPayloadBytes = 3 * kSeedBytes;

std::string VaultPath(const std::string& dir) { return dir + "/" + kVaultFileName; }
std::string KeyFilePath(const std::string& dir) { return dir + "/" + kVaultKeyFileName; }

Result<crypto::Secret> DeriveKey(std::string_view passphrase, std::span<const std::uint8_t> salt,
                                 unsigned long long ops, std::size_t mem) {
  crypto::Secret key(kDataKeyBytes);
  if (crypto_pwhash(key.mutable_bytes().data(), key.size(), passphrase.data(), passphrase.size(),
                    salt.data(), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::Internal("argon2id failed (out of memory)");
  }
  return key;
}

Result<crypto::Secret> ReadKeyFile(const std::string& dir) {
  auto text = ReadSmallFile(KeyFilePath(dir), kMaxKeyFileBytes);
  if (!text.ok()) return Error::Auth("vault key file missing: " + KeyFilePath(dir));
  if (text->size() != kVaultKeyFileBytes) {
    sodium_memzero(text->data(), text->size());
    return Error::Auth("vault key file has the wrong size");
  }
  crypto::Secret key = crypto::Secret::Copy(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(text->data()), text->size()));
  sodium_memzero(text->data(), text->size());
  return key;
}

}  // namespace

std::string_view KeyPolicyName(KeyPolicy p) {
  switch (p) {
    case KeyPolicy::kBiometric:
      return "biometric";
    case KeyPolicy::kPasscode:
      return "passcode";
    case KeyPolicy::kOpen:
      return "open";
  }
  return "open";
}

Result<KeyPolicy> ParseKeyPolicy(std::string_view text) {
  if (text == "biometric") return KeyPolicy::kBiometric;
  if (text == "passcode") return KeyPolicy::kPasscode;
  if (text == "open") return KeyPolicy::kOpen;
  return Error::Validation("keyPolicy", "must be biometric, passcode or open");
}

bool Vault::Exists(const std::string& data_dir) { return FileExists(VaultPath(data_dir)); }

Result<std::unique_ptr<Vault>> Vault::Create(const std::string& data_dir, KeyPolicy policy,
                                             std::optional<std::string_view> passphrase,
                                             std::optional<std::string_view> owner_passphrase) {
  if (Exists(data_dir)) return Error::Validation("dataDir", "a vault already exists");
  bool use_pass = policy != KeyPolicy::kOpen;
  if (use_pass && (!passphrase || passphrase->size() < kMinPassphraseBytes)) {
    return Error::Validation("passphrase", "the vault key policy needs a passphrase of >= 8 bytes");
  }
  XS_RETURN_IF_ERROR(MakeDirs(data_dir));
  Json doc = {{"version", kVaultVersion}};
  crypto::Secret vault_key;
  if (use_pass) {
    std::array<std::uint8_t, kVaultSaltBytes> salt;
    randombytes_buf(salt.data(), salt.size());
    XS_TRY(vault_key, DeriveKey(*passphrase, salt, kVaultArgonOps, kVaultArgonMem));
    doc["seal"] = "passphrase";
    doc["kdf"] = {{"algorithm", "argon2id13"},
                  {"opslimit", kVaultArgonOps},
                  {"memlimit", kVaultArgonMem},
                  {"salt", ToHex(salt)}};
  } else {
    vault_key = crypto::Secret::Random(kVaultKeyFileBytes);
    XS_RETURN_IF_ERROR(WriteFileAtomic(KeyFilePath(data_dir), vault_key.bytes()));
    doc["seal"] = "keyfile";
  }
  crypto::Secret payload = crypto::Secret::Random(kPayloadBytes);
  auto sealed = AeadSeal(vault_key, payload.bytes(), kVaultAd);
  doc["ciphertext"] = ToHex(sealed);
  std::optional<std::string_view> owner = owner_passphrase ? owner_passphrase : passphrase;
  std::string verifier;
  if (owner && !owner->empty()) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, owner->data(), owner->size(), kVaultArgonOps, kVaultArgonMem) != 0) {
      return Error::Internal("argon2id failed (out of memory)");
    }
    verifier = out;
    doc["ownerVerifier"] = verifier;
  }
  XS_RETURN_IF_ERROR(WriteFileAtomic(VaultPath(data_dir), doc.dump(2) + "\n"));
  XS_TRY(auto vault, Unseal(data_dir, passphrase));
  return vault;
}

Result<std::unique_ptr<Vault>> Vault::Unseal(const std::string& data_dir,
                                             std::optional<std::string_view> passphrase) {
  auto text = ReadSmallFile(VaultPath(data_dir), kMaxKeyFileBytes);
  if (!text.ok()) return Error::Auth("no vault in " + data_dir + "; run `xs init` first");
  Json doc = Json::parse(*text, nullptr, false);
  if (!doc.is_object() || !doc.contains("ciphertext") || !doc["ciphertext"].is_string() ||
      !doc.contains("seal")) {
    return Error::Internal("vault file is malformed");
  }
  bool use_pass = doc["seal"] == "passphrase";
  if (doc.contains("ownerVerifier") && !doc["ownerVerifier"].is_string()) {
    return Error::Internal("vault owner verifier is malformed");
  }
  crypto::Secret vault_key;
  if (use_pass) {
    if (!passphrase) return Error::Auth("the vault is sealed with a passphrase; none was given");
    const Json& kdf = doc["kdf"];
    if (!kdf.is_object() || !kdf.value("salt", Json()).is_string() ||
        !kdf.value("opslimit", Json()).is_number_unsigned() ||
        !kdf.value("memlimit", Json()).is_number_unsigned()) {
      return Error::Internal("vault kdf parameters are malformed");
    }
    auto salt = FromHex(kdf.value("salt", ""));
    if (!salt.ok() || salt->size() != kVaultSaltBytes) return Error::Internal("vault salt bad");
    XS_TRY(vault_key, DeriveKey(*passphrase, *salt, kdf.value("opslimit", kVaultArgonOps),
                                kdf.value("memlimit", kVaultArgonMem)));
  } else {
    XS_TRY(vault_key, ReadKeyFile(data_dir));
  }
  auto sealed = FromHex(doc["ciphertext"].get<std::string>());
  if (!sealed.ok()) return Error::Internal("vault ciphertext is malformed");
  auto payload = AeadOpen(vault_key, *sealed, kVaultAd);
  if (!payload.ok() || payload->size() != kPayloadBytes) {
    return Error::Auth(use_pass ? "wrong vault passphrase" : "wrong vault key file");
  }
  auto part = [&](std::size_t i) {
    return crypto::Secret::Copy(payload->bytes().subspan(i * kSeedBytes, kSeedBytes));
  };
  XS_TRY(Ed25519Key root, Ed25519Key::FromSeed(part(1)));
  XS_TRY(Ed25519Key admin, Ed25519Key::FromSeed(part(2)));
  std::unique_ptr<Vault> vault(new Vault(part(0), std::move(root), std::move(admin)));
  vault->passphrase_sealed_ = use_pass;
  vault->owner_verifier_ = doc.value("ownerVerifier", "");
  return vault;
}

Status Vault::VerifyOwner(std::string_view passphrase) const {
  if (owner_verifier_.empty()) {
    return Error::Permission(
        "owner confirmation is required but no owner passphrase is configured; re-run `xs init` "
        "with --passphrase-file");
  }
  if (crypto_pwhash_str_verify(owner_verifier_.c_str(), passphrase.data(), passphrase.size()) !=
      0) {
    return Error::Permission("owner confirmation failed: wrong passphrase");
  }
  return OkStatus();
}

}  // namespace xs::signet
