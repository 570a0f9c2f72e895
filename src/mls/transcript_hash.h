// Transcript hashes and the confirmation tag (RFC 9420 §8.2, §6.1):
//
//   confirmed[n] = Hash(interim[n-1] || ConfirmedTranscriptHashInput)
//       ConfirmedTranscriptHashInput = wire_format || FramedContent(commit) || signature<V>
//   interim[n]   = Hash(confirmed[n] || InterimTranscriptHashInput)
//       InterimTranscriptHashInput   = confirmation_tag<V>
//   confirmation_tag = MAC(confirmation_key, confirmed[n])
//
// A commit's sender signs first, then derives the new epoch (whose GroupContext
// holds confirmed[n]), then computes the confirmation tag, then interim[n].
// A new group starts with an empty confirmed hash (§11); its interim hash is
// computed from that and the epoch-0 confirmation tag like any other.
//
// Thread contract: pure functions.
#pragma once

#include <span>

#include "base/result.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "mls/messages/framed.h"

namespace xs::mls {

Bytes EncodeConfirmedTranscriptHashInput(WireFormat wire_format, const FramedContent& content,
                                         std::span<const std::uint8_t> signature);

// Validation error unless `content` is a commit.
Result<Bytes> ComputeConfirmedTranscriptHash(const crypto::CipherSuite& suite,
                                             std::span<const std::uint8_t> interim_before,
                                             WireFormat wire_format, const FramedContent& content,
                                             std::span<const std::uint8_t> signature);

Bytes ComputeInterimTranscriptHash(const crypto::CipherSuite& suite,
                                   std::span<const std::uint8_t> confirmed,
                                   std::span<const std::uint8_t> confirmation_tag);

Result<Bytes> ComputeConfirmationTag(const crypto::CipherSuite& suite,
                                     const crypto::Secret& confirmation_key,
                                     std::span<const std::uint8_t> confirmed);

// Constant-time check of a received confirmation tag; Auth error when wrong.
Status VerifyConfirmationTag(const crypto::CipherSuite& suite,
                             const crypto::Secret& confirmation_key,
                             std::span<const std::uint8_t> confirmed,
                             std::span<const std::uint8_t> confirmation_tag);

struct TranscriptHashes {
  Bytes confirmed;
  Bytes interim;
};

// Both hashes after a received commit whose `auth` carries its signature and
// confirmation tag (check the tag with VerifyConfirmationTag once the new
// epoch's confirmation_key is known).
Result<TranscriptHashes> ComputeTranscriptHashes(const crypto::CipherSuite& suite,
                                                 std::span<const std::uint8_t> interim_before,
                                                 WireFormat wire_format,
                                                 const FramedContent& content,
                                                 const FramedContentAuthData& auth);

}  // namespace xs::mls
