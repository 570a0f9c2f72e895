// Feeds arbitrary text to the invite readers: ExtractInviteSlug, ParseInvite,
// RecoverInviteSigner, CheckInviteUsable, VerifyInviteForHost (with a fixed
// key) and DecryptConversationToken; and the raw bytes to Unframe.
// Invariants (a violation aborts): nothing crashes; every refusal is a
// Validation error with a kind; a parsed invite re-encodes (InviteToSlug) to
// a slug that parses to the same invite (when it fits the input bound).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "xmtp/convos/frame.h"
#include "xmtp/convos/invite.h"

namespace {

using namespace xs::xmtp::convos;

void Check(bool condition) {
  if (!condition) std::abort();
}

template <typename T>
void CheckRefusal(const xs::Result<T>& result) {
  if (!result.ok()) Check(result.error().IsValidation() && !result.error().kind().empty());
}

const Bytes kKey(32, 0x11);
constexpr std::string_view kInbox =
    "9f2c5a1b7e3d4c6a8b0e1f2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f401";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckRefusal(ExtractInviteSlug(text));
  auto unframed = Unframe({data, size});
  CheckRefusal(unframed);
  if (unframed.ok()) Check(unframed->bytes.size() <= kMaxInflatedBytes);
  CheckRefusal(DecryptConversationToken({data, size}, kInbox, kKey));

  auto invite = ParseInvite(text);
  CheckRefusal(invite);
  if (!invite.ok()) return 0;
  const std::string slug = InviteToSlug(*invite);
  if (slug.size() <= kMaxInviteInputChars) {  // an inflated invite may re-encode larger
    auto again = ParseInvite(slug);
    Check(again.ok() && *again == *invite);
  }
  CheckRefusal(RecoverInviteSigner(*invite));
  const xs::Status usable = CheckInviteUsable(*invite, 1'800'000'000'000);
  if (!usable.ok()) Check(!usable.error().kind().empty());
  CheckRefusal(VerifyInviteForHost(*invite, kInbox, kKey, 1'800'000'000'000));
  return 0;
}
