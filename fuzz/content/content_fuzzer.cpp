// Feeds arbitrary bytes to every entry point of xmtp/content that reads
// untrusted input: ParseEncodedContent (with decompression), Decode and each
// typed decoder, ParsePlaintextEnvelope, Decompress of raw bytes under both
// algorithms (compression bombs included), DecryptAttachment, and the
// Convos decoders (xmtp/content/convos.h).
// Invariants (a violation aborts): nothing crashes or throws; a parsed
// EncodedContent is never compressed and never larger than
// kMaxDecompressedBytes; Parse(Serialize(x)) == x; a decoded value re-encodes
// to content its decoder accepts again with the same value.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "codec/hex.h"
#include "crypto/hash.h"
#include "xmtp/content/convos.h"
#include "xmtp/content/decoded.h"
#include "xmtp/content/envelope.h"

namespace {

using namespace xs::xmtp::content;

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckParsed(const EncodedContent& encoded) {
  Check(!encoded.compression.has_value());
  Check(encoded.content.size() <= kMaxDecompressedBytes);
  auto again = ParseEncodedContent(SerializeEncodedContent(encoded));
  Check(again.ok() && *again == encoded);
}

// Re-encoding what a decoder accepted must decode to the same value.
void CheckReencodes(const Decoded& decoded) {
  switch (decoded.kind) {
    case Decoded::Kind::kText: {
      const auto& text = std::get<std::string>(decoded.value);
      Check(DecodeText(EncodeText(text)).value() == text);
      break;
    }
    case Decoded::Kind::kReaction: {
      const auto& reaction = std::get<Reaction>(decoded.value);
      Check(DecodeReaction(EncodeReaction(reaction)).value() == reaction);
      Check(DecodeReaction(EncodeReactionV1(reaction)).value() == reaction);
      break;
    }
    case Decoded::Kind::kReply: {
      const auto& reply = std::get<Reply>(decoded.value);
      Check(DecodeReply(EncodeReply(reply)).value() == reply);
      break;
    }
    case Decoded::Kind::kGroupUpdated: {
      const auto& update = std::get<GroupUpdated>(decoded.value);
      Check(DecodeGroupUpdated(EncodeGroupUpdated(update)).value() == update);
      break;
    }
    case Decoded::Kind::kAttachment: {
      const auto& attachment = std::get<Attachment>(decoded.value);
      Check(DecodeAttachment(EncodeAttachment(attachment)).value() == attachment);
      break;
    }
    default:
      break;
  }
}

// NaN metadata numbers never compare equal, so those values skip the check.
bool HasNan(const ConvosProfile& profile) {
  for (const auto& [key, value] : profile.metadata) {
    if (const auto* number = std::get_if<double>(&value); number && *number != *number) return true;
  }
  return false;
}

void DecodeAs(const EncodedContent& base, const ContentTypeId& type,
              std::span<const std::uint8_t> content) {
  EncodedContent encoded = base;
  encoded.type = type;
  encoded.content.assign(content.begin(), content.end());
  auto decoded = Decode(std::move(encoded));
  if (decoded.ok()) CheckReencodes(*decoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);

  EncodedContent parameters_source;
  if (auto parsed = ParseEncodedContent(input); parsed.ok()) {
    CheckParsed(*parsed);
    parameters_source = *parsed;
    if (auto decoded = Decode(*parsed); decoded.ok()) CheckReencodes(*decoded);
  }

  if (auto envelope = ParsePlaintextEnvelope(input); envelope.ok()) {
    if (envelope->kind == PlaintextEnvelope::Kind::kV1) {
      if (auto inner = DecodeBytes(envelope->content); inner.ok()) CheckReencodes(*inner);
    }
  }

  // The raw bytes as the payload of every known type, with the parameters
  // (if any) that the same bytes parsed to.
  for (const ContentTypeId& type :
       {TextType(), MarkdownType(), ReplyType(), ReactionV1Type(), ReactionV2Type(),
        ReadReceiptType(), GroupUpdatedType(), AttachmentType(), RemoteAttachmentType(),
        AgentSealType(), AgentRevocationType(), AgentLivenessType()}) {
    DecodeAs(parameters_source, type, input);
  }

  // The raw bytes as each Convos type's payload: decoded values re-encode
  // to content that decodes to the same value.
  auto as = [&](const ContentTypeId& type) {
    EncodedContent encoded;
    encoded.type = type;
    encoded.content.assign(input.begin(), input.end());
    return encoded;
  };
  if (auto join = DecodeConvosJoinRequest(as(ConvosJoinRequestType())); join.ok()) {
    Check(DecodeConvosJoinRequest(EncodeConvosJoinRequest(*join)).value() == *join);
  }
  if (auto update = DecodeConvosProfileUpdate(as(ConvosProfileUpdateType()));
      update.ok() && !HasNan(*update)) {
    Check(DecodeConvosProfileUpdate(EncodeConvosProfileUpdate(*update)).value() == *update);
  }
  if (auto snapshot = DecodeConvosProfileSnapshot(as(ConvosProfileSnapshotType()));
      snapshot.ok() && std::none_of(snapshot->profiles.begin(), snapshot->profiles.end(), HasNan)) {
    Check(DecodeConvosProfileSnapshot(EncodeConvosProfileSnapshot(*snapshot).value()).value() ==
          *snapshot);
  }
  (void)DecodeConvosInviteJoinError(as(ConvosInviteJoinErrorType()));
  (void)DecodeConvosInviteJoinError(as(ConvosLegacyInviteJoinErrorType()));
  (void)DecodeConvosInviteJoinHandled(as(ConvosInviteJoinHandledType()));

  // The raw bytes as compressed content: bounded, or a typed error.
  for (const Compression compression : {Compression::kDeflate, Compression::kGzip}) {
    EncodedContent compressed;
    compressed.compression = compression;
    compressed.content.assign(input.begin(), input.end());
    auto inflated = Decompress(std::move(compressed));
    if (inflated.ok()) Check(inflated->content.size() <= kMaxDecompressedBytes);
  }

  // The raw bytes as a downloaded remote attachment whose digest matches.
  RemoteAttachment remote;
  remote.secret = xs::crypto::Secret(kRemoteAttachmentSecretBytes);
  remote.salt.assign(kRemoteAttachmentSaltBytes, 1);
  remote.nonce.assign(kRemoteAttachmentNonceBytes, 2);
  remote.content_digest = xs::codec::HexEncode(xs::crypto::Sha256(input));
  (void)DecryptAttachment(input, remote);
  return 0;
}
