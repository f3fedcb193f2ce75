#include <sstream>

#include "api/names.h"
#include "common/time_format.h"
#include "governance/format.h"
#include "governance/render.h"

namespace aviary::governance {

namespace {

void field(std::ostringstream& out, std::string_view name, std::string_view value) {
  if (!value.empty()) out << "- **" << name << "**: " << value << "\n";
}

void provenance(std::ostringstream& out, const api::Provenance& source) {
  out << "\n## Provenance\n\n";
  if (source.dataset) {
    field(out, "Dataset", source.dataset->uri);
    field(out, "Dataset sha256", source.dataset->sha256.value_or(""));
  }
  field(out, "Training run", source.training_run.value_or(""));
  field(out, "Code commit", source.code_commit.value_or(""));
  field(out, "Owner", source.owner.value_or(""));
  field(out, "Intended use", source.intended_use.value_or(""));
  for (const auto& [key, value] : source.labels) field(out, "Label " + key, value);
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
  field(out, "Namespace", card.ns);
  field(out, "Name", card.model.name);
  field(out, "Version", card.model.version);
  field(out, "URI", card.model.uri);
  field(out, "sha256", card.model.sha256.value_or(""));
  field(out, "Runtime", card.model.runtime);
  field(out, "Reference profile", card.model.reference.value_or(""));
  field(out, "Replaced revision", card.replaced);
  if (card.started_at) field(out, "Rollout started", formatRfc3339(*card.started_at));
  if (card.model.provenance) provenance(out, *card.model.provenance);

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
