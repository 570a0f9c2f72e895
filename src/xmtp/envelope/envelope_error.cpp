#include "xmtp/envelope/envelope_error.h"

#include "mls/error_kind.h"

namespace xs::xmtp::envelope {
namespace {

constexpr mls::ErrorKindInfo<EnvelopeError> kKindInfos[] = {
    {EnvelopeError::kMalformed, "malformed", "envelope does not decode"},
    {EnvelopeError::kUnsupported, "unsupported", "envelope form is not supported"},
    {EnvelopeError::kDecryptFailed, "decrypt_failed", "envelope does not decrypt"},
    {EnvelopeError::kInvalidKey, "invalid_key", "key has the wrong form"},
};

constexpr mls::ErrorKinds<EnvelopeError> kKinds("xmtp.envelope.", kKindInfos);

}  // namespace

std::string_view EnvelopeErrorName(EnvelopeError kind) { return kKinds.Name(kind); }

Error MakeEnvelopeError(EnvelopeError kind, std::string_view detail) {
  return kKinds.Make(kind, detail);
}

std::optional<EnvelopeError> EnvelopeErrorOf(const Error& error) { return kKinds.Of(error); }

}  // namespace xs::xmtp::envelope
