#include "cli/render.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

#include "api/names.h"
#include "common/time_format.h"
#include "rollout/decide.h"

namespace aviary::cli {
namespace {

constexpr std::array<std::string_view, 8> kLevels = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
constexpr std::size_t kSparkPoints = 20;
constexpr int kBarWidth = 40;
constexpr std::size_t kEventsShown = 5;
constexpr std::size_t kHistoryShown = 3;

std::string paint(const std::string& text, std::string_view code, const RenderOptions& options) {
  if (!options.color || text.empty()) return text;
  return "\x1b[" + std::string(code) + "m" + text + "\x1b[0m";
}

// Visible width: ANSI sequences take no column, a UTF-8 sequence one.
std::size_t visibleWidth(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b) {
      while (i < text.size() && !std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
      continue;
    }
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string pad(const std::string& text, std::size_t width) {
  std::size_t have = visibleWidth(text);
  return have >= width ? text : text + std::string(width - have, ' ');
}

// Columns `gap` spaces apart; the last column is not padded.
std::string alignRows(const std::vector<std::vector<std::string>>& rows, std::size_t gap,
                      const std::string& indent = "") {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], visibleWidth(row[i]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = indent;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += i + 1 == row.size() ? row[i] : pad(row[i], widths[i] + gap);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string formatNumber(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, std::fabs(value) >= 100 ? "%.1f" : "%.3f", value);
  std::string text = buffer;
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

std::string unitOf(const api::MetricSpec& metric) {
  if (!metric.builtin) return "";
  switch (*metric.builtin) {
    case api::BuiltinMetric::kErrorRate:
      return " %";
    case api::BuiltinMetric::kLatencyP99:
    case api::BuiltinMetric::kLatencyP50:
      return " ms";
    default:
      return "";
  }
}

std::string resultText(const api::MetricResult* result, const RenderOptions& options) {
  if (result == nullptr) return paint("-", "2", options);
  switch (result->result) {
    case api::CheckResult::kPass:
      return paint("PASS", "1;32", options);
    case api::CheckResult::kFail:
      return paint("FAIL", "1;31", options);
    case api::CheckResult::kError:
      return paint("ERROR", "1;31", options);
    case api::CheckResult::kNoData:
      return paint("NO DATA", "33", options);
  }
  return "-";
}

std::string phaseText(const DeploymentView& view) {
  return view.has_status ? std::string(api::enumName(view.status.phase)) : "-";
}

std::string phaseColor(api::Phase phase) {
  switch (phase) {
    case api::Phase::kSucceeded:
      return "1;32";
    case api::Phase::kFailed:
    case api::Phase::kRollingBack:
      return "1;31";
    case api::Phase::kPaused:
      return "1;33";
    default:
      return "1;36";
  }
}

std::string orDash(const std::string& text) { return text.empty() ? "-" : text; }

std::string ago(Timestamp at, Timestamp now) {
  return formatAge(std::max(Duration{0}, now - at)) + " ago";
}

std::string stepsLine(const DeploymentView& view, const RenderOptions& options) {
  const auto& steps = view.spec.strategy.steps;
  const bool rolling = view.rolling();
  std::vector<std::string> items;
  if (view.spec.strategy.shadow) {
    std::string text = "shadow " + formatDuration(view.spec.strategy.shadow->duration);
    if (rolling && view.status.shadowing) {
      items.push_back(paint("▶ " + text, "1;36", options));
    } else if (rolling) {
      items.push_back(paint("✓ " + text, "2", options));
    } else {
      items.push_back(text);
    }
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string text = stepText(steps[i]);
    const auto current = static_cast<std::size_t>(std::max(0, view.status.current_step));
    if (!rolling || view.status.shadowing) {
      items.push_back(text);
    } else if (i < current) {
      items.push_back(paint("✓ " + text, "2", options));
    } else if (i == current) {
      items.push_back(paint("▶ " + text, "1;36", options));
    } else {
      items.push_back(text);
    }
  }
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "  ") + item;
  return out.empty() ? "-" : out;
}

std::string analysisLine(const DeploymentView& view, Timestamp now) {
  const auto& analysis = view.spec.analysis;
  std::string text = "every " + formatDuration(analysis.interval);
  if (view.rolling()) {
    if (auto next = rollout::nextAnalysisAt(view.spec, view.status)) {
      const auto wait = std::chrono::duration_cast<std::chrono::seconds>(*next - now);
      text += wait.count() > 0 ? ", next round in " + formatDuration(wait) : ", next round due";
    }
  }
  text += ", failed checks " + std::to_string(view.status.failed_checks) + " of " +
          std::to_string(analysis.failure_limit) + " allowed";
  text += ", no data: " + std::string(api::enumName(analysis.no_data));
  return text;
}

}  // namespace

std::string formatAge(Duration age) {
  using std::chrono::duration_cast;
  const long long s = duration_cast<std::chrono::seconds>(age).count();
  const long long m = s / 60;
  const long long h = s / 3600;
  const long long d = h / 24;
  const long long y = d / 365;
  if (s < 0) return "0s";
  if (s < 120) return std::to_string(s) + "s";
  if (m < 10) return std::to_string(m) + "m" + (s % 60 == 0 ? "" : std::to_string(s % 60) + "s");
  if (m < 180) return std::to_string(m) + "m";
  if (h < 8) return std::to_string(h) + "h" + (m % 60 == 0 ? "" : std::to_string(m % 60) + "m");
  if (h < 48) return std::to_string(h) + "h";
  if (h < 24 * 8)
    return std::to_string(d) + "d" + (h % 24 == 0 ? "" : std::to_string(h % 24) + "h");
  if (d < 365 * 2) return std::to_string(d) + "d";
  if (d < 365 * 8)
    return std::to_string(y) + "y" + (d % 365 == 0 ? "" : std::to_string(d % 365) + "d");
  return std::to_string(y) + "y";
}

std::string weightBar(int weight, int width) {
  weight = std::clamp(weight, 0, 100);
  int filled = weight * width / 100;
  if (weight > 0 && filled == 0) filled = 1;
  std::string bar = "[";
  for (int i = 0; i < width; ++i) bar += i < filled ? "█" : "·";
  return bar + "]";
}

std::string sparkline(const std::vector<std::optional<double>>& values) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const auto& value : values) {
    if (value && std::isfinite(*value)) {
      lo = std::min(lo, *value);
      hi = std::max(hi, *value);
    }
  }
  std::string out;
  for (const auto& value : values) {
    if (!value || std::isnan(*value)) {
      out += "·";
    } else if (std::isinf(*value)) {
      out += *value > 0 ? kLevels.back() : kLevels.front();
    } else if (hi <= lo) {
      out += kLevels[3];
    } else {
      const double scaled = (*value - lo) / (hi - lo) * static_cast<double>(kLevels.size() - 1);
      out += kLevels[static_cast<std::size_t>(std::lround(scaled))];
    }
  }
  return out;
}

std::string formatValue(const api::MetricSpec& metric, std::optional<double> value) {
  if (!value) return "-";
  return formatNumber(*value) + unitOf(metric);
}

std::string formatThreshold(const api::MetricSpec& metric) {
  const std::string unit = unitOf(metric);
  if (metric.min && metric.max) {
    return formatNumber(*metric.min) + " .. " + formatNumber(*metric.max) + unit;
  }
  if (metric.max) return "<= " + formatNumber(*metric.max) + unit;
  if (metric.min) return ">= " + formatNumber(*metric.min) + unit;
  return "-";
}

std::string stepText(const api::Step& step) {
  if (step.set_weight) return std::to_string(*step.set_weight) + "%";
  if (step.pause) {
    return step.pause->duration ? "pause " + formatDuration(*step.pause->duration)
                                : "pause (promote)";
  }
  return "?";
}

std::string stepColumn(const DeploymentView& view) {
  if (!view.rolling()) return "-";
  if (view.status.shadowing) return "shadow";
  return std::to_string(view.status.current_step + 1) + "/" +
         std::to_string(view.spec.strategy.steps.size());
}

std::vector<std::string> gateLines(const api::AnalysisSpec& analysis,
                                   const std::vector<api::MetricResult>& results,
                                   const GateHistory& history, const RenderOptions& options) {
  std::vector<std::vector<std::string>> rows = {{"GATE", "VALUE", "THRESHOLD", "RESULT", "RECENT"}};
  if (options.color) {
    for (auto& cell : rows.front()) cell = paint(cell, "2", options);
  }
  std::vector<std::string> notes;
  for (const auto& metric : analysis.metrics) {
    const api::MetricResult* result = nullptr;
    for (const auto& candidate : results) {
      if (candidate.name == metric.name) result = &candidate;
    }
    auto recent = history.values(metric.name);
    if (recent.size() > kSparkPoints) {
      recent.erase(recent.begin(),
                   recent.begin() + static_cast<std::ptrdiff_t>(recent.size() - kSparkPoints));
    }
    rows.push_back({metric.name, formatValue(metric, result ? result->value : std::nullopt),
                    formatThreshold(metric), resultText(result, options), sparkline(recent)});
    notes.push_back(result && result->result != api::CheckResult::kPass ? result->message : "");
  }
  std::vector<std::string> lines;
  std::string table = alignRows(rows, 2);
  std::size_t start = 0;
  std::size_t row = 0;
  while (start < table.size()) {
    std::size_t end = table.find('\n', start);
    std::string line = table.substr(start, end - start);
    if (row > 0 && !notes[row - 1].empty()) {
      line += "  " + paint(notes[row - 1], "2", options);
    }
    lines.push_back(line);
    start = end + 1;
    ++row;
  }
  return lines;
}

std::string renderTable(const std::vector<DeploymentView>& views, bool with_namespace,
                        Timestamp now) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"NAME", "PHASE", "STEP", "WEIGHT", "STABLE", "CANARY", "AGE"};
  if (with_namespace) header.insert(header.begin(), "NAMESPACE");
  rows.push_back(header);
  for (const auto& view : views) {
    std::vector<std::string> row = {
        view.name,
        phaseText(view),
        stepColumn(view),
        view.has_status ? std::to_string(view.status.canary_weight) + "%" : "-",
        orDash(view.status.stable_revision),
        orDash(view.status.canary_revision),
        view.created ? formatAge(std::max(Duration{0}, now - *view.created)) : "-",
    };
    if (with_namespace) row.insert(row.begin(), view.ns);
    rows.push_back(row);
  }
  return alignRows(rows, 3);
}

std::string renderHistory(const DeploymentView& view, Timestamp now) {
  std::vector<std::vector<std::string>> rows = {{"REVISION", "OUTCOME", "AT", "AGE", "REASON"}};
  for (const auto& entry : view.status.history) {
    rows.push_back({entry.revision, std::string(api::enumName(entry.outcome)),
                    formatRfc3339(entry.at), formatAge(std::max(Duration{0}, now - entry.at)),
                    orDash(entry.reason)});
  }
  return alignRows(rows, 3);
}

std::string renderStatus(const DeploymentView& view, const GateHistory& history,
                         const std::vector<EventLine>& events, Timestamp now,
                         const RenderOptions& options) {
  const auto& status = view.status;
  std::vector<std::string> lines;
  std::string title = paint("ModelDeployment " + view.ns + "/" + view.name, "1", options) +
                      "  model " + orDash(view.spec.model.name) + " " +
                      orDash(view.spec.model.version);
  if (view.has_status && !view.observed()) {
    title += paint("  (generation " + std::to_string(view.generation) + " not yet observed)", "33",
                   options);
  }
  lines.push_back(title);
  std::string phase = phaseText(view);
  if (status.paused_by_user) phase += " (by request)";
  lines.push_back("  phase      " + paint(pad(phase, 12), phaseColor(status.phase), options) +
                  "  " + status.message);
  if (!view.status_problem.empty()) {
    lines.push_back("  " + paint("status unreadable: " + view.status_problem, "31", options));
  }
  lines.push_back("  stable     " + orDash(status.stable_revision));
  lines.push_back("  canary     " + orDash(status.canary_revision));
  lines.push_back("  steps      " + stepsLine(view, options));
  std::string bar = weightBar(status.canary_weight, kBarWidth);
  if (options.color) {
    // The filled cells in magenta.
    const std::string open = "[";
    const std::size_t filled_end = bar.find("·");
    const std::string filled =
        bar.substr(1, (filled_end == std::string::npos ? bar.size() - 1 : filled_end) - 1);
    bar = open + paint(filled, "35", options) + bar.substr(1 + filled.size());
  }
  lines.push_back("  weight     " + bar + "  canary " + std::to_string(status.canary_weight) +
                  "%  stable " + std::to_string(100 - status.canary_weight) + "%");
  if (!view.spec.analysis.metrics.empty()) {
    lines.push_back("  analysis   " + analysisLine(view, now));
    for (const auto& line : gateLines(view.spec.analysis, status.analysis, history, options)) {
      lines.push_back("    " + line);
    }
  }
  if (!status.conditions.empty()) {
    std::string text;
    for (const auto& condition : status.conditions) {
      std::string item = condition.type + "=" + condition.status;
      if (!condition.reason.empty()) item += " (" + condition.reason + ")";
      // Red: what needs a person (a stalled rollout; a live model whose inputs have drifted).
      const bool bad = (condition.type == "Stalled" || condition.type == "DriftDetected") &&
                       condition.status == "True";
      text += (text.empty() ? "" : "  ") + (bad ? paint(item, "31", options) : item);
    }
    lines.push_back("  conditions " + text);
  }
  if (!events.empty()) {
    lines.push_back("  events");
    std::vector<std::vector<std::string>> rows;
    const std::size_t first = events.size() > kEventsShown ? events.size() - kEventsShown : 0;
    for (std::size_t i = first; i < events.size(); ++i) {
      const auto& event = events[i];
      std::string message = event.message;
      if (event.count > 1) message += " (x" + std::to_string(event.count) + ")";
      rows.push_back({ago(event.at, now),
                      event.type == "Warning" ? paint(event.type, "33", options) : event.type,
                      event.reason, message});
    }
    std::string table = alignRows(rows, 2, "    ");
    table.pop_back();
    lines.push_back(table);
  }
  if (!status.history.empty()) {
    lines.push_back("  history");
    std::vector<std::vector<std::string>> rows;
    const auto& entries = status.history;
    const std::size_t first = entries.size() > kHistoryShown ? entries.size() - kHistoryShown : 0;
    for (std::size_t i = first; i < entries.size(); ++i) {
      rows.push_back({ago(entries[i].at, now), entries[i].revision,
                      std::string(api::enumName(entries[i].outcome)), entries[i].reason});
    }
    std::string table = alignRows(rows, 2, "    ");
    table.pop_back();
    lines.push_back(table);
  }
  std::string out;
  for (auto line : lines) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

StatusLine statusLine(const DeploymentView& view) {
  const auto& status = view.status;
  StatusLine line;
  line.key = phaseText(view) + "|" + stepColumn(view) + "|" + std::to_string(status.canary_weight) +
             "|" + status.stable_revision + "|" + status.canary_revision + "|" +
             (status.paused_by_user ? "paused" : "") + "|" + std::to_string(status.failed_checks) +
             "|" + (view.observed() ? "observed" : "");
  line.text = phaseText(view);
  if (status.paused_by_user) line.text += " (by request)";
  if (view.rolling()) line.text += " step " + stepColumn(view);
  line.text += " weight " + std::to_string(status.canary_weight) + "%";
  line.text += " stable " + orDash(status.stable_revision);
  line.text += " canary " + orDash(status.canary_revision);
  for (const auto& metric : view.spec.analysis.metrics) {
    const api::MetricResult* result = nullptr;
    for (const auto& candidate : status.analysis) {
      if (candidate.name == metric.name) result = &candidate;
    }
    const std::string verdict =
        result ? std::string(api::enumName(result->result)) : std::string("-");
    line.key += "|" + metric.name + "=" + verdict;
    line.text += " | " + metric.name + " " +
                 formatValue(metric, result ? result->value : std::nullopt) + " (" +
                 formatThreshold(metric) + ") " + verdict;
  }
  if (status.failed_checks > 0) {
    line.text += " | failed checks " + std::to_string(status.failed_checks) + "/" +
                 std::to_string(view.spec.analysis.failure_limit);
  }
  if (!status.message.empty()) line.text += " | " + status.message;
  return line;
}

std::string fitToWidth(std::string_view line, int width) {
  if (width <= 0) return std::string(line);
  std::string out;
  int columns = 0;
  bool colored = false;
  for (std::size_t i = 0; i < line.size();) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == 0x1b) {
      std::size_t end = i + 1;
      while (end < line.size() && !std::isalpha(static_cast<unsigned char>(line[end]))) ++end;
      const std::string_view sequence = line.substr(i, end + 1 - i);
      colored = sequence != "\x1b[0m";
      out += sequence;
      i = end + 1;
      continue;
    }
    std::size_t length = 1;
    if ((c & 0xE0) == 0xC0) {
      length = 2;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
    }
    if (columns == width) {
      if (colored) out += "\x1b[0m";
      return out;
    }
    out += line.substr(i, length);
    ++columns;
    i += length;
  }
  return out;
}

}  // namespace aviary::cli
