// Test-only helper (header-only, not part of xs_mls): locating and loading
// the official MLS test vectors (shared/mls/test-vectors, RFC 9420 interop
// vectors). The folder is taken from the environment variable
// XS_MLS_TEST_VECTORS, else from XS_SHARED_DIR (compile definition set by
// xs_test) + "/mls/test-vectors". Tests call LoadVectors() and GTEST_SKIP
// with the returned reason when the file is absent.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/hex.h"

namespace xs::mls::testing {

inline std::filesystem::path VectorsDir() {
  if (const char* env = std::getenv("XS_MLS_TEST_VECTORS"); env != nullptr && *env != '\0') {
    return env;
  }
#ifdef XS_SHARED_DIR
  return std::filesystem::path(XS_SHARED_DIR) / "mls" / "test-vectors";
#else
  return {};
#endif
}

// The parsed JSON array of `file`, or nullopt with `skip_reason` set.
inline std::optional<nlohmann::json> LoadVectors(const std::string& file,
                                                 std::string* skip_reason) {
  const std::filesystem::path path = VectorsDir() / file;
  std::ifstream in(path);
  if (!in) {
    *skip_reason = "MLS test vector file not found: " + path.string() +
                   " (set XS_MLS_TEST_VECTORS to the test-vectors folder)";
    return std::nullopt;
  }
  nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_array()) {
    *skip_reason = "MLS test vector file is not a JSON array: " + path.string();
    return std::nullopt;
  }
  return json;
}

// Hex field of a vector entry; empty for a missing or null field.
inline std::vector<std::uint8_t> HexField(const nlohmann::json& entry, const char* key) {
  if (!entry.contains(key) || !entry[key].is_string()) return {};
  auto decoded = codec::HexDecode(entry[key].get<std::string>());
  return decoded.ok() ? std::move(decoded).value() : std::vector<std::uint8_t>{};
}

// "file[index]" for failure messages.
inline std::string Where(const std::string& file, std::size_t index) {
  return file + "[" + std::to_string(index) + "]";
}

}  // namespace xs::mls::testing
