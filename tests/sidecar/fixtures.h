#pragma once

#include <cmath>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

// Reads the fixtures written by tests/sidecar/testdata/make_fixtures.py.
namespace aviary::sidecar::testing {

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::span<const std::byte> asBytes(const std::string& text) {
  return std::as_bytes(std::span<const char>(text.data(), text.size()));
}

struct Cases {
  std::vector<std::string> feature_names;
  std::size_t num_rows = 0;
  std::vector<float> rows;  // row-major, NaN for missing
  std::vector<float> value;
  std::vector<float> margin;
};

inline std::vector<float> toFloats(const nlohmann::json& array) {
  std::vector<float> out;
  for (const auto& item : array) {
    if (item.is_array()) {
      for (const auto& inner : item) out.push_back(static_cast<float>(inner.get<double>()));
    } else {
      out.push_back(static_cast<float>(item.get<double>()));
    }
  }
  return out;
}

inline Cases loadCases(const std::string& name) {
  const auto json =
      nlohmann::json::parse(readFile("tests/sidecar/testdata/" + name + "_cases.json"));
  Cases cases;
  cases.feature_names = json["feature_names"].get<std::vector<std::string>>();
  for (const auto& row : json["rows"]) {
    ++cases.num_rows;
    for (const auto& v : row) {
      cases.rows.push_back(v.is_null() ? std::numeric_limits<float>::quiet_NaN()
                                       : static_cast<float>(v.get<double>()));
    }
  }
  cases.value = toFloats(json["value"]);
  cases.margin = toFloats(json["margin"]);
  return cases;
}

}  // namespace aviary::sidecar::testing
