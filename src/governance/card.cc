#include "governance/card.h"

#include "api/names.h"

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

}  // namespace aviary::governance
