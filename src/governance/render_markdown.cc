#include <sstream>

#include "api/names.h"
#include "common/time_format.h"
#include "governance/format.h"
#include "governance/render.h"

namespace aviary::governance {

namespace {

void fields(std::ostringstream& out, const std::vector<CardField>& lines) {
  for (const auto& [name, value] : lines) out << "- **" << name << "**: " << value << "\n";
}

std::string threshold(const GateSeries& gate) {
  if (gate.min && gate.max) {
    return formatNumber(*gate.min) + " ≤ value ≤ " + formatNumber(*gate.max);
  }
  if (gate.max) return "≤ " + formatNumber(*gate.max);
  if (gate.min) return "≥ " + formatNumber(*gate.min);
  return "-";
}

}  // namespace

std::string renderMarkdown(const ModelCard& card) {
  std::ostringstream out;
  out << "# Model card: " << card.deployment << " revision " << card.revision << "\n\n";
  out << "**" << api::enumName(card.outcome) << "** at " << formatRfc3339(card.decided_at) << ": "
      << card.reason << "\n\n";
  out << "## Model\n\n";
  fields(out, modelFields(card));
  if (card.model.provenance) {
    out << "\n## Provenance\n\n";
    fields(out, provenanceFields(*card.model.provenance));
  }
  out << "\n## Timeline\n\n| Time | Event | Step | Weight | Detail |\n|---|---|---|---|---|\n";
  for (const auto& entry : card.timeline) {
    out << "| " << formatRfc3339(entry.at) << " | " << entry.what << " | " << entry.step << " | "
        << entry.weight << "% | " << escapeMarkdownCell(entry.detail) << " |\n";
  }
  out << "\n## Gates\n";
  for (const auto& gate : card.gates) {
    out << "\n### " << gate.name << " (" << gate.source << ", " << threshold(gate) << ")\n\n";
    if (gate.samples.empty()) {
      out << "No analysis round measured this gate.\n";
      continue;
    }
    out << "| Time | Value | Result |\n|---|---|---|\n";
    for (const auto& sample : gate.samples) {
      out << "| " << formatRfc3339(sample.at) << " | " << formatNumber(sample.value) << " | "
          << api::enumName(sample.result) << " |\n";
    }
  }
  return out.str();
}

}  // namespace aviary::governance
