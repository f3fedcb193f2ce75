#pragma once

#include <expected>
#include <string>
#include <utility>

namespace aviary {

// What went wrong, as a value. `code` is a short machine-readable word (for example "InvalidSpec",
// "NotFound", "Unavailable"); `message` is for people and grows context on the way up.
struct Error {
  std::string code;
  std::string message;

  // Returns a copy whose message is prefixed with `context`, e.g. "loading model: file not found".
  Error withContext(const std::string& context) const { return {code, context + ": " + message}; }
};

template <typename T>
using Result = std::expected<T, Error>;

// Result for operations that return nothing on success.
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(std::string code, std::string message) {
  return std::unexpected<Error>(Error{std::move(code), std::move(message)});
}

inline std::unexpected<Error> fail(Error error) { return std::unexpected<Error>(std::move(error)); }

}  // namespace aviary

// Evaluates `expr` (a Result); on error returns it from the enclosing function, else binds the
// value. g++ 12 lacks std::expected's monadic members, so this carries the early return.
#define AVIARY_ASSIGN_OR_RETURN(lhs, expr)                           \
  auto AVIARY_CONCAT(result_, __LINE__) = (expr);                    \
  if (!AVIARY_CONCAT(result_, __LINE__).has_value())                 \
    return ::aviary::fail(AVIARY_CONCAT(result_, __LINE__).error()); \
  lhs = std::move(*AVIARY_CONCAT(result_, __LINE__))

// Evaluates `expr` (a Status or Result); on error returns it from the enclosing function.
#define AVIARY_RETURN_IF_ERROR(expr)                                                \
  do {                                                                              \
    auto aviary_status_ = (expr);                                                   \
    if (!aviary_status_.has_value()) return ::aviary::fail(aviary_status_.error()); \
  } while (false)

#define AVIARY_CONCAT_INNER(a, b) a##b
#define AVIARY_CONCAT(a, b) AVIARY_CONCAT_INNER(a, b)
