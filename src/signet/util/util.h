// Small helpers shared by the signet libraries: hex, random ids, fingerprints
// and JSON-string helpers. (The clock and ISO-8601 time are base/clock.h.)
//
// Thread contract: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/result.h"

namespace xs::signet {

using Json = nlohmann::json;

std::string ToHex(std::span<const std::uint8_t> bytes);
Result<std::vector<std::uint8_t>> FromHex(std::string_view hex);

// A fresh resource id of `type` from the CSPRNG.
std::string NewId(IdType type);
// A fresh id with an arbitrary prefix (used for wallets: "wallet_").
std::string NewPrefixedId(std::string_view prefix);

// "sha256:" + lowercase hex SHA-256 of `data`.
std::string Sha256Fingerprint(std::span<const std::uint8_t> data);
std::string Sha256Fingerprint(std::string_view data);

// Reads optional typed JSON params with validation errors naming the field.
Result<std::string> GetString(const Json& params, std::string_view field);
Result<std::string> GetOptString(const Json& params, std::string_view field,
                                 std::string fallback = {});
Result<std::vector<std::string>> GetStringList(const Json& params, std::string_view field);
bool HasField(const Json& params, std::string_view field);
bool GetBool(const Json& params, std::string_view field);

// Serializes without throwing: invalid UTF-8 in caller-supplied strings is
// replaced (U+FFFD) instead of raising nlohmann's type_error.
std::string SafeDump(const Json& j);

// Renders a context JSON object for Error::WithContext.
std::string ContextJson(const Json& object);

}  // namespace xs::signet
