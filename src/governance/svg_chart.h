#pragma once

#include <string>

#include "governance/card.h"

namespace aviary::governance {

// An inline SVG line chart of one gate: its samples over time (rounds without a value are left
// out), a dashed line per threshold, axis labels with the value range. Self-contained markup with
// class "gate-chart" and data-gate="<name>"; each point is a <circle> with data-value and a
// <title>, so the values are in the document, not only in the picture.
std::string svgChart(const GateSeries& gate);

}  // namespace aviary::governance
