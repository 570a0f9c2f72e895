// WalletKey: a secp256k1 key and its Ethereum address (crypto/secp256k1.h),
// the identity that registers an XMTP inbox.
//
// Thread contract: const methods thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"
#include "crypto/secret.h"

namespace xs::signet {

class WalletKey {
 public:
  static WalletKey Generate();
  static Result<WalletKey> FromPrivate(crypto::Secret priv);

  const crypto::Secret& private_key() const { return priv_; }
  // 65-byte uncompressed public key (0x04 || X || Y).
  const std::array<std::uint8_t, 65>& public_key() const { return pub_; }
  std::string address() const;  // lowercase 0x…

 private:
  WalletKey(crypto::Secret priv, std::array<std::uint8_t, 65> pub)
      : priv_(std::move(priv)), pub_(pub) {}
  crypto::Secret priv_;
  std::array<std::uint8_t, 65> pub_;
};

}  // namespace xs::signet
