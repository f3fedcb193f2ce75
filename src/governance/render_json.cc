#include "api/json.h"
#include "api/names.h"
#include "common/time_format.h"
#include "governance/render.h"

namespace aviary::governance {

using nlohmann::json;

namespace {

json optionalNumber(const std::optional<double>& value) { return value ? json(*value) : json(); }

}  // namespace

json renderJson(const ModelCard& card) {
  api::ModelDeploymentSpec spec;
  spec.model = card.model;
  json timeline = json::array();
  for (const auto& entry : card.timeline) {
    timeline.push_back({{"at", formatRfc3339(entry.at)},
                        {"what", entry.what},
                        {"step", entry.step},
                        {"weight", entry.weight},
                        {"detail", entry.detail}});
  }
  json gates = json::array();
  for (const auto& gate : card.gates) {
    json samples = json::array();
    for (const auto& sample : gate.samples) {
      samples.push_back({{"at", formatRfc3339(sample.at)},
                         {"value", optionalNumber(sample.value)},
                         {"result", api::enumName(sample.result)}});
    }
    gates.push_back({{"name", gate.name},
                     {"source", gate.source},
                     {"min", optionalNumber(gate.min)},
                     {"max", optionalNumber(gate.max)},
                     {"samples", samples}});
  }
  json out = {{"apiVersion", "aviary.dev/v1alpha1"},
              {"kind", "ModelCard"},
              {"deployment", card.deployment},
              {"namespace", card.ns},
              {"revision", card.revision},
              {"replaced", card.replaced},
              {"model", api::toJson(spec).at("model")},
              {"outcome", api::enumName(card.outcome)},
              {"reason", card.reason},
              {"decidedAt", formatRfc3339(card.decided_at)},
              {"timeline", timeline},
              {"gates", gates}};
  out["startedAt"] = card.started_at ? json(formatRfc3339(*card.started_at)) : json();
  return out;
}

}  // namespace aviary::governance
