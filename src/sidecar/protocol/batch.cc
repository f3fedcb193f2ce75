#include "sidecar/protocol/batch.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>

namespace aviary::sidecar {
namespace {

std::unexpected<Error> invalid(std::string message) {
  return fail(ErrorCode::kInvalidArgument, std::move(message));
}

std::string shapeText(const std::vector<int64_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ","));
}

// Rows of a column-shaped tensor ([rows] or [rows, 1]), or nothing when it is not one.
std::optional<std::size_t> columnRows(const InputTensor& tensor) {
  if (tensor.shape.size() == 1) return static_cast<std::size_t>(tensor.shape[0]);
  if (tensor.shape.size() == 2 && tensor.shape[1] == 1) {
    return static_cast<std::size_t>(tensor.shape[0]);
  }
  return std::nullopt;
}

std::string formatGroup(float value) {
  if (value == static_cast<float>(static_cast<int64_t>(value))) {
    return fmt::format("{}", static_cast<int64_t>(value));
  }
  return fmt::format("{}", value);
}

Result<std::vector<std::string>> takeGroups(InputTensor& tensor) {
  if (!columnRows(tensor)) {
    return invalid(fmt::format("group input '{}': expected shape [rows] or [rows,1], got {}",
                               tensor.name, shapeText(tensor.shape)));
  }
  if (tensor.datatype == DataType::kBytes) return std::move(tensor.strings);
  std::vector<std::string> groups;
  groups.reserve(tensor.values.size());
  for (float value : tensor.values) groups.push_back(formatGroup(value));
  return groups;
}

Result<Batch> fromMatrix(InputTensor& tensor, const FeatureLayout& layout) {
  const auto features = static_cast<int64_t>(layout.num_features);
  const std::string expected =
      fmt::format("expected shape [rows,{}] or [{}] ({} features)", features, features, features);
  if (tensor.datatype == DataType::kBytes) {
    return invalid(fmt::format("input '{}': datatype BYTES cannot feed the model; {}", tensor.name,
                               "use FP32, FP64, INT32, INT64 or BOOL"));
  }
  Batch batch;
  if (tensor.shape.size() == 1 && tensor.shape[0] == features) {
    batch.num_rows = 1;
  } else if (tensor.shape.size() == 2 && tensor.shape[1] == features) {
    batch.num_rows = static_cast<std::size_t>(tensor.shape[0]);
  } else {
    return invalid(
        fmt::format("input '{}': {}, got {}", tensor.name, expected, shapeText(tensor.shape)));
  }
  if (batch.num_rows == 0) return invalid(fmt::format("input '{}': no rows", tensor.name));
  batch.rows = std::move(tensor.values);
  return batch;
}

Result<Batch> fromColumns(std::vector<InputTensor*>& columns, const FeatureLayout& layout) {
  if (layout.names.empty()) {
    return invalid(fmt::format(
        "got {} inputs but the model has no feature names; send one input of shape [rows,{}]",
        columns.size(), layout.num_features));
  }
  std::vector<const InputTensor*> ordered(layout.num_features, nullptr);
  for (const InputTensor* column : columns) {
    const auto found = std::find(layout.names.begin(), layout.names.end(), column->name);
    if (found == layout.names.end()) {
      return invalid(fmt::format("input '{}' is not a feature of the model; features: {}",
                                 column->name, fmt::join(layout.names, ", ")));
    }
    ordered[static_cast<std::size_t>(found - layout.names.begin())] = column;
  }
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    if (ordered[i] == nullptr) missing.push_back(layout.names[i]);
  }
  if (!missing.empty()) {
    return invalid(fmt::format("missing inputs for features: {}", fmt::join(missing, ", ")));
  }
  Batch batch;
  for (const InputTensor* column : ordered) {
    const auto rows = columnRows(*column);
    if (!rows || column->datatype == DataType::kBytes) {
      return invalid(
          fmt::format("input '{}': expected a numeric column of shape [rows] or "
                      "[rows,1], got {} {}",
                      column->name, dataTypeName(column->datatype), shapeText(column->shape)));
    }
    if (column == ordered.front()) batch.num_rows = *rows;
    if (*rows != batch.num_rows) {
      return invalid(fmt::format("input '{}' has {} rows but input '{}' has {}", column->name,
                                 *rows, ordered.front()->name, batch.num_rows));
    }
  }
  if (batch.num_rows == 0) return invalid("no rows");
  batch.rows.resize(batch.num_rows * layout.num_features);
  for (std::size_t f = 0; f < ordered.size(); ++f) {
    const auto& values = ordered[f]->values;
    for (std::size_t r = 0; r < batch.num_rows; ++r) {
      batch.rows[r * layout.num_features + f] = values[r];
    }
  }
  return batch;
}

// One input not named after a feature is the [rows, features] form; otherwise inputs are columns.
bool isMatrixForm(const std::vector<InputTensor*>& features, const FeatureLayout& layout) {
  if (features.size() != 1) return false;
  if (layout.num_features == 1) return true;
  return std::find(layout.names.begin(), layout.names.end(), features.front()->name) ==
         layout.names.end();
}

}  // namespace

Result<Batch> assembleBatch(InferRequest& request, const FeatureLayout& layout,
                            const std::string& group_input) {
  std::vector<InputTensor*> features;
  InputTensor* group = nullptr;
  for (InputTensor& input : request.inputs) {
    if (!group_input.empty() && input.name == group_input) {
      group = &input;
    } else {
      features.push_back(&input);
    }
  }
  if (features.empty()) {
    return invalid(fmt::format("no feature input; expected shape [rows,{}]", layout.num_features));
  }
  Result<Batch> batch = isMatrixForm(features, layout) ? fromMatrix(*features.front(), layout)
                                                       : fromColumns(features, layout);
  if (!batch) return batch;
  if (group != nullptr) {
    AVIARY_ASSIGN_OR_RETURN(batch->groups, takeGroups(*group));
    if (batch->groups.size() != batch->num_rows) {
      return invalid(fmt::format("group input '{}' has {} values for {} rows", group_input,
                                 batch->groups.size(), batch->num_rows));
    }
  }
  return batch;
}

}  // namespace aviary::sidecar
