#include "xmtp/envelope/hpke_context.h"

#include <limits>

#include "crypto/aead.h"
#include "crypto/x25519.h"

namespace xs::xmtp::envelope {
namespace {

// RFC 9180 §5.2 ComputeNonce: base_nonce XOR I2OSP(seq, Nn).
crypto::Secret ComputeNonce(const crypto::Secret& base_nonce, std::uint64_t sequence) {
  crypto::Secret nonce = base_nonce.Clone();
  std::span<std::uint8_t> bytes = nonce.mutable_bytes();
  for (std::size_t i = 0; i < sizeof(sequence) && i < bytes.size(); ++i) {
    bytes[bytes.size() - 1 - i] ^= static_cast<std::uint8_t>(sequence >> (8 * i));
  }
  return nonce;
}

// §5.2 IncrementSeq: the sequence number may not wrap. With Nn = 12 the
// RFC's bound lies beyond uint64, so the last uint64 value is the limit.
Status CheckSequence(std::uint64_t sequence) {
  if (sequence == std::numeric_limits<std::uint64_t>::max()) {
    return Error::Validation("hpke.sequence", "message limit of the context reached");
  }
  return OkStatus();
}

}  // namespace

Result<HpkeSenderContext> HpkeSenderContext::Create(crypto::AeadAlgorithm aead,
                                                    ByteSpan recipient_public_key, ByteSpan info) {
  // A uniformly random 32-byte string is a valid X25519 private key.
  crypto::Secret ephemeral = crypto::Secret::Random(crypto::kX25519KeySize);
  return CreateWithEphemeral(aead, ephemeral.bytes(), recipient_public_key, info);
}

Result<HpkeSenderContext> HpkeSenderContext::CreateWithEphemeral(crypto::AeadAlgorithm aead,
                                                                 ByteSpan ephemeral_private_key,
                                                                 ByteSpan recipient_public_key,
                                                                 ByteSpan info) {
  XS_TRY(crypto::HpkeEncapsulation encapsulation,
         crypto::HpkeEncapWithEphemeral(ephemeral_private_key, recipient_public_key));
  XS_TRY(crypto::HpkeContextSecrets secrets,
         crypto::HpkeKeyScheduleBase(aead, encapsulation.shared_secret.bytes(), info));
  return HpkeSenderContext(aead, std::move(secrets), std::move(encapsulation.enc));
}

Result<Bytes> HpkeSenderContext::Seal(ByteSpan aad, ByteSpan plaintext) {
  XS_RETURN_IF_ERROR(CheckSequence(sequence_));
  const crypto::Secret nonce = ComputeNonce(secrets_.base_nonce, sequence_);
  XS_TRY(Bytes ciphertext,
         crypto::AeadSeal(aead_, secrets_.key.bytes(), nonce.bytes(), aad, plaintext));
  ++sequence_;
  return ciphertext;
}

Result<HpkeReceiverContext> HpkeReceiverContext::Create(crypto::AeadAlgorithm aead,
                                                        ByteSpan recipient_private_key,
                                                        ByteSpan enc, ByteSpan info) {
  XS_TRY(crypto::Secret shared_secret, crypto::HpkeDecap(enc, recipient_private_key));
  XS_TRY(crypto::HpkeContextSecrets secrets,
         crypto::HpkeKeyScheduleBase(aead, shared_secret.bytes(), info));
  return HpkeReceiverContext(aead, std::move(secrets));
}

Result<Bytes> HpkeReceiverContext::Open(ByteSpan aad, ByteSpan ciphertext) {
  XS_RETURN_IF_ERROR(CheckSequence(sequence_));
  const crypto::Secret nonce = ComputeNonce(secrets_.base_nonce, sequence_);
  XS_TRY(Bytes plaintext,
         crypto::AeadOpen(aead_, secrets_.key.bytes(), nonce.bytes(), aad, ciphertext));
  ++sequence_;
  return plaintext;
}

}  // namespace xs::xmtp::envelope
