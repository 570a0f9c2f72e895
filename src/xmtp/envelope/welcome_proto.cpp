#include "xmtp/envelope/welcome_proto.h"

#include <string>

#include "xmtp/envelope/envelope_error.h"
#include "xmtp/envelope/limits.h"

namespace xs::xmtp::envelope {
namespace {

namespace pb = ::xmtp::mls::api::v1;
namespace pbc = ::xmtp::mls::message_contents;

// The largest serialized WelcomeMessage we parse: the fields' limits plus
// tags, lengths, id and time.
constexpr std::size_t kMaxWelcomeMessageBytes = kMaxWelcomeBytes + kMaxWelcomeMetadataBytes +
                                                kMaxInstallationKeyBytes + kMaxHpkePublicKeyBytes +
                                                256;

Bytes ToBytes(const std::string& field) { return Bytes(field.begin(), field.end()); }

std::string ToString(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

Status CheckSize(const std::string& field, std::size_t max, std::string_view name) {
  if (field.size() <= max) return OkStatus();
  std::string detail(name);
  detail += " is too large";
  return MakeEnvelopeError(EnvelopeError::kMalformed, detail);
}

// The V1 fields common to both forms (their numbers differ, their names do not).
template <typename V1>
Result<WrappedWelcome> FromV1(const V1& v1) {
  XS_RETURN_IF_ERROR(
      CheckSize(v1.installation_key(), kMaxInstallationKeyBytes, "welcome installation_key"));
  XS_RETURN_IF_ERROR(CheckSize(v1.data(), kMaxWelcomeBytes, "welcome data"));
  XS_RETURN_IF_ERROR(
      CheckSize(v1.hpke_public_key(), kMaxHpkePublicKeyBytes, "welcome hpke_public_key"));
  XS_RETURN_IF_ERROR(
      CheckSize(v1.welcome_metadata(), kMaxWelcomeMetadataBytes, "welcome welcome_metadata"));
  WrappedWelcome welcome;
  welcome.installation_key = ToBytes(v1.installation_key());
  welcome.data = ToBytes(v1.data());
  welcome.hpke_public_key = ToBytes(v1.hpke_public_key());
  welcome.algorithm = static_cast<WrapperAlgorithm>(v1.wrapper_algorithm());
  welcome.welcome_metadata = ToBytes(v1.welcome_metadata());
  return welcome;
}

template <typename V1>
void ToV1(const WrappedWelcome& welcome, V1& v1) {
  v1.set_installation_key(ToString(welcome.installation_key));
  v1.set_data(ToString(welcome.data));
  v1.set_hpke_public_key(ToString(welcome.hpke_public_key));
  v1.set_wrapper_algorithm(static_cast<pbc::WelcomeWrapperAlgorithm>(welcome.algorithm));
  v1.set_welcome_metadata(ToString(welcome.welcome_metadata));
}

Error WelcomePointerUnsupported() {
  return MakeEnvelopeError(EnvelopeError::kUnsupported, "welcome pointers are not supported");
}

Error NoVersion() {
  return MakeEnvelopeError(EnvelopeError::kMalformed, "welcome has no known version");
}

}  // namespace

pb::WelcomeMessageInput ToWelcomeMessageInput(const WrappedWelcome& welcome) {
  pb::WelcomeMessageInput input;
  ToV1(welcome, *input.mutable_v1());
  return input;
}

Result<WrappedWelcome> FromWelcomeMessageInput(const pb::WelcomeMessageInput& input) {
  switch (input.version_case()) {
    case pb::WelcomeMessageInput::kV1:
      return FromV1(input.v1());
    case pb::WelcomeMessageInput::kWelcomePointer:
      return WelcomePointerUnsupported();
    default:
      return NoVersion();
  }
}

pb::WelcomeMessage ToWelcomeMessage(const ReceivedWelcome& received) {
  pb::WelcomeMessage message;
  pb::WelcomeMessage::V1& v1 = *message.mutable_v1();
  v1.set_id(received.id);
  v1.set_created_ns(received.created_ns);
  ToV1(received.welcome, v1);
  return message;
}

Result<ReceivedWelcome> FromWelcomeMessage(const pb::WelcomeMessage& message) {
  switch (message.version_case()) {
    case pb::WelcomeMessage::kV1: {
      XS_TRY(WrappedWelcome welcome, FromV1(message.v1()));
      return ReceivedWelcome{message.v1().id(), message.v1().created_ns(), std::move(welcome)};
    }
    case pb::WelcomeMessage::kWelcomePointer:
      return WelcomePointerUnsupported();
    default:
      return NoVersion();
  }
}

Result<ReceivedWelcome> ParseWelcomeMessage(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxWelcomeMessageBytes) {
    return MakeEnvelopeError(EnvelopeError::kMalformed, "welcome message is too large");
  }
  pb::WelcomeMessage message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return MakeEnvelopeError(EnvelopeError::kMalformed, "not a WelcomeMessage protobuf");
  }
  return FromWelcomeMessage(message);
}

}  // namespace xs::xmtp::envelope
