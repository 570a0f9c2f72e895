// XmtpNetwork: the narrow interface through which the signet runtime touches
// the XMTP network for identity work. The daemon plugs in the native client
// (signet/chats/client_host.h: Client::Register, which uploads a key package
// and publishes CreateInbox + AddAssociation, and keeps the installation's
// key in the client store); unit tests use the in-memory one of the
// test-only library (signet/testing/fake_network.h). A runtime opened with no
// network is offline and says so (RuntimeState::Network).
//
// Thread contract: implementations must be thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/secret.h"

namespace xs::signet {

// The inputs of registration. The wallet (secp256k1) key signs the
// CreateInbox association; the installation key (Ed25519) is the MLS
// installation being associated. Without an installation seed the network
// implementation makes the installation and keeps its private key (the
// native client does, in its own sealed store).
struct RegistrationKeys {
  std::string inbox_id;                                // the signet's inbox_ id
  const crypto::Secret* wallet_private_key = nullptr;  // 32 bytes secp256k1
  std::string wallet_address;                          // 0x… lowercase
  std::array<std::uint8_t, 32> installation_public_key{};
  const crypto::Secret* installation_private_seed = nullptr;  // 32 bytes Ed25519 seed, optional
};

struct RegisteredInbox {
  std::string network_inbox_id;  // 64 hex (sha256(address || nonce))
  std::string installation_id;   // hex of the installation's public key
};

class XmtpNetwork {
 public:
  virtual ~XmtpNetwork() = default;
  // Registers a new inbox (or returns the existing one for this wallet).
  virtual Result<RegisteredInbox> RegisterInbox(const RegistrationKeys& keys) = 0;
  // Whether the network knows this inbox id.
  virtual Result<bool> InboxExists(const std::string& network_inbox_id) = 0;
  // What `xs inbox info --network` shows: {registered, network}, and from
  // implementations that can read the inbox's identity updates and key
  // packages also {sequenceId, addresses, recoveryIdentifier,
  // installations:[{id, addedAt?, keyPackage:{state, notBefore?, notAfter?,
  // lastResort?, error?}}]}.
  virtual Result<nlohmann::json> InboxState(const std::string& network_inbox_id) {
    XS_TRY(bool known, InboxExists(network_inbox_id));
    return nlohmann::json{{"registered", known}, {"network", Describe()}};
  }
  // "local", "dev", "production" or an endpoint description, for status.
  virtual std::string Describe() const = 0;
};

}  // namespace xs::signet
