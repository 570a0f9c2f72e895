#include "base/error.h"

#include <array>
#include <initializer_list>
#include <string>
#include <utility>

namespace xs {
namespace {

struct CategoryInfo {
  Category category;
  std::string_view name;
  int exit_code;
  int http_status;
  int json_rpc_code;
  bool retryable;
};

// shared/spec/transport.md §2, category mapping.
constexpr std::array<CategoryInfo, 8> kCategories = {{
    {Category::kValidation, "validation", 1, 400, -32602, false},
    {Category::kNotFound, "not_found", 2, 404, -32007, false},
    {Category::kPermission, "permission", 4, 403, -32003, false},
    {Category::kAuth, "auth", 9, 401, -32000, false},
    {Category::kInternal, "internal", 8, 500, -32603, false},
    {Category::kTimeout, "timeout", 5, 504, -32001, true},
    {Category::kCancelled, "cancelled", 130, 499, -32006, false},
    {Category::kNetwork, "network", 6, 503, -32002, true},
}};

const CategoryInfo& Info(Category c) { return kCategories[static_cast<std::size_t>(c)]; }

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (char ch : s) {
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(ch >> 4) & 0xf];
          out += kHex[ch & 0xf];
        } else {
          out += ch;
        }
    }
  }
  return out;
}

// A flat JSON object of string members. Built by appending: GCC 12 at -O2
// reports a false -Wrestrict on `"literal" + std::string` chains.
std::string Object(std::initializer_list<std::pair<std::string_view, std::string_view>> members) {
  std::string out = "{";
  for (const auto& [key, value] : members) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += JsonEscape(key);
    out += "\":\"";
    out += JsonEscape(value);
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace

std::string_view CategoryName(Category c) { return Info(c).name; }

bool ParseCategory(std::string_view name, Category* out) {
  for (const auto& info : kCategories) {
    if (info.name == name) {
      *out = info.category;
      return true;
    }
  }
  return false;
}

int ExitCode(Category c) { return Info(c).exit_code; }
int HttpStatus(Category c) { return Info(c).http_status; }
int JsonRpcCode(Category c) { return Info(c).json_rpc_code; }
bool IsRetryable(Category c) { return Info(c).retryable; }

Error::Error(Category category, int code, std::string tag, std::string message,
             std::string context_json)
    : category_(category),
      code_(code),
      tag_(std::move(tag)),
      message_(std::move(message)),
      context_json_(std::move(context_json)) {}

Error Error::Validation(std::string_view field, std::string_view reason) {
  std::string msg = "Validation failed on '";
  msg += field;
  msg += "': ";
  msg += reason;
  return Error(Category::kValidation, 1000, "ValidationError", std::move(msg),
               Object({{"field", field}, {"reason", reason}}));
}

Error Error::Seal(std::string_view seal_id, std::string_view reason) {
  return Error(Category::kValidation, 1010, "SealError", std::string(reason),
               Object({{"sealId", seal_id}, {"reason", reason}}));
}

Error Error::NotFound(std::string_view message) {
  return Error(Category::kNotFound, 1100, "NotFoundError", std::string(message));
}

Error Error::Permission(std::string_view message) {
  return Error(Category::kPermission, 1200, "PermissionError", std::string(message));
}

Error Error::Auth(std::string_view message) {
  return Error(Category::kAuth, 1300, "AuthError", std::string(message));
}

Error Error::CredentialExpired(std::string_view credential_id) {
  return Error(Category::kAuth, 1310, "CredentialExpiredError", "Credential has expired",
               Object({{"credentialId", credential_id}}));
}

Error Error::Internal(std::string_view message) {
  return Error(Category::kInternal, 1400, "InternalError", std::string(message));
}

Error Error::Timeout(std::string_view message) {
  return Error(Category::kTimeout, 1500, "TimeoutError", std::string(message));
}

Error Error::Cancelled(std::string_view message) {
  return Error(Category::kCancelled, 1600, "CancelledError", std::string(message));
}

Error Error::Network(std::string_view endpoint, std::string_view message) {
  return Error(Category::kNetwork, 1700, "NetworkError", std::string(message),
               Object({{"endpoint", endpoint}}));
}

Error&& Error::Within(std::string_view where) && {
  std::string m(where);
  m += ": ";
  m += message_;
  message_ = std::move(m);
  return std::move(*this);
}

std::string Error::ToString() const {
  std::string s = tag_;
  s += " (";
  s += std::to_string(code_);
  s += ", ";
  s += CategoryName(category_);
  s += "): ";
  s += message_;
  return s;
}

}  // namespace xs
