#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

namespace aviary::sidecar {

// One answered batch, as accounting (drift, fairness) sees it. Spans are valid only during
// the observe() call.
struct ObservedBatch {
  std::span<const float> rows;  // row-major, num_rows * num_features
  std::size_t num_rows = 0;
  std::size_t num_features = 0;
  std::span<const float> outputs;  // num_rows * outputs_per_row
  std::size_t outputs_per_row = 1;
  std::span<const std::string> groups;  // one per row, or empty
};

// Accounting fed by every successful inference.
//
// Contract: observe() is called on the worker thread that answered the request, after the
// response is built and concurrently with other calls, so it must be thread-safe and cheap:
// copy what it needs and leave heavy work to a background step (publish()).
class InferenceObserver {
 public:
  using Ptr = std::shared_ptr<InferenceObserver>;
  virtual ~InferenceObserver() = default;
  virtual void observe(const ObservedBatch& batch) = 0;
  // Recomputes and exports what was observed so far; called off the request path.
  virtual void publish() = 0;
};

}  // namespace aviary::sidecar
