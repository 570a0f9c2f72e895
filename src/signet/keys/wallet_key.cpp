#include "signet/keys/wallet_key.h"

#include "crypto/secp256k1.h"

namespace xs::signet {

WalletKey WalletKey::Generate() {
  crypto::Secret key = crypto::Secp256k1GeneratePrivateKey();
  return std::move(FromPrivate(std::move(key)).value());
}

Result<WalletKey> WalletKey::FromPrivate(crypto::Secret priv) {
  auto pub = crypto::Secp256k1PublicKeyOf(priv.bytes());
  if (!pub.ok()) return Error::Validation("wallet", "invalid secp256k1 private key");
  return WalletKey(std::move(priv), *pub);
}

std::string WalletKey::address() const { return crypto::EthereumAddress(pub_); }

}  // namespace xs::signet
