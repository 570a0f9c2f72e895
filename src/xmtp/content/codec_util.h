// Helpers shared by the codecs of this folder; not part of the public API.
//
// Thread contract: pure functions.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "xmtp/content/encoded_content.h"

namespace xs::xmtp::content::internal {

// A Validation error of kind kErrorMalformed.
Error Malformed(std::string_view field, std::string_view why);

// kErrorWrongType unless `encoded` has the same authority, type and major
// version as `expected`.
Status CheckType(const EncodedContent& encoded, const ContentTypeId& expected);

// Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::span<const std::uint8_t> bytes);
bool IsValidUtf8(std::string_view text);

// The content as UTF-8 text, or kErrorMalformed naming `field`.
Result<std::string> ContentAsUtf8(const EncodedContent& encoded, std::string_view field);

std::optional<std::string> Parameter(const EncodedContent& encoded, std::string_view key);
// A present, non-empty parameter, or kErrorMalformed.
Result<std::string> RequiredParameter(const EncodedContent& encoded, std::string_view key);

Bytes ToBytes(std::string_view text);

}  // namespace xs::xmtp::content::internal
