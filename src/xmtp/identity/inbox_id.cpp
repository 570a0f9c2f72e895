#include "xmtp/identity/inbox_id.h"

#include <string>

#include "codec/hex.h"
#include "crypto/hash.h"

namespace xs::xmtp::identity {

Result<std::string> DeriveInboxId(const MemberId& identifier, std::uint64_t nonce) {
  if (identifier.is_installation()) {
    return Error::Validation("identifier",
                             "an inbox id derives from a wallet or passkey, "
                             "not an installation key");
  }
  std::string input = identifier.ToString();
  input += std::to_string(nonce);
  return codec::HexEncode(crypto::Sha256(input));
}

Result<std::string> InboxIdForAddress(std::string_view address, std::uint64_t nonce) {
  XS_TRY(std::string canonical, NormalizeEthereumAddress(address));
  return DeriveInboxId(MemberId::Ethereum(std::move(canonical)), nonce);
}

bool IsValidInboxId(std::string_view inbox_id) {
  if (inbox_id.size() != kInboxIdLength) return false;
  for (char c : inbox_id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace xs::xmtp::identity
