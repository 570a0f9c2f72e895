#include "signet/keys/admin_key.h"

#include "signet/keys/limits.h"
#include "signet/util/file_util.h"
#include "signet/util/util.h"

namespace xs::signet {

std::string AdminKey::PathFor(const std::string& data_dir) {
  return data_dir + "/" + kAdminKeyFileName;
}

Status AdminKey::Save(const std::string& data_dir, const Ed25519Key& key) {
  // The seed is hex-encoded into a buffer we wipe; nlohmann would leave copies.
  std::string seed_hex = ToHex(key.seed().bytes());
  std::string text = "{\"version\":1,\"algorithm\":\"ed25519\",\"seed\":\"" + seed_hex +
                     "\",\"publicKey\":\"" + ToHex(key.public_key()) + "\",\"fingerprint\":\"" +
                     key.fingerprint() + "\"}\n";
  Status s = WriteFileAtomic(PathFor(data_dir), text);
  sodium_memzero(seed_hex.data(), seed_hex.size());
  sodium_memzero(text.data(), text.size());
  return s;
}

Result<AdminKey> AdminKey::Load(const std::string& data_dir) {
  auto text = ReadSmallFile(PathFor(data_dir), kMaxKeyFileBytes);
  if (!text.ok()) {
    if (text.error().IsNotFound()) {
      return Error::Auth("no admin key at " + PathFor(data_dir) + "; run `xs init` first");
    }
    return text.error();
  }
  Json doc = Json::parse(*text, nullptr, false);
  sodium_memzero(text->data(), text->size());
  if (!doc.is_object() || !doc.contains("seed") || !doc["seed"].is_string()) {
    return Error::Validation("admin.key", "malformed admin key file");
  }
  auto& seed_hex = doc["seed"].get_ref<std::string&>();
  auto bytes = FromHex(seed_hex);
  sodium_memzero(seed_hex.data(), seed_hex.size());
  if (!bytes.ok() || bytes->size() != kSeedBytes) {
    return Error::Validation("admin.key", "malformed admin key seed");
  }
  crypto::Secret seed = crypto::Secret::Copy(*bytes);
  sodium_memzero(bytes->data(), bytes->size());
  XS_TRY(Ed25519Key key, Ed25519Key::FromSeed(std::move(seed)));
  return AdminKey(std::move(key));
}

}  // namespace xs::signet
