#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/result.h"
#include "sidecar/protocol/infer_request.h"

namespace aviary::sidecar {

// The features a model expects, in order.
struct FeatureLayout {
  std::size_t num_features = 0;
  std::vector<std::string> names;  // empty when the model has no feature names
};

// Rows ready for a runtime, plus what the sidecar accounts per row.
struct Batch {
  std::vector<float> rows;  // row-major, num_rows * num_features
  std::size_t num_rows = 0;
  std::vector<std::string> groups;  // one per row when a group input was sent, else empty
};

// Turns a request's inputs into model rows. Two layouts are accepted:
//  - one tensor (any name) of shape [rows, num_features], or [num_features] for a single row;
//  - one tensor per feature, named after the model's features, each of shape [rows] or
//    [rows, 1] (the columnar form MLServer's pandas codec sends); they may come in any order.
// `group_input`, when non-empty, names an extra input (shape [rows] or [rows, 1], BYTES or
// numeric) that is not a feature: its values label each row's group for fairness accounting.
// Errors are InvalidArgument naming the input and the expected shape.
Result<Batch> assembleBatch(InferRequest& request, const FeatureLayout& layout,
                            const std::string& group_input);

}  // namespace aviary::sidecar
