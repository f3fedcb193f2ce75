#include "kube/yaml.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <regex>

namespace aviary::kube {
namespace {

Json scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "?") return text;  // quoted or explicitly tagged: a string
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text.empty() || text == "null" || text == "Null" || text == "NULL" || text == "~")
    return nullptr;
  std::int64_t integer = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
  if (error == std::errc{} && end == text.data() + text.size()) return integer;
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, kFloat)) return std::stod(text);
  return text;
}

Json toJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return scalar(node);
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(toJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& entry : node) out[entry.first.as<std::string>()] = toJson(entry.second);
      return out;
    }
    default:
      return nullptr;
  }
}

}  // namespace

Result<std::vector<Json>> parseYamlDocuments(const std::string& text) {
  try {
    std::vector<Json> out;
    for (const auto& document : YAML::LoadAll(text)) {
      Json json = toJson(document);
      if (!json.is_null()) out.push_back(std::move(json));
    }
    return out;
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::kInvalidArgument, e.what());
  }
}

}  // namespace aviary::kube
