#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/time_format.h"
#include "governance/card.h"

// A card with every field set, as the controller would write it after a three-step rollout
// with two gates, one of which once failed.
namespace aviary::governance::testing {

inline Timestamp at(const char* rfc3339) { return *parseRfc3339(rfc3339); }

inline ModelCard sampleCard() {
  ModelCard card;
  card.deployment = "churn";
  card.ns = "ml";
  card.revision = "1a2b3c4d5e";
  card.replaced = "7c9f00aa11";
  card.model.name = "churn";
  card.model.version = "2026-11-20";
  card.model.uri = "https://models.example/churn/model.json";
  card.model.sha256 = std::string(64, 'a');
  card.model.reference = "file:///models/churn/profile.json";
  card.model.provenance = api::Provenance{
      .dataset = api::DatasetRef{"s3://datasets/churn/2026-11", std::string(64, 'c')},
      .training_run = "https://mlflow.example/#/runs/4f2a",
      .code_commit = "0123456789abcdef0123456789abcdef01234567",
      .owner = "risk-models@example.com",
      .intended_use = "Ranking retention offers <not credit> | internal",
      .labels = {{"team", "risk"}}};
  card.outcome = api::Outcome::kPromoted;
  card.reason = "all steps passed analysis";
  card.started_at = at("2026-12-01T10:00:00Z");
  card.decided_at = at("2026-12-01T10:03:00Z");
  card.timeline = {
      {at("2026-12-01T10:00:00Z"), "started", 0, 0, "canary 1a2b3c4d5e created"},
      {at("2026-12-01T10:00:30Z"), "step", 0, 10, "setWeight 10"},
      {at("2026-12-01T10:01:00Z"), "analysis", 0, 10, "latency-p99=41 Pass, errors=3.5 Fail"},
      {at("2026-12-01T10:01:30Z"), "step", 1, 50, "setWeight 50"},
      {at("2026-12-01T10:03:00Z"), "promoted", 2, 100, "all steps passed analysis"},
  };
  GateSeries latency{"latency-p99", "latencyP99", std::nullopt, 50, {}};
  latency.samples = {{at("2026-12-01T10:01:00Z"), 41, api::CheckResult::kPass},
                     {at("2026-12-01T10:01:30Z"), 44.5, api::CheckResult::kPass},
                     {at("2026-12-01T10:02:00Z"), std::nullopt, api::CheckResult::kNoData},
                     {at("2026-12-01T10:02:30Z"), 38.25, api::CheckResult::kPass}};
  GateSeries errors{"errors", "errorRate", 0, 2, {}};
  errors.samples = {{at("2026-12-01T10:01:00Z"), 3.5, api::CheckResult::kFail},
                    {at("2026-12-01T10:01:30Z"), 0.5, api::CheckResult::kPass}};
  card.gates = {latency, errors};
  return card;
}

// Compares `got` with the golden file; AVIARY_UPDATE_GOLDEN=1 rewrites the file instead (review
// the diff before committing it).
inline std::string readGolden(const std::string& path, const std::string& got) {
  if (const char* update = std::getenv("AVIARY_UPDATE_GOLDEN");
      update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << got;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace aviary::governance::testing
