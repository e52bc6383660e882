// Errors as values. A Result<T, Code> holds either a T or an Error<Code>:
// a component-specific code the caller can branch on plus a message for humans
// that names what was wrong and where.
//
// Threading: plain values; no shared state.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace crm {

template <class Code>
struct Error {
  Code code;
  std::string message;
};

template <class Code>
Error<Code> fail(Code code, std::string message) {
  return Error<Code>{code, std::move(message)};
}

template <class T, class Code>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : v_(std::move(value)) {
  }  // NOLINT(google-explicit-constructor): implicit by design, like std::expected
  Result(Error<Code> error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok().
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  // By value, not T&&: `for (auto& x : f().value())` then iterates a live
  // object instead of one inside a destroyed temporary.
  T value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }

  // REQUIRES: !ok().
  const Error<Code>& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error<Code>> v_;
};

// Result of an operation that yields nothing on success.
template <class Code>
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error<Code> error)
      : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  // REQUIRES: !ok().
  const Error<Code>& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error<Code> error_{};
  bool ok_ = true;
};

}  // namespace crm
