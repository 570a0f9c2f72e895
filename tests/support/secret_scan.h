// SecretScan: the leak check every CLI and daemon test ends with. A test
// records what its processes printed (outputs), names the files a leak could
// reach (logs, the audit log, the data dir), and adds every secret it can
// know. Findings() then lists each place a secret appears:
//   - a secret (key material, passphrase) may appear in no output and no file,
//     in any of its forms: raw bytes, hex (either case), base64 and base64url
//     (aligned prefix, so it is also found inside a longer encoded blob);
//   - a token may appear in no file and exactly once across all outputs, in
//     the output of the command that issued it.
// Forms shorter than kMinFormBytes are not searched (they would match by
// chance). Header-only test support; not part of any library.
//
// Thread contract: not thread-safe; one owning thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "codec/base64.h"
#include "codec/hex.h"

namespace xs::testing {

class SecretScan {
 public:
  static constexpr std::size_t kMinFormBytes = 8;

  // Records what one command printed; returns the output's index.
  std::size_t AddOutput(std::string where, std::string text) {
    outputs_.push_back({std::move(where), std::move(text)});
    return outputs_.size() - 1;
  }
  std::size_t output_count() const { return outputs_.size(); }

  // A file scanned as a whole (read when Findings() runs).
  void AddFile(const std::filesystem::path& path) { files_.insert(path); }
  // Every regular file under `dir` (recursively) but the ones named in
  // `holders` (files whose job is to hold a secret, e.g. vault.key).
  void AddFilesUnder(const std::filesystem::path& dir, const std::set<std::string>& holders = {}) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
      if (!entry.is_regular_file(ec)) continue;
      if (holders.count(entry.path().filename().string())) continue;
      files_.insert(entry.path());
    }
  }
  bool HasFileNamed(const std::string& name) const {
    for (const auto& f : files_) {
      if (f.filename() == name) return true;
    }
    return false;
  }

  void AddSecret(const std::string& what, std::span<const std::uint8_t> bytes) {
    if (bytes.size() < kMinFormBytes) return;
    names_.insert(what);
    AddForm(what, "raw", std::string(bytes.begin(), bytes.end()));
    std::string hex = codec::HexEncode(bytes);
    AddForm(what, "hex", hex);
    for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    AddForm(what, "HEX", hex);
    const std::size_t aligned = bytes.size() / 3 * 4;
    AddForm(what, "base64", codec::Base64Encode(bytes).substr(0, aligned));
    AddForm(what, "base64url", codec::Base64UrlEncode(bytes).substr(0, aligned));
  }
  void AddSecret(const std::string& what, std::string_view text) {
    AddSecret(what, std::span<const std::uint8_t>(
                        reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }

  // What each added secret is ("vault key", "installation … private key"),
  // never the secret itself.
  std::set<std::string> SecretNames() const { return names_; }

  // A bearer token issued in output `issuing_output` (an AddOutput index).
  void AddToken(const std::string& what, std::string token, std::size_t issuing_output) {
    tokens_.push_back({what, std::move(token), issuing_output});
  }

  // One line per leak; empty when clean.
  std::vector<std::string> Findings() const {
    std::vector<std::string> findings;
    for (const auto& o : outputs_) CheckSecrets(o.text, "output of " + o.where, findings);
    for (const auto& f : files_) {
      const std::string text = ReadAll(f);
      CheckSecrets(text, "file " + f.string(), findings);
      for (const auto& t : tokens_) {
        if (text.find(t.text) != std::string::npos) {
          findings.push_back(t.what + " appears in file " + f.string());
        }
      }
    }
    for (const auto& t : tokens_) CheckToken(t, findings);
    return findings;
  }

 private:
  struct Output {
    std::string where;
    std::string text;
  };
  struct Form {
    std::string what;
    std::string text;
  };
  struct Token {
    std::string what;
    std::string text;
    std::size_t issuing_output;
  };

  static std::string ReadAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static std::size_t CountOf(std::string_view haystack, std::string_view needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string_view::npos;
         at = haystack.find(needle, at + 1)) {
      ++n;
    }
    return n;
  }

  void AddForm(const std::string& what, const char* form, std::string text) {
    if (text.size() < kMinFormBytes) return;
    forms_.push_back({what + " (" + form + ")", std::move(text)});
  }

  void CheckSecrets(std::string_view text, const std::string& where,
                    std::vector<std::string>& findings) const {
    for (const auto& f : forms_) {
      if (text.find(f.text) != std::string_view::npos) {
        findings.push_back(f.what + " appears in " + where);
      }
    }
  }

  void CheckToken(const Token& t, std::vector<std::string>& findings) const {
    for (std::size_t i = 0; i < outputs_.size(); ++i) {
      const std::size_t n = CountOf(outputs_[i].text, t.text);
      const std::size_t want = i == t.issuing_output ? 1 : 0;
      if (n != want) {
        findings.push_back(t.what + " appears " + std::to_string(n) + " times (want " +
                           std::to_string(want) + ") in output of " + outputs_[i].where);
      }
    }
    if (t.issuing_output >= outputs_.size()) {
      findings.push_back(t.what + " names no recorded issuing output");
    }
  }

  std::vector<Output> outputs_;
  std::set<std::filesystem::path> files_;
  std::vector<Form> forms_;
  std::set<std::string> names_;
  std::vector<Token> tokens_;
};

}  // namespace xs::testing
