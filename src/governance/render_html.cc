#include <sstream>

#include "api/names.h"
#include "common/time_format.h"
#include "governance/format.h"
#include "governance/render.h"
#include "governance/svg_chart.h"

namespace aviary::governance {

namespace {

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em;color:#212121}"
    "table{border-collapse:collapse;margin:0.5em 0}"
    "td,th{border:1px solid #e0e0e0;padding:0.25em 0.6em;text-align:left;vertical-align:top}"
    "th{background:#f5f5f5}.outcome{font-size:1.2em;padding:0.5em;border-radius:4px}"
    ".promoted{background:#e8f5e9}.rolledBack,.aborted{background:#ffebee}"
    "figure{margin:1em 0}figcaption{font-weight:bold}";

// A two-column table of `lines`, with `id`.
void fieldTable(std::ostringstream& out, std::string_view id, const std::vector<CardField>& lines) {
  out << "<table id=\"" << id << "\">";
  for (const auto& [name, value] : lines) {
    out << "<tr><th>" << escapeHtml(name) << "</th><td>" << escapeHtml(value) << "</td></tr>";
  }
  out << "</table>";
}

void gateSection(std::ostringstream& out, const GateSeries& gate) {
  out << "<figure class=\"gate\" data-gate=\"" << escapeHtml(gate.name) << "\"><figcaption>"
      << escapeHtml(gate.name) << " (" << escapeHtml(gate.source) << "; min "
      << formatNumber(gate.min) << ", max " << formatNumber(gate.max) << ")</figcaption>"
      << svgChart(gate) << "</figure>";
}

}  // namespace

std::string renderHtml(const ModelCard& card) {
  const std::string title = "Model card: " + card.deployment + " revision " + card.revision;
  const std::string outcome(api::enumName(card.outcome));
  std::ostringstream out;
  out << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
      << escapeHtml(title) << "</title><style>" << kStyle << "</style></head><body>";
  out << "<h1>" << escapeHtml(title) << "</h1>";
  out << "<p id=\"outcome\" class=\"outcome " << outcome << "\"><strong>" << outcome
      << "</strong> at " << formatRfc3339(card.decided_at) << ": " << escapeHtml(card.reason)
      << "</p>";
  out << "<h2>Model</h2>";
  fieldTable(out, "model", modelFields(card));
  if (card.model.provenance) {
    out << "<h2>Provenance</h2>";
    fieldTable(out, "provenance", provenanceFields(*card.model.provenance));
  }

  out << "<h2>Timeline</h2><table id=\"timeline\"><thead><tr><th>Time</th><th>Event</th>"
         "<th>Step</th><th>Weight</th><th>Detail</th></tr></thead><tbody>";
  for (const auto& entry : card.timeline) {
    out << "<tr class=\"event\" data-what=\"" << escapeHtml(entry.what) << "\"><td>"
        << formatRfc3339(entry.at) << "</td><td>" << escapeHtml(entry.what) << "</td><td>"
        << entry.step << "</td><td>" << entry.weight << "%</td><td>" << escapeHtml(entry.detail)
        << "</td></tr>";
  }
  out << "</tbody></table>";
  out << "<h2>Gates</h2>";
  for (const auto& gate : card.gates) gateSection(out, gate);
  out << "</body></html>\n";
  return out.str();
}

}  // namespace aviary::governance
