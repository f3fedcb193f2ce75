#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/spec.h"
#include "api/status.h"
#include "cli/deployment.h"
#include "cli/gate_history.h"
#include "common/clock.h"
#include "common/duration.h"

// Everything kubectl-aviary prints, as strings. Pure: the time is an argument, colours are ANSI
// SGR sequences only when asked for, and nothing here writes to a terminal.
namespace aviary::cli {

struct RenderOptions {
  bool color = false;
};

// kubectl's AGE column: "45s", "3m20s", "15m", "3h5m", "20h", "3d4h", "30d", "2y10d".
std::string formatAge(Duration age);

// "[████████········]": `weight` percent of `width` cells filled (any weight above 0 fills one).
std::string weightBar(int weight, int width);

// One cell per value, ▁ (the smallest seen) to █ (the largest); a round without a value is "·".
// Equal values sit in the middle (▄). +Inf is █ and -Inf ▁, outside the scale of the rest.
std::string sparkline(const std::vector<std::optional<double>>& values);

// A gate's value with its unit ("0.12 %", "12.3 ms", "0.081"), "-" when it has none.
std::string formatValue(const api::MetricSpec& metric, std::optional<double> value);
// Its bounds: "<= 5 %", ">= 0.8", "0.8 .. 1.25".
std::string formatThreshold(const api::MetricSpec& metric);
// "30%", "pause 2s", "pause (promote)".
std::string stepText(const api::Step& step);
// "2/3" while steps run, "shadow" in the shadow stage, "-" when no rollout runs.
std::string stepColumn(const DeploymentView& view);

// The gates as a small table: a header, then one line per gate of the spec: name, value, bound,
// result, the sparkline of `history`, and why when it did not pass.
std::vector<std::string> gateLines(const api::AnalysisSpec& analysis,
                                   const std::vector<api::MetricResult>& results,
                                   const GateHistory& history, const RenderOptions& options);

// `get`: NAME PHASE STEP WEIGHT STABLE CANARY AGE (NAMESPACE first when `with_namespace`), columns
// three spaces apart as kubectl aligns them.
std::string renderTable(const std::vector<DeploymentView>& views, bool with_namespace,
                        Timestamp now);

// `history`: the rollouts that ended, oldest first.
std::string renderHistory(const DeploymentView& view, Timestamp now);

// `status`: the whole view, one string of lines ending in '\n'. `events` are the object's Events
// (the last few are shown).
std::string renderStatus(const DeploymentView& view, const GateHistory& history,
                         const std::vector<EventLine>& events, Timestamp now,
                         const RenderOptions& options);

// `status --watch` when stdout is not a terminal: one line per change. `key` changes exactly when
// the state does (phase, step, weight, revisions, pause, failed checks, each gate's result);
// `text` says it for people.
struct StatusLine {
  std::string key;
  std::string text;
};
StatusLine statusLine(const DeploymentView& view);

// `line` cut to `width` visible columns (ANSI sequences take none, a UTF-8 character one),
// closing any colour it cut into. width <= 0: unchanged.
std::string fitToWidth(std::string_view line, int width);

}  // namespace aviary::cli
