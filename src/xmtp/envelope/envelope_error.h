// Typed failures of the XMTP envelope layer. Every failure is an
// Error::Validation whose field and Error::kind() are
// "xmtp.envelope.<kind>", so a caller branches on EnvelopeErrorOf(error).
// Messages never carry key or plaintext bytes.
//
// Thread contract: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "base/error.h"

namespace xs::xmtp::envelope {

enum class EnvelopeError {
  kMalformed,      // bytes that do not decode (TLS HPKECiphertext, protobuf, sizes)
  kUnsupported,    // X-Wing, symmetric-key wrapping, welcome pointers, unknown algorithms
  kDecryptFailed,  // HPKE open failed: wrong key, tampered ciphertext or metadata
  kInvalidKey,     // a recipient public or private key of the wrong shape
};

std::string_view EnvelopeErrorName(EnvelopeError kind);
// Error::Validation("xmtp.envelope.<name>", detail or a default reason).
Error MakeEnvelopeError(EnvelopeError kind, std::string_view detail = {});
// The kind of an error made by MakeEnvelopeError, nullopt for any other error.
std::optional<EnvelopeError> EnvelopeErrorOf(const Error& error);

}  // namespace xs::xmtp::envelope
