#include "api/json_reader.h"

#include <cmath>

#include "common/time_format.h"

namespace aviary::api {
namespace {

const nlohmann::json& emptyObject() {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  return kEmpty;
}

std::string typeName(const nlohmann::json& value) {
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  return value.type_name();
}

}  // namespace

JsonReader::JsonReader(const nlohmann::json& object, std::string path,
                       std::vector<FieldError>& errors)
    : object_(&object), path_(std::move(path)), errors_(&errors) {
  if (!object.is_object()) {
    errors_->push_back({path_, "must be an object, got " + typeName(object)});
    object_ = &emptyObject();
  }
}

void JsonReader::addError(std::string_view key, std::string message) {
  errors_->push_back({pathOf(key), std::move(message)});
}

void JsonReader::wrongType(std::string_view key, std::string_view expected,
                           const nlohmann::json& got) {
  addError(key, "must be " + std::string(expected) + ", got " + typeName(got));
}

const nlohmann::json* JsonReader::find(std::string_view key, Presence presence) {
  auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) {
    if (presence == Presence::kRequired) addError(key, "is required");
    return nullptr;
  }
  return &*it;
}

const nlohmann::json* JsonReader::raw(std::string_view key) const {
  auto it = object_->find(key);
  return it == object_->end() ? nullptr : &*it;
}

std::optional<std::string> JsonReader::string(std::string_view key, Presence presence) {
  const auto* value = find(key, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    wrongType(key, "a string", *value);
    return std::nullopt;
  }
  if (presence == Presence::kRequired && value->get_ref<const std::string&>().empty()) {
    addError(key, "must not be empty");
    return std::nullopt;
  }
  return value->get<std::string>();
}

std::optional<std::int64_t> JsonReader::integer(std::string_view key, Presence presence) {
  const auto* value = find(key, presence);
  if (value == nullptr) return std::nullopt;
  if (value->is_number_integer()) return value->get<std::int64_t>();
  // JSON has one number type; 3.0 is an integer, 3.5 is not.
  if (value->is_number_float()) {
    const double number = value->get<double>();
    if (std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 9e15) {
      return static_cast<std::int64_t>(number);
    }
  }
  wrongType(key, "an integer", *value);
  return std::nullopt;
}

std::optional<double> JsonReader::number(std::string_view key, Presence presence) {
  const auto* value = find(key, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) {
    wrongType(key, "a number", *value);
    return std::nullopt;
  }
  return value->get<double>();
}

std::optional<bool> JsonReader::boolean(std::string_view key, Presence presence) {
  const auto* value = find(key, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) {
    wrongType(key, "true or false", *value);
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<Duration> JsonReader::duration(std::string_view key, Presence presence) {
  auto text = string(key, presence);
  if (!text) return std::nullopt;
  auto parsed = parseDuration(*text);
  if (!parsed) {
    addError(key, parsed.error().message);
    return std::nullopt;
  }
  return *parsed;
}

std::optional<Timestamp> JsonReader::time(std::string_view key, Presence presence) {
  auto text = string(key, presence);
  if (!text) return std::nullopt;
  auto parsed = parseRfc3339(*text);
  if (!parsed) {
    addError(key, parsed.error().message);
    return std::nullopt;
  }
  return *parsed;
}

std::optional<JsonReader> JsonReader::object(std::string_view key, Presence presence) {
  const auto* value = find(key, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_object()) {
    wrongType(key, "an object", *value);
    return std::nullopt;
  }
  return JsonReader(*value, pathOf(key), *errors_);
}

std::vector<std::pair<std::string, const nlohmann::json*>> JsonReader::array(std::string_view key,
                                                                             Presence presence) {
  std::vector<std::pair<std::string, const nlohmann::json*>> items;
  const auto* value = find(key, presence);
  if (value == nullptr) return items;
  if (!value->is_array()) {
    wrongType(key, "a list", *value);
    return items;
  }
  for (std::size_t i = 0; i < value->size(); ++i) {
    items.emplace_back(pathOf(key) + "[" + std::to_string(i) + "]", &(*value)[i]);
  }
  return items;
}

}  // namespace aviary::api
