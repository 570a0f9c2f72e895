// Signers for identity updates: an Ethereum EOA wallet (ERC-191 personal_sign
// over the signature text) and an installation (Ed25519ph with the context
// "IDENTITY UPDATE SIGNATURE", RFC 8032 §5.1). Private keys live in wiping
// crypto::Secret values and never appear in errors or logs.
//
// Thread contract: keys are immutable after creation; signing is const and
// safe from several threads.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/secret.h"
#include "xmtp/identity/associations/signature.pb.h"
#include "xmtp/identity/constants.h"
#include "xmtp/identity/identifiers.h"

namespace xs::xmtp::identity {

// Anything that can sign an identity update's signature text on behalf of a
// member.
class IdentitySigner {
 public:
  virtual ~IdentitySigner() = default;
  virtual MemberId identity() const = 0;
  virtual Result<::xmtp::identity::associations::Signature> Sign(std::string_view text) const = 0;
};

// A secp256k1 EOA wallet.
class WalletKey final : public IdentitySigner {
 public:
  static Result<WalletKey> Generate();
  // 64 hex digits, optionally prefixed by 0x. The key is never echoed back.
  static Result<WalletKey> FromPrivateKeyHex(std::string_view hex);
  // The 32-byte secp256k1 scalar (copied into wiping memory).
  static Result<WalletKey> FromPrivateKey(std::span<const std::uint8_t> key);

  // Canonical 0x… lowercase address.
  const std::string& address() const { return address_; }
  MemberId identity() const override { return MemberId::Ethereum(address_); }
  // 65-byte ERC-191 signature r || s || v (v = 27/28).
  Result<std::vector<std::uint8_t>> SignPersonalMessage(std::string_view text) const;
  Result<::xmtp::identity::associations::Signature> Sign(std::string_view text) const override;
  // For explicit export only (xs-identity-tool --print-wallet-key).
  std::string ExportPrivateKeyHex() const;

 private:
  WalletKey(crypto::Secret key, std::string address)
      : key_(std::move(key)), address_(std::move(address)) {}
  crypto::Secret key_;
  std::string address_;
};

// An installation's Ed25519 key; its public key is the installation id.
class InstallationKey final : public IdentitySigner {
 public:
  static Result<InstallationKey> Generate();
  // From the 32-byte RFC 8032 seed.
  static Result<InstallationKey> FromSeed(std::span<const std::uint8_t> seed);

  std::span<const std::uint8_t> public_key() const { return public_key_; }
  MemberId identity() const override { return MemberId::Installation(public_key_); }
  // 64-byte Ed25519ph signature with context kInstallationSignatureContext.
  Result<std::vector<std::uint8_t>> SignText(std::string_view text) const;
  // Ed25519ph under another context (e.g. "PUBLIC SIGNATURE CONTEXT" for
  // app-level signatures).
  Result<std::vector<std::uint8_t>> SignTextWithContext(std::string_view text,
                                                        std::string_view context) const;
  Result<::xmtp::identity::associations::Signature> Sign(std::string_view text) const override;
  // The seed, for callers that persist the installation (kept secret).
  const crypto::Secret& seed() const { return seed_; }

 private:
  InstallationKey(crypto::Secret seed, std::array<std::uint8_t, kInstallationKeyLength> pub)
      : seed_(std::move(seed)), public_key_(pub) {}
  crypto::Secret seed_;
  std::array<std::uint8_t, kInstallationKeyLength> public_key_{};
};

}  // namespace xs::xmtp::identity
