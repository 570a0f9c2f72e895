#include "xmtp/content/envelope.h"

#include "crypto/hash.h"
#include "xmtp/mls/message_contents/content.pb.h"

namespace xs::xmtp::content {
namespace {

namespace pb = ::xmtp::mls::message_contents;

constexpr std::uint8_t kIdSeparator = 0x09;

Error Malformed(std::string_view why) {
  return Error::Validation("plaintext envelope", why).WithKind(std::string(kErrorMalformed));
}

}  // namespace

Bytes SerializePlaintextEnvelopeV1(std::span<const std::uint8_t> encoded_content,
                                   std::string_view idempotency_key) {
  pb::PlaintextEnvelope envelope;
  auto* v1 = envelope.mutable_v1();
  v1->set_content(encoded_content.data(), encoded_content.size());
  v1->set_idempotency_key(std::string(idempotency_key));
  const std::string out = envelope.SerializeAsString();
  return Bytes(out.begin(), out.end());
}

Result<PlaintextEnvelope> ParsePlaintextEnvelope(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxEncodedContentBytes) {
    return Error::Validation("plaintext envelope", "longer than kMaxEncodedContentBytes")
        .WithKind(std::string(kErrorTooLarge));
  }
  pb::PlaintextEnvelope envelope;
  if (!envelope.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Malformed("not a protobuf PlaintextEnvelope");
  }
  PlaintextEnvelope out;
  switch (envelope.content_case()) {
    case pb::PlaintextEnvelope::kV1:
      out.kind = PlaintextEnvelope::Kind::kV1;
      out.content.assign(envelope.v1().content().begin(), envelope.v1().content().end());
      out.idempotency_key = envelope.v1().idempotency_key();
      return out;
    case pb::PlaintextEnvelope::kV2:
      out.kind = PlaintextEnvelope::Kind::kV2DeviceSync;
      out.idempotency_key = envelope.v2().idempotency_key();
      return out;
    default:
      return Malformed("neither v1 nor v2 is set");
  }
}

Bytes MessageId(std::span<const std::uint8_t> group_id, std::string_view idempotency_key,
                std::span<const std::uint8_t> content_bytes) {
  const std::uint8_t separator[1] = {kIdSeparator};
  crypto::Sha256Hasher hasher;
  hasher.Update(group_id);
  hasher.Update(separator);
  hasher.Update(idempotency_key);
  hasher.Update(separator);
  hasher.Update(content_bytes);
  const crypto::Digest256 digest = hasher.Final();
  return Bytes(digest.begin(), digest.end());
}

}  // namespace xs::xmtp::content
