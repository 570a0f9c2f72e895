// The MLS key schedule (RFC 9420 §8): from the previous epoch's init_secret,
// the commit_secret and the psk_secret, bound to the new epoch's serialized
// GroupContext, derive the joiner, welcome and epoch secrets and from the
// epoch secret every secret the epoch uses (§8 table), plus the exporter
// (§8.5) and the Welcome AEAD key (§12.4.3.1).
//
//   init_secret[n-1] ─Extract(salt)─┐
//   commit_secret ───Extract(ikm)───┴─ ExpandWithLabel("joiner", GroupContext) = joiner_secret
//   joiner_secret ───Extract(salt)─┐
//   psk_secret ─────Extract(ikm)───┴─┬─ DeriveSecret("welcome") = welcome_secret
//                                    └─ ExpandWithLabel("epoch", GroupContext) = epoch_secret
//   epoch_secret ── DeriveSecret(<label>) = sender_data, encryption, ..., init_secret[n]
//
// A member that commits (or processes a commit) calls DeriveEpochSecrets with
// its init_secret; a joiner gets joiner_secret from the Welcome and calls
// DeriveEpochSecretsFromJoiner. A missing commit_secret / psk_secret is
// ZeroSecret(suite) (§8: "0" = Nh zero bytes).
//
// Thread contract: pure functions.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "base/result.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"

namespace xs::mls {

struct EpochSecrets {
  crypto::Secret joiner_secret;
  crypto::Secret welcome_secret;
  crypto::Secret sender_data_secret;
  crypto::Secret encryption_secret;  // root of the epoch's SecretTree
  crypto::Secret exporter_secret;
  crypto::Secret external_secret;
  crypto::Secret confirmation_key;
  crypto::Secret membership_key;
  crypto::Secret resumption_psk;
  crypto::Secret epoch_authenticator;
  crypto::Secret init_secret;  // input of the next epoch
};

// Nh zero bytes: the commit_secret of a commit without a path and the
// psk_secret of an epoch without PSKs. (A new group's first init_secret is
// random, not zero: §11.)
crypto::Secret ZeroSecret(const crypto::CipherSuite& suite);

// joiner_secret = ExpandWithLabel(Extract(init_secret, commit_secret), "joiner",
// group_context, Nh).
Result<crypto::Secret> DeriveJoinerSecret(const crypto::CipherSuite& suite,
                                          const crypto::Secret& init_secret,
                                          const crypto::Secret& commit_secret,
                                          std::span<const std::uint8_t> group_context);

// Every secret of the new epoch, from the previous init_secret.
Result<EpochSecrets> DeriveEpochSecrets(const crypto::CipherSuite& suite,
                                        const crypto::Secret& init_secret,
                                        const crypto::Secret& commit_secret,
                                        const crypto::Secret& psk_secret,
                                        std::span<const std::uint8_t> group_context);

// Every secret of the epoch a Welcome joins, from its joiner_secret (copied
// into the result).
Result<EpochSecrets> DeriveEpochSecretsFromJoiner(const crypto::CipherSuite& suite,
                                                  const crypto::Secret& joiner_secret,
                                                  const crypto::Secret& psk_secret,
                                                  std::span<const std::uint8_t> group_context);

// welcome_secret alone (decrypting a Welcome's GroupInfo before the
// GroupContext is known).
Result<crypto::Secret> DeriveWelcomeSecret(const crypto::CipherSuite& suite,
                                           const crypto::Secret& joiner_secret,
                                           const crypto::Secret& psk_secret);

// §12.4.3.1: welcome_key / welcome_nonce, the AEAD key of encrypted_group_info.
struct WelcomeKey {
  crypto::Secret key;
  crypto::Secret nonce;
};
Result<WelcomeKey> DeriveWelcomeKey(const crypto::CipherSuite& suite,
                                    const crypto::Secret& welcome_secret);

// §8.5 MLS-Exporter(label, context, length) =
//   ExpandWithLabel(DeriveSecret(exporter_secret, label), "exported", Hash(context), length).
// `label` is arbitrary bytes (the vectors use binary labels).
Result<crypto::Secret> MlsExporter(const crypto::CipherSuite& suite,
                                   const crypto::Secret& exporter_secret, std::string_view label,
                                   std::span<const std::uint8_t> context, std::size_t length);

// §8.3: the HPKE key pair of external_secret (external_pub goes in GroupInfo).
Result<crypto::HpkeKeyPair> DeriveExternalKeyPair(const crypto::CipherSuite& suite,
                                                  const crypto::Secret& external_secret);

}  // namespace xs::mls
