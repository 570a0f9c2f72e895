// Pre-shared keys in the key schedule (RFC 9420 §8.4): the psk_secret that
// combines the PSKs of a commit (or a Welcome's GroupSecrets), in order:
//
//   psk_extracted[i] = Extract(0, psk[i])
//   psk_input[i]     = ExpandWithLabel(psk_extracted[i], "derived psk",
//                                      PSKLabel{id[i], index = i, count = n}, Nh)
//   psk_secret[0]    = 0;  psk_secret[i] = Extract(psk_input[i-1], psk_secret[i-1])
//
// With no PSKs the result is ZeroSecret(suite). XMTP groups never use PSKs
// (profile §1.3: PSK proposals and Welcomes with PSKs are rejected); this is
// here for the RFC's vectors and the passive-client tests.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <span>

#include "base/result.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "mls/messages/proposals.h"

namespace xs::mls {

// PSKLabel.count is a uint16.
inline constexpr std::size_t kMaxPskCount = 0xFFFF;

struct PskWithSecret {
  PreSharedKeyId id;
  crypto::Secret psk;
};

// Validation error for more than kMaxPskCount PSKs.
Result<crypto::Secret> DerivePskSecret(const crypto::CipherSuite& suite,
                                       std::span<const PskWithSecret> psks);

}  // namespace xs::mls
