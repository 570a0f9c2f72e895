// AdminKey: the singleton Ed25519 admin key that signs admin JWTs
// (concepts.md §9). It is independent of the root key. Its seed lives in
// `<dataDir>/admin.key` (mode 0600) so the `xs` CLI process can mint JWTs
// without the daemon; the daemon verifies with the public key.
//
// File format: {"version":1,"algorithm":"ed25519","seed":"<64 hex>",
//               "publicKey":"<64 hex>","fingerprint":"sha256:<hex>"}
//
// Thread contract: const methods are safe concurrently.
#pragma once

#include <string>

#include "base/result.h"
#include "signet/keys/ed25519_key.h"

namespace xs::signet {

class AdminKey {
 public:
  // Loads <dataDir>/admin.key; not_found when absent (CLI: "run xs init").
  static Result<AdminKey> Load(const std::string& data_dir);
  // Writes <dataDir>/admin.key (0600) atomically.
  static Status Save(const std::string& data_dir, const Ed25519Key& key);
  static std::string PathFor(const std::string& data_dir);

  Signature64 Sign(std::span<const std::uint8_t> msg) const { return key_.Sign(msg); }
  const PublicKey32& public_key() const { return key_.public_key(); }
  std::string fingerprint() const { return key_.fingerprint(); }

 private:
  explicit AdminKey(Ed25519Key key) : key_(std::move(key)) {}
  Ed25519Key key_;
};

}  // namespace xs::signet
