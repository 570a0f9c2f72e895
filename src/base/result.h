// Result<T>: a value or an Error, like std::expected (which g++ 12 lacks).
// Untrusted input never throws in this codebase: decoders and validators
// return Result, and callers propagate with XS_TRY / XS_RETURN_IF_ERROR.
//
//   Result<Frame> ReadFrame(Cursor& in);
//   XS_TRY(Frame f, ReadFrame(in));        // returns the error if any
//   Status Check(...);                     // Status = Result<void>
//   XS_RETURN_IF_ERROR(Check(...));
//
// Accessing value() of an error (or error() of a value) is a programmer error
// and aborts.
#pragma once

#include <cstdlib>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "base/error.h"

namespace xs {

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(const T& v) : v_(std::in_place_index<0>, v) {}                    // NOLINT
  Result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}              // NOLINT
  Result(const Error& e) : v_(std::in_place_index<1>, e) {}                // NOLINT
  Result(Error&& e) : v_(std::in_place_index<1>, std::move(e)) {}          // NOLINT
  template <typename U,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                        !std::is_same_v<std::decay_t<U>, T> &&
                                        !std::is_same_v<std::decay_t<U>, Error> &&
                                        !std::is_same_v<std::decay_t<U>, Result>>>
  Result(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return Check(), std::get<0>(v_); }
  const T& value() const& { return Check(), std::get<0>(v_); }
  T&& value() && { return Check(), std::get<0>(std::move(v_)); }

  const Error& error() const& { return CheckError(), std::get<1>(v_); }
  Error&& error() && { return CheckError(), std::get<1>(std::move(v_)); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void Check() const {
    if (!ok()) std::abort();
  }
  void CheckError() const {
    if (ok()) std::abort();
  }
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(const Error& e) : e_(e) {}      // NOLINT
  Result(Error&& e) : e_(std::move(e)) {}  // NOLINT

  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  void value() const {
    if (!ok()) std::abort();
  }
  const Error& error() const& {
    if (ok()) std::abort();
    return *e_;
  }
  Error&& error() && {
    if (ok()) std::abort();
    return std::move(*e_);
  }

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

inline Status OkStatus() { return Status(); }

}  // namespace xs

#define XS_CONCAT_INNER(a, b) a##b
#define XS_CONCAT(a, b) XS_CONCAT_INNER(a, b)

// XS_TRY(decl, expr): evaluates expr (a Result); on error returns it from the
// enclosing function, otherwise moves the value into `decl`.
#define XS_TRY(decl, expr)                                  \
  auto XS_CONCAT(xs_try_, __LINE__) = (expr);               \
  if (!XS_CONCAT(xs_try_, __LINE__).ok())                   \
    return std::move(XS_CONCAT(xs_try_, __LINE__)).error(); \
  decl = std::move(XS_CONCAT(xs_try_, __LINE__)).value()

// XS_RETURN_IF_ERROR(expr): returns the error of a Status/Result if any.
#define XS_RETURN_IF_ERROR(expr)                              \
  do {                                                        \
    auto xs_status_ = (expr);                                 \
    if (!xs_status_.ok()) return std::move(xs_status_).error(); \
  } while (0)
