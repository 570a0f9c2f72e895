// Named limits of the chat and message actions.
#pragma once

#include <cstddef>

#include "xmtp/group/constants.h"

namespace xs::signet {

// The text of one `msg send` (UTF-8 bytes). XMTP carries far larger
// payloads; a chat message beyond this is almost surely a mistake.
inline constexpr std::size_t kMaxMessageTextBytes = 64 * 1024;
// Members named in one `chat create`.
inline constexpr std::size_t kMaxCreateMembersCount = 200;
// `msg list`: the newest this many messages unless --limit says otherwise.
inline constexpr std::size_t kDefaultMessageListCount = 50;
inline constexpr std::size_t kMaxMessageListCount = 10'000;
// `chat update`: the group metadata limits every XMTP member enforces (a
// commit beyond them is rejected by the others).
inline constexpr std::size_t kMaxChatNameBytes = xmtp::group::kMaxGroupNameBytes;
inline constexpr std::size_t kMaxChatDescriptionBytes = xmtp::group::kMaxDescriptionBytes;
inline constexpr std::size_t kMaxChatImageUrlBytes = xmtp::group::kMaxImageUrlBytes;

// `xs search`: the query (UTF-8 bytes) and its whitespace-separated terms.
inline constexpr std::size_t kMaxSearchQueryBytes = 256;
inline constexpr std::size_t kMaxSearchTermCount = 16;
// Matches returned unless --limit says otherwise, and the most it may say.
inline constexpr std::size_t kDefaultSearchResultCount = 20;
inline constexpr std::size_t kMaxSearchResultCount = 1'000;
// Bytes of context shown around a message match.
inline constexpr std::size_t kSearchSnippetBytes = 80;

}  // namespace xs::signet
