#include "sidecar/server/accounting.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace aviary::sidecar {
namespace {

// Keeps at most `limit` trailing items of `items`, each `width` wide; erases in bulk so that the
// request path pays an amortised O(1) per item.
template <typename T>
void trimOldest(std::vector<T>& items, std::size_t width, std::size_t limit) {
  if (items.size() > 2 * limit * width) {
    items.erase(items.begin(), items.end() - static_cast<std::ptrdiff_t>(limit * width));
  }
}

}  // namespace

Result<std::shared_ptr<Accounting>> Accounting::create(SidecarMetrics& metrics,
                                                       const AccountingOptions& options) {
  AVIARY_ASSIGN_OR_RETURN(
      fairness::GroupWindow groups,
      fairness::GroupWindow::create(
          {options.fairness_window, options.positive_threshold, options.max_groups}));
  return std::shared_ptr<Accounting>(new Accounting(metrics, options, std::move(groups)));
}

Accounting::Accounting(SidecarMetrics& metrics, const AccountingOptions& options,
                       fairness::GroupWindow groups)
    : metrics_(metrics),
      options_(options),
      groups_(std::move(groups)),
      drift_family_(prometheus::BuildGauge()
                        .Name("aviary_feature_drift")
                        .Help("Drift of each input feature over the last rows against the "
                              "training profile: stat=ks (KS statistic), ks_pvalue, psi")
                        .Register(metrics.registry())),
      rate_family_(prometheus::BuildGauge()
                       .Name("aviary_group_positive_rate")
                       .Help("Share of positive predictions per group over the last predictions")
                       .Register(metrics.registry())),
      count_family_(prometheus::BuildGauge()
                        .Name("aviary_group_predictions")
                        .Help("Predictions per group in the window behind "
                              "aviary_group_positive_rate")
                        .Register(metrics.registry())) {}

Status Accounting::setReference(drift::ReferenceProfile profile) {
  AVIARY_ASSIGN_OR_RETURN(drift::DriftWindow window,
                          drift::DriftWindow::create(profile, options_.drift_window));
  std::lock_guard lock(windows_mu_);
  drift_.emplace(std::move(window));
  return {};
}

void Accounting::observe(const ObservedBatch& batch) {
  const bool with_groups = batch.groups.size() == batch.num_rows;
  std::lock_guard lock(pending_mu_);
  if (pending_width_ != batch.num_features) {
    pending_rows_.clear();
    pending_width_ = batch.num_features;
  }
  pending_rows_.insert(pending_rows_.end(), batch.rows.begin(), batch.rows.end());
  trimOldest(pending_rows_, pending_width_, options_.drift_window);
  if (with_groups) {
    for (std::size_t r = 0; r < batch.num_rows; ++r) {
      pending_groups_.emplace_back(batch.groups[r], batch.outputs[r * batch.outputs_per_row]);
    }
    trimOldest(pending_groups_, 1, options_.fairness_window);
  }
}

void Accounting::publish() {
  std::vector<float> rows;
  std::vector<std::pair<std::string, float>> groups;
  std::size_t width = 0;
  {
    std::lock_guard lock(pending_mu_);
    rows.swap(pending_rows_);
    groups.swap(pending_groups_);
    width = pending_width_;
  }
  std::lock_guard lock(windows_mu_);
  if (drift_ && width > 0) {
    if (width != drift_->profile().width()) {
      std::lock_guard pending(pending_mu_);
      mismatched_rows_ += rows.size() / width;
    } else {
      for (std::size_t offset = 0; offset + width <= rows.size(); offset += width) {
        (void)drift_->observe(std::span<const float>(rows.data() + offset, width));
      }
    }
  }
  for (const auto& [group, prediction] : groups) {
    if (!std::isnan(prediction)) (void)groups_.observe(group, prediction);
  }
  publishDrift();
  publishRates();
}

void Accounting::publishDrift() {
  if (!drift_) return;
  const ModelIdentity& identity = metrics_.identity();
  for (const drift::FeatureDrift& feature : drift_->compute()) {
    const std::pair<const char*, double> stats[] = {{drift::kStatKs, feature.ks_statistic},
                                                    {drift::kStatKsPValue, feature.ks_p_value},
                                                    {drift::kStatPsi, feature.psi}};
    for (const auto& [stat, value] : stats) {
      drift_family_
          .Add({{"model", identity.name},
                {"revision", identity.revision},
                {"feature", feature.feature},
                {"stat", stat}})
          .Set(value);
    }
  }
}

void Accounting::publishRates() {
  const ModelIdentity& identity = metrics_.identity();
  std::set<std::string> present;
  for (const fairness::GroupRate& rate : groups_.rates()) {
    present.insert(rate.group);
    GroupGauges& gauges = group_gauges_[rate.group];
    if (gauges.rate == nullptr) {
      const std::map<std::string, std::string> labels = {
          {"model", identity.name}, {"revision", identity.revision}, {"group", rate.group}};
      gauges.rate = &rate_family_.Add(labels);
      gauges.count = &count_family_.Add(labels);
    }
    gauges.rate->Set(rate.positive_rate);
    gauges.count->Set(static_cast<double>(rate.count));
  }
  // Groups that left the window stop being exported rather than freezing at their last rate.
  for (auto it = group_gauges_.begin(); it != group_gauges_.end();) {
    if (present.contains(it->first)) {
      ++it;
    } else {
      rate_family_.Remove(it->second.rate);
      count_family_.Remove(it->second.count);
      it = group_gauges_.erase(it);
    }
  }
}

std::size_t Accounting::mismatchedRows() const {
  std::lock_guard lock(pending_mu_);
  return mismatched_rows_;
}

}  // namespace aviary::sidecar
