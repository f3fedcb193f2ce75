#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/spec.h"
#include "api/status.h"
#include "common/clock.h"

// A model card: the record of one revision's rollout, written when it was promoted or rolled
// back. Plain data; the renderers (render.h) turn it into Markdown, JSON and one HTML page. The
// controller fills it from the spec, the status and the analysis rounds it ran.
namespace aviary::governance {

// One moment of the rollout. `what` is a stable word ("started", "shadow", "step", "analysis",
// "held", "paused", "promoted", "rolledBack", "aborted"), `detail` says more in prose.
struct TimelineEntry {
  Timestamp at{};
  std::string what;
  std::int32_t step = 0;    // index into spec.strategy.steps when the entry happened
  std::int32_t weight = 0;  // percent of traffic the canary had
  std::string detail;

  friend bool operator==(const TimelineEntry&, const TimelineEntry&) = default;
};

// One analysis round's value of one gate.
struct GateSample {
  Timestamp at{};
  std::optional<double> value;
  api::CheckResult result = api::CheckResult::kNoData;

  friend bool operator==(const GateSample&, const GateSample&) = default;
};

// A gate's values over the rollout, against its thresholds.
struct GateSeries {
  std::string name;
  std::string source;  // the builtin's name ("latencyP99") or "prometheus"
  std::optional<double> min;
  std::optional<double> max;
  std::vector<GateSample> samples;  // oldest first

  friend bool operator==(const GateSeries&, const GateSeries&) = default;
};

struct ModelCard {
  std::string deployment;
  std::string ns;
  std::string revision;
  std::string replaced;  // the stable revision before this rollout; empty for the first
  api::ModelSpec model;
  api::Outcome outcome = api::Outcome::kPromoted;
  std::string reason;
  Timestamp decided_at{};
  std::optional<Timestamp> started_at;
  std::vector<TimelineEntry> timeline;  // oldest first
  std::vector<GateSeries> gates;        // in spec.analysis.metrics order

  friend bool operator==(const ModelCard&, const ModelCard&) = default;
};

// The ConfigMap holding a revision's card: "<deployment>-<revision>-card", with the keys below.
// A deployment name too long for the 253-character limit is cut, keeping revision and suffix.
std::string cardConfigMapName(std::string_view deployment, std::string_view revision);
inline constexpr std::string_view kCardMarkdownKey = "card.md";
inline constexpr std::string_view kCardJsonKey = "card.json";
inline constexpr std::string_view kCardHtmlKey = "card.html";

// The gates of a spec as empty series, in order (the controller appends samples).
std::vector<GateSeries> gatesOf(const api::AnalysisSpec& analysis);

// One labelled line of a card section, as every rendering shows it.
struct CardField {
  std::string name;
  std::string value;
};
// The Model section, in order: namespace, name, version, URI, sha256, runtime, reference profile,
// replaced revision, rollout start. Fields without a value are left out.
std::vector<CardField> modelFields(const ModelCard& card);
// The Provenance section, in order: dataset, its sha256, training run, code commit, owner,
// intended use, then "Label KEY" per label. Fields without a value are left out.
std::vector<CardField> provenanceFields(const api::Provenance& provenance);

}  // namespace aviary::governance
