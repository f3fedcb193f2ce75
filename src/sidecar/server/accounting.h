#pragma once

#include <prometheus/family.h>
#include <prometheus/gauge.h>

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "sidecar/drift/drift_window.h"
#include "sidecar/drift/reference_profile.h"
#include "sidecar/fairness/group_window.h"
#include "sidecar/server/observer.h"
#include "sidecar/server/sidecar_metrics.h"

namespace aviary::sidecar {

struct AccountingOptions {
  std::size_t drift_window = 1000;     // rows kept for drift
  std::size_t fairness_window = 1000;  // predictions kept for group rates
  double positive_threshold = 0.5;     // a prediction >= this is positive
  std::size_t max_groups = 64;         // bounds the group label's cardinality
};

// Drift and fairness accounting, exported as aviary_feature_drift{model,revision,feature,stat}
// and aviary_group_positive_rate{model,revision,group}.
//
// observe() runs on the request path and only appends the batch to a pending buffer under a
// short lock (bounded: rows beyond a window's worth are dropped oldest first). publish(), called
// off the request path (SidecarApp's accounting thread), moves the pending rows into the pure
// windows (src/sidecar/drift, src/sidecar/fairness), recomputes, and sets the gauges. Drift starts
// once a reference profile is set; fairness counts rows that carry a group. Thread-safe.
class Accounting final : public InferenceObserver {
 public:
  static Result<std::shared_ptr<Accounting>> create(SidecarMetrics& metrics,
                                                    const AccountingOptions& options);

  // Starts drift against `profile`; its width must equal the model's feature count, which
  // observe() checks per batch (rows of another width are not counted).
  Status setReference(drift::ReferenceProfile profile);

  void observe(const ObservedBatch& batch) override;
  void publish() override;

  // Rows received with a width that does not match the reference profile.
  std::size_t mismatchedRows() const;

 private:
  Accounting(SidecarMetrics& metrics, const AccountingOptions& options,
             fairness::GroupWindow groups);
  void publishDrift();
  void publishRates();

  SidecarMetrics& metrics_;
  const AccountingOptions options_;

  mutable std::mutex pending_mu_;  // guards the pending_* members
  std::size_t pending_width_ = 0;
  std::vector<float> pending_rows_;
  std::vector<std::pair<std::string, float>> pending_groups_;
  std::size_t mismatched_rows_ = 0;

  std::mutex windows_mu_;  // serialises publish() and setReference()
  std::optional<drift::DriftWindow> drift_;
  fairness::GroupWindow groups_;
  prometheus::Family<prometheus::Gauge>& drift_family_;
  prometheus::Family<prometheus::Gauge>& rate_family_;
  prometheus::Family<prometheus::Gauge>& count_family_;
  struct GroupGauges {
    prometheus::Gauge* rate = nullptr;
    prometheus::Gauge* count = nullptr;
  };
  std::map<std::string, GroupGauges> group_gauges_;
};

}  // namespace aviary::sidecar
