// Inbox ids (protocol.md §3.1): lowercase hex SHA-256 of the UTF-8 string
// identifier + decimal(nonce), where the identifier is the canonical
// Ethereum address or the lowercase hex of a passkey key.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "xmtp/identity/identifiers.h"

namespace xs::xmtp::identity {

// 64 lowercase hex characters.
inline constexpr std::size_t kInboxIdLength = 64;

// `identifier` must be addressable (Ethereum or passkey), not an installation.
Result<std::string> DeriveInboxId(const MemberId& identifier, std::uint64_t nonce);

// Normalizes `address` (any case) first.
Result<std::string> InboxIdForAddress(std::string_view address, std::uint64_t nonce);

// True for 64 lowercase hex characters.
bool IsValidInboxId(std::string_view inbox_id);

}  // namespace xs::xmtp::identity
