// Feeds arbitrary text to ParseAppData and UpdateAppData.
// Invariants (a violation aborts): nothing crashes; every refusal is a
// Validation error with a kind; whatever parses can be updated (unless the
// result would exceed 8 KiB), and the update reads back with the new tag and
// the old emoji and expiry.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "xmtp/convos/appdata.h"

namespace {

using namespace xs::xmtp::convos;

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = ParseAppData(text);
  if (!parsed.ok()) {
    Check(parsed.error().IsValidation() && !parsed.error().kind().empty());
    Check(!UpdateAppData(text, AppDataUpdate{"Fuzz123456", {}, {}}).ok());
    return 0;
  }
  auto updated = UpdateAppData(text, AppDataUpdate{"Fuzz123456", {}, {}});
  if (!updated.ok()) {
    Check(updated.error().kind() == kErrorTooLarge);
    return 0;
  }
  auto reread = ParseAppData(*updated);
  Check(reread.ok());
  Check(reread->tag == "Fuzz123456");
  Check(reread->expires_at_unix == parsed->expires_at_unix);
  Check(reread->emoji == parsed->emoji);
  Check(reread->profile_count == parsed->profile_count);
  return 0;
}
