#pragma once

#include <vector>

#include "api/field_error.h"
#include "api/spec.h"

namespace aviary::api {

inline constexpr std::int32_t kMaxReplicas = 1000;
inline constexpr std::size_t kMaxSteps = 50;
inline constexpr Duration kMaxScaleDownDelay = std::chrono::hours(1);
inline constexpr std::size_t kMaxMetrics = 20;
// spec.model.provenance: sizes chosen so that a card and an audit record stay small.
inline constexpr std::size_t kMaxProvenanceUri = 2048;
inline constexpr std::size_t kMaxProvenanceText = 253;  // owner
inline constexpr std::size_t kMaxIntendedUse = 4096;
inline constexpr std::size_t kMaxProvenanceLabels = 32;
inline constexpr std::size_t kMaxLabelKey = 63;
inline constexpr std::size_t kMaxLabelValue = 256;
inline constexpr Duration kMinDriftInterval = std::chrono::seconds(5);
inline constexpr Duration kMaxDriftInterval = std::chrono::hours(1);
inline constexpr Duration kMaxDriftSustain = std::chrono::hours(24 * 7);

// Every semantic problem with a spec, each with its JSON path, e.g.
// "spec.strategy.steps[2].setWeight: must be 0..100, got 140". Empty means valid. The CRD's schema
// and CEL rules reject the same things at admission; this is the check that runs when admission
// did not (an older CRD, a schema-less cluster, tests) and that names each problem for the
// InvalidSpec condition.
std::vector<FieldError> validate(const ModelDeploymentSpec& spec);

}  // namespace aviary::api
