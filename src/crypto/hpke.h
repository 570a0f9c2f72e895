// HPKE (RFC 9180) in base mode with DHKEM(X25519, HKDF-SHA256) (kem 0x0020)
// and HKDF-SHA256 (kdf 0x0001), single-shot (sequence number 0). The AEAD
// is a parameter: the MLS suites 1 and 3 differ only there.
//
// CipherSuite is the public face; this header exists so the RFC 9180
// known-answer tests can fix the ephemeral key and see intermediate values.
//
// Thread contract: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/aead.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"

namespace xs::crypto {

// The key schedule's output for one context (RFC 9180 §5.1).
struct HpkeContextSecrets {
  Secret key;
  Secret base_nonce;
  Secret exporter_secret;
};

// The KEM's output (RFC 9180 §4.1 Encap).
struct HpkeEncapsulation {
  Secret shared_secret;
  Bytes enc;
};

// DeriveKeyPair(ikm) for DHKEM(X25519) (§7.1.3).
Result<HpkeKeyPair> HpkeDeriveKeyPair(ByteSpan ikm);

// Encap with a caller-chosen ephemeral private key (deterministic; tests) and
// Decap (§4.1).
Result<HpkeEncapsulation> HpkeEncapWithEphemeral(ByteSpan ephemeral_private_key,
                                                 ByteSpan recipient_public_key);
Result<Secret> HpkeDecap(ByteSpan enc, ByteSpan recipient_private_key);

// KeySchedule for mode_base with empty psk and psk_id (§5.1).
Result<HpkeContextSecrets> HpkeKeyScheduleBase(AeadAlgorithm aead, ByteSpan shared_secret,
                                               ByteSpan info);

// Single-shot SealBase/OpenBase (§6.1). Seal draws a fresh ephemeral key.
Result<HpkeSealed> HpkeSealBase(AeadAlgorithm aead, ByteSpan recipient_public_key, ByteSpan info,
                                ByteSpan aad, ByteSpan plaintext);
Result<HpkeSealed> HpkeSealBaseWithEphemeral(AeadAlgorithm aead, ByteSpan ephemeral_private_key,
                                             ByteSpan recipient_public_key, ByteSpan info,
                                             ByteSpan aad, ByteSpan plaintext);
// Validation error for malformed keys or enc; Auth error when the
// ciphertext does not authenticate.
Result<Bytes> HpkeOpenBase(AeadAlgorithm aead, ByteSpan recipient_private_key, ByteSpan enc,
                           ByteSpan info, ByteSpan aad, ByteSpan ciphertext);

}  // namespace xs::crypto
