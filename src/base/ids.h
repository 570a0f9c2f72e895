// Resource IDs: a type prefix plus exactly 16 lowercase hex characters
// (8 random bytes), e.g. "op_1a2b3c4d5e6f7a8b". Short-ID resolution follows
// shared/spec/concepts.md §5 and decisions.md #11.
//
// Thread contract: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace xs {

enum class IdType : std::uint8_t {
  kOperator,
  kInbox,
  kConversation,
  kPolicy,
  kCredential,
  kSeal,
  kKey,
  kMessage,
  kNetwork,
};

inline constexpr std::size_t kIdHexLength = 16;

// "op_", "inbox_", "conv_", "policy_", "cred_", "seal_", "key_", "msg_", "xmtp_".
std::string_view IdPrefix(IdType type);
// The record name used in messages ("operator", "credential", ...).
std::string_view IdTypeName(IdType type);

// Builds an id from 8 bytes (the caller supplies CSPRNG output).
std::string MakeId(IdType type, std::span<const std::uint8_t, 8> random);

// A parsed, valid full id.
struct ParsedId {
  IdType type;
  std::string id;
};

// Parses a full id of any known prefix. Unknown prefix or a suffix that is not
// 16 lowercase hex characters is a validation error.
Result<ParsedId> ParseId(std::string_view text);
// Parses a full id that must be of `type`.
Result<std::string> ParseIdOf(IdType type, std::string_view text);
bool IsValidId(IdType type, std::string_view text);

// Resolves `input` (a full id, a prefixed hex prefix, or a bare hex prefix)
// against the full ids of `type` in `candidates`:
//   exactly one match -> that id; several -> validation error whose context
//   lists the candidates; none -> not_found; malformed input -> validation.
Result<std::string> ResolveShortId(IdType type, std::string_view input,
                                   const std::vector<std::string>& candidates);

}  // namespace xs
