#include "governance/card.h"

#include "api/names.h"
#include "common/time_format.h"

namespace aviary::governance {

std::string cardConfigMapName(std::string_view deployment, std::string_view revision) {
  constexpr std::size_t kMaxName = 253;
  const std::string suffix = "-" + std::string(revision) + "-card";
  const std::size_t room = kMaxName > suffix.size() ? kMaxName - suffix.size() : 0;
  return std::string(deployment.substr(0, room)) + suffix;
}

std::vector<GateSeries> gatesOf(const api::AnalysisSpec& analysis) {
  std::vector<GateSeries> gates;
  for (const auto& metric : analysis.metrics) {
    GateSeries gate;
    gate.name = metric.name;
    gate.source = metric.builtin ? std::string(api::enumName(*metric.builtin)) : "prometheus";
    gate.min = metric.min;
    gate.max = metric.max;
    gates.push_back(std::move(gate));
  }
  return gates;
}

namespace {

void add(std::vector<CardField>& fields, std::string name, std::string value) {
  if (!value.empty()) fields.push_back({std::move(name), std::move(value)});
}

}  // namespace

std::vector<CardField> modelFields(const ModelCard& card) {
  std::vector<CardField> fields;
  add(fields, "Namespace", card.ns);
  add(fields, "Name", card.model.name);
  add(fields, "Version", card.model.version);
  add(fields, "URI", card.model.uri);
  add(fields, "sha256", card.model.sha256.value_or(""));
  add(fields, "Runtime", card.model.runtime);
  add(fields, "Reference profile", card.model.reference.value_or(""));
  add(fields, "Replaced revision", card.replaced);
  if (card.started_at) add(fields, "Rollout started", formatRfc3339(*card.started_at));
  return fields;
}

std::vector<CardField> provenanceFields(const api::Provenance& provenance) {
  std::vector<CardField> fields;
  if (provenance.dataset) {
    add(fields, "Dataset", provenance.dataset->uri);
    add(fields, "Dataset sha256", provenance.dataset->sha256.value_or(""));
  }
  add(fields, "Training run", provenance.training_run.value_or(""));
  add(fields, "Code commit", provenance.code_commit.value_or(""));
  add(fields, "Owner", provenance.owner.value_or(""));
  add(fields, "Intended use", provenance.intended_use.value_or(""));
  for (const auto& [key, value] : provenance.labels) add(fields, "Label " + key, value);
  return fields;
}

}  // namespace aviary::governance
