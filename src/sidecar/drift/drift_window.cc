#include "sidecar/drift/drift_window.h"

#include <algorithm>
#include <cmath>

#include "sidecar/drift/psi.h"

namespace aviary::sidecar::drift {

Result<DriftWindow> DriftWindow::create(const ReferenceProfile& profile, std::size_t capacity,
                                        std::size_t max_exact_ks_cells) {
  if (capacity == 0)
    return fail(ErrorCode::kInvalidArgument, "drift window capacity must be at least 1");
  return DriftWindow(profile, capacity, max_exact_ks_cells);
}

DriftWindow::DriftWindow(const ReferenceProfile& profile, std::size_t capacity,
                         std::size_t max_exact_ks_cells)
    : profile_(profile),
      width_(profile.width()),
      capacity_(capacity),
      max_exact_ks_cells_(max_exact_ks_cells),
      rows_(capacity * profile.width()) {}

Status DriftWindow::observe(std::span<const float> row) {
  if (row.size() != width_) {
    return fail(ErrorCode::kInvalidArgument, "row has " + std::to_string(row.size()) +
                                                 " features; the reference profile has " +
                                                 std::to_string(width_));
  }
  std::copy(row.begin(), row.end(), rows_.begin() + static_cast<std::ptrdiff_t>(next_ * width_));
  next_ = (next_ + 1) % capacity_;
  size_ = std::min(size_ + 1, capacity_);
  return {};
}

std::vector<FeatureDrift> DriftWindow::compute() const {
  std::vector<FeatureDrift> drifts;
  if (size_ == 0) return drifts;
  std::vector<float> values;
  values.reserve(size_);
  std::vector<std::size_t> bin_counts;
  const auto features = profile_.features();
  for (std::size_t f = 0; f < width_; ++f) {
    const FeatureProfile& reference = features[f];
    // Rows 0..size_-1 of the ring hold the window whether or not it has wrapped.
    values.clear();
    for (std::size_t r = 0; r < size_; ++r) {
      const float value = rows_[r * width_ + f];
      if (!std::isnan(value)) values.push_back(value);
    }
    if (values.empty()) continue;
    std::sort(values.begin(), values.end());

    bin_counts.assign(reference.bin_frequencies.size(), 0);
    for (float value : values) ++bin_counts[binIndex(reference.bin_edges, value)];

    FeatureDrift drift;
    drift.feature = reference.name;
    drift.samples = values.size();
    drift.ks_statistic = ksStatistic(reference.sample, values);
    const KsPValue p =
        ksPValue(reference.sample.size(), values.size(), drift.ks_statistic, max_exact_ks_cells_);
    drift.ks_p_value = p.value;
    drift.ks_p_value_exact = p.exact;
    drift.psi = populationStabilityIndex(reference.bin_frequencies, bin_counts);
    drifts.push_back(std::move(drift));
  }
  return drifts;
}

}  // namespace aviary::sidecar::drift
