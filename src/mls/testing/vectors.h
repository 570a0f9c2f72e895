// Test-only helper (header-only, not part of xs_mls): locating, loading and
// walking the official MLS test vectors (shared/mls/test-vectors, RFC 9420
// interop vectors). The folder is taken from the environment variable
// XS_MLS_TEST_VECTORS, else from XS_SHARED_DIR (compile definition set by
// xs_test) + "/mls/test-vectors".
//
// A known-answer test reads:
//
//   const VectorFile vectors("secret-tree.json");
//   XS_REQUIRE_VECTORS(vectors);
//   const int checked = vectors.ForEachSupportedSuite([&](const SuiteVectorEntry& entry) {
//     ... ASSERT/EXPECT on entry.json, messages start with entry.where ...
//   });
//   EXPECT_EQ(checked, 6);
//
// XS_REQUIRE_VECTORS stays in the test body because FAIL / GTEST_SKIP return
// from the function they are written in. A missing or unreadable file is a
// skip, except when the environment has CI=true: then it is a failure. A file
// that exists but does not parse as a JSON array is always a failure.
//
// Thread contract: pure functions; a VectorFile is immutable once loaded.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/hex.h"
#include "crypto/cipher_suite.h"

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

// True when the environment has CI=true: the vectors are then required.
inline bool VectorsRequired() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// The parsed JSON array of `file`, or nullopt with `skip_reason` set and
// `*is_failure` telling whether the test must fail (CI=true and the file is
// missing or unreadable, or the file does not parse) rather than skip.
inline std::optional<nlohmann::json> LoadVectors(const std::string& file, std::string* skip_reason,
                                                 bool* is_failure) {
  const std::filesystem::path path = VectorsDir() / file;
  std::ifstream in(path);
  if (!in) {
    *is_failure = VectorsRequired();
    *skip_reason = "MLS test vector file not found or unreadable: " + path.string() +
                   (*is_failure ? " (CI=true requires it)"
                                : " (set XS_MLS_TEST_VECTORS to the test-vectors folder)");
    return std::nullopt;
  }
  nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_array()) {
    *is_failure = true;
    *skip_reason = "MLS test vector file does not parse as a JSON array: " + path.string();
    return std::nullopt;
  }
  *is_failure = false;
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

// The cipher suites this implementation checks the vectors for (the XMTP
// profile uses 1; 3 is the Ed25519 / ChaCha20 sibling).
inline bool IsSupportedSuite(std::uint16_t id) { return id == 1 || id == 3; }

struct VectorEntry {
  const nlohmann::json& json;
  std::string where;  // "file[index]"
};

// An entry whose "cipher_suite" is supported, with the suite ready to use.
struct SuiteVectorEntry {
  const nlohmann::json& json;
  std::string where;  // "file[index]"
  std::uint16_t suite_id;
  crypto::CipherSuite suite;
};

class VectorFile {
 public:
  explicit VectorFile(std::string file) : file_(std::move(file)) {
    entries_ = LoadVectors(file_, &skip_reason_, &is_failure_);
  }

  // False when the file is absent, unreadable or does not parse; the test
  // then skips or fails (is_failure()) with skip_reason(): XS_REQUIRE_VECTORS.
  bool loaded() const { return entries_.has_value(); }
  bool is_failure() const { return is_failure_; }
  const std::string& skip_reason() const { return skip_reason_; }
  const std::string& file() const { return file_; }
  // The JSON array; only when loaded().
  const nlohmann::json& entries() const { return *entries_; }

  // Calls check(const VectorEntry&) for every entry in order. Returns how
  // many entries were checked; a file without entries is a failure.
  template <typename Check>
  int ForEachEntry(Check&& check) const {
    int checked = 0;
    for (std::size_t index = 0; index < entries_->size(); ++index) {
      ++checked;
      check(VectorEntry{(*entries_)[index], Where(file_, index)});
      if (StopAfterFatalFailure()) break;
    }
    if (checked == 0) ADD_FAILURE() << file_ << ": no entry checked";
    return checked;
  }

  // Calls check(const SuiteVectorEntry&) for every entry of a supported
  // cipher suite, in order. Returns how many entries were checked; none is a
  // failure.
  template <typename Check>
  int ForEachSupportedSuite(Check&& check) const {
    int checked = 0;
    for (std::size_t index = 0; index < entries_->size(); ++index) {
      const nlohmann::json& entry = (*entries_)[index];
      const auto suite_id = entry["cipher_suite"].get<std::uint16_t>();
      if (!IsSupportedSuite(suite_id)) continue;
      ++checked;
      check(SuiteVectorEntry{entry, Where(file_, index), suite_id,
                             *crypto::CipherSuite::Create(suite_id)});
      if (StopAfterFatalFailure()) break;
    }
    if (checked == 0) ADD_FAILURE() << file_ << ": no entry of cipher suite 1 or 3 checked";
    return checked;
  }

 private:
  // An ASSERT inside `check` returns from `check` only; stopping here keeps
  // its meaning of ending the test, as it had in a plain loop.
  static bool StopAfterFatalFailure() { return ::testing::Test::HasFatalFailure(); }

  std::string file_;
  std::string skip_reason_;
  bool is_failure_ = false;
  std::optional<nlohmann::json> entries_;
};

}  // namespace xs::mls::testing

// In a test body: returns from it unless `vectors` loaded, with a failure
// (CI=true and the file missing, or the file not parsing) or else a skip.
#define XS_REQUIRE_VECTORS(vectors)                                  \
  do {                                                               \
    if (!(vectors).loaded()) {                                       \
      if ((vectors).is_failure()) FAIL() << (vectors).skip_reason(); \
      GTEST_SKIP() << (vectors).skip_reason();                       \
    }                                                                \
  } while (false)
