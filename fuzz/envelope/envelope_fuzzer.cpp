// Drives the welcome envelope with fuzzer bytes. The first byte picks a mode:
//   0  the bytes are a serialized WelcomeMessage: parse, then unwrap with a
//      fixed key;
//   1  the bytes are a wrapped welcome (first byte: algorithm; next: length
//      of `data`; the rest split into data and welcome_metadata): unwrap;
//   2  the bytes are an MLS welcome: wrap to the fixed key with a cursor
//      taken from the bytes, unwrap, and compare.
// Invariants: nothing crashes or trips the sanitizers; every failure is a
// typed envelope error; a wrapped welcome always unwraps to what was wrapped.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "crypto/hpke.h"
#include "xmtp/envelope/envelope_error.h"
#include "xmtp/envelope/welcome_proto.h"
#include "xmtp/envelope/welcome_wrapper.h"

namespace {

using namespace xs::xmtp::envelope;  // NOLINT

const xs::crypto::HpkeKeyPair& Recipient() {
  static const xs::crypto::HpkeKeyPair key_pair =
      xs::crypto::HpkeDeriveKeyPair(std::vector<std::uint8_t>(32, 0x42)).value();
  return key_pair;
}

template <typename T>
void ExpectTyped(const xs::Result<T>& result) {
  if (!result.ok() && !EnvelopeErrorOf(result.error()).has_value()) std::abort();
}

void Unwrap(const WrappedWelcome& wrapped) {
  ExpectTyped(UnwrapWelcome(wrapped, Recipient().private_key.bytes()));
}

void ParseAndUnwrap(std::span<const std::uint8_t> bytes) {
  auto received = ParseWelcomeMessage(bytes);
  ExpectTyped(received);
  if (received.ok()) Unwrap(received->welcome);
}

void RawUnwrap(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 2) return;
  WrappedWelcome wrapped;
  wrapped.algorithm = static_cast<WrapperAlgorithm>(bytes[0] % 5);
  const std::size_t data_size = std::min<std::size_t>(bytes[1], bytes.size() - 2);
  const std::span<const std::uint8_t> rest = bytes.subspan(2);
  wrapped.data.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(data_size));
  wrapped.welcome_metadata.assign(rest.begin() + static_cast<std::ptrdiff_t>(data_size),
                                  rest.end());
  Unwrap(wrapped);
}

void RoundTrip(std::span<const std::uint8_t> bytes) {
  std::uint64_t cursor = 0;
  for (std::size_t i = 0; i < bytes.size() && i < 8; ++i) cursor = (cursor << 8) | bytes[i];
  auto wrapped =
      WrapWelcome(std::vector<std::uint8_t>(32, 1), bytes, cursor, Recipient().public_key);
  if (!wrapped.ok()) std::abort();
  auto unwrapped = UnwrapWelcome(*wrapped, Recipient().private_key.bytes());
  if (!unwrapped.ok()) std::abort();
  if (!std::equal(unwrapped->welcome_mls_message.begin(), unwrapped->welcome_mls_message.end(),
                  bytes.begin(), bytes.end())) {
    std::abort();
  }
  if (unwrapped->message_cursor != cursor) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      ParseAndUnwrap(bytes);
      break;
    case 1:
      RawUnwrap(bytes);
      break;
    default:
      RoundTrip(bytes);
      break;
  }
  return 0;
}
