#include "governance/svg_chart.h"

#include <algorithm>
#include <sstream>

#include "api/names.h"
#include "common/time_format.h"
#include "governance/format.h"

namespace aviary::governance {

namespace {

constexpr double kWidth = 480;
constexpr double kHeight = 180;
constexpr double kLeft = 56;
constexpr double kRight = 12;
constexpr double kTop = 12;
constexpr double kBottom = 28;

const char* colourOf(api::CheckResult result) {
  switch (result) {
    case api::CheckResult::kPass:
      return "#2e7d32";
    case api::CheckResult::kFail:
      return "#c62828";
    default:
      return "#757575";
  }
}

}  // namespace

std::string svgChart(const GateSeries& gate) {
  std::vector<const GateSample*> points;
  for (const auto& sample : gate.samples) {
    if (sample.value) points.push_back(&sample);
  }
  // The value range covers the points and the thresholds, with a margin so nothing sits on the
  // frame.
  double low = 0;
  double high = 0;
  bool any = false;
  const auto cover = [&](double value) {
    low = any ? std::min(low, value) : value;
    high = any ? std::max(high, value) : value;
    any = true;
  };
  for (const auto* point : points) cover(*point->value);
  if (gate.min) cover(*gate.min);
  if (gate.max) cover(*gate.max);
  const double span = high - low;
  const double margin = span > 0 ? span * 0.1 : (low != 0 ? std::abs(low) * 0.1 : 1);
  low -= margin;
  high += margin;
  const double plot_width = kWidth - kLeft - kRight;
  const double plot_height = kHeight - kTop - kBottom;
  const auto y_of = [&](double value) {
    return kTop + plot_height * (1 - (value - low) / (high - low));
  };
  const auto first = points.empty() ? Timestamp{} : points.front()->at;
  const auto last = points.empty() ? Timestamp{} : points.back()->at;
  const double seconds = std::chrono::duration<double>(last - first).count();
  const auto x_of = [&](std::size_t index, Timestamp at) {
    if (points.size() < 2) return kLeft + plot_width / 2;
    if (seconds <= 0) return kLeft + plot_width * static_cast<double>(index) / (points.size() - 1);
    return kLeft + plot_width * std::chrono::duration<double>(at - first).count() / seconds;
  };

  std::ostringstream svg;
  svg << "<svg class=\"gate-chart\" data-gate=\"" << escapeHtml(gate.name)
      << "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" viewBox=\"0 0 " << kWidth << " " << kHeight << "\" role=\"img\">";
  svg << "<title>" << escapeHtml(gate.name) << " over the rollout</title>";
  svg << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << plot_width << "\" height=\""
      << plot_height << "\" fill=\"#fafafa\" stroke=\"#bdbdbd\"/>";
  svg << "<text x=\"" << kLeft - 4 << "\" y=\"" << kTop + 10
      << "\" text-anchor=\"end\" font-size=\"10\">" << formatNumber(high) << "</text>";
  svg << "<text x=\"" << kLeft - 4 << "\" y=\"" << kTop + plot_height
      << "\" text-anchor=\"end\" font-size=\"10\">" << formatNumber(low) << "</text>";
  for (const auto& [kind, bound] : {std::pair{"min", gate.min}, std::pair{"max", gate.max}}) {
    if (!bound) continue;
    const double y = y_of(*bound);
    svg << "<line class=\"threshold\" data-threshold=\"" << kind << "\" data-value=\""
        << formatNumber(*bound) << "\" x1=\"" << kLeft << "\" x2=\"" << kLeft + plot_width
        << "\" y1=\"" << y << "\" y2=\"" << y << "\" stroke=\"#c62828\" stroke-dasharray=\"4 3\"/>";
    svg << "<text x=\"" << kLeft + plot_width - 2 << "\" y=\"" << y - 3
        << "\" text-anchor=\"end\" font-size=\"10\" fill=\"#c62828\">" << kind << " "
        << formatNumber(*bound) << "</text>";
  }
  if (points.size() > 1) {
    svg << "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"";
    for (std::size_t i = 0; i < points.size(); ++i) {
      svg << (i ? " " : "") << x_of(i, points[i]->at) << "," << y_of(*points[i]->value);
    }
    svg << "\"/>";
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& point = *points[i];
    svg << "<circle class=\"sample\" data-value=\"" << formatNumber(*point.value)
        << "\" data-result=\"" << api::enumName(point.result) << "\" cx=\"" << x_of(i, point.at)
        << "\" cy=\"" << y_of(*point.value) << "\" r=\"3\" fill=\"" << colourOf(point.result)
        << "\"><title>" << formatRfc3339(point.at) << ": " << formatNumber(*point.value) << " ("
        << api::enumName(point.result) << ")</title></circle>";
  }
  if (points.empty()) {
    svg << "<text x=\"" << kLeft + plot_width / 2 << "\" y=\"" << kTop + plot_height / 2
        << "\" text-anchor=\"middle\" font-size=\"12\">no data</text>";
  } else {
    svg << "<text x=\"" << kLeft << "\" y=\"" << kHeight - 8 << "\" font-size=\"10\">"
        << formatRfc3339(first) << "</text>";
    svg << "<text x=\"" << kLeft + plot_width << "\" y=\"" << kHeight - 8
        << "\" text-anchor=\"end\" font-size=\"10\">" << formatRfc3339(last) << "</text>";
  }
  svg << "</svg>";
  return svg.str();
}

}  // namespace aviary::governance
