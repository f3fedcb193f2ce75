#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/field_error.h"
#include "api/names.h"
#include "common/clock.h"
#include "common/duration.h"

namespace aviary::api {

enum class Presence { kOptional, kRequired };

// Reads the fields of one JSON object, recording every problem (with its JSON path) instead of
// stopping at the first, so an InvalidSpec condition can list them all. A getter returns nullopt
// when the field is absent or malformed; a malformed or missing-but-required field adds an error.
class JsonReader {
 public:
  // `object` must outlive the reader. A non-object value records an error and reads as empty.
  JsonReader(const nlohmann::json& object, std::string path, std::vector<FieldError>& errors);

  std::optional<std::string> string(std::string_view key, Presence presence = Presence::kOptional);
  std::optional<std::int64_t> integer(std::string_view key,
                                      Presence presence = Presence::kOptional);
  std::optional<double> number(std::string_view key, Presence presence = Presence::kOptional);
  std::optional<bool> boolean(std::string_view key, Presence presence = Presence::kOptional);
  std::optional<Duration> duration(std::string_view key, Presence presence = Presence::kOptional);
  std::optional<Timestamp> time(std::string_view key, Presence presence = Presence::kOptional);
  std::optional<JsonReader> object(std::string_view key, Presence presence = Presence::kOptional);
  // The items of an array field, each with its path ("spec.strategy.steps[2]").
  std::vector<std::pair<std::string, const nlohmann::json*>> array(
      std::string_view key, Presence presence = Presence::kOptional);
  // The raw value of a field (for free-form fields such as a pod template).
  const nlohmann::json* raw(std::string_view key) const;

  template <typename E>
  std::optional<E> enumeration(std::string_view key, Presence presence = Presence::kOptional) {
    auto name = string(key, presence);
    if (!name) return std::nullopt;
    auto value = parseEnum<E>(*name);
    if (!value) addError(key, "must be one of " + enumNameList<E>() + ", got \"" + *name + "\"");
    return value;
  }

  std::string pathOf(std::string_view key) const { return path_ + "." + std::string(key); }
  const std::string& path() const { return path_; }
  void addError(std::string_view key, std::string message);

 private:
  // The field's value if present and not null; records "is required" when absent and required.
  const nlohmann::json* find(std::string_view key, Presence presence);
  void wrongType(std::string_view key, std::string_view expected, const nlohmann::json& got);

  const nlohmann::json* object_;
  std::string path_;
  std::vector<FieldError>* errors_;
};

}  // namespace aviary::api
