#include "xmtp/store/store_error.h"

#include <array>
#include <string>

namespace xs::xmtp::store {
namespace {

constexpr std::string_view kKindPrefix = "xmtp.store.";

constexpr std::array<StoreError, 8> kAll = {
    StoreError::kWrongKey,        StoreError::kSealedRowInvalid, StoreError::kSchemaTooNew,
    StoreError::kNotFound,        StoreError::kStaleEpoch,       StoreError::kCursorRegression,
    StoreError::kInvalidArgument, StoreError::kRowCorrupt,
};

}  // namespace

std::string_view StoreErrorName(StoreError kind) {
  switch (kind) {
    case StoreError::kWrongKey:
      return "wrong_key";
    case StoreError::kSealedRowInvalid:
      return "sealed_row_invalid";
    case StoreError::kSchemaTooNew:
      return "schema_too_new";
    case StoreError::kNotFound:
      return "not_found";
    case StoreError::kStaleEpoch:
      return "stale_epoch";
    case StoreError::kCursorRegression:
      return "cursor_regression";
    case StoreError::kInvalidArgument:
      return "invalid_argument";
    case StoreError::kRowCorrupt:
      return "row_corrupt";
  }
  return "unknown";
}

Error MakeStoreError(StoreError kind, std::string_view detail) {
  std::string kind_name = std::string(kKindPrefix) + std::string(StoreErrorName(kind));
  std::string reason = detail.empty() ? std::string(StoreErrorName(kind)) : std::string(detail);
  switch (kind) {
    case StoreError::kWrongKey:
      return Error::Auth("xmtp store: " + reason).WithKind(std::move(kind_name));
    case StoreError::kNotFound:
      return Error::NotFound("xmtp store: " + reason).WithKind(std::move(kind_name));
    default:
      return Error::Validation(kind_name, reason).WithKind(kind_name);
  }
}

std::optional<StoreError> StoreErrorOf(const Error& error) {
  const std::string& kind = error.kind();
  if (kind.rfind(kKindPrefix, 0) != 0) return std::nullopt;
  const std::string_view name = std::string_view(kind).substr(kKindPrefix.size());
  for (StoreError e : kAll) {
    if (StoreErrorName(e) == name) return e;
  }
  return std::nullopt;
}

}  // namespace xs::xmtp::store
