// Error: the one error value every layer returns, carrying the spec's error
// taxonomy (shared/spec/transport.md §2): a category (which fixes the CLI exit
// code, HTTP status and JSON-RPC code), a numeric code, a `_tag`, a message
// and an optional JSON-object context.
//
// An error may also carry a kind: a stable dotted name chosen by the layer
// that made it ("mls.tree.parent_hash_mismatch"), so that callers branch on
// data instead of matching message text. Base knows no kinds; each layer
// names its own. The kind stays in-process: the wire and JSON forms of an
// error carry category, code, tag, message and context only.
//
// Lower layers (codec, crypto, mls) mostly produce Validation errors with a
// precise message; the signet layers add context. Messages never contain
// secret material: callers pass descriptions, never key bytes.
//
// Thread contract: a plain value type; safe to copy between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace xs {

enum class Category : std::uint8_t {
  kValidation,
  kNotFound,
  kPermission,
  kAuth,
  kInternal,
  kTimeout,
  kCancelled,
  kNetwork,
};

// The spelling used on the wire ("validation", "not_found", ...).
std::string_view CategoryName(Category c);
// Parses a wire spelling; returns false for an unknown category.
bool ParseCategory(std::string_view name, Category* out);
// CLI exit code for a category (validation 1, not_found 2, permission 4,
// timeout 5, network 6, internal 8, auth 9, cancelled 130).
int ExitCode(Category c);
int HttpStatus(Category c);
int JsonRpcCode(Category c);
bool IsRetryable(Category c);

// Exit code for an error whose category could not be determined.
inline constexpr int kUnknownCategoryExitCode = 8;

class Error {
 public:
  // Named constructors, one per `_tag` of the taxonomy.
  static Error Validation(std::string_view field, std::string_view reason);
  static Error Seal(std::string_view seal_id, std::string_view reason);
  static Error NotFound(std::string_view message);
  static Error Permission(std::string_view message);
  static Error Auth(std::string_view message);
  static Error CredentialExpired(std::string_view credential_id);
  static Error Internal(std::string_view message);
  static Error Timeout(std::string_view message);
  static Error Cancelled(std::string_view message);
  static Error Network(std::string_view endpoint, std::string_view message);

  Category category() const { return category_; }
  int code() const { return code_; }
  const std::string& tag() const { return tag_; }
  const std::string& message() const { return message_; }
  // Serialized JSON object, or empty for `null`.
  const std::string& context_json() const { return context_json_; }
  // The machine-readable kind ("mls.tree.blank_leaf"), or empty for none.
  const std::string& kind() const { return kind_; }

  bool IsValidation() const { return category_ == Category::kValidation; }
  bool IsNotFound() const { return category_ == Category::kNotFound; }
  bool IsPermission() const { return category_ == Category::kPermission; }
  bool IsAuth() const { return category_ == Category::kAuth; }
  bool IsInternal() const { return category_ == Category::kInternal; }
  bool IsTimeout() const { return category_ == Category::kTimeout; }
  bool IsCancelled() const { return category_ == Category::kCancelled; }
  bool IsNetwork() const { return category_ == Category::kNetwork; }

  // Replaces the context (a serialized JSON object, or "" for null).
  Error&& WithContext(std::string context_json) && {
    context_json_ = std::move(context_json);
    return std::move(*this);
  }
  // Sets the kind (a stable dotted name, or "" for none).
  Error&& WithKind(std::string kind) && {
    kind_ = std::move(kind);
    return std::move(*this);
  }
  // Prefixes the message with where the error arose ("identity update: ...");
  // category, code, tag, context and kind are kept.
  Error&& Within(std::string_view where) &&;

  // "<_tag> (<code>, <category>): <message>"; for logs and test failures.
  std::string ToString() const;

  Error(Category category, int code, std::string tag, std::string message,
        std::string context_json = {});

 private:
  Category category_;
  int code_;
  std::string tag_;
  std::string message_;
  std::string context_json_;
  std::string kind_;
};

}  // namespace xs
