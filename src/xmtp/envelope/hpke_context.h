// Multi-message HPKE contexts (RFC 9180 §5.2) in base mode over our
// DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 and a chosen AEAD. Message number
// i of a context uses the nonce base_nonce XOR I2OSP(i, Nn); crypto/hpke.h
// only offers the single-shot form (i = 0), and the XMTP welcome wrapper seals
// two plaintexts in one context (protocol.md §4.4).
//
// Thread contract: a context is a plain value with a mutable sequence number;
// one thread at a time. The key material lives in crypto::Secret.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"
#include "crypto/hpke.h"

namespace xs::xmtp::envelope {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

class HpkeSenderContext {
 public:
  // SetupBaseS: a fresh ephemeral key. Validation error for a malformed or
  // low-order recipient key.
  static Result<HpkeSenderContext> Create(crypto::AeadAlgorithm aead, ByteSpan recipient_public_key,
                                          ByteSpan info);
  // SetupBaseS with a caller-chosen ephemeral private key (known-answer tests).
  static Result<HpkeSenderContext> CreateWithEphemeral(crypto::AeadAlgorithm aead,
                                                       ByteSpan ephemeral_private_key,
                                                       ByteSpan recipient_public_key,
                                                       ByteSpan info);

  // The KEM encapsulation (`enc`, the HPKECiphertext kem_output).
  const Bytes& enc() const { return enc_; }
  std::uint64_t sequence() const { return sequence_; }

  // ContextS.Seal: seals with the current sequence number, then advances it.
  Result<Bytes> Seal(ByteSpan aad, ByteSpan plaintext);

 private:
  HpkeSenderContext(crypto::AeadAlgorithm aead, crypto::HpkeContextSecrets secrets, Bytes enc)
      : aead_(aead), secrets_(std::move(secrets)), enc_(std::move(enc)) {}

  crypto::AeadAlgorithm aead_;
  crypto::HpkeContextSecrets secrets_;
  Bytes enc_;
  std::uint64_t sequence_ = 0;
};

class HpkeReceiverContext {
 public:
  // SetupBaseR. Validation error for a malformed key or enc.
  static Result<HpkeReceiverContext> Create(crypto::AeadAlgorithm aead,
                                            ByteSpan recipient_private_key, ByteSpan enc,
                                            ByteSpan info);

  std::uint64_t sequence() const { return sequence_; }

  // ContextR.Open: opens with the current sequence number and advances it
  // only on success. Auth error when the ciphertext does not authenticate.
  Result<Bytes> Open(ByteSpan aad, ByteSpan ciphertext);

 private:
  HpkeReceiverContext(crypto::AeadAlgorithm aead, crypto::HpkeContextSecrets secrets)
      : aead_(aead), secrets_(std::move(secrets)) {}

  crypto::AeadAlgorithm aead_;
  crypto::HpkeContextSecrets secrets_;
  std::uint64_t sequence_ = 0;
};

}  // namespace xs::xmtp::envelope
