// Key and wallet record operations shared by the keys.*, wallet.* and
// inbox.* handlers. Private material is sealed in the store row; records hold
// public material only.
#pragma once

#include <string>

#include "signet/core/runtime_state.h"
#include "signet/keys/ed25519_key.h"
#include "signet/keys/wallet_key.h"

namespace xs::signet {

// The identity of the signet's own operational key, the one that signs
// seals (signet/seals/seal_key.h); `xs key export-public` shows it first.
inline constexpr const char* kSealKeyIdentity = "signet";

// Creates and persists a wallet record {id, label, address, publicKey, ...}.
Result<Json> CreateWalletRecord(RuntimeState& s, const std::string& label, WalletKey* out_key);
// Persists a wallet record for an existing key; `source` records its origin.
Result<Json> StoreWalletRecord(RuntimeState& s, const std::string& label, WalletKey key,
                               const std::string& source, WalletKey* out_key);
// Creates and persists an Ed25519 key record of `kind` ("operational" or
// "installation") for identity_id.
Result<Json> CreateKeyRecord(RuntimeState& s, const std::string& kind,
                             const std::string& identity_id, Ed25519Key* out_key);
// The active key of `kind` for an identity, if any.
const Json* ActiveKeyFor(RuntimeState& s, const std::string& identity_id, const std::string& kind);

}  // namespace xs::signet
