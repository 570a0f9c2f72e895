// Typed error kinds carried inside Error::Validation, shared by the tree and
// group layers (tree/tree_error.h, group/group_error.h): each kind has a name
// and a default reason, and its errors use "<prefix><name>" both as the
// Validation field and as Error::kind(), from which the kind is recovered.
// The error stays an ordinary Validation error for every other caller.
//
// Thread contract: an ErrorKinds table is immutable; its functions are pure.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

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

  // Error::Validation("<prefix><name>", detail or the kind's reason) with
  // kind() "<prefix><name>"; an unknown kind gets field "<prefix>" and no kind.
  Error Make(Kind kind, std::string_view detail) const {
    const ErrorKindInfo<Kind>* info = Find(kind);
    if (info == nullptr) return Error::Validation(field_prefix_, detail);
    std::string name = FullName(*info);
    Error error = Error::Validation(name, detail.empty() ? info->reason : detail);
    return std::move(error).WithKind(std::move(name));
  }

  // The kind of an error made by Make (read from Error::kind(), so it
  // survives Within), nullopt for any other error.
  std::optional<Kind> Of(const Error& error) const {
    std::string_view name = error.kind();
    if (!name.starts_with(field_prefix_)) return std::nullopt;
    name.remove_prefix(field_prefix_.size());
    for (const ErrorKindInfo<Kind>& info : kinds_) {
      if (info.name == name) return info.kind;
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

  std::string FullName(const ErrorKindInfo<Kind>& info) const {
    std::string field(field_prefix_);
    field += info.name;
    return field;
  }

  std::string_view field_prefix_;
  std::span<const ErrorKindInfo<Kind>> kinds_;
};

}  // namespace xs::mls
