#include "sidecar/drift/reference_profile.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace aviary::sidecar::drift {
namespace {

constexpr double kFrequencySumTolerance = 1e-6;

std::unexpected<Error> invalid(const std::string& field, const std::string& why) {
  return fail(ErrorCode::kInvalidArgument, field + ": " + why);
}

Result<std::vector<double>> numbers(const nlohmann::json& json, const std::string& field) {
  if (!json.is_array()) return invalid(field, "want an array of numbers");
  std::vector<double> values;
  values.reserve(json.size());
  for (std::size_t k = 0; k < json.size(); ++k) {
    const auto& value = json[k];
    if (!value.is_number()) {
      return invalid(field + "[" + std::to_string(k) + "]", "want a number, got " + value.dump());
    }
    const double number = value.get<double>();
    if (!std::isfinite(number)) return invalid(field + "[" + std::to_string(k) + "]", "not finite");
    values.push_back(number);
  }
  return values;
}

Status validateFeature(FeatureProfile& feature, const std::string& field) {
  if (feature.name.empty()) return invalid(field + ".name", "must not be empty");
  if (feature.count == 0) return invalid(field + ".count", "must be at least 1");
  for (std::size_t k = 0; k < feature.bin_edges.size(); ++k) {
    if (!std::isfinite(feature.bin_edges[k])) {
      return invalid(field + ".bin_edges[" + std::to_string(k) + "]", "not finite");
    }
    if (k > 0 && !(feature.bin_edges[k] > feature.bin_edges[k - 1])) {
      return invalid(field + ".bin_edges[" + std::to_string(k) + "]", "not strictly increasing");
    }
  }
  if (feature.bin_frequencies.size() != feature.bin_edges.size() + 1) {
    return invalid(field + ".bin_frequencies",
                   "has " + std::to_string(feature.bin_frequencies.size()) + " values; " +
                       std::to_string(feature.bin_edges.size()) + " bin_edges make " +
                       std::to_string(feature.bin_edges.size() + 1) + " bins");
  }
  double sum = 0.0;
  for (std::size_t k = 0; k < feature.bin_frequencies.size(); ++k) {
    const double frequency = feature.bin_frequencies[k];
    if (!(frequency >= 0.0 && frequency <= 1.0)) {
      return invalid(field + ".bin_frequencies[" + std::to_string(k) + "]", "not in [0, 1]");
    }
    sum += frequency;
  }
  if (std::fabs(sum - 1.0) > kFrequencySumTolerance) {
    return invalid(field + ".bin_frequencies", "sum to " + std::to_string(sum) + ", want 1");
  }
  if (feature.sample.empty()) return invalid(field + ".sample", "must not be empty");
  for (std::size_t k = 0; k < feature.sample.size(); ++k) {
    if (!std::isfinite(feature.sample[k])) {
      return invalid(field + ".sample[" + std::to_string(k) + "]", "not finite");
    }
  }
  if (feature.sample.size() > feature.count) {
    return invalid(field + ".sample", "has more values than count");
  }
  std::sort(feature.sample.begin(), feature.sample.end());
  return {};
}

}  // namespace

Result<ReferenceProfile> ReferenceProfile::create(std::vector<FeatureProfile> features) {
  if (features.empty()) return invalid("features", "must not be empty");
  std::set<std::string_view> names;
  for (std::size_t k = 0; k < features.size(); ++k) {
    const std::string field = "features[" + std::to_string(k) + "]";
    AVIARY_RETURN_IF_ERROR(validateFeature(features[k], field));
    if (!names.insert(features[k].name).second) {
      return invalid(field + ".name", "duplicate feature \"" + features[k].name + "\"");
    }
  }
  return ReferenceProfile(std::move(features));
}

Result<ReferenceProfile> ReferenceProfile::fromJson(const nlohmann::json& json) {
  if (!json.is_object()) return invalid("profile", "want a JSON object");
  if (!json.contains("version") || !json["version"].is_number_integer() ||
      json["version"].get<int>() != kVersion) {
    return invalid("version", "want " + std::to_string(kVersion));
  }
  if (!json.contains("features") || !json["features"].is_array()) {
    return invalid("features", "want an array");
  }
  const auto& items = json["features"];
  std::vector<FeatureProfile> features;
  features.reserve(items.size());
  for (std::size_t k = 0; k < items.size(); ++k) {
    const std::string field = "features[" + std::to_string(k) + "]";
    const auto& item = items[k];
    if (!item.is_object()) return invalid(field, "want an object");
    FeatureProfile feature;
    if (!item.contains("name") || !item["name"].is_string()) {
      return invalid(field + ".name", "want a string");
    }
    feature.name = item["name"].get<std::string>();
    if (!item.contains("count") || !item["count"].is_number_unsigned()) {
      return invalid(field + ".count", "want a non-negative integer");
    }
    feature.count = item["count"].get<std::uint64_t>();
    for (const char* key : {"bin_edges", "bin_frequencies", "sample"}) {
      if (!item.contains(key)) return invalid(field + "." + key, "missing");
    }
    AVIARY_ASSIGN_OR_RETURN(feature.bin_edges, numbers(item["bin_edges"], field + ".bin_edges"));
    AVIARY_ASSIGN_OR_RETURN(feature.bin_frequencies,
                            numbers(item["bin_frequencies"], field + ".bin_frequencies"));
    AVIARY_ASSIGN_OR_RETURN(feature.sample, numbers(item["sample"], field + ".sample"));
    features.push_back(std::move(feature));
  }
  return create(std::move(features));
}

Result<ReferenceProfile> ReferenceProfile::parse(std::string_view text) {
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return invalid("profile", "not valid JSON");
  return fromJson(json);
}

nlohmann::json ReferenceProfile::toJson() const {
  nlohmann::json features = nlohmann::json::array();
  for (const auto& feature : features_) {
    features.push_back({
        {"name", feature.name},
        {"count", feature.count},
        {"bin_edges", feature.bin_edges},
        {"bin_frequencies", feature.bin_frequencies},
        {"sample", feature.sample},
    });
  }
  return {{"version", kVersion}, {"features", std::move(features)}};
}

}  // namespace aviary::sidecar::drift
