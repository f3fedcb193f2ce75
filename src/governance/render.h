#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "governance/card.h"

// A model card in three forms. Pure functions of the card: equal cards render byte-identically,
// so a ConfigMap rewritten from the same card does not change.
namespace aviary::governance {

// Markdown for a terminal or a pull request: headings, key/value lists and tables.
std::string renderMarkdown(const ModelCard& card);

// The card as data, for tools: {"kind": "ModelCard", "model": {...spec.model...}, "timeline":
// [...], "gates": [{"name", "min", "max", "samples": [{"at", "value", "result"}]}], ...}.
nlohmann::json renderJson(const ModelCard& card);

// One self-contained HTML page (no scripts, no external resources): the model, its provenance,
// the timeline as a table (id "timeline") and one inline SVG chart per gate (class "gate-chart",
// data-gate="<name>"), each point carrying its value in data-value, each threshold a line.
std::string renderHtml(const ModelCard& card);

}  // namespace aviary::governance
