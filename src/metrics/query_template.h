#pragma once

#include <string>
#include <string_view>

#include "common/duration.h"
#include "common/result.h"

// PromQL templates: the placeholders a gate's query may use, filled in for one analysis. Pure.
namespace aviary::metrics {

// What a query is about: one ModelDeployment's canary analysis.
struct QueryContext {
  std::string name;      // the ModelDeployment's name             {{name}}
  std::string ns;        // its namespace                           {{namespace}}
  std::string canary;    // status.canaryRevision (revision hash)   {{canary}}
  std::string stable;    // status.stableRevision                   {{stable}}
  std::string interval;  // a PromQL duration, e.g. "30s"           {{interval}}
};

// Fills `{{name}}`, `{{namespace}}`, `{{canary}}`, `{{stable}}` and `{{interval}}` (spaces inside
// the braces allowed: `{{ canary }}`). Every value is escaped with escapeLabelValue(), so it is
// safe inside a PromQL double-quoted string whatever it holds. An unknown placeholder or a `{{`
// without its `}}` is InvalidArgument naming it. Text outside placeholders is copied unchanged.
Result<std::string> renderQuery(std::string_view tmpl, const QueryContext& context);

// `value` escaped for use between PromQL double quotes: backslash, double quote and line breaks.
std::string escapeLabelValue(std::string_view value);

// A duration as a PromQL range, in the largest single unit that holds it exactly, which every
// Prometheus version parses: 30s -> "30s", 2m -> "2m", 90s -> "90s", 1500ms -> "1500ms",
// 2h -> "2h". Zero is "0s" (not a valid range: analysis intervals are at least 1s).
std::string promqlDuration(Duration duration);

}  // namespace aviary::metrics
