#include "xmtp/envelope/welcome_wrapper.h"

#include <string>

#include "codec/tls_reader.h"
#include "codec/tls_writer.h"
#include "crypto/hash.h"
#include "xmtp/envelope/envelope_error.h"
#include "xmtp/envelope/hpke_context.h"
#include "xmtp/envelope/limits.h"
#include "xmtp/mls/api/v1/mls.pb.h"

namespace xs::xmtp::envelope {
namespace {

namespace pb = ::xmtp::mls::api::v1;

constexpr crypto::AeadAlgorithm kWrapperAead = crypto::AeadAlgorithm::kChaCha20Poly1305;

// An HPKE open failure: Auth (the tag did not verify) means wrong key or
// tampering; anything else (a ciphertext shorter than the tag) is malformed.
Error OpenFailure(const Error& error, std::string_view what) {
  std::string detail(what);
  if (error.IsAuth()) {
    detail += " does not decrypt with this key";
    return MakeEnvelopeError(EnvelopeError::kDecryptFailed, detail);
  }
  detail += " is malformed";
  return MakeEnvelopeError(EnvelopeError::kMalformed, detail);
}

Status CheckAlgorithm(WrapperAlgorithm algorithm) {
  switch (algorithm) {
    case WrapperAlgorithm::kUnspecified:
    case WrapperAlgorithm::kCurve25519:
      return OkStatus();
    case WrapperAlgorithm::kXwingMlkem768Draft6:
      return MakeEnvelopeError(EnvelopeError::kUnsupported,
                               "X-Wing welcome wrapping is not supported");
    case WrapperAlgorithm::kSymmetricKey:
      return MakeEnvelopeError(EnvelopeError::kUnsupported,
                               "symmetric-key welcomes (welcome pointees) are not supported");
  }
  return MakeEnvelopeError(EnvelopeError::kUnsupported, "unknown welcome wrapper algorithm");
}

struct HpkeCiphertextView {
  std::span<const std::uint8_t> kem_output;
  std::span<const std::uint8_t> ciphertext;
};

Result<HpkeCiphertextView> DecodeHpkeCiphertext(std::span<const std::uint8_t> data) {
  if (data.size() > kMaxWelcomeBytes) {
    return MakeEnvelopeError(EnvelopeError::kMalformed, "welcome data is too large");
  }
  const auto not_tls = [] {
    return MakeEnvelopeError(EnvelopeError::kMalformed, "welcome data is not a TLS HPKECiphertext");
  };
  codec::TlsReader in(data, "welcome data");
  auto kem_output = in.ReadOpaque(kX25519KeyBytes);
  if (!kem_output.ok()) return not_tls();
  auto ciphertext = in.ReadOpaque(kMaxWelcomeBytes);
  if (!ciphertext.ok() || !in.ExpectEnd().ok()) return not_tls();
  if (kem_output->size() != kX25519KeyBytes) {
    return MakeEnvelopeError(EnvelopeError::kMalformed,
                             "welcome kem_output is not a 32-byte X25519 key");
  }
  return HpkeCiphertextView{*kem_output, *ciphertext};
}

Result<std::uint64_t> OpenMetadata(HpkeReceiverContext& context,
                                   std::span<const std::uint8_t> sealed) {
  if (sealed.size() > kMaxWelcomeMetadataBytes) {
    return MakeEnvelopeError(EnvelopeError::kMalformed, "welcome metadata is too large");
  }
  auto plaintext = context.Open({}, sealed);
  if (!plaintext.ok()) return OpenFailure(plaintext.error(), "welcome metadata");
  pb::WelcomeMetadata metadata;
  if (!metadata.ParseFromArray(plaintext->data(), static_cast<int>(plaintext->size()))) {
    return MakeEnvelopeError(EnvelopeError::kMalformed,
                             "welcome metadata is not a WelcomeMetadata protobuf");
  }
  return metadata.message_cursor();
}

}  // namespace

Bytes WelcomeHpkeInfo() {
  codec::TlsWriter info;
  info.WriteOpaque(crypto::AsBytes(kWelcomeHpkeLabel));
  info.WriteOpaque({});
  return std::move(info).Take();
}

Result<WrappedWelcome> WrapWelcome(std::span<const std::uint8_t> installation_key,
                                   std::span<const std::uint8_t> welcome_mls_message,
                                   std::uint64_t message_cursor,
                                   std::span<const std::uint8_t> recipient_init_key) {
  if (recipient_init_key.size() != kX25519KeyBytes) {
    return MakeEnvelopeError(EnvelopeError::kInvalidKey,
                             "recipient init key is not a 32-byte X25519 key");
  }
  if (installation_key.size() > kMaxInstallationKeyBytes) {
    return MakeEnvelopeError(EnvelopeError::kMalformed, "installation key is too large");
  }
  // The TLS framing adds at most a 4-byte length and the 32-byte enc.
  if (welcome_mls_message.size() + crypto::kAeadTagSize + 2 * 4 + kX25519KeyBytes >
      kMaxWelcomeBytes) {
    return MakeEnvelopeError(EnvelopeError::kMalformed, "welcome is too large");
  }
  const Bytes info = WelcomeHpkeInfo();
  auto context = HpkeSenderContext::Create(kWrapperAead, recipient_init_key, info);
  if (!context.ok()) {
    return MakeEnvelopeError(EnvelopeError::kInvalidKey, "recipient init key is not usable");
  }
  XS_TRY(Bytes welcome_ciphertext, context->Seal({}, welcome_mls_message));

  pb::WelcomeMetadata metadata;
  metadata.set_message_cursor(message_cursor);
  const std::string metadata_bytes = metadata.SerializeAsString();
  XS_TRY(Bytes metadata_ciphertext, context->Seal({}, crypto::AsBytes(metadata_bytes)));

  codec::TlsWriter data;
  data.WriteOpaque(context->enc());
  data.WriteOpaque(welcome_ciphertext);

  WrappedWelcome wrapped;
  wrapped.installation_key.assign(installation_key.begin(), installation_key.end());
  wrapped.data = std::move(data).Take();
  wrapped.hpke_public_key.assign(recipient_init_key.begin(), recipient_init_key.end());
  wrapped.algorithm = WrapperAlgorithm::kCurve25519;
  wrapped.welcome_metadata = std::move(metadata_ciphertext);
  return wrapped;
}

Result<UnwrappedWelcome> UnwrapWelcome(const WrappedWelcome& wrapped,
                                       std::span<const std::uint8_t> init_private_key) {
  XS_RETURN_IF_ERROR(CheckAlgorithm(wrapped.algorithm));
  if (init_private_key.size() != kX25519KeyBytes) {
    return MakeEnvelopeError(EnvelopeError::kInvalidKey,
                             "init private key is not a 32-byte X25519 key");
  }
  XS_TRY(HpkeCiphertextView sealed, DecodeHpkeCiphertext(wrapped.data));
  const Bytes info = WelcomeHpkeInfo();
  auto context =
      HpkeReceiverContext::Create(kWrapperAead, init_private_key, sealed.kem_output, info);
  if (!context.ok()) {
    // Only a low-order kem_output gets here (sizes were checked above).
    return MakeEnvelopeError(EnvelopeError::kDecryptFailed,
                             "welcome kem_output is not a usable X25519 key");
  }
  auto welcome = context->Open({}, sealed.ciphertext);
  if (!welcome.ok()) return OpenFailure(welcome.error(), "welcome");

  UnwrappedWelcome unwrapped;
  unwrapped.welcome_mls_message = std::move(*welcome);
  if (!wrapped.welcome_metadata.empty()) {
    XS_TRY(std::uint64_t cursor, OpenMetadata(*context, wrapped.welcome_metadata));
    unwrapped.message_cursor = cursor;
  }
  return unwrapped;
}

}  // namespace xs::xmtp::envelope
