// Typed error kinds carried inside Error::Validation, shared by the tree and
// group layers (tree/tree_error.h, group/group_error.h): each kind has a name
// and a default reason, its errors use the field "<prefix><name>", and the
// kind is recovered from an error's message. The error stays an ordinary
// Validation error for every other caller.
//
// Thread contract: an ErrorKinds table is immutable; its functions are pure.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/error.h"

namespace xs::mls {

template <typename Kind>
struct ErrorKindInfo {
  Kind kind;
  std::string_view name;
  std::string_view reason;  // used when the caller gives no detail
};

template <typename Kind>
class ErrorKinds {
 public:
  constexpr ErrorKinds(std::string_view field_prefix, std::span<const ErrorKindInfo<Kind>> kinds)
      : field_prefix_(field_prefix), kinds_(kinds) {}

  std::string_view Name(Kind kind) const {
    const ErrorKindInfo<Kind>* info = Find(kind);
    return info != nullptr ? info->name : "unknown";
  }

  // Error::Validation("<prefix><name>", detail or the kind's reason).
  Error Make(Kind kind, std::string_view detail) const {
    const ErrorKindInfo<Kind>* info = Find(kind);
    if (info == nullptr) return Error::Validation(field_prefix_, detail);
    return Error::Validation(FieldOf(*info), detail.empty() ? info->reason : detail);
  }

  // The kind of an error made by Make, nullopt for any other error.
  std::optional<Kind> Of(const Error& error) const {
    if (!error.IsValidation()) return std::nullopt;
    for (const ErrorKindInfo<Kind>& info : kinds_) {
      // Error::Validation spells its message "Validation failed on '<field>': <reason>".
      const std::string prefix = "Validation failed on '" + FieldOf(info) + "'";
      if (error.message().compare(0, prefix.size(), prefix) == 0) return info.kind;
    }
    return std::nullopt;
  }

 private:
  const ErrorKindInfo<Kind>* Find(Kind kind) const {
    for (const ErrorKindInfo<Kind>& info : kinds_) {
      if (info.kind == kind) return &info;
    }
    return nullptr;
  }

  std::string FieldOf(const ErrorKindInfo<Kind>& info) const {
    std::string field(field_prefix_);
    field += info.name;
    return field;
  }

  std::string_view field_prefix_;
  std::span<const ErrorKindInfo<Kind>> kinds_;
};

}  // namespace xs::mls
