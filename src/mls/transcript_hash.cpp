#include "mls/transcript_hash.h"

#include "codec/tls_writer.h"
#include "crypto/hash.h"

namespace xs::mls {
namespace {

Bytes HashConcat(const crypto::CipherSuite& suite, std::span<const std::uint8_t> first,
                 std::span<const std::uint8_t> second) {
  Bytes input;
  input.reserve(first.size() + second.size());
  input.insert(input.end(), first.begin(), first.end());
  input.insert(input.end(), second.begin(), second.end());
  return suite.Hash(input);
}

}  // namespace

Bytes EncodeConfirmedTranscriptHashInput(WireFormat wire_format, const FramedContent& content,
                                         std::span<const std::uint8_t> signature) {
  codec::TlsWriter w;
  w.WriteU16(static_cast<std::uint16_t>(wire_format));
  Encode(w, content);
  w.WriteOpaque(signature);
  return std::move(w).Take();
}

Result<Bytes> ComputeConfirmedTranscriptHash(const crypto::CipherSuite& suite,
                                             std::span<const std::uint8_t> interim_before,
                                             WireFormat wire_format, const FramedContent& content,
                                             std::span<const std::uint8_t> signature) {
  if (content.content_type() != ContentType::kCommit) {
    return Error::Validation("mls.ConfirmedTranscriptHashInput.content",
                             "only commits enter the transcript");
  }
  return HashConcat(suite, interim_before,
                    EncodeConfirmedTranscriptHashInput(wire_format, content, signature));
}

Bytes ComputeInterimTranscriptHash(const crypto::CipherSuite& suite,
                                   std::span<const std::uint8_t> confirmed,
                                   std::span<const std::uint8_t> confirmation_tag) {
  codec::TlsWriter w;
  w.WriteOpaque(confirmation_tag);
  return HashConcat(suite, confirmed, w.bytes());
}

Result<Bytes> ComputeConfirmationTag(const crypto::CipherSuite& suite,
                                     const crypto::Secret& confirmation_key,
                                     std::span<const std::uint8_t> confirmed) {
  return suite.Mac(confirmation_key.bytes(), confirmed);
}

Status VerifyConfirmationTag(const crypto::CipherSuite& suite,
                             const crypto::Secret& confirmation_key,
                             std::span<const std::uint8_t> confirmed,
                             std::span<const std::uint8_t> confirmation_tag) {
  XS_TRY(const Bytes expected, ComputeConfirmationTag(suite, confirmation_key, confirmed));
  if (!crypto::ConstantTimeEquals(expected, confirmation_tag)) {
    return Error::Auth("mls: confirmation tag does not match");
  }
  return OkStatus();
}

Result<TranscriptHashes> ComputeTranscriptHashes(const crypto::CipherSuite& suite,
                                                 std::span<const std::uint8_t> interim_before,
                                                 WireFormat wire_format,
                                                 const FramedContent& content,
                                                 const FramedContentAuthData& auth) {
  TranscriptHashes out;
  XS_TRY(out.confirmed, ComputeConfirmedTranscriptHash(suite, interim_before, wire_format, content,
                                                       auth.signature));
  out.interim = ComputeInterimTranscriptHash(suite, out.confirmed, auth.confirmation_tag);
  return out;
}

}  // namespace xs::mls
