// Decodes fuzzer input as identity updates and runs the association rules on
// them. The first byte picks the mode: even = a single IdentityUpdate applied
// to an empty inbox (then re-applied to its own result), odd = a log of
// updates, each prefixed by a 2-byte big-endian length, replayed by
// ComputeState. Nothing may crash, leak or trip the sanitizers, whatever the
// bytes.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "xmtp/identity/association_state.h"
#include "xmtp/identity/signature_text.h"
#include "xmtp/identity/update_codec.h"

namespace {

namespace id = xs::xmtp::identity;
namespace pb = ::xmtp::identity::associations;

constexpr std::size_t kMaxFuzzLogLength = 16;

void Single(std::span<const std::uint8_t> bytes) {
  auto update = id::DecodeIdentityUpdate(bytes);
  if (!update.ok()) return;
  (void)id::SignatureText(*update);
  auto state = id::ApplyUpdate(std::nullopt, *update);
  if (!state.ok()) return;
  (void)state->ToProto();
  (void)id::ApplyUpdate(*state, *update);  // must be rejected (replay / second create)
}

void Log(std::span<const std::uint8_t> bytes) {
  std::vector<pb::IdentityUpdate> updates;
  while (bytes.size() >= 2 && updates.size() < kMaxFuzzLogLength) {
    const std::size_t len = (std::size_t{bytes[0]} << 8) | bytes[1];
    bytes = bytes.subspan(2);
    if (len > bytes.size()) break;
    auto update = id::DecodeIdentityUpdate(bytes.first(len));
    bytes = bytes.subspan(len);
    if (update.ok()) updates.push_back(std::move(update).value());
  }
  (void)id::ComputeState(updates);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::span<const std::uint8_t> bytes(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    Single(bytes);
  } else {
    Log(bytes);
  }
  return 0;
}
